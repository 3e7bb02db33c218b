"""Golden tests for case_lessons.yaml: must-flag items of decided cases that had no rule.

Each test takes a worked example, gives the answer the case turned on, and checks that the rule holds, that
the answer its `lowered_by` names ends it, that `unknown` leaves it potential, and what lowers it.
"""

from __future__ import annotations

from pia.assess import assess

from .camera_cases import change, example, harm, status


def fires(camera, base, rule: str, **answers):
    """The assessment of `base` with `answers` changed, after checking that `rule` does not apply to `base` and
    holds once the answers change: the shape every test here starts from."""
    assert status(assess(camera, base), rule) is None
    changed = assess(camera, change(base, **answers))
    assert status(changed, rule) == "holds"
    return changed


def verified(answer_set, mitigation: str):
    row = {"mitigation": mitigation, "state": "verified", "owner": "Centre manager", "due": "2026-09-30",
           "evidence": "Access design and a sample of logged queries", "verified_by": "R. Owen, auditor",
           "verified_on": "2026-10-15"}
    return answer_set.with_answer("mitigation_plan", [*answer_set.answers.get("mitigation_plan", []), row])


# --- use before the policy (Detroit, Oakland) ----------------------------------------------------------


def test_use_before_the_policy_is_rated_and_oaklands_condition_ends_it(camera):
    town = example("town_centre_cctv_large")   # adopted before any use
    late = fires(camera, town, "R-PRIV-USE-BEFORE-POLICY", use_policy_timing="after_first_use")
    arbitrary = harm(late.right("privacy"), "H-PRIV-ARBITRARY")
    assert arbitrary.inherent["scale"] >= 2 and arbitrary.inherent["likelihood"] >= 3
    off = assess(camera, change(town, use_policy_timing="off_until_adopted"))
    assert status(off, "R-PRIV-USE-BEFORE-POLICY") is None
    assert status(assess(camera, change(town, use_policy_timing="unknown")), "R-PRIV-USE-BEFORE-POLICY") == "potential"


def test_independent_oversight_lowers_the_likelihood_of_use_before_the_policy(camera):
    late = change(example("town_centre_cctv_large"), use_policy_timing="after_first_use")
    before = harm(assess(camera, late).right("privacy"), "H-PRIV-ARBITRARY")
    after = harm(assess(camera, verified(late, "M-INDEPENDENT-OVERSIGHT")).right("privacy"), "H-PRIV-ARBITRARY")
    assert after.residual["likelihood"] < before.residual["likelihood"]


# --- face searches by untrained users and with poor probes (Detroit) --------------------------------


def test_untrained_face_search_users_raise_false_match_likelihood(camera):
    square = example("retrospective_fr_central_square")
    assert status(assess(camera, square), "R-DP-FR-UNTRAINED-USERS") == "holds"  # the example's course is partial
    trained = assess(camera, change(square, fr_user_training="before_access"))
    assert status(trained, "R-DP-FR-UNTRAINED-USERS") is None
    # The question is asked for face recognition only: a town-centre camera network never reaches the rule.
    assert status(assess(camera, example("town_centre_cctv_large")), "R-DP-FR-UNTRAINED-USERS") is None


def test_searches_with_probes_below_a_minimum_are_rated(camera):
    square = example("retrospective_fr_central_square")
    assert status(assess(camera, square), "R-DP-PROBE-QUALITY") == "holds"
    assert status(assess(camera, change(square, rfr_probe_quality="yes")), "R-DP-PROBE-QUALITY") is None
    assert status(assess(camera, change(square, rfr_probe_quality="unknown")), "R-DP-PROBE-QUALITY") == "potential"


# --- fusion of sources in one centre (Oakland) -------------------------------------------------------


def test_fusing_sources_is_an_interference_whose_scale_separation_lowers(camera):
    town = example("town_centre_cctv_large")   # data_fusion: none
    sources = ["acoustic_sensors", "social_media", "records"]
    a = fires(camera, town, "R-PRIV-FUSION", data_fusion=sources)
    hub = change(town, data_fusion=sources)
    fusion = harm(a.right("privacy"), "H-PRIV-FUSION")
    assert fusion.inherent["scale"] == 3 and fusion.inherent["likelihood"] == 3
    separated = harm(assess(camera, verified(hub, "M-FUSION-SEPARATION")).right("privacy"), "H-PRIV-FUSION")
    assert separated.residual["scale"] == 2
    assert separated.residual["likelihood"] == 3  # an interference: no safeguard makes it less certain


# --- plate-reader images of occupants (Stockholm) ---------------------------------------------------


