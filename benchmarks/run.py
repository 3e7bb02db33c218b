"""pia's benchmarks in one run: a markdown table, also written to benchmarks/RESULTS.md.

Run:  python benchmarks/run.py            (about two to four minutes on 2 cores)

Every figure is a median of repeated runs; every comparison is a ratio of two
figures measured in this same run on this same machine, so the ratios hold
even when the absolute times do not. Not a test: it asserts nothing.
"""

from __future__ import annotations

import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import median  # noqa: E402

EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
LARGEST = EXAMPLES / "town_centre_cctv_large.yaml"
INSTRUMENT = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"
DATE = "2026-11-26"




def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


Row = tuple[str, str, str, str]  # what, figure, ratio, target/verdict


def report_overhead() -> list[Row]:
    """The whole `pia report` pipeline against docxtpl rendering the same template (the floor)."""
    from docxtpl import DocxTemplate, InlineImage

    from pia.answers import dumps
    from pia.intake import open_assessment
    from pia.report import context_for
    from pia.report.batch import write_atomic
    from pia.report.docx import BRIEF_MATRIX_WIDTH_MM, MATRIX_WIDTH_MM, default_template, make_env, render_docx
    from pia.report.matrix import draw_compact_png, draw_png

    opened = open_assessment(LARGEST)
    q, answers = opened.questionnaire, opened.answers
    out = Path(tempfile.mkdtemp()) / "report.docx"
    rows: list[Row] = []
    for brief in (False, True):
        ctx = context_for(q, answers, brief=brief, generated=DATE)
        png = (draw_compact_png if brief else draw_png)(ctx["matrix"], ctx["rights"])  # as render_docx does
        template = default_template(brief).read_bytes()

        def floor(ctx=ctx, png=png, template=template, brief=brief) -> None:
            from docx.shared import Mm

            tpl = DocxTemplate(io.BytesIO(template))
            c = dict(ctx)
            c["matrix_image"] = InlineImage(tpl, io.BytesIO(png), width=Mm(BRIEF_MATRIX_WIDTH_MM if brief
                                                                            else MATRIX_WIDTH_MM))
            tpl.render(c, jinja_env=make_env(), autoescape=True)
            tpl.save(io.BytesIO())

        def pipeline(brief=brief) -> None:
            o = open_assessment(LARGEST)  # questionnaire cached per process, as in the app and batch runs
            qq, aa = o.questionnaire, o.answers
            c = context_for(qq, aa, brief=brief, generated=DATE)
            write_atomic(out, render_docx(c, answers_yaml=dumps(aa, qq)))

        f = median(floor, 7)
        p = median(pipeline, 7)
        kind = "brief" if brief else "full"
        rows.append((f"docxtpl floor, {kind} report (largest example)", ms(f), "1.00x", ""))
        ratio = p / f
        rows.append((f"`pia report` pipeline, {kind} report", ms(p), f"{ratio:.2f}x",
                     "target <= 1.3x: " + ("met" if ratio <= 1.3 else "NOT met")))
    cold = median(lambda: subprocess.run([sys.executable, "-m", "pia", "report", str(LARGEST), "-o", str(out),
                                          "--date", DATE], cwd=ROOT, check=True, capture_output=True), 3, 0)
    rows.append(("`pia report` as a fresh process (imports + questionnaire load + report)", ms(cold),
                 f"{cold / f:.2f}x of the full-report floor", "one-off cost per command"))
    return rows


def batch() -> list[Row]:
    """N answers files to docx: reports per second on one core and on every core."""
    from pia.report.batch import plan, run

    sources = sorted(EXAMPLES.glob("*.yaml")) * 2
    out = Path(tempfile.mkdtemp())
    cores = os.cpu_count() or 1
    one = median(lambda: run(plan(sources, out, "docx", False, DATE), workers=1), 3, 1)
    many = median(lambda: run(plan(sources, out, "docx", False, DATE), workers=cores), 3, 1)
    n = len(sources)
    return [
        (f"batch of {n} full reports (docx), 1 process", f"{n / one:.1f} reports/s", "1.00x", ""),
        (f"batch of {n} full reports (docx), {cores} processes", f"{n / many:.1f} reports/s",
         f"{one / many:.2f}x", f"ideal {cores}.00x"),
    ]


