"""Modules and follow-up questions appear only when relevant, and every question can appear."""

from __future__ import annotations

import random

import pytest

from pia.answers import visible_questions
from pia.conditions import UNKNOWN
from pia.model import DateQ, Group, LongText, MultiChoice, Number, ShortText, SingleChoice, YesNo

CCTV_ONLY = {
    "jurisdiction": "uk",
    "technologies": ["cctv"],
    "purpose_law_enforcement": "mixed",
    "operator": "municipality",
    "places": ["public_space"],
    "change_type": "new",
}
MODULE_SECTIONS = {
    "live_face_recognition": "live_fr",
    "retrospective_face_recognition": "retro_fr",
    "licence_plate_readers": "alpr",
    "drones": "drone",
    "body_worn_cameras": "bodycam",
}


def _sections_shown(camera, answers):
    shown = set(visible_questions(camera, answers))
    return {s.id for s in camera.sections if any(q.id in shown for q in s.questions)}


def test_cctv_only_shows_no_technology_module(camera):
    shown = _sections_shown(camera, CCTV_ONLY)
    for section in (*MODULE_SECTIONS, "assemblies", "watchlists", "accuracy", "authorisation"):
        assert section not in shown, section
    visible = visible_questions(camera, CCTV_ONLY)
    for qid in ("lfr_objective", "fr_at_assemblies", "biometric_condition", "fria_status", "bias_testing"):
        assert qid not in visible


@pytest.mark.parametrize(("section", "technology"), sorted(MODULE_SECTIONS.items()))
def test_each_module_appears_with_its_technology_only(camera, section, technology):
    with_it = dict(CCTV_ONLY, technologies=["cctv", technology])
    assert section in _sections_shown(camera, with_it)
    assert section not in _sections_shown(camera, CCTV_ONLY)
    others = [t for t in MODULE_SECTIONS.values() if t != technology]
    assert section not in _sections_shown(camera, dict(CCTV_ONLY, technologies=["cctv", *others]))


def test_assemblies_module_follows_places_and_face_recognition_answers(camera):
    assert "assemblies" not in _sections_shown(camera, CCTV_ONLY)
    assert "assemblies" in _sections_shown(camera, dict(CCTV_ONLY, places=["public_space", "assemblies"]))
    fr = dict(CCTV_ONLY, technologies=["retro_fr"])
    assert "assemblies" in _sections_shown(camera, dict(fr, fr_at_assemblies="not_excluded"))
    assert "assemblies" not in _sections_shown(camera, dict(fr, fr_at_assemblies="excluded"))
    drone = dict(CCTV_ONLY, technologies=["drone"])
    assert "assemblies" in _sections_shown(camera, dict(drone, drone_at_assemblies="yes"))
    assert "assemblies" not in _sections_shown(camera, dict(drone, drone_at_assemblies="no"))


def test_live_face_recognition_screening_follows_purpose(camera):
    lfr = dict(CCTV_ONLY, technologies=["live_fr"])
    assert "lfr_prior_authorisation" not in visible_questions(camera, dict(lfr, purpose_law_enforcement="no"))
    assert "lfr_prior_authorisation" in visible_questions(camera, dict(lfr, purpose_law_enforcement="yes"))
    # Unknown is never read as no: the follow-up stays visible.
    assert "lfr_prior_authorisation" in visible_questions(camera, dict(lfr, purpose_law_enforcement=UNKNOWN))


def test_eu_only_questions(camera):
    eu = dict(CCTV_ONLY, jurisdiction="eu", technologies=["retro_fr"])
    assert "fria_status" in visible_questions(camera, eu)
    assert "fria_status" not in visible_questions(camera, dict(eu, jurisdiction="uk"))
    assert "regulator_consultation" in visible_questions(camera, dict(eu, jurisdiction="uk"))
    assert "regulator_consultation" not in visible_questions(camera, dict(eu, jurisdiction="us_city"))


def _random_value(q, rng):
    if isinstance(q, YesNo):
        return rng.choice(["yes", "no"])
    if isinstance(q, SingleChoice):
        return rng.choice(q.values())
    if isinstance(q, MultiChoice):
        k = rng.randint(max(1, q.min_selected), len(q.values()))
        return rng.sample(q.values(), k)
    if isinstance(q, Number):
        return int(q.min or 0) + rng.randint(0, 100)
    if isinstance(q, DateQ):
        return "2027-01-01"
    if isinstance(q, (ShortText, LongText)):
        return "text"
    if isinstance(q, Group):
        return [{f.id: _random_value(f, rng) for f in q.fields}]
    raise AssertionError(q)


def test_no_question_is_unreachable(camera):
    """Walk the conditions with random answers until every question has been visible (`pia validate` does too)."""
    from pia.checks import Where, reachability_problems

    assert reachability_problems(camera, Where.of(camera)) == []


def test_typical_cctv_assessment_is_shorter_than_the_whole_instrument(camera):
    total = len(camera.questions())
    shown = len(visible_questions(camera, CCTV_ONLY))
    assert shown < total - 50


def test_random_assessments_respect_jurisdiction_scope(camera):
    """Over many random answer sets, EU-only prohibitions never fire elsewhere and the engine always decides."""
    from pia.answers import AnswerSet
    from pia.assess import assess
    from pia.rules_model import OUTCOMES

    eu_only = {f.id for f in camera.rules.red_flags if f.jurisdictions == ["eu"]}
    rng = random.Random(7)
    seen_outcomes = set()
    for _ in range(60):
        answers = {q.id: _random_value(q, rng) for q in camera.questions()}
        a = assess(camera, AnswerSet(camera.id, camera.version, {}, answers))
        assert a.outcome in OUTCOMES
        seen_outcomes.add(a.outcome)
        fired = {f.id for f in a.red_flags}
        if answers["jurisdiction"] != "eu":
            assert not fired & eu_only, (answers["jurisdiction"], fired & eu_only)
        for r in a.rights:
            assert all(1 <= v <= 4 for v in r.residual_dimensions.values())
            assert camera.rules.matrix.rank(r.residual) <= camera.rules.matrix.rank(r.inherent)
    assert "prohibited" in seen_outcomes
