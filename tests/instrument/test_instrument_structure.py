"""The camera instrument loads cleanly and every item carries what the public and auditors need."""

from __future__ import annotations

import re
from pathlib import Path

from pia import checks
from pia.answers import load
from pia.text import text
from pia.yamlio import load_file

from .conftest import CORE, EXAMPLES, INSTRUMENT_DIR

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
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def _where(camera):
    return checks.Where.of(camera)


def test_loads_without_problems_and_is_versioned(camera):
    """Versioned (semantic) and assembled from exactly the files the core lists; no count or version is pinned,
    so adding a module or raising the version needs no test edit."""
    assert camera.id == "camera_hria"
    assert SEMVER.match(camera.version), camera.version
    listed = load_file(CORE).data["modules"]
    assert [Path(f).name for f in camera.source_files] == [CORE.name, *listed]
    for path in EXAMPLES:   # examples may be older (same major), never newer than the instrument
        written = load(path)[0].questionnaire_version
        assert written.split(".")[0] == camera.version.split(".")[0], path.name
        assert tuple(map(int, written.split("."))) <= tuple(map(int, camera.version.split("."))), path.name


def test_every_yaml_file_of_the_instrument_is_listed_in_the_core():
    """So `pia validate camera_hria.yaml` checks every file; a module left out would silently miss every check."""
    listed = set(load_file(CORE).data["modules"])
    assert sorted(p.name for p in INSTRUMENT_DIR.glob("*.yaml") if p != CORE and p.name not in listed) == []


def test_screening_comes_first(camera):
    assert camera.sections[0].id == "screening"
    assert camera.sections[0].screening
    assert not any(s.screening for s in camera.sections[1:])
    first = [q.id for q in camera.sections[0].questions]
    for qid in ("jurisdiction", "technologies", "purpose_law_enforcement", "operator", "places",
                "lfr_objective", "lfr_prior_authorisation", "fr_at_assemblies", "local_fr_ban"):
        assert qid in first


def test_every_question_has_label_guidance_legal_refs_and_elements(camera):
    assert checks.question_problems(camera, _where(camera)) == []


def test_modules_say_when_they_are_asked_and_only_the_core_is_versioned(camera):
    assert checks.module_problems(camera, _where(camera)) == []
    section_ids = [s.id for s in camera.sections]
    for name in load_file(CORE).data["modules"]:
        data = load_file(INSTRUMENT_DIR / name).data
        if data.get("after"):   # placed after the section it names
            for s in data["sections"]:
                assert section_ids.index(s["id"]) > section_ids.index(data["after"])


def test_catalogues_carry_anchors_explanations_and_reach_every_dimension(camera):
    """Rights, red flags, rules, safeguards and obligations: what the reports show; every right's scale, scope
    and likelihood follow from answers."""
    assert checks.catalogue_problems(camera, _where(camera)) == []


def test_rights_catalogue(camera):
    assert {r.id for r in camera.rules.rights} >= RIGHTS


def test_methodology_red_flags_present_with_outcome_anchor_and_clearing_text(camera):
    flags = {f.id: f for f in camera.rules.red_flags}
    for rid, outcome in METHODOLOGY_RED_FLAGS.items():
        assert rid in flags, rid
        assert flags[rid].outcome == outcome, rid


def test_ai_act_prohibitions_are_scoped_to_the_eu(camera):
    flags = {f.id: f for f in camera.rules.red_flags}
    for rid in ("RF-01", "RF-02", "RF-03", "RF-04", "RF-05", "RF-07", "RF-16", "RF-17", "RF-21"):
        assert flags[rid].jurisdictions == ["eu"], rid
    assert set(flags["RF-15"].jurisdictions) == {"eu", "uk"}
    assert set(flags["RF-18"].jurisdictions) == {"eu", "uk"}
    for rid in ("RF-08", "RF-10", "RF-11", "RF-12", "RF-13", "RF-14", "RF-20"):
        assert flags[rid].jurisdictions == [], f"{rid} applies everywhere"


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


def test_obligations_for_every_level_and_red_flags(camera):
    generic = {o.level for o in camera.rules.obligations if not o.jurisdictions}
    assert generic == {"low", "medium", "high", "very_high", "red_flag"}
    high = next(o for o in camera.rules.obligations if o.level == "high" and not o.jurisdictions)
    assert high.review_interval_months == 6
    assert "council" in text(high.approver).lower()
    # The United States and United Kingdom packs have a row for every level, so none falls back to the generic
    # row (which asks a United States city to consult a data protection authority; legal review L-13).
    for profile in ("us_city", "uk"):
        rows = {o.level for o in camera.rules.obligations if o.jurisdictions == [profile]}
        assert rows == generic, profile
    us_high = next(o for o in camera.rules.obligations if o.level == "high" and o.jurisdictions == ["us_city"])
    assert "data protection authority" not in text(us_high.approver).lower()


def test_jurisdiction_profiles_cover_the_jurisdiction_question(camera):
    q = camera.question(camera.rules.jurisdiction_question)
    assert set(q.values()) == {p.id for p in camera.rules.jurisdictions} == {"eu", "uk", "us_city", "international"}
    profiles = {p.id: set(p.frameworks) for p in camera.rules.jurisdictions}
    assert {"GDPR_DPIA", "LED", "AIA_ART5", "AIA_FRIA"} <= profiles["eu"]
    assert "UK_SCC" in profiles["uk"]
    assert {"CCOPS_SIR", "CCOPS_SUP", "SEATTLE", "SF_19B"} <= profiles["us_city"]


# --- plain language ------------------------------------------------------------------------


def test_no_unexplained_acronyms(camera):
    """An abbreviation must be spelt out somewhere as 'Full name (ABBR...)' or be a country."""
    assert checks.wording_problems(camera, _where(camera)) == []


def test_acronym_check_catches_an_unexplained_abbreviation():
    texts = [("questions", "q1", "Ask the DPO before the CCTV goes live (closed-circuit television (CCTV))"),
             ("questions", "q2", "Annex III of the EU AI Act (Artificial Intelligence Act (AI Act))")]
    assert checks.unexplained_abbreviations(texts) == [("questions", "q1", "DPO")]


def test_the_instrument_is_ready_to_publish(camera):
    """Every publication check `pia validate` runs, the examples included, at once."""
    from pia.assess.examples import instrument_problems

    assert instrument_problems(camera) == []
