"""Every topic of the reference crosswalk (frameworks.md section 8, T00-T61) has questions.

The table is the authoring record of where each topic is asked; the test keeps it true.
"""

from __future__ import annotations

import pytest

TOPICS = {
    "T00 assessment process": ["assessment_timing", "previous_assessments", "on_national_list", "dpo_advice"],
    "T01 system description": ["system_description", "integrations", "product_has_restricted_features"],
    "T02 purpose per camera": ["purposes"],
    "T03 locations and siting": ["sites", "deployment_criteria", "places"],
    "T04 period and frequency": ["operating_hours", "period_and_frequency", "start_date"],
    "T05 modality and regulatory triage": ["technologies", "analytics_kinds", "purpose_law_enforcement"],
    "T06 roles and accountability": ["operator", "responsible_officer", "processor_contract"],
    "T07 legal basis and quality of law": ["legal_basis", "legal_basis_citation", "law_limits_discretion", "lfr_national_law"],
    "T08 biometric condition": ["biometric_condition"],
    "T09 prohibited-practice screen": ["analytics_kinds", "fr_reference_sources", "lfr_objective", "local_fr_ban",
                                       "precautionary_policy", "restricted_features_control"],
    "T10 per-use authorisation": ["lfr_prior_authorisation", "authorising_body", "rfr_authorisation"],
    "T11 legitimate aim and pressing need": ["pressing_need", "problem_evidence"],
    "T12 consent and expectations": ["legal_basis", "reasonable_expectations"],
    "T13 necessity and effectiveness": ["problem_description", "effectiveness_evidence", "success_measures"],
    "T14 less intrusive alternatives": ["alternatives", "less_intrusive_adequate"],
    "T15 proportionality": ["people_affected_per_day", "benefits", "balance"],
    "T16 watchlist criteria": ["watchlist_criteria", "watchlist_approval", "watchlist_size"],
    "T17 reference data quality": ["watchlist_refresh", "fr_reference_sources", "fr_vendor_scraping_free"],
    "T18 targeting and scope limits": ["lfr_targeted_only", "lfr_deployments", "rfr_search_trigger"],
    "T19 urgency rules": ["urgency_rules"],
    "T20 accuracy and thresholds": ["match_threshold", "false_alerts_per_10000", "pilot_precision", "alpr_accuracy_evidence"],
    "T21 demographic testing": ["bias_testing", "bias_test_details", "equality_analysis"],
    "T22 human review": ["human_review", "no_sole_decision"],
    "T23 intervention protocol": ["intervention_protocol", "rfr_candidate_handling"],
    "T24 oversight staffing and training": ["reviewer_training", "staff_training"],
    "T25 data minimisation": ["minimisation", "data_types"],
    "T26 retention": ["retention_days", "retention_reason", "lfr_non_match_deletion", "alpr_nonhit_retention"],
    "T27 access and audit logs": ["access_rules", "audit_logging", "log_retention_months", "authorisation_records"],
    "T28 sharing": ["shares_data", "sharing_recipients", "sharing_basis", "alpr_network_sharing"],
    "T29 vendor access": ["vendor_access", "processor_contract"],
    "T30 security and breaches": ["security_measures", "incident_procedure"],
    "T31 transfers and hosting": ["hosting_location"],
    "T32 function creep": ["new_use_approval", "footage_for_ai", "secondary_uses", "change_type"],
    "T33 private life": ["privacy_impact", "views_private"],
    "T34 assembly and chilling": ["assembly_chilling", "fr_at_assemblies", "asm_identification_rule"],
    "T35 expression": ["expression_impact"],
    "T36 journalists and sources": ["journalist_protection", "asm_journalists"],
    "T37 sensitive locations": ["sensitive_places_measures", "places"],
    "T38 non-discrimination": ["equality_analysis", "deployment_distribution", "equality_findings"],
    "T39 children": ["child_justification", "children_measures", "watchlist_children"],
    "T40 other vulnerable groups": ["affected_groups", "vulnerable_measures"],
    "T41 movement": ["movement_impact", "alpr_coverage"],
    "T42 liberty and fair trial": ["fair_trial", "use_disclosed_to_accused"],
    "T43 notice and signage": ["signage", "public_camera_map", "deployment_notice"],
    "T44 data-subject rights": ["data_rights_process"],
    "T45 consultation": ["consultation_held", "consultation_summary"],
    "T46 publication": ["publication"],
    "T47 approval and regulators": ["council_approval", "regulator_consultation", "fria_status", "eu_database_registration",
                                    "per_use_notification"],
    "T48 remedy and complaints": ["complaint_route", "complaint_details", "people_informed_after_alert"],
    "T49 independent oversight": ["oversight_body"],
    "T50 annual reporting": ["annual_report_contents"],
    "T51 incidents and suspension": ["incident_procedure", "suspension_power"],
    "T52 review and sunset": ["review_interval_months", "review_triggers", "sunset_date", "next_review_date"],
    "T53 enforcement and whistleblowers": ["whistleblowing"],
    "T54 costs and funding": ["cost_initial", "cost_yearly", "funding_sources"],
    "T55 vendor due diligence": ["vendor_name", "vendor_due_diligence", "contract_clauses"],
    "T56 lock-in and exit": ["lock_in", "contract_clauses"],
    "T57 drones": ["drone_missions", "drone_altitude_m", "drone_over_private"],
    "T58 body-worn cameras": ["bwc_activation", "bwc_no_face_recognition", "bwc_at_assemblies"],
    "T59 licence-plate readers": ["alpr_mode", "alpr_hotlist_sources", "alpr_vehicle_features"],
    "T60 deployment at gatherings": ["asm_pre_event_assessment", "asm_anonymity", "asm_footage_retention"],
    "T61 evidential integrity": ["fair_trial"],
}


def test_all_sixty_two_topics_are_listed():
    assert [k.split()[0] for k in TOPICS] == [f"T{n:02d}" for n in range(62)]


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_topic_has_its_questions(camera, topic):
    for qid in TOPICS[topic]:
        assert camera.question(qid) is not None, f"{topic}: no question {qid}"
