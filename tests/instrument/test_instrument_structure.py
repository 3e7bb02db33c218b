"""The camera instrument loads cleanly and every item carries what the public and auditors need."""

from __future__ import annotations

import re

import pytest

from pia.model import Group
from pia.text import text
from pia.yamlio import load_file

from .conftest import CORE, INSTRUMENT_DIR

# scoring-methodology.md 6.2.B: the red flags the instrument must carry, with their outcome.
METHODOLOGY_RED_FLAGS = {
    "RF-01": "prohibited",
    "RF-02": "prohibited",
    "RF-03": "prohibited",
    "RF-04": "prohibited",
    "RF-05": "prohibited",
    "RF-10": "do_not_proceed",
    "RF-11": "do_not_proceed",
    "RF-12": "do_not_proceed",
    "RF-13": "do_not_proceed",
    "RF-14": "do_not_proceed",
    "RF-15": "incomplete",
    "RF-16": "incomplete",
    "RF-20": "do_not_proceed",
}
RIGHTS = {"privacy", "assembly", "expression", "non_discrimination", "due_process_remedy", "movement",
          "press_freedom", "children"}
MODULE_FILES = ["drones.yaml", "body_worn_cameras.yaml", "assemblies.yaml", "licence_plate_readers.yaml",
                "live_face_recognition.yaml", "retrospective_face_recognition.yaml"]


def test_loads_without_problems_and_is_versioned(camera):
    assert camera.id == "camera_hria"
    assert camera.version == "1.0.0"
    assert len(camera.questions()) >= 150
    assert len(camera.source_files) == 13


def test_only_the_core_file_has_a_version():
    for path in sorted(INSTRUMENT_DIR.glob("*.yaml")):
        data = load_file(path).data
        assert ("version" in data) == (path == CORE), path.name


def test_screening_comes_first(camera):
    assert camera.sections[0].id == "screening"
    assert camera.sections[0].screening
    assert not any(s.screening for s in camera.sections[1:])
    first = [q.id for q in camera.sections[0].questions]
    for qid in ("jurisdiction", "technologies", "purpose_law_enforcement", "operator", "places",
                "lfr_objective", "lfr_prior_authorisation", "fr_at_assemblies", "local_fr_ban"):
        assert qid in first


def _all_questions(camera):
    for section in camera.sections:
        for q in section.questions:
            yield section, q


def test_every_question_has_label_guidance_legal_refs_and_elements(camera):
    for _, q in _all_questions(camera):
        assert text(q.label).strip(), q.id
        assert len(text(q.guidance).split()) >= 8, f"{q.id}: guidance must say why it is asked"
        assert q.legal_refs, f"{q.id}: no legal reference"
        assert q.elements, f"{q.id}: no framework element"
        if isinstance(q, Group):
            assert all(text(f.label).strip() for f in q.fields), q.id


def test_modules_are_separate_files_placed_after_a_core_section(camera):
    section_ids = [s.id for s in camera.sections]
    for name in MODULE_FILES:
        data = load_file(INSTRUMENT_DIR / name).data
        assert data["after"] in section_ids
        for s in data["sections"]:
            assert s["id"] in section_ids
            assert section_ids.index(s["id"]) > section_ids.index(data["after"])
            assert "when" in s, f"module section {s['id']} must be conditional"


def test_rights_catalogue(camera):
    rights = {r.id: r for r in camera.rules.rights}
    assert set(rights) >= RIGHTS
    for r in rights.values():
        assert r.anchors, r.id
        assert text(r.description), r.id


def test_methodology_red_flags_present_with_outcome_anchor_and_clearing_text(camera):
    flags = {f.id: f for f in camera.rules.red_flags}
    for rid, outcome in METHODOLOGY_RED_FLAGS.items():
        assert rid in flags, rid
        assert flags[rid].outcome == outcome, rid
    for f in flags.values():
        assert f.anchors, f.id
        assert text(f.clears).strip(), f.id
        assert text(f.explanation).strip(), f.id
        assert f.rights, f.id


def test_ai_act_prohibitions_are_scoped_to_the_eu(camera):
    flags = {f.id: f for f in camera.rules.red_flags}
    for rid in ("RF-01", "RF-02", "RF-03", "RF-04", "RF-05", "RF-07", "RF-16", "RF-17", "RF-21"):
        assert flags[rid].jurisdictions == ["eu"], rid
    assert set(flags["RF-15"].jurisdictions) == {"eu", "uk"}
    assert set(flags["RF-18"].jurisdictions) == {"eu", "uk"}
    for rid in ("RF-08", "RF-10", "RF-11", "RF-12", "RF-13", "RF-14", "RF-20"):
        assert flags[rid].jurisdictions == [], f"{rid} applies everywhere"


def test_every_right_can_reach_each_dimension(camera):
    """Each right's four dimensions follow from answers: some rule raises each of them."""
    for r in camera.rules.rights:
        raised = {d for rule in camera.rules.risk_rules if rule.right == r.id for d in rule.floors}
        assert {"scale", "scope", "likelihood"} <= raised, r.id
    for rule in camera.rules.risk_rules:
        assert rule.anchors and text(rule.rationale), rule.id


def test_vulnerability_uplifts(camera):
    ups = {rule.id: rule for rule in camera.rules.risk_rules if rule.uplift}
    groups = set()
    for rule in ups.values():
        assert rule.uplift == {"scale": 1}, rule.id
        groups |= set(_leaf_values(rule.when))
    assert {"children", "protesters", "journalists", "minorities", "migrants"} <= groups


def _leaf_values(cond):
    from pia.conditions import leaves

    for leaf, _ in leaves(cond):
        yield from (leaf.value if isinstance(leaf.value, list) else [leaf.value])


