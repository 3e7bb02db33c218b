"""How long assess() takes on drafts part-way through the camera instrument, before and after a change.

Run: python benchmarks/bench_assess_draft.py                       (this checkout)
     python benchmarks/bench_assess_draft.py --roots /tmp/before .  (each checkout in turn, then after/before)

A draft is an example's answers cut to its first 0 / 25 / 50 / 75 % (questionnaire order), as an official
meets them while filling it in; the wizard assesses such a draft after every change (the decision bar). Each
checkout is timed in its own process (its `pia` first on the path), alternating, and the CPU time of one
assess() is the median of the repeats. A measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("town_centre_cctv_large", "live_fr_police_unauthorised", "parking_plate_readers", "school_cctv")
FRACTIONS = (0.0, 0.25, 0.5, 0.75)

TIMER = """
import json, statistics, sys, time
from pathlib import Path
from pia.answers import AnswerSet
from pia.assess import assess
from pia.intake import open_assessment

out = {}
for name in NAMES:
    o = open_assessment(Path("questionnaires/camera-hria/examples") / f"{name}.yaml")
    q, a = o.questionnaire, o.answers
    order = [x.id for x in q.questions()]
    given = [k for k in order if k in a.answers]
    for frac in FRACTIONS:
        keep = given[: int(len(given) * frac)]
        draft = AnswerSet(a.questionnaire, a.questionnaire_version, dict(a.meta), {k: a.answers[k] for k in keep},
                          {k: v for k, v in a.evidence.items() if k in keep})
        assess(q, draft)
        times = []
        for _ in range(REPEAT):
            t0 = time.process_time()
            assess(q, draft)
            times.append(time.process_time() - t0)
        out[f"{name} {int(frac * 100)}%"] = statistics.median(times) * 1000
print(json.dumps(out))
"""


def time_root(root: Path, repeat: int) -> dict[str, float]:
    code = f"NAMES = {EXAMPLES!r}\nFRACTIONS = {FRACTIONS!r}\nREPEAT = {repeat}\n" + TIMER
    r = subprocess.run([sys.executable, "-c", code], cwd=root, env={"PYTHONPATH": str(root), "PATH": ""},
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--roots", nargs="+", type=Path, default=[ROOT], help="checkouts to time (first = before)")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=2, help="times each checkout is timed, alternating")
    opts = ap.parse_args()
    roots = [r.resolve() for r in opts.roots]
    runs: dict[Path, list[dict[str, float]]] = {r: [] for r in roots}
    for _ in range(opts.rounds):   # alternating, so the checkouts share the machine's load
        for r in roots:
            runs[r].append(time_root(r, opts.repeat))
    best = {r: {k: min(x[k] for x in runs[r]) for k in runs[r][0]} for r in roots}
    head = "| draft | " + " | ".join(f"{r} (ms CPU)" for r in roots) + (" | after/before |" if len(roots) > 1 else " |")
    print(head)
    print("|---|" + "---:|" * (len(roots) + (len(roots) > 1)))
    first, last = best[roots[0]], best[roots[-1]]
    for k in first:
        cells = " | ".join(f"{best[r][k]:.1f}" for r in roots)
        ratio = f" | {last[k] / first[k]:.2f}x" if len(roots) > 1 else ""
        print(f"| {k} | {cells}{ratio} |")
    if len(roots) > 1:
        total = sum(last.values()) / sum(first.values())
        print(f"\nall drafts together: after/before {total:.2f}x")


if __name__ == "__main__":
    main()
