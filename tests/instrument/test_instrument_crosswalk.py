"""The framework crosswalk: every required element has a question, and `pia crosswalk` reports it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia.answers import dumps
from pia.checks import Where, crosswalk_problems
from pia.cli import main
from pia.crosswalk import ANSWERED, MISSING, NOT_APPLICABLE, crosswalk, uncovered_required

from .conftest import EXAMPLES, INSTRUMENT_DIR, ROOT

IDS_FILE = Path(__file__).parent / "frameworks_md_ids.txt"
# The frameworks the issue names: every one must be in the catalogue.
NAMED = ["GDPR_DPIA", "LED", "AIA_ART5", "AIA_ART26", "AIA_FRIA", "COE_GLUKHIN", "UN_GC37", "UK_SCC",
         "CCOPS_SIR", "CCOPS_SUP", "SEATTLE", "SF_19B"]
# frameworks.md section 8 "coverage check" lists these as mandatory although they are not in bold.
MANDATORY_BY_COVERAGE_CHECK = (
    [f"CCOPS-SIR-{c}" for c in "abcdefghijk"]
    + [f"CCOPS-SUP-{n:02d}" for n in range(1, 13)]
    + [f"UK-SCC-{n}" for n in range(1, 13)]
    + ["AIA-5-4"]
)
# Ids that frameworks.md names in its text (facts of cases, technical facts) rather than in tables.
NAMED_IN_TEXT = {"GLU-F", "GLU-ART8", "GLU-ART10", "UK-BRI-F", "UK-BRI-SOP"}


def parse_frameworks_md(text: str) -> dict[str, bool]:
    """Element id -> marked in bold, from the tables of sections 1-6 of frameworks.md."""
    body = text[: text.index("## 7. Technical")]
    rows = re.findall(r"^\| (\*\*)?([A-Z][A-Za-z0-9\-/ ]+?)(\*\*)? \|", body, re.M)
    return {r[1].strip().replace(" / ", "/"): bool(r[0]) for r in rows if r[1].strip() != "ID"}


def committed_ids() -> dict[str, bool]:
    out = {}
    for line in IDS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            eid, kind = line.split("\t")
            out[eid] = kind == "key"
    return out


def _reference() -> Path | None:
    env = os.environ.get("PIA_FRAMEWORKS_MD")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "reference" / "frameworks.md",
                   ROOT.parent.parent / "shared" / "reference" / "frameworks.md"]
    return next((p for p in candidates if p.is_file()), None)


def test_committed_id_list_matches_the_reference_when_available():
    ids = committed_ids()
    assert len(ids) >= 250
    ref = _reference()
    if ref is not None:  # the reference lives outside the repository; CI checks the committed copy
        assert parse_frameworks_md(ref.read_text(encoding="utf-8")) == ids


def test_no_required_element_is_without_a_question(camera):
    assert uncovered_required(camera) == []


def test_catalogue_has_the_named_frameworks_with_required_elements(camera):
    catalogue = {f.id: f for f in camera.rules.frameworks}
    for fid in NAMED:
        assert fid in catalogue, fid
        assert any(e.required for e in catalogue[fid].elements), fid


def test_catalogue_marks_every_key_element_of_frameworks_md_required(camera):
    required = {e.id: e.required for f in camera.rules.frameworks for e in f.elements}
    key = [eid for eid, bold in committed_ids().items() if bold] + MANDATORY_BY_COVERAGE_CHECK
    missing = [eid for eid in key if eid not in required]
    assert missing == [], f"key elements of frameworks.md missing from the catalogue: {missing}"
    not_required = [eid for eid in key if not required[eid]]
    assert not_required == []


def test_catalogue_uses_only_ids_from_frameworks_md(camera):
    known = set(committed_ids()) | NAMED_IN_TEXT
    for f in camera.rules.frameworks:
        for e in f.elements:
            if f.id == "TECH_FACTS":
                assert re.fullmatch(r"TECH-\d+", e.id)
            else:
                assert e.id in known, e.id


def test_every_table_element_of_frameworks_md_is_in_the_catalogue(camera):
    """Not only the required ones: the whole reference is mapped (or the gap is visible here)."""
    catalogue = {e.id for f in camera.rules.frameworks for e in f.elements}
    assert sorted(set(committed_ids()) - catalogue) == []


def test_every_catalogue_element_has_a_question(camera):
    assert crosswalk_problems(camera, Where.of(camera)) == []


def test_crosswalk_with_answers_marks_hidden_modules_not_applicable(camera, examples):
    result = {f.id: f for f in crosswalk(camera, examples["town_centre_cctv_large"])}
    uk = result["UK_SCC"]
    assert uk.applies is True
    assert result["AIA_FRIA"].applies is False
    statuses = {e.id: e.status for e in uk.elements}
    assert statuses["UK-SCC-1"] == ANSWERED
    # reference databases: every question about watchlists and hotlists is hidden for a camera-only system
    assert statuses["UK-SCC-12"] == NOT_APPLICABLE
    assert {r.status for r in {e.id: e for e in uk.elements}["UK-SCC-12"].questions} == {NOT_APPLICABLE}
    assert uk.counts[NOT_APPLICABLE] >= 1 and uk.counts[MISSING] == 0


def test_crosswalk_counts_missing_required_elements(camera, answer_set, examples):
    screening_only = {k: v for k, v in examples["parking_plate_readers"].answers.items()
                      if camera.section_of(k).id == "screening"}
    result = {f.id: f for f in crosswalk(camera, answer_set(screening_only))}
    gdpr = result["GDPR_DPIA"]
    assert gdpr.counts[MISSING] > 0
    assert {e.id: e.status for e in gdpr.elements}["GDPR-35-7b"] == MISSING


def test_unknown_framework_is_an_error(camera):
    with pytest.raises(ValueError, match="no framework 'NOPE'"):
        crosswalk(camera, frameworks=["NOPE"])


# --- the command ---------------------------------------------------------------------------

def test_cli_lists_every_framework_fully_covered():
    res = CliRunner().invoke(main, ["crosswalk", "-q", str(INSTRUMENT_DIR / "camera_hria.yaml"), "--required-only"])
    assert res.exit_code == 0, res.output
    for fid in NAMED:
        assert f"{fid}:" in res.output
    assert "NO QUESTION" not in res.output
    assert res.output.count("(100%)") == len({f for f in re.findall(r"^([A-Z][A-Z0-9_]+):", res.output, re.M)})


def test_cli_json_for_one_framework():
    res = CliRunner().invoke(main, ["crosswalk", "--framework", "AIA_FRIA", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [f["id"] for f in data["frameworks"]] == ["AIA_FRIA"]
    fria = data["frameworks"][0]
    assert fria["coverage"] == 1.0
    ids = {e["id"]: e for e in fria["elements"]}
    assert ids["AIA-27-1e"]["required"] is True
    assert "human_review" in [q["id"] for q in ids["AIA-27-1e"]["questions"]]


def test_cli_unknown_framework_is_bad_input():
    res = CliRunner().invoke(main, ["crosswalk", "--framework", "NOPE"])
    assert res.exit_code == 2
    assert "no framework 'NOPE'" in res.output


COMPLETE = [p for p in EXAMPLES if p.stem in ("traffic_counting_on_device", "parking_plate_readers",
                                               "town_centre_cctv_large", "body_worn_cameras_wardens")]


@pytest.mark.parametrize("path", COMPLETE, ids=lambda p: p.stem)
def test_cli_with_a_complete_example_shows_its_jurisdictions_frameworks(path):
    res = CliRunner().invoke(main, ["crosswalk", "--answers", str(path), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert all(f["applies"] is True for f in data["frameworks"])
    for f in data["frameworks"]:
        for e in f["elements"]:
            if e["required"]:
                assert e["status"] in (ANSWERED, NOT_APPLICABLE), (f["id"], e["id"])


def test_cli_reports_an_unknown_answer_as_a_finding(tmp_path, camera, answer_set, examples):
    path = tmp_path / "unknown.yaml"
    draft = answer_set(examples["parking_plate_readers"].answers | {"legal_basis": "unknown"})
    path.write_text(dumps(draft, camera), encoding="utf-8")
    res = CliRunner().invoke(main, ["crosswalk", "--answers", str(path), "--framework", "GDPR_DPIA",
                                    "-q", str(INSTRUMENT_DIR / "camera_hria.yaml")])
    assert res.exit_code == 1
    line = next(x for x in res.output.splitlines() if "EDPB-VID-03" in x)
    assert "[UNKNOWN]" in line
    complete = CliRunner().invoke(main, ["crosswalk", "--answers", str(INSTRUMENT_DIR / "examples" / "parking_plate_readers.yaml"),
                                         "--framework", "GDPR_DPIA"])
    assert complete.exit_code == 0
    assert "[answered]" in next(x for x in complete.output.splitlines() if "EDPB-VID-03" in x)


def test_cli_with_incomplete_answers_exits_with_a_finding(tmp_path, camera, answer_set, examples):
    screening_only = {k: v for k, v in examples["parking_plate_readers"].answers.items()
                      if camera.section_of(k).id == "screening"}
    path = tmp_path / "draft.yaml"
    path.write_text(dumps(answer_set(screening_only), camera), encoding="utf-8")
    res = CliRunner().invoke(main, ["crosswalk", "--answers", str(path), "-q", str(INSTRUMENT_DIR / "camera_hria.yaml")])
    assert res.exit_code == 1
    assert "[MISSING]" in res.output
    assert "AIA_FRIA" in res.output  # eu answers: the AI Act frameworks are listed
    assert "UK_SCC" not in res.output  # not a framework of the eu profile
    res_all = CliRunner().invoke(main, ["crosswalk", "--all", "--answers", str(path),
                                        "-q", str(INSTRUMENT_DIR / "camera_hria.yaml")])
    assert "UK_SCC: " in res_all.output
    assert "(does not apply to this jurisdiction)" in res_all.output
