"""Outcome reasons name questions by their wording, a few at most, on every surface.

People read the reasons (the app's panel, `pia assess`, the full report, the council brief): a question id such
as `sharing_basis` or a list of twenty questions hides the point. The ids stay in the Assessment's structured
fields (decisive gaps, the reasons' `questions`) and in the report's trace, where an auditor looks for them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pia.answers import load
from pia.assess import assess
from pia.assess.naming import MAX_NAMED
from pia.cli import main as cli
from pia.loader import find_questionnaire, load_cached
from pia.report import context_for, render
from pia.text import text

ROOT = Path(__file__).resolve().parents[2]
OPEN_CASES = [
    ROOT / "questionnaires" / "camera-hria" / "examples" / "live_fr_missing_child_authorised.yaml",
    ROOT / "tests" / "cases" / "groningen-151c-cameras.yaml",
]


def _case(path: Path):
    answers, _ = load(path)
    q = load_cached(find_questionnaire(answers.questionnaire))
    return q, answers, assess(q, answers)


def _ids_in(sentence: str, ids: set[str]) -> list[str]:
    """Question ids that stand in a sentence as words of their own (not inside a quoted wording)."""
    outside = re.sub("\u201c[^\u201d]*\u201d", "", sentence)
    return sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", outside))


def _gap_ids(a) -> set[str]:
    return {g.question for g in a.evidence_gaps} | set(a.decisive_gaps) | {
        x for r in a.reasons for x in r.questions}


def _quoted(sentence: str) -> list[str]:
    return re.findall("\u201c([^\u201d]*)\u201d", sentence)


@pytest.mark.parametrize("path", OPEN_CASES, ids=lambda p: p.stem)
def test_engine_reasons_name_questions_by_wording_and_cap_the_list(path):
    q, _, a = _case(path)
    ids = _gap_ids(a)
    assert ids and not a.decided
    # The structured fields keep the ids.
    assert all(q.question(x) is not None for x in a.decisive_gaps)
    assert a.reasons[0].kind == "open" and a.reasons[0].questions == a.decisive_gaps
    for reason, sentence in zip(a.reasons, a.outcome_reasons, strict=True):
        assert _ids_in(sentence, ids) == [], sentence
        assert "rules R-" not in sentence, sentence
        named = _quoted(sentence)
        assert named == [text(q.question(x).label) for x in reason.questions[:MAX_NAMED]], sentence
        more = len(reason.questions) - MAX_NAMED
        assert (f" and {more} more" in sentence) == (more > 0), sentence


def test_a_long_list_is_capped_with_how_many_more():
    _, _, a = _case(OPEN_CASES[1])
    opened = a.outcome_reasons[0]
    n = len(a.decisive_gaps)
    assert n > MAX_NAMED, "the case must turn on more questions than a reason names"
    assert f"it turns on {n} answers not yet known or claimed without evidence (" in opened
    assert opened.count("\u201c") == MAX_NAMED
    assert f"\u201d and {n - MAX_NAMED} more). Answer them to decide it." in opened
    gap = next(r for r in a.reasons if r.kind == "evidence_gap" and "privacy" in r.rights)
    m = len(gap.questions)
    assert m > MAX_NAMED
    privacy = next(s for s in a.outcome_reasons if s.startswith("The residual risk to privacy"))
    assert f"only because of {m} answers not yet known (" in privacy and f" and {m - MAX_NAMED} more)" in privacy
    # The brief caps its lists the same way.
    q, answers, _ = _case(OPEN_CASES[1])
    plain = context_for(q, answers, brief=True)["outcome"]["plain_reasons"]
    unknown = next(s for s in plain if s.startswith("The risk to privacy"))
    assert unknown.endswith(f"\u201d and {m - MAX_NAMED} more.") and unknown.count("\u201c") == MAX_NAMED


@pytest.mark.parametrize("path", OPEN_CASES, ids=lambda p: p.stem)
def test_cli_prints_the_worded_reasons(path):
    _, _, a = _case(path)
    result = CliRunner().invoke(cli, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line[4:] for line in result.output.splitlines() if line.startswith("  - ")]
    assert lines == a.outcome_reasons
    assert all(_ids_in(line, _gap_ids(a)) == [] for line in lines)


@pytest.mark.parametrize("path", OPEN_CASES, ids=lambda p: p.stem)
def test_full_reports_carry_the_worded_reasons(path):
    q, answers, a = _case(path)
    md = render(q, answers, "md", generated="2026-01-01").decode("utf-8").replace("\\", "")
    doc = Document(io.BytesIO(render(q, answers, "docx", generated="2026-01-01")))
    body = "\n".join(p.text for p in doc.paragraphs)
    for sentence in a.outcome_reasons:
        assert sentence in md and sentence in body, sentence


@pytest.mark.parametrize("path", OPEN_CASES, ids=lambda p: p.stem)
def test_brief_reasons_name_no_ids_and_cap_lists(path):
    q, answers, a = _case(path)
    ctx = context_for(q, answers, brief=True)
    ids = _gap_ids(a)
    for sentence in [*ctx["outcome"]["plain_reasons"], *ctx["council"]["reasons"]]:
        assert _ids_in(sentence, ids) == [], sentence
        assert len(_quoted(sentence)) <= MAX_NAMED, sentence


def test_app_panel_shows_the_worded_reasons(tmp_path, monkeypatch):
    from ..app.opening import uploaded

    path = OPEN_CASES[0]
    at = uploaded(path, tmp_path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value.replace("\\", "") for c in at.caption]
    q, _, _ = _case(path)
    wording = text(q.question("fr_group_rates").label)
    shown = [c for c in captions if "Open between" in c or "may apply" in c]
    assert shown, captions
    assert all("fr_group_rates" not in c for c in shown), shown
    assert any(wording[:40] in c for c in shown), shown