def test_matrix_is_the_methodology_matrix(camera):
    m = camera.rules.matrix
    assert [lv.id for lv in m.levels] == ["low", "medium", "high", "very_high"]
    assert [text(lv.label) for lv in m.levels] == ["Low", "Medium", "High", "Very high"]
    assert [lv.color for lv in m.levels] == ["#2e7d32", "#f9a825", "#ef6c00", "#b71c1c"]
    assert m.cells == {
        1: ["low", "low", "low", "medium"],
        2: ["low", "medium", "medium", "high"],
        3: ["medium", "high", "high", "very_high"],
        4: ["high", "very_high", "very_high", "very_high"],
    }
    assert camera.rules.reduction_cap == 2


def test_mitigation_plan_offers_exactly_the_catalogue(camera):
    plan = camera.question(camera.rules.mitigation_question)
    offered = plan.field("mitigation").values()
    catalogue = [m.id for m in camera.rules.mitigations]
    assert sorted(offered) == sorted(catalogue)
    harms = {r.harm_key for r in camera.rules.risk_rules}
    for m in camera.rules.mitigations:
        assert text(m.evidence).strip(), m.id
        # Every safeguard names the harms it treats, never a whole right.
        assert all(red.right is None and red.harm in harms for red in m.reduces), m.id


def test_obligations_for_every_level_and_red_flags(camera):
    generic = {o.level for o in camera.rules.obligations if not o.jurisdictions}
    assert generic == {"low", "medium", "high", "very_high", "red_flag"}
    high = next(o for o in camera.rules.obligations if o.level == "high" and not o.jurisdictions)
    assert high.review_interval_months == 6
    assert "council" in text(high.approver).lower()
    us = {o.level for o in camera.rules.obligations if o.jurisdictions == ["us_city"]}
    assert us == {"low", "medium"}


def test_jurisdiction_profiles_cover_the_jurisdiction_question(camera):
    q = camera.question(camera.rules.jurisdiction_question)
    assert set(q.values()) == {p.id for p in camera.rules.jurisdictions} == {"eu", "uk", "us_city", "international"}
    profiles = {p.id: set(p.frameworks) for p in camera.rules.jurisdictions}
    assert {"GDPR_DPIA", "LED", "AIA_ART5", "AIA_FRIA"} <= profiles["eu"]
    assert "UK_SCC" in profiles["uk"]
    assert {"CCOPS_SIR", "CCOPS_SUP", "SEATTLE", "SF_19B"} <= profiles["us_city"]


# --- plain language ------------------------------------------------------------------------

# Country abbreviations everybody reads; Roman numerals (Annex III) are not acronyms.
ALLOWED = {"EU", "UK", "US"}
ROMAN = re.compile(r"^[IVXL]+$")
TOKEN = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b")


def _public_texts(camera):
    """Everything a report or the app shows to the public (legal citations excluded)."""
    out = [("title", text(camera.title)), ("description", text(camera.description))]
    for section, q in _all_questions(camera):
        out += [(section.id, text(section.title)), (section.id, text(section.intro))]
        for attr in ("label", "help", "guidance"):
            out.append((q.id, text(getattr(q, attr))))
        items = [q] + (list(q.fields) if isinstance(q, Group) else [])
        for item in items:
            out.append((q.id, text(item.label)))
            out += [(q.id, text(o.label)) for o in getattr(item, "options", [])]
            if getattr(item, "unit", None):
                out.append((q.id, text(item.unit)))
    rb = camera.rules
    out += [(r.id, text(r.name) + " " + text(r.description)) for r in rb.rights]
    out += [(p.id, text(p.name) + " " + text(p.description)) for p in rb.jurisdictions]
    out += [(f.id, " ".join(text(x) for x in (f.title, f.explanation, f.clears))) for f in rb.red_flags]
    out += [(r.id, text(r.harm) + " " + text(r.rationale)) for r in rb.risk_rules]
    out += [(m.id, " ".join(text(x) for x in (m.title, m.description, m.evidence))) for m in rb.mitigations]
    for o in rb.obligations:
        out += [(o.level, text(getattr(o, a))) for a in ("approver", "consultation", "independent_review", "publication")]
    for fw in rb.frameworks:
        out.append((fw.id, text(fw.name)))
        out += [(e.id, text(e.title)) for e in fw.elements]
    return out


def test_no_unexplained_acronyms(camera):
    """An abbreviation must be spelt out somewhere as 'Full name (ABBR...)' or be a country."""
    texts = _public_texts(camera)
    everything = " ".join(t for _, t in texts)
    explained = set(re.findall(r"\(([A-Z][A-Z0-9]+)\b", everything))
    bad = sorted({(where, tok) for where, t in texts for tok in TOKEN.findall(t)
                  if tok not in ALLOWED and tok not in explained and not ROMAN.match(tok)})
    assert not bad, f"unexplained abbreviations: {bad}"


def test_acronym_check_catches_an_unexplained_abbreviation():
    texts = [("q1", "Ask the DPO before the CCTV goes live (closed-circuit television (CCTV))")]
    everything = " ".join(t for _, t in texts)
    explained = set(re.findall(r"\(([A-Z][A-Z0-9]+)\b", everything))
    found = {tok for _, t in texts for tok in TOKEN.findall(t) if tok not in ALLOWED | explained}
    assert found == {"DPO"}


@pytest.mark.parametrize("name", MODULE_FILES + ["rules.yaml", "mitigations.yaml", "frameworks.yaml"])
def test_every_file_validates_on_its_own_as_part_of_the_core(name):
    """Every file is listed in the core, so `pia validate` of the core checks it."""
    core = load_file(CORE).data
    assert name in core["modules"]
