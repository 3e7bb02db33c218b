"""Median AppTest rerun time of a wizard step with the full camera instrument.

Run: python benchmarks/app_rerun.py [EXAMPLE.yaml]
Loads an example answers file as a new draft (temporary SQLite store), then
clicks Next through every section and changes one answer per step, timing
each rerun (callback + script + engine + autosave). Prints the median and
the 90th percentile. A measurement, not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    example = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        ROOT / "questionnaires/camera-hria/examples/town_centre_cctv_large.yaml"
    tmp = tempfile.mkdtemp()
    os.environ["PIA_DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(example.name, example.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    assert not at.exception, at.exception
    steps, edits = [], []
    seen = set()
    while True:
        section = at.session_state["section"]
        if section in seen:
            break
        seen.add(section)
        keys = [t.key for t in [*at.text_input, *at.text_area] if t.key and t.key.startswith("w_") and not t.disabled]
        for key in keys[:3]:
            widget = at.text_input(key=key) if key in {t.key for t in at.text_input} else at.text_area(key=key)
            t0 = time.perf_counter()
            widget.input((widget.value or "") + " x").run()
            edits.append(time.perf_counter() - t0)
        nxt = at.button(key="next")
        if nxt.label != "Next":
            break
        t0 = time.perf_counter()
        nxt.click().run()
        steps.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    for name, xs in (("Next (change of step)", steps), ("edit one answer", edits)):
        xs = sorted(xs)
        p90 = xs[int(0.9 * (len(xs) - 1))]
        print(f"{name}: n={len(xs)} median {statistics.median(xs) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
              f"max {max(xs) * 1000:.0f} ms")
    print(f"sections visited: {len(seen)}")


if __name__ == "__main__":
    main()
