"""The Assessment as JSON: canonical, reproducible, stamped, and readable back."""

from __future__ import annotations

import json

from pia import ENGINE_VERSION
from pia.answers import AnswerSet
from pia.assess import Assessment, assess

from .engine_cases import CLEAN, answers, planned, verified

BUSY = {
    "technologies": ["retro_fr", "anpr"], "scraping": "unknown", "bias_tested": "no", "coverage": "district",
    "use_frequency": "often", "children_present": "yes", "retention_days": 90,
    "mitigations": [verified("M-MASK"), planned("M-DELETE"), verified("M-BIAS-TEST")],
}


def test_same_input_gives_byte_identical_json(engine_q):
    first = assess(engine_q, answers(engine_q, **BUSY)).to_json()
    for _ in range(5):
        assert assess(engine_q, answers(engine_q, **BUSY)).to_json() == first


def test_json_does_not_depend_on_the_order_of_answers(engine_q):
    a = answers(engine_q, **BUSY)
    reordered = AnswerSet(a.questionnaire, a.questionnaire_version, dict(a.meta),
                          dict(reversed(list(a.answers.items()))))
    assert assess(engine_q, reordered).to_json() == assess(engine_q, a).to_json()


def test_json_is_the_same_after_reloading_the_questionnaire(engine_q):
    from pia.loader import load_questionnaire

    again = load_questionnaire(engine_q.source_files[0])
    assert assess(again, answers(again, **BUSY)).to_json() == assess(engine_q, answers(engine_q, **BUSY)).to_json()


def test_json_is_canonical_and_stamped(engine_q):
    a = answers(engine_q, **BUSY)
    text = assess(engine_q, a).to_json()
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    assert data["questionnaire_id"] == "engine_fixture"
    assert data["questionnaire_version"] == "2.0.0"
    assert data["engine_version"] == ENGINE_VERSION
    assert data["answers_sha256"] == a.sha256(engine_q)
    assert len(data["answers_sha256"]) == 64


def test_json_reads_back_into_an_equal_assessment(engine_q):
    a = assess(engine_q, answers(engine_q, **BUSY))
    back = Assessment.model_validate_json(a.to_json())
    assert back == a
    assert back.to_json() == a.to_json()


def test_a_changed_answer_changes_the_hash(engine_q):
    one = assess(engine_q, answers(engine_q))
    two = assess(engine_q, answers(engine_q, notes="An extra note."))
    assert one.answers_sha256 != two.answers_sha256
    assert one.outcome == two.outcome


def test_matrix_travels_with_the_assessment(engine_q):
    a = assess(engine_q, answers(engine_q))
    assert [lv.id for lv in a.matrix.levels] == ["low", "medium", "high", "very_high"]
    assert a.matrix.level(4, 1) == "high"


def test_every_dimension_names_its_rules_and_answers(engine_q):
    a = assess(engine_q, answers(engine_q, **BUSY))
    for r in a.rights:
        for name, d in r.dimensions.items():
            if d.value > d.baseline:
                assert d.rules or d.uplift_rules, (r.id, name)
                assert d.answers, (r.id, name)
                for qid in d.answers:
                    assert engine_q.question(qid) is not None


def test_clean_case_counts(engine_q):
    a = assess(engine_q, answers(engine_q))
    c = a.completeness
    assert (c.visible, c.answered, c.unknown, c.required, c.required_answered) == (13, len(CLEAN), 0, 11, 11)
