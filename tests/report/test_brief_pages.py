"""The council brief in real LibreOffice: at most 3 pages for every example and every decided case, and page 1
holds the decision, the outcome, how complete the assessment is, what it would take and the start of the red
flags (read from the PDF LibreOffice makes, as a council member would see it)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from pia.report import assessment_for, context_for, render
from pia.report.pdf import docx_to_pdf

from .reportkit import (
    GENERATED,
    ROOT,
    RULE_ID_SHAPE,
    example_files,
    ids_in,
    load_example,
    pdf_pages,
    pdftotext_or_skip,
    rule_ids,
    soffice_or_skip,
)


def _is_answers_file(path: Path) -> bool:
    """An answers file names its questionnaire at the top (a case's `.flags.yaml` holds expectations instead)."""
    return re.search(r"^questionnaire:\s*\S", path.read_text(encoding="utf-8"), re.M) is not None


CASES = sorted(p for p in (ROOT / "tests" / "cases").glob("*.yaml") if _is_answers_file(p))
BRIEFS = example_files() + [ROOT / "tests" / "fixtures" / "mini" / "answers_complete.yaml"] + CASES


def test_every_case_and_example_is_covered() -> None:
    """Guards the parametrisation: the shipped examples and the decided cases are all here."""
    shipped = sorted((ROOT / "questionnaires" / "camera-hria" / "examples").glob("*.yaml"))
    assert len(shipped) >= 9 and len(CASES) >= 15
    assert set(shipped) <= set(BRIEFS) and set(CASES) <= set(BRIEFS)
    assert not any(p.name.endswith(".flags.yaml") for p in BRIEFS)


def _page_text(pdf: bytes, first: int, last: int) -> str:
    """The text in the order LibreOffice wrote it (-raw): a table cell's lines stay together."""
    exe = pdftotext_or_skip()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([exe, "-raw", "-enc", "UTF-8", "-f", str(first), "-l", str(last), str(src), "-"],
                             capture_output=True, check=True, timeout=300)
    return " ".join(out.stdout.decode("utf-8").split())


def _flat(text: str) -> str:
    """Without whitespace: LibreOffice may break a line where the text has no space ('Art. 5(1)' / '(h)')."""
    return "".join(text.split())


@pytest.mark.slow
@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.stem)
def test_brief_is_at_most_three_pages_with_the_decision_on_page_one(path: Path) -> None:
    soffice_or_skip()
    ex = load_example(path)
    # As `pia report --brief` and the app make it: with what it would take worked out.
    a = assessment_for(ex.q, ex.answers, remedy=True)
    pdf = docx_to_pdf(render(ex.q, ex.answers, "docx", brief=True, generated=GENERATED, assessment=a))
    assert pdf_pages(pdf) <= 3
    ctx = context_for(ex.q, ex.answers, brief=True, generated=GENERATED, assessment=a)
    council = ctx["council"]
    page1 = _flat(_page_text(pdf, 1, 1))
    wanted = [
        f"Decision requested: {council['decision']['label']}", council["decision"]["sentence"],
        council["decision"]["options_text"], f"Outcome: {ctx['outcome']['label']}", *council["reasons"],
        "How complete the assessment is", council["completeness"]["figure"], council["remedy"]["heading"],
        council["remedy"]["intro"], *council["remedy"]["changes"][:1], "Red flags",
    ]
    if council["flags"]:
        wanted.append(_flat(council["flags"][0]["title"]))
    for text in wanted:
        assert _flat(text) in page1, text
    # The decision comes before everything else on the page.
    assert page1.index("Decisionrequested") < page1.index("Outcome:") < page1.index("Howcomplete")
    whole = _page_text(pdf, 1, 3)
    for f in council["flags"]:
        assert _flat(f["title"]) in _flat(whole) and _flat(f["law"]) in _flat(whole), f["title"]
    # Every other red flag is named in the one line of those that cannot change the outcome (which may run
    # across a page break, so only its opening is looked for in the PDF).
    rows = {f["title"] for f in council["flags"]}
    for f in ctx["red_flags"]:
        assert f["title"] in rows or f["title"] in council["moot_flags"], f["title"]
    if council["moot_flags"]:
        assert _flat(council["moot_flags"][:60]) in _flat(whole)
    # No rule ids for councillors: neither the rulebook's ids nor anything shaped like one.
    assert ids_in(whole, rule_ids(ex.q)) == set()
    assert re.findall(RULE_ID_SHAPE, whole) == []
