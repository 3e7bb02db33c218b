"""Golden tests for case_lessons.yaml: must-flag items of decided cases that had no rule.

Each test takes a worked example, gives the answer the case turned on, and checks that the rule holds, that
the answer its `lowered_by` names ends it, that `unknown` leaves it potential, and what lowers it.
"""

from __future__ import annotations

from pia.assess import assess

from .camera_cases import change, example, harm, status


def verified(answer_set, mitigation: str):
    row = {"mitigation": mitigation, "state": "verified", "owner": "Centre manager", "due": "2026-09-30",
           "evidence": "Access design and a sample of logged queries", "verified_by": "R. Owen, auditor",
           "verified_on": "2026-10-15"}
    return answer_set.with_answer("mitigation_plan", [*answer_set.answers.get("mitigation_plan", []), row])


# --- use before the policy (Detroit, Oakland) ----------------------------------------------------------


def test_use_before_the_policy_is_rated_and_oaklands_condition_ends_it(camera):
    town = example("town_centre_cctv_large")
    assert status(assess(camera, town), "R-PRIV-USE-BEFORE-POLICY") is None  # adopted before any use
    late = assess(camera, change(town, use_policy_timing="after_first_use"))
    assert status(late, "R-PRIV-USE-BEFORE-POLICY") == "holds"
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
    town = example("town_centre_cctv_large")
    assert status(assess(camera, town), "R-PRIV-FUSION") is None  # data_fusion: none
    hub = change(town, data_fusion=["acoustic_sensors", "social_media", "records"])
    a = assess(camera, hub)
    assert status(a, "R-PRIV-FUSION") == "holds"
    fusion = harm(a.right("privacy"), "H-PRIV-FUSION")
    assert fusion.inherent["scale"] == 3 and fusion.inherent["likelihood"] == 3
    separated = harm(assess(camera, verified(hub, "M-FUSION-SEPARATION")).right("privacy"), "H-PRIV-FUSION")
    assert separated.residual["scale"] == 2
    assert separated.residual["likelihood"] == 3  # an interference: no safeguard makes it less certain


# --- plate-reader images of occupants (Stockholm) ---------------------------------------------------


def test_plate_images_that_show_occupants_are_irreducible(camera):
    parking = example("parking_plate_readers")
    assert status(assess(camera, parking), "R-PRIV-LPR-OCCUPANTS") is None  # cropped to the plate
    overview = assess(camera, change(parking, alpr_occupant_images="overview"))
    assert status(overview, "R-PRIV-LPR-OCCUPANTS") == "holds"
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
    school = example("school_cctv")
    assert status(assess(camera, school), "R-PRIV-NO-OFF-SWITCH") is None  # a separate switch
    lights = assess(camera, change(school, recording_off_switch="whole_device"))
    assert status(lights, "R-PRIV-NO-OFF-SWITCH") == "holds"
    stuck = harm(lights.right("privacy"), "H-PRIV-NO-OFF-SWITCH")
    assert stuck.irreducible and stuck.residual["scale"] == 2 and stuck.residual["likelihood"] == 3
    assert status(assess(camera, change(school, recording_off_switch="vendor_only")), "R-PRIV-NO-OFF-SWITCH") == "holds"
    assert status(assess(camera, change(school, recording_off_switch="unknown")), "R-PRIV-NO-OFF-SWITCH") == "potential"
