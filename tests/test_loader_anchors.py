"""The anchor catalogue: every citation resolves to it, and a mistake is one line with its file, line and a hint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia.cli import main as cli
from pia.errors import PiaError
from pia.loader import load_questionnaire

INSTRUMENT = Path(__file__).resolve().parent.parent / "questionnaires" / "camera-hria"


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT, folder, ignore=shutil.ignore_patterns("examples"))
    return folder


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text and return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _problems(folder: Path) -> list:
    with pytest.raises(PiaError) as exc:
        load_questionnaire(folder / "camera_hria.yaml")
    return exc.value.problems


def test_every_citation_of_the_instrument_is_catalogued_with_a_status():
    q = load_questionnaire(INSTRUMENT / "camera_hria.yaml")
    cites = {a.cite: a for a in q.rules.anchors}
    rb = q.rules
    for item in [*rb.rights, *rb.red_flags, *rb.risk_rules, *rb.mitigations, *rb.obligations]:
        for c in item.anchors:
            assert c in cites, (getattr(item, "id", None), c)
    assert cites["AI Act Art. 26(10)"].status == "binding"
    assert str(cites["AI Act Art. 26(10)"].applies_from) == "2027-12-02"
    assert str(cites["AI Act Art. 5(1)(h), 5(2)-(5)"].applies_from) == "2025-02-02"
    assert cites["EDPB Guidelines 05/2022"].status == "soft_law"
    assert rb.operating_period is not None and (rb.operating_period.start, rb.operating_period.end) == (
        "start_date", "sunset_date")


def test_an_unknown_citation_names_its_file_line_and_the_nearest_entry(copy):
    line = _edit(copy / "rules.yaml", 'anchors: ["AI Act Art. 5(1)(d)"]', 'anchors: ["AI Act Art 5(1)(d)"]')
    (p,) = _problems(copy)
    assert (Path(p.file).name, p.line) == ("rules.yaml", line)
    assert p.path.endswith(".anchors.0")
    assert p.message == "unknown anchor 'AI Act Art 5(1)(d)'; did you mean 'AI Act Art. 5(1)(d)'?"


@pytest.mark.parametrize(("file", "old", "new"), [
    ("camera_hria.yaml", 'anchors: ["ECHR Art. 11"', 'anchors: ["ECHR Art. 99"'),                      # a right
    ("rules.yaml", '"ICO Opinion 2019/01"]', '"ICO Opinion 2099/01"]'),                                  # a risk rule
    ("mitigations.yaml", '"GDPR Art. 32"', '"A Made-up Standard 1"'),                                   # a safeguard
])
def test_citations_of_rights_rules_and_safeguards_must_resolve_too(copy, file, old, new):
    line = _edit(copy / file, old, new)
    problems = _problems(copy)
    assert [(Path(p.file).name, p.line) for p in problems] == [(file, line)]
    assert problems[0].message.startswith("unknown anchor")


def test_an_obligation_citation_must_resolve(copy):
    _edit(copy / "camera_hria.yaml", "    independent_review: Legal review to confirm the finding\n",
          "    independent_review: Legal review to confirm the finding\n    anchors: [NOPE-1]\n")
    (p,) = _problems(copy)
    assert p.path.startswith("obligations.") and "unknown anchor 'NOPE-1'" in p.message


def test_a_citation_may_name_the_catalogue_id_and_reads_as_the_citation(copy):
    _edit(copy / "rules.yaml", 'anchors: ["AI Act Art. 5(1)(d)"]', "anchors: [AIA-5-1-D]")
    q = load_questionnaire(copy / "camera_hria.yaml")
    assert next(f for f in q.rules.red_flags if f.id == "RF-05").anchors == ["AI Act Art. 5(1)(d)"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("status: binding, applies_from: '2027-12-02', jurisdictions: [eu]",
     "status: binding, applies_from: '2027-12-02', jurisdictions: [eu], applies_until: '2027-01-01'",
     "applies_until is before applies_from"),
    ("status: binding, applies_from: '2025-02-02', jurisdictions: [eu]",
     "status: binding, applies_from: '2025-02-02', jurisdictions: [eu_member]",
     "unknown jurisdiction profile 'eu_member'"),
    ("status: soft_law", "status: guidance", "Input should be 'binding', 'soft_law' or 'local_policy'"),
    ("applies_from: '2027-12-02'", "applies_from: '2027-12-32'", "date"),
    ("  end: sunset_date", "  end: period_and_frequency", "'period_and_frequency' must be a date question"),
])
def test_catalogue_mistakes_are_found_with_their_line(copy, old, new, message):
    line = _edit(copy / "law.yaml", old, new)
    problems = _problems(copy)
    assert any(Path(p.file).name == "law.yaml" and p.line == line and message in p.message for p in problems), problems


@pytest.mark.parametrize(("old", "new", "message"), [
    ('cite: "AI Act Art. 5(1)(e)"', 'cite: "AI Act Art. 5(1)(d)"', "citation 'AI Act Art. 5(1)(d)' is already in"),
    ("id: AIA-5-1-E,", "id: AIA-5-1-D,", "id 'AIA-5-1-D' is already used in"),
])
def test_a_catalogue_entry_given_twice_points_at_the_first(copy, old, new, message):
    line = _edit(copy / "law.yaml", old, new)
    problems = [p for p in _problems(copy) if message in p.message]
    assert len(problems) == 1 and problems[0].message.endswith(f"law.yaml:{line}")
    assert Path(problems[0].file).name == "law.yaml" and problems[0].line > line


def test_operating_period_is_set_in_one_file_only(copy):
    _edit(copy / "rules.yaml", "red_flags:\n", "operating_period: {start: start_date}\nred_flags:\n")
    assert any("operating_period is already set" in p.message for p in _problems(copy))


def test_without_a_catalogue_citations_are_free_text(copy):
    law = copy / "law.yaml"
    text = law.read_text(encoding="utf-8")
    law.write_text(text[: text.index("\nanchors:")] + "\n", encoding="utf-8")
    q = load_questionnaire(copy / "camera_hria.yaml")
    assert q.rules.anchors == [] and next(f for f in q.rules.red_flags if f.id == "RF-07").anchors


def test_pia_validate_reports_the_citation_in_one_line(copy):
    _edit(copy / "rules.yaml", 'anchors: ["AI Act Art. 5(1)(d)"]', 'anchors: ["AI Act Art. 5(1)(x)"]')
    result = CliRunner().invoke(cli, ["validate", str(copy / "camera_hria.yaml")])
    assert result.exit_code == 2
    assert "unknown anchor 'AI Act Art. 5(1)(x)'; did you mean" in result.output
    assert "Traceback" not in result.output