def test_plate_images_that_show_occupants_are_irreducible(camera):
    parking = example("parking_plate_readers")   # cropped to the plate
    overview = fires(camera, parking, "R-PRIV-LPR-OCCUPANTS", alpr_occupant_images="overview")
    occupants = harm(overview.right("privacy"), "H-PRIV-LPR-OCCUPANTS")
    assert occupants.irreducible and occupants.residual["likelihood"] == 4
    edge = assess(camera, change(parking, alpr_occupant_images="plate_surroundings"))
    assert status(edge, "R-PRIV-LPR-OCCUPANTS-EDGE") == "holds"
    assert status(edge, "R-PRIV-LPR-OCCUPANTS") is None
    assert harm(edge.right("privacy"), "H-PRIV-LPR-OCCUPANTS").inherent["likelihood"] == 2


# --- secrecy about locations and capabilities (Belgrade) ---------------------------------------------


def test_an_unpublished_inventory_is_rated_and_publishing_it_ends_it(camera):
    plates = example("citywide_plate_readers_police")  # public_camera_map: no
    a = assess(camera, plates)
    assert status(a, "R-PRIV-SECRET-INVENTORY") == "holds"
    assert harm(a.right("privacy"), "H-PRIV-NO-OVERSIGHT").inherent["likelihood"] >= 3
    assert status(assess(camera, change(plates, public_camera_map="yes")), "R-PRIV-SECRET-INVENTORY") is None


# --- recording that cannot be switched off on its own (San Diego) ----------------------------------


def test_recording_that_only_stops_with_the_whole_device_is_irreducible(camera):
    school = example("school_cctv")   # a separate switch
    lights = fires(camera, school, "R-PRIV-NO-OFF-SWITCH", recording_off_switch="whole_device")
    stuck = harm(lights.right("privacy"), "H-PRIV-NO-OFF-SWITCH")
    assert stuck.irreducible and stuck.residual["scale"] == 2 and stuck.residual["likelihood"] == 3
    assert status(assess(camera, change(school, recording_off_switch="vendor_only")), "R-PRIV-NO-OFF-SWITCH") == "holds"
    assert status(assess(camera, change(school, recording_off_switch="unknown")), "R-PRIV-NO-OFF-SWITCH") == "potential"


# --- a system put to the vote before its use policy is written (Oakland) ------------------------------


def test_a_system_without_a_written_use_policy_is_rated_until_the_policy_exists(camera):
    town = example("town_centre_cctv_large")   # the example has its policy
    # Oakland: no policy, and recording kept off until one is approved. The missing rules are still named,
    # though no use before the policy is rated.
    a = fires(camera, town, "R-PRIV-NO-USE-POLICY", use_policy="no", use_policy_timing="off_until_adopted")
    assert status(a, "R-PRIV-USE-BEFORE-POLICY") is None
    arbitrary = harm(a.right("privacy"), "H-PRIV-ARBITRARY")
    assert (arbitrary.inherent["scale"], arbitrary.inherent["likelihood"]) == (2, 2)
    assert status(assess(camera, change(town, use_policy="unknown")), "R-PRIV-NO-USE-POLICY") == "potential"


# --- cameras renewed on mixed or missing evidence of their effect (Groningen) -------------------------


def test_a_renewal_on_mixed_evaluations_is_rated_and_a_sunset_date_lowers_it(camera):
    town = example("town_centre_cctv_large")  # an extension; its evaluations are mixed, with a sunset date
    a = assess(camera, town)
    assert status(a, "R-PRIV-UNPROVEN-EFFECT") == "holds"
    unproven = harm(a.right("privacy"), "H-PRIV-UNPROVEN-EFFECT")
    assert unproven.inherent["likelihood"] == 2 and unproven.residual["likelihood"] == 1
    assert "A-SUNSET" in {s.id for s in a.answer_safeguards if s.counted}
    no_end = harm(assess(camera, change(town, sunset_date=None)).right("privacy"), "H-PRIV-UNPROVEN-EFFECT")
    assert no_end.residual["likelihood"] == 2
    assert status(assess(camera, change(town, effect_evaluation="none")), "R-PRIV-UNPROVEN-EFFECT") == "holds"
    assert status(assess(camera, change(town, effect_evaluation="met_aims")), "R-PRIV-UNPROVEN-EFFECT") is None
    # Asked only of a system already running: a new system has no evaluation of its own to show.
    assert status(assess(camera, change(town, change_type="new")), "R-PRIV-UNPROVEN-EFFECT") is None


