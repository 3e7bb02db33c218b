"""Golden cases for the United Kingdom and United States jurisdiction packs (legal review L-12 to L-14).

Each stop rule of jurisdiction_uk.yaml and jurisdiction_us.yaml fires on the facts it names and not on a lawful
configuration, and only in its own jurisdiction; the references a reader sees are those of the chosen
jurisdiction (pia/references.py), in the report context as in the app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pia.answers import AnswerSet
from pia.assess import Assessment, assess
from pia.references import anchor_of, for_jurisdiction, shown_or_note
from pia.report.context import build_context
from pia.rules_model import Anchor
from pia.wording import label

from .camera_cases import example

EVIDENCE = {"document": "Legal opinion LO-2026-14", "confirmed_by": "B. Counsel, legal services", "date": "2026-10-01"}
EU_ONLY = ("AI Act", "EDPB", "Directive (EU)", "EU Charter", "Article 29 Working Party")
US_ONLY = ("CCOPS", "Seattle", "San Francisco", "Oakland", "Berkeley", "California", "US Constitution",
           "Carpenter", "Leaders of a Beautiful Struggle", "State ", "Local surveillance-technology")
UK_ONLY = ("Surveillance Camera Code", "ICO", "Data Protection Act 2018", "UK GDPR", "Regulation of Investigatory",
           "Protection of Freedoms Act", "Equality Act 2010", "R (Bridges)")


def change(base: AnswerSet, evidence: tuple[str, ...] = (), **answers: Any) -> AnswerSet:
    for qid, value in answers.items():
        base = base.with_answer(qid, value)
    for qid in evidence:
        base = base.with_evidence(qid, EVIDENCE)
    return base


def status(a: Assessment, fid: str) -> str | None:
    """'triggered', 'potential', or None when the flag is clear (or does not apply here)."""
    rf = a.red_flag(fid)
    return rf.status if rf is not None else None


# ---- United Kingdom -------------------------------------------------------------------------------------------
def uk_face_recognition() -> AnswerSet:
    """The authorised live search for a missing child, moved to a police force in the United Kingdom."""
    return change(example("live_fr_missing_child_authorised"), ("uk_sensitive_condition", "uk_policy_document"),
                  jurisdiction="uk", uk_processing_regime="part3", uk_sensitive_condition="s35_strictly_necessary",
                  uk_policy_document="yes", uk_directed_surveillance="no", uk_camera_code="documented",
                  equality_analysis="done")


def test_uk_lawful_police_face_search_raises_no_uk_flag(camera):
    a = assess(camera, uk_face_recognition())
    assert [f.id for f in a.red_flags if f.id.startswith("RF-UK")] == []
    assert {"RF-UK-01", "RF-UK-02", "RF-UK-04", "RF-UK-07"} <= set(a.red_flags_clear)
    # The EU-only stop on live face recognition does not apply in the United Kingdom.
    assert a.red_flag("RF-01") is None and a.red_flag("RF-16") is None


@pytest.mark.parametrize(("regime", "condition"), [
    ("part3", "none"), ("part3", "explicit_consent"), ("part3", "sched1_public_interest"),
    ("uk_gdpr", "s35_strictly_necessary"),
])
def test_rf_uk_01_biometric_processing_needs_the_condition_of_its_own_regime(camera, regime, condition):
    a = assess(camera, change(uk_face_recognition(), uk_processing_regime=regime, uk_sensitive_condition=condition))
    assert status(a, "RF-UK-01") == "triggered"
    assert a.outcome == "do_not_proceed"
    assert "Data Protection Act 2018 s. 35(5), Schedule 8" in a.red_flag("RF-UK-01").anchors


def test_rf_uk_01_claimed_condition_needs_its_evidence_record(camera):
    claimed = uk_face_recognition().with_evidence("uk_sensitive_condition", None)
    assert status(assess(camera, claimed), "RF-UK-01") == "potential"
    ok = change(uk_face_recognition(), ("uk_sensitive_condition",), uk_processing_regime="both",
                uk_sensitive_condition="sched1_public_interest")
    assert status(assess(camera, ok), "RF-UK-01") is None


def test_rf_uk_02_missing_appropriate_policy_document(camera):
    a = assess(camera, change(uk_face_recognition(), uk_policy_document="no"))
    assert status(a, "RF-UK-02") == "triggered" and a.outcome == "incomplete"


def test_rf_uk_03_covert_directed_surveillance_without_authorisation(camera):
    base = example("town_centre_cctv_large")
    assert assess(camera, base).red_flags == []
    a = assess(camera, change(base, uk_directed_surveillance="unauthorised"))
    assert status(a, "RF-UK-03") == "triggered" and a.outcome == "do_not_proceed"
    authorised = change(base, ("uk_directed_surveillance",), uk_directed_surveillance="authorised")
    assert status(assess(camera, authorised), "RF-UK-03") is None


def test_rf_uk_04_live_face_recognition_without_notice(camera):
    covert = change(uk_face_recognition(), lfr_notice_at_site="no")
    assert status(assess(camera, covert), "RF-UK-04") == "triggered"
    # A specific covert operation authorised under RIPA clears it; with notices it never arises.
    ripa = change(covert, ("uk_directed_surveillance",), uk_directed_surveillance="authorised")
    assert status(assess(camera, ripa), "RF-UK-04") is None
    assert status(assess(camera, uk_face_recognition()), "RF-UK-04") is None


def test_rf_uk_05_camera_code_not_addressed_by_a_relevant_authority(camera):
    base = example("town_centre_cctv_large")
    assert status(assess(camera, change(base, uk_camera_code="not_documented")), "RF-UK-05") == "triggered"
    assert status(assess(camera, change(base, uk_camera_code="not_relevant")), "RF-UK-05") is None


def test_rf_uk_06_equality_duty_only_in_the_united_kingdom(camera):
    uk = assess(camera, change(example("town_centre_cctv_large"), equality_analysis="none"))
    assert status(uk, "RF-UK-06") == "triggered" and uk.outcome == "incomplete"
    assert "Equality Act 2010 s. 149" in uk.red_flag("RF-UK-06").anchors
    eu = assess(camera, change(example("school_cctv"), equality_analysis="none"))
    assert eu.red_flag("RF-UK-06") is None and "RF-UK-06" not in eu.red_flags_clear


def test_rf_uk_07_scraped_face_database(camera):
    scraped = change(uk_face_recognition(), fr_reference_sources=["case_specific", "scraped"])
    a = assess(camera, scraped)
    assert status(a, "RF-UK-07") == "triggered"
    assert "Information Commissioner v Clearview AI Inc [2025] UKUT 319 (AAC)" in a.red_flag("RF-UK-07").anchors
    # A vendor database whose images the vendor does not show to be free of scraping (the question is asked only
    # when a vendor database is used).
    vendor = change(uk_face_recognition(), fr_reference_sources=["case_specific", "vendor_database"],
                    fr_vendor_scraping_free="no")
    assert status(assess(camera, vendor), "RF-UK-07") == "triggered"


# ---- United States -------------------------------------------------------------------------------------------
def us_face_recognition() -> AnswerSet:
    return change(example("retrospective_fr_central_square"), ("us_state_fr_law", "us_state_biometric_law"),
                  jurisdiction="us_city", us_surveillance_ordinance="yes", council_approval="scheduled",
                  assessment_timing="before_purchase", us_state_fr_law="met", us_state_biometric_law="none")


@pytest.mark.parametrize(("timing", "vote", "expected"), [
    ("before_purchase", "not_planned", "triggered"),
    ("in_use", "scheduled", "triggered"),
    ("in_use", "approved", None),
    ("before_purchase", "scheduled", None),
])
def test_rf_us_01_missing_council_vote_is_a_stop_under_an_ordinance(camera, timing, vote, expected):
    a = assess(camera, change(example("citywide_plate_readers_police"), assessment_timing=timing,
                              council_approval=vote))
    assert status(a, "RF-US-01") == expected


def test_rf_us_01_no_ordinance_no_stop_once_confirmed(camera):
    base = change(example("citywide_plate_readers_police"), us_surveillance_ordinance="no", council_approval="not_planned")
    assert status(assess(camera, base), "RF-US-01") == "potential"    # "no ordinance" is a claim: evidence needed
    assert status(assess(camera, base.with_evidence("us_surveillance_ordinance", EVIDENCE)), "RF-US-01") is None


def test_rf_us_02_03_state_face_recognition_law(camera):
    assert status(assess(camera, us_face_recognition()), "RF-US-02") is None
    assert status(assess(camera, us_face_recognition()), "RF-US-03") is None
    banned = assess(camera, change(us_face_recognition(), us_state_fr_law="bans"))
    assert status(banned, "RF-US-02") == "triggered" and banned.outcome == "prohibited"
    unmet = assess(camera, change(us_face_recognition(), us_state_fr_law="not_met"))
    assert status(unmet, "RF-US-03") == "triggered" and status(unmet, "RF-US-02") is None


def test_rf_us_04_private_collection_without_biometric_privacy_law_duties(camera):
    a = assess(camera, change(us_face_recognition(), us_state_biometric_law="not_met"))
    assert status(a, "RF-US-04") == "triggered"
    assert "Illinois Biometric Information Privacy Act, 740 ILCS 14" in a.red_flag("RF-US-04").anchors
    assert status(assess(camera, us_face_recognition()), "RF-US-04") is None


def plates(**answers: Any) -> AnswerSet:
    return change(example("citywide_plate_readers_police"), ("us_alpr_law_conditions_met",),
                  us_state_alpr_law="applies", us_alpr_law_conditions_met="yes", **answers)


@pytest.mark.parametrize(("limit", "kept", "expected"), [
    (21, "longer", "triggered"),          # e.g. Maine: reads kept beyond 30 days
    (0.002, "up_to_30d", "triggered"),    # New Hampshire: three minutes
    (0.002, "up_to_72h", None),           # not certainly beyond the limit on this answer
    (90, "longer", None),
    (0, "longer", None),                  # the law sets no retention limit
])
def test_rf_us_05_state_plate_reader_retention_limit(camera, limit, kept, expected):
    a = assess(camera, plates(us_alpr_retention_limit_days=limit, alpr_nonhit_retention=kept))
    assert status(a, "RF-US-05") == expected


def test_rf_us_05_other_conditions_of_the_state_law(camera):
    a = assess(camera, plates(us_alpr_retention_limit_days=0).with_answer("us_alpr_law_conditions_met", "no"))
    assert status(a, "RF-US-05") == "triggered"
    none = change(example("citywide_plate_readers_police"), ("us_state_alpr_law",), us_state_alpr_law="none")
    assert status(assess(camera, none), "RF-US-05") is None


def test_rf_us_06_warrantless_searches_of_weeks_of_drone_records(camera):
    drones = change(example("citywide_plate_readers_police"), technologies=["alpr", "drone"])
    assert status(assess(camera, drones), "RF-US-06") == "triggered"     # 365 days, no warrant
    assert status(assess(camera, change(drones, us_location_history_days=3)), "RF-US-06") is None
    warrant = change(drones, ("us_location_warrant",), us_location_warrant="warrant")
    assert status(assess(camera, warrant), "RF-US-06") is None
    # Plate readers alone: the law is unsettled, so no stop (the misuse rating below carries it).
    assert status(assess(camera, example("citywide_plate_readers_police")), "RF-US-06") is None


def test_warrantless_plate_history_raises_movement_misuse_until_a_warrant_is_required(camera):
    def rules(a: Assessment) -> set[str]:
        return {h.id for h in a.right("movement").rule_hits if h.status == "holds"}

    a = assess(camera, example("citywide_plate_readers_police"))
    assert "R-US-MOV-WARRANTLESS-HISTORY" in rules(a)
    warrant = change(example("citywide_plate_readers_police"), ("us_location_warrant",), us_location_warrant="warrant")
    assert "R-US-MOV-WARRANTLESS-HISTORY" not in rules(assess(camera, warrant))


def test_us_and_uk_obligations_at_every_level(camera):
    us = assess(camera, example("citywide_plate_readers_police"))
    assert us.overall_level == "very_high"
    [o] = us.obligations
    assert o.jurisdictions == ["us_city"] and "redesign" in str(o.approver).lower()
    banned = assess(camera, change(us_face_recognition(), us_state_fr_law="bans"))
    assert any(o.level == "red_flag" and "City attorney" in str(o.independent_review) for o in banned.obligations)
    uk = assess(camera, example("town_centre_cctv_large"))
    assert [(o.level, o.jurisdictions) for o in uk.obligations] == [("high", ["uk"])]
    assert "Information Commissioner" in str(uk.obligations[0].approver)


# ---- References per jurisdiction ------------------------------------------------------------------------------
def anchors(*specs: tuple[str, list[str]]) -> list[Anchor]:
    return [Anchor(id=f"A{i}", cite=cite, status="binding", jurisdictions=j) for i, (cite, j) in enumerate(specs)]


def test_anchor_of_matches_exact_then_longest_prefix_at_a_word_boundary():
    cat = {a.cite: a for a in anchors(("GDPR", ["eu", "uk"]), ("GDPR Art. 3", ["eu"]), ("GDPR Art. 35(11)", ["eu"]))}
    assert anchor_of("GDPR Art. 3", cat).cite == "GDPR Art. 3"
    assert anchor_of("GDPR Art. 3(2)", cat).cite == "GDPR Art. 3"
    assert anchor_of("GDPR Art. 35(1)", cat).cite == "GDPR"            # not "GDPR Art. 3": 35 is another article
    assert anchor_of("GDPRX", cat) is None and anchor_of("ICCPR Art. 17", cat) is None


def test_for_jurisdiction_drops_other_jurisdictions_and_says_so_when_nothing_remains():
    cat = anchors(("AI Act", ["eu"]), ("ECHR", ["eu", "uk"]), ("CCOPS model bill", ["us_city"]))
    refs = ["AI Act Art. 5(5)", "ECHR Art. 8(2)", "ICCPR Art. 17", "CCOPS model bill s. 2"]
    assert for_jurisdiction(refs, cat, "uk").shown == ("ECHR Art. 8(2)", "ICCPR Art. 17")
    assert for_jurisdiction(refs, cat, "us_city").dropped == ("AI Act Art. 5(5)", "ECHR Art. 8(2)")
    assert for_jurisdiction(refs, cat, None).shown == tuple(refs)      # no jurisdiction chosen: nothing dropped
    eu_only = for_jurisdiction(["AI Act Art. 5(5)"], cat, "us_city")
    assert eu_only.shown == () and eu_only.note == label("references.none_apply") == eu_only.text()
    assert shown_or_note(["AI Act Art. 5(5)"], cat, "us_city") == [label("references.none_apply")]
    assert shown_or_note([], cat, "us_city") == [] and for_jurisdiction([], cat, "uk").note == ""


@pytest.mark.parametrize(("profile", "foreign"), [
    ("us_city", EU_ONLY + UK_ONLY + ("GDPR", "ECHR")),
    ("uk", EU_ONLY + US_ONLY),
    ("eu", US_ONLY + UK_ONLY),
])
def test_no_question_shows_another_jurisdictions_law(camera, profile, foreign):
    shown = [r for q in camera.questions() for r in shown_or_note(q.legal_refs, camera.rules.anchors, profile)]
    assert shown and not [r for r in shown if r.startswith(foreign)]


def test_report_context_shows_the_references_of_the_chosen_jurisdiction(camera):
    answers = example("citywide_plate_readers_police")
    ctx = build_context(camera, answers, assess(camera, answers), generated=date(2026, 11, 30))
    refs = {x["id"]: x["legal_refs"] for s in ctx["sections"] for x in s["questions"]}
    assert refs["legal_basis"] == "ICCPR Art. 17"                       # GDPR, EDPB and ECHR dropped
    assert refs["us_surveillance_ordinance"].startswith("Local surveillance-technology ordinance")
    assert refs["alpr_nonhit_retention"] == "CCOPS model bill, use policy (retention)"
    rights = {r["id"]: r["anchors"] for r in ctx["rights"]}
    assert rights["privacy"] == "ICCPR Art. 17"
    assert rights["children"] == "ICCPR Art. 24"                         # the Convention and the Charter dropped
    uk = example("town_centre_cctv_large")
    ctx_uk = build_context(camera, uk, assess(camera, uk), generated=date(2026, 11, 30))
    refs_uk = {x["id"]: x["legal_refs"] for s in ctx_uk["sections"] for x in s["questions"]}
    assert "EDPB" not in refs_uk["legal_basis"] and "ECHR Art. 8(2)" in refs_uk["legal_basis"]
    assert refs_uk["law_limits_discretion"] == ("R (Bridges) v CC South Wales Police [2020] EWCA Civ 1058 paras 90-96, "
                                                "130, UN Human Rights Committee General Comment 37 para 39, "
                                                "Glukhin v Russia (ECtHR 2023)")
    assert refs["law_limits_discretion"] == "UN Human Rights Committee General Comment 37 para 39"


def test_a_flag_whose_sources_all_belong_elsewhere_says_so(camera):
    # RF-08 (local ban on face recognition) cites San Francisco and Oakland, which do not apply in the United
    # Kingdom, and the local ban the answer names, which does.
    answers = change(uk_face_recognition(), local_fr_ban="yes")
    a = assess(camera, answers)
    assert status(a, "RF-08") == "triggered"
    ctx = build_context(camera, answers, a, generated=date(2026, 11, 30))
    [rf08] = [f for f in ctx["red_flags"] if f["id"] == "RF-08"]
    assert rf08["anchors"] == "Local or regional law banning face recognition (named in the answer)"
    assert "Oakland" not in rf08["law_text"]
    # A list whose every source belongs elsewhere says so (in a US city: the ECHR, the EU Charter, the GDPR).
    elsewhere = ["ECHR Art. 8", "EU Charter Art. 35", "GDPR Art. 9"]
    assert shown_or_note(elsewhere, camera.rules.anchors, "us_city") == [label("references.none_apply")]
    # Every right cites a source that binds where the assessment is made: health data's confidentiality rests on
    # ICCPR Art. 17 in a US city, and in a state outside the Council of Europe.
    for right in camera.rules.rights:
        for where in ("eu", "uk", "us_city", "international"):
            assert shown_or_note(right.anchors, camera.rules.anchors, where) != [label("references.none_apply")], (
                right.id, where)
