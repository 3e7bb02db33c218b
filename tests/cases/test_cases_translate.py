"""The decided cases are translated faithfully and completely, and docs/cases.md shows pia's current results.

These tests check the translation (one valid answers file per fact sheet, each answer with its fact above it,
every must_flag item mapped to real rule ids) and the measuring code; they deliberately do not assert that
pia's outcomes fall within the expected classes (that test belongs with the engine rework).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia.assess import assess
from pia.cli import main as cli
from pia.errors import PiaError
from pia.loader import load_cached
from pia.rules_model import OUTCOMES

from . import cases
from .table import DOC, render

SHEET = cases.load_cases()
IDS = [c.id for c in SHEET]


@pytest.fixture(scope="module")
def questionnaire():
    return load_cached(cases.QUESTIONNAIRE)


def test_every_sheet_has_an_answers_file_and_a_sidecar_and_nothing_else():
    answers = {p.stem for p in cases.HERE.glob("*.yaml") if not p.name.endswith(".flags.yaml")}
    sidecars = {p.name.removesuffix(".flags.yaml") for p in cases.HERE.glob("*.flags.yaml")}
    assert len(IDS) == len(set(IDS)) and IDS, "case ids must be unique and the sheet non-empty"
    assert answers == set(IDS)
    assert sidecars == set(IDS)


def test_outcome_classes_cover_every_pia_outcome_and_only_those():
    assert set(cases.CLASS_OF) == set(OUTCOMES)
    assert set(cases.CLASSES) >= {cls for c in SHEET for cls in c.expected + c.must_not}


@pytest.mark.parametrize("case_id", IDS)
def test_answers_file_passes_pia_validate(case_id: str):
    result = CliRunner().invoke(cli, ["validate", "-q", str(cases.QUESTIONNAIRE), str(cases.answers_path(case_id))])
    assert result.exit_code == 0, result.output
    assert ": ok (answers for camera_hria" in result.output


@pytest.mark.parametrize("case_id", IDS)
def test_every_question_the_case_is_asked_has_an_answer(case_id: str):
    """A translation answers every question the instrument asks of it, `unknown` where the sheet is silent: a
    question left out would read as unknown too, but silently, and nobody could tell a fact missed from a fact
    the sheet does not give (questions added by a new instrument version must be answered here as well)."""
    result = CliRunner().invoke(cli, ["validate", "--complete", "-q", str(cases.QUESTIONNAIRE),
                                      str(cases.answers_path(case_id))])
    assert result.exit_code == 0, result.output
    assert "complete)" in result.output, result.output


@pytest.mark.parametrize("case_id", IDS)
def test_answers_name_the_instrument_and_its_version(case_id: str, questionnaire):
    opened = cases.open_case(case_id)   # raises PiaError on any validation problem
    assert opened.answers.questionnaire == questionnaire.id
    # Written for this major version and not a newer one: raising the minor version (a new module) needs no edit.
    written = tuple(int(x) for x in opened.answers.questionnaire_version.split("."))
    assert written[0] == questionnaire.major and written <= tuple(int(x) for x in questionnaire.version.split("."))
    assert opened.answers.meta.get("case") == case_id
    dt.date.fromisoformat(opened.answers.meta["date"])   # the date the proposing body would have assessed


@pytest.mark.parametrize("case_id", IDS)
def test_every_answer_has_its_fact_above_it(case_id: str):
    lines = cases.answers_path(case_id).read_text(encoding="utf-8").splitlines()
    start = lines.index("answers:")
    keys = [(i, m.group(1)) for i, line in enumerate(lines) if i > start and (m := re.match(r"^  ([a-z0-9_]+):", line))]
    assert keys, "no answers found"
    for i, key in keys:
        assert lines[i - 1].startswith("  # "), f"{case_id}: answer {key!r} has no comment above it"


@pytest.mark.parametrize("case_id", IDS)
def test_sidecar_maps_exactly_the_sheets_must_flag_items_to_real_rule_ids(case_id: str, questionnaire):
    case = next(c for c in SHEET if c.id == case_id)
    side = cases.load_sidecar(case_id)
    assert list(side.must_flag) == list(case.must_flag)
    known = {f.id for f in questionnaire.rules.red_flags} | {r.id for r in questionnaire.rules.risk_rules}
    unknown_ids = sorted({i for ids in side.must_flag.values() for i in ids} - known)
    assert not unknown_ids, f"{case_id}: ids not in the instrument: {unknown_ids}"
    assert side.decision_line
    assert side.diagnosis_for is None or side.diagnosis_for in cases.CLASSES


def test_coverage_reads_triggered_possible_and_absent_ids_from_the_assessment():
    # Any case whose assessment has both a holding rule and one that only might apply will do.
    for case_id in IDS:
        opened = cases.open_case(case_id)
        a = assess(opened.questionnaire, opened.answers)
        holds, maybe = cases.fired(a)
        if holds and maybe:
            break
    else:
        pytest.fail("no case has both holding and possible rules")
    sure, unsure = sorted(holds)[0], sorted(maybe)[0]
    mapping = {"nothing": [], "sure": [unsure, sure], "unsure": [unsure], "absent": ["RF-NOT-IN-INSTRUMENT"]}
    got = {item: (status, ids) for item, status, ids in cases.coverage(mapping, a)}
    assert got == {
        "nothing": (cases.NO_RULE, ()),
        "sure": (cases.COVERED, (sure,)),
        "unsure": (cases.POTENTIAL, (unsure,)),
        "absent": (cases.NOT_RAISED, ()),
    }


def test_run_all_gives_one_row_per_case_with_a_sheet_class():
    rows = cases.run_all()
    assert [r.case.id for r in rows] == IDS
    for r in rows:
        assert r.outcome in cases.CLASSES
        assert [item for item, _, _ in r.coverage] == list(r.case.must_flag)
        decided = r.worst == r.best
        assert decided or r.outcome == "INCOMPLETE"
        assert r.within_expected == (r.outcome in r.case.expected if decided
                                     else r.worst in r.case.expected and r.best in r.case.expected
                                     and all(c in r.case.expected for c in r.reachable))
        # A decided case turns on nothing; an open one lists what it turns on (docs/cases.md).
        assert not (decided and r.decisive), r.case.id
    plain = cases.as_dicts(rows)
    assert {"case", "title", "decided_by", "expected", "pia_outcome", "red_flags", "top_rights", "must_flag"} <= set(plain[0])


def test_docs_cases_md_is_fresh():
    assert DOC.read_text(encoding="utf-8") == render(cases.run_all()), \
        "docs/cases.md is stale; run: python -m tests.cases.table"


def test_sheet_path_honours_pia_cases(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    target = tmp_path / "elsewhere.yaml"
    monkeypatch.setenv("PIA_CASES", str(target))
    assert cases.sheet_path() == target


def test_a_sheet_with_a_duplicate_key_is_refused(tmp_path: Path):
    bad = tmp_path / "cases.yaml"
    bad.write_text("- id: a\n  id: b\n", encoding="utf-8")
    with pytest.raises(PiaError, match="duplicate"):
        cases.load_cases(bad)
