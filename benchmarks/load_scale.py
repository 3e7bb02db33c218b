"""How load + validate time grows with the size of the instrument.

Run: python benchmarks/load_scale.py   (prints a markdown table; medians of repeated runs)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write  # noqa: E402
from timing import median as median_seconds  # noqa: E402

from pia import answers as A  # noqa: E402
from pia.loader import load_questionnaire  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "mini" / "mini.yaml"




def main() -> None:
    rows = [("fixture (mini)", len(load_questionnaire(FIXTURE).questions()),
             median_seconds(lambda: load_questionnaire(FIXTURE), 50), None)]
    with tempfile.TemporaryDirectory() as tmp:
        for n, repeat in ((100, 20), (1000, 7), (10000, 3)):
            qp, ap = write(n, Path(tmp))
            load_t = median_seconds(lambda qp=qp: load_questionnaire(qp), repeat)
            q = load_questionnaire(qp)

            def validate_answers(q=q, ap=ap) -> None:
                s, doc = A.load(ap)
                assert not A.validate(s, q, doc)
                A.completeness(q, s.answers)

            rows.append((f"synthetic {n}", n, load_t, median_seconds(validate_answers, repeat)))
    base = rows[1][2] / rows[1][1]
    print("| instrument | questions | load + validate (ms) | per question vs 100 | answers validate + completeness (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, n, t, a in rows:
        ratio = f"{(t / n) / base:.2f}x" if name.startswith("synthetic") else "-"
        print(f"| {name} | {n} | {t * 1000:.1f} | {ratio} | {'-' if a is None else f'{a * 1000:.1f}'} |")


if __name__ == "__main__":
    main()
