"""How long the camera instrument takes to load, and each example to validate, assess and crosswalk.

Run: python benchmarks/bench_instrument.py   (prints medians; not a test, asserts nothing)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import median_ms  # noqa: E402

from pia.answers import load, validate, visible_questions  # noqa: E402
from pia.assess import assess  # noqa: E402
from pia.crosswalk import crosswalk  # noqa: E402
from pia.loader import load_questionnaire  # noqa: E402

CORE = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"




def main() -> None:
    load_ms = median_ms(lambda: load_questionnaire(CORE), 7)
    q = load_questionnaire(CORE)
    rb = q.rules
    print(f"instrument {q.id} {q.version}: {len(q.sections)} sections, {len(q.questions())} questions, "
          f"{len(rb.red_flags)} red flags, {len(rb.risk_rules)} risk rules, {len(rb.mitigations)} mitigations, "
          f"{sum(len(f.elements) for f in rb.frameworks)} framework elements")
    print(f"load + validate (all files): {load_ms:.0f} ms")
    print(f"{'example':38} {'shown':>5} {'validate':>9} {'assess':>8} {'crosswalk':>10}  (ms)")
    for path in sorted((CORE.parent / "examples").glob("*.yaml")):
        answers, doc = load(path)
        shown = len(visible_questions(q, answers.answers))
        v = median_ms(lambda a=answers, d=doc: validate(a, q, d), 21)
        a = median_ms(lambda a=answers: assess(q, a), 21)
        c = median_ms(lambda a=answers: crosswalk(q, a), 21)
        print(f"{path.stem:38} {shown:5d} {v:9.1f} {a:8.1f} {c:10.1f}")
    print(f"assess / load ratio for the largest example: "
          f"{median_ms(lambda: assess(q, load(CORE.parent / 'examples' / 'town_centre_cctv_large.yaml')[0]), 11) / load_ms:.3f}")


if __name__ == "__main__":
    main()