def test_an_evaluation_that_found_the_aims_not_met_is_a_stop(camera):
    town = example("town_centre_cctv_large")
    assert assess(camera, town).red_flag("RF-20") is None
    failed = assess(camera, change(town, effect_evaluation="not_met"))
    assert failed.red_flag("RF-20").status == "triggered"
    assert failed.red_flag("RF-20").answers["effect_evaluation"] == "not_met"
    assert failed.outcome == "do_not_proceed"
    assert assess(camera, change(town, effect_evaluation="unknown")).red_flag("RF-20").status == "potential"


# --- an assessment that treats scanned faces as no personal data (Mercadona) --------------------------


def test_an_assessment_that_denies_the_biometric_processing_is_incomplete(camera):
    square = example("retrospective_fr_central_square")
    assert square.answers["biometric_data_position"] == "yes"
    assert assess(camera, square).red_flag("RF-22") is None
    denied = assess(camera, change(square, biometric_data_position="no"))
    assert denied.red_flag("RF-22").status == "triggered"
    assert denied.red_flag("RF-22").outcome == "incomplete"
    assert assess(camera, change(square, biometric_data_position="unknown")).red_flag("RF-22").status == "potential"
    # No face recognition, no question and no flag.
    assert assess(camera, example("town_centre_cctv_large")).red_flag("RF-22") is None


def test_the_biometric_premise_is_not_asked_under_united_states_law(camera):
    """US law has no general definition of biometric personal data the flag could rest on (state laws are
    asked in the US pack), so the question is hidden there and the flag never applies."""
    square = change(example("retrospective_fr_central_square"), jurisdiction="us_city", biometric_data_position="no")
    assert assess(camera, square).red_flag("RF-22") is None


# --- the authority's prior opinion under national law (Belgrade) ----------------------------------------


def test_the_prior_opinion_national_law_requires_is_a_stop_until_sought(camera):
    abroad = change(example("town_centre_cctv_large"), jurisdiction="international", echr_party="yes")
    not_sought = assess(camera, change(abroad, national_dp_prior_opinion="required_not_sought"))
    flag = not_sought.red_flag("INT-PRIOR-OPINION")
    assert flag.status == "triggered" and flag.outcome == "incomplete"
    assert "National data protection law (prior consultation of the authority)" in flag.anchors
    assert assess(camera, change(abroad, national_dp_prior_opinion="planned")).red_flag("INT-PRIOR-OPINION") is None
    # "Sought" and "not required" clear the flag only with their evidence record (method v2).
    bare = assess(camera, change(abroad, national_dp_prior_opinion="not_required"))
    assert bare.red_flag("INT-PRIOR-OPINION").status == "potential"
    record = {"document": "Law on Personal Data Protection Art. 54-55: no high risk after safeguards",
              "confirmed_by": "City legal service", "date": "2026-11-10"}
    evidenced = assess(camera, change(abroad, national_dp_prior_opinion="not_required")
                       .with_evidence("national_dp_prior_opinion", record))
    assert evidenced.red_flag("INT-PRIOR-OPINION") is None
    # Only in the international profile: the EU and UK ask about the authority in their own terms (RF-15).
    eu = change(example("town_centre_cctv_large"), jurisdiction="eu", national_dp_prior_opinion="required_not_sought")
    assert assess(camera, eu).red_flag("INT-PRIOR-OPINION") is None


# --- stored records released to anyone under a public records law (Seattle) ---------------------------


def test_release_to_anyone_under_a_public_records_law_is_its_own_harm(camera):
    town = example("town_centre_cctv_large")   # shares with the local police under an approved agreement
    recipients = ["local_police", "public_requests"]
    a = fires(camera, town, "R-PRIV-PUBLIC-RELEASE", sharing_recipients=recipients)
    public = change(town, sharing_recipients=recipients)
    release = harm(a.right("privacy"), "H-PRIV-PUBLIC-RELEASE")
    assert (release.inherent["scale"], release.inherent["irremediability"], release.inherent["likelihood"]) == (3, 3, 2)
    # The agreement that governs disclosures to agencies does not lower a release to anyone.
    assert not [r for r in release.reductions if r.reduction]
    assert release.residual["likelihood"] == 2
    shielded = harm(assess(camera, verified(public, "M-PUBLIC-RECORDS-SHIELD")).right("privacy"),
                    "H-PRIV-PUBLIC-RELEASE")
    assert shielded.residual["likelihood"] < 2
    assert status(assess(camera, change(town, sharing_recipients="unknown")), "R-PRIV-PUBLIC-RELEASE") == "potential"