def scale() -> list[Row]:
    """Load + validate + assess for instruments of 100 / 1,000 / 10,000 questions."""
    from generate import write

    from pia import answers as A
    from pia.assess import assess
    from pia.loader import load_questionnaire

    rows: list[Row] = []
    base = None
    tmp = Path(tempfile.mkdtemp())
    for n, repeat in ((100, 15), (1000, 5), (10000, 3)):
        qp, ap = write(n, tmp)

        def step(qp=qp, ap=ap) -> None:
            q = load_questionnaire(qp)
            s, doc = A.load(ap)
            assert not A.validate(s, q, doc)
            assess(q, s)

        t = median(step, repeat)
        per = t / n
        base = base or per
        rows.append((f"load + validate + assess, {n:,} questions", ms(t), f"{per / base:.2f}x per question",
                     "linear if about 1x"))
    return rows


def cold_start() -> list[Row]:
    """Start-up of the command line: heavy imports only when a command needs them."""
    py = median(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    help_t = median(lambda: subprocess.run([sys.executable, "-m", "pia", "--help"], cwd=ROOT, check=True,
                                           capture_output=True), 5)
    val = median(lambda: subprocess.run([sys.executable, "-m", "pia", "validate", str(INSTRUMENT)], cwd=ROOT,
                                        check=True, capture_output=True), 5)
    heavy = subprocess.run([sys.executable, "-c", "import sys, pia.cli, pia.loader, pia.answers; "
                            "print(sorted(m for m in ('docxtpl', 'sqlalchemy', 'streamlit', 'docx', 'PIL') "
                            "if m in sys.modules))"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return [
        ("`python -c pass` (interpreter floor)", ms(py), "1.00x", ""),
        ("`pia --help`", ms(help_t), f"{help_t / py:.2f}x", ""),
        ("`pia validate` the camera instrument (30 sections, 176 questions)", ms(val), f"{val / py:.2f}x", ""),
        ("heavy modules imported by validate", heavy or "[]", "", "expected []"),
    ]


def app_rerun() -> list[Row]:
    """Median AppTest rerun of a wizard step with the full instrument, against an empty app's rerun."""
    os.environ.setdefault("PIA_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    from streamlit.testing.v1 import AppTest

    empty = Path(tempfile.mkdtemp()) / "empty.py"
    empty.write_text("import streamlit as st\nst.write('x')\n")
    floor_app = AppTest.from_file(str(empty), default_timeout=60).run()
    floor = median(lambda: floor_app.run(), 15, 2)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(LARGEST.name, LARGEST.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    steps: list[float] = []
    seen: set[str] = set()
    while True:
        section = at.session_state["section"]
        if section in seen:
            break
        seen.add(section)
        nxt = at.button(key="next")
        if nxt.label != "Next":
            break
        t0 = time.perf_counter()
        nxt.click().run()
        steps.append(time.perf_counter() - t0)
    rerun = median(lambda: at.run(), 15, 1)
    step = statistics.median(steps)
    script = max(rerun - floor, 0.0)
    return [
        ("AppTest rerun of an empty app (harness floor)", ms(floor), "1.00x", ""),
        (f"wizard: Next to the following step (median of {len(steps)})", ms(step), f"{step / floor:.2f}x", ""),
        ("wizard: rerun of a step with the full instrument", ms(rerun), f"{rerun / floor:.2f}x", ""),
        ("wizard: script time of a rerun (rerun - floor)", ms(script), "",
         "target < 50 ms: " + ("met" if script < 0.050 else "NOT met")),
    ]


SECTIONS: list[tuple[str, Callable[[], list[Row]]]] = [
    ("Report overhead", report_overhead),
    ("Batch", batch),
    ("Scale", scale),
    ("Cold start", cold_start),
    ("App", app_rerun),
]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 2**20:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def main() -> None:
    from pia import __version__

    only = set(sys.argv[1:])
    lines = [
        "# pia benchmark results",
        "",
        f"pia {__version__}; machine: {machine()}.",
        "Each figure is a median of repeated runs; ratios compare figures measured in the same run.",
        "Produced by `python benchmarks/run.py`.",
        "",
        "| section | measurement | figure | ratio | target |",
        "|---|---|---:|---:|---|",
    ]
    for name, fn in SECTIONS:
        if only and name.lower().split()[0] not in only:
            continue
        print(f"running: {name} ...", file=sys.stderr, flush=True)
        for what, figure, ratio, target in fn():
            lines.append(f"| {name} | {what} | {figure} | {ratio} | {target} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not only:
        # Sections written by other benchmarks (each under a "## " heading, e.g. load_sessions.py's) are kept.
        results = ROOT / "benchmarks" / "RESULTS.md"
        old = results.read_text() if results.exists() else ""
        kept = old[old.index("\n## "):] if "\n## " in old else ""
        results.write_text(text + kept)


if __name__ == "__main__":
    main()
