"""Time each report format for every example answers file (not a test; prints a table).

    python benchmarks/report_formats.py [--pdf] [--repeat N]

Figures are for comparison within one run (ratios), not absolute promises.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from pia.answers import load
    from pia.loader import REPO_QUESTIONNAIRES, find_questionnaire, load_cached
    from pia.report import render

    ap = argparse.ArgumentParser()
    ap.add_argument("--pdf", action="store_true", help="include PDF (needs LibreOffice; slow)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    formats = ["json", "md", "docx"] + (["pdf"] if args.pdf else [])
    files = sorted(REPO_QUESTIONNAIRES.glob("*/examples/*.yaml"))
    print(f"{'example':40} {'kind':6} " + " ".join(f"{f:>14}" for f in formats))
    for path in files:
        answers, _ = load(path)
        q = load_cached(find_questionnaire(answers.questionnaire))
        for brief in (False, True):
            cells = []
            for fmt in formats:
                times, size = [], 0
                for _ in range(1 if fmt == "pdf" else args.repeat):
                    t = time.perf_counter()
                    size = len(render(q, answers, fmt, brief=brief, generated="2026-01-01"))
                    times.append(time.perf_counter() - t)
                cells.append(f"{statistics.median(times):6.2f}s {size // 1024:5d}K")
            print(f"{path.stem:40} {'brief' if brief else 'full':6} " + " ".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()
