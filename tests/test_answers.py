"""Answers files: validation reports everything at once; saving round-trips exactly."""

from __future__ import annotations

from pia import answers as A
from pia.errors import PiaError


def test_complete_answers_validate(mini, fixtures):
    answers, doc = A.load(fixtures / "mini" / "answers_complete.yaml")
    assert A.validate(answers, mini, doc) == []


def test_all_problems_reported_in_one_run(mini, fixtures):
    answers, doc = A.load(fixtures / "mini" / "answers_bad.yaml")
    problems = A.validate(answers, mini, doc)
    by_path = {p.path: (p.line, p.message) for p in problems}
    assert len(problems) == 9
    assert by_path["answers.jurisdiction"][0] == 6 and "not one of the offered" in by_path["answers.jurisdiction"][1]
    assert "expected a list" in by_path["answers.technologies"][1]
    assert "not true/false" in by_path["answers.law_enforcement"][1]
    assert "above the maximum 10000" in by_path["answers.camera_count"][1]
    assert "not a real date" in by_path["answers.start_date"][1]
    assert "no question 'no_such_question'" in by_path["answers.no_such_question"][1]
    assert "unknown field 'height'" in by_path["answers.sites.0.height"][1]
    assert by_path["answers.sites.0.kind"][0] == 14
    assert "single line" in by_path["answers.system_name"][1]
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_valid_file_round_trips_byte_for_byte(mini, fixtures, tmp_path):
    path = fixtures / "mini" / "answers_complete.yaml"
    original = path.read_text()
    answers, _ = A.load(path)
    assert A.dumps(answers, mini) == original
    out = tmp_path / "again.yaml"
    A.save(answers, out, mini)
    assert out.read_text() == original
    assert A.load(out)[0] == answers


def test_save_orders_answers_by_questionnaire(mini):
    s = A.AnswerSet("mini", "1.2.0", {"date": "2026-01-01", "title": "T"},
                    {"camera_count": 3, "jurisdiction": "eu", "technologies": ["cctv"]})
    text = A.dumps(s, mini)
    assert text.index("jurisdiction") < text.index("technologies") < text.index("camera_count")
    assert text.index("title") < text.index("date")


def test_unknown_is_first_class_and_refused_where_not_allowed(mini):
    s = A.AnswerSet("mini", "1.2.0", {}, {"law_enforcement": "unknown", "jurisdiction": "unknown"})
    problems = A.validate(s, mini)
    assert [p.path for p in problems] == ["answers.jurisdiction"]
    assert "'unknown' is not allowed" in problems[0].message


def test_other_questionnaire_or_major_version_refused(mini):
    other = A.AnswerSet("camera", "1.0.0", {}, {})
    assert "written for questionnaire 'camera'" in A.validate(other, mini)[0].message
    newer = A.AnswerSet("mini", "2.0.0", {}, {})
    assert "newer than the installed 1.2.0" in A.validate(newer, mini)[0].message
    older = A.AnswerSet("mini", "0.9.0", {}, {})
    assert "major version" in A.validate(older, mini)[0].message
    same_major = A.AnswerSet("mini", "1.0.5", {}, {"law_enforcement": "no"})
    assert A.validate(same_major, mini) == []


def test_envelope_problems(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("questionnaire: mini\nanswer: {}\nmeta: {title: 3}\n")
    try:
        A.load(f)
    except PiaError as exc:
        messages = [str(p) for p in exc.problems]
    else:
        raise AssertionError("expected PiaError")
    assert any("unknown top-level key 'answer'" in m for m in messages)
    assert any("questionnaire_version must be given" in m for m in messages)
    assert any("meta values must be text" in m and ":3:" in m for m in messages)


def test_hidden_answers_kept_but_ignored(mini):
    raw = {"technologies": ["cctv"], "at_assemblies": "yes", "law_enforcement": "no"}
    eff = A.effective_answers(mini, raw)
    assert "at_assemblies" not in eff and eff["law_enforcement"] == "no"
    raw["technologies"] = ["cctv", "live_fr"]
    assert A.effective_answers(mini, raw)["at_assemblies"] == "yes"


def test_visibility_cascades_and_sections(mini):
    assert "drone_altitude" not in A.visible_questions(mini, {"technologies": ["cctv"]})
    assert "drone_altitude" in A.visible_questions(mini, {"technologies": ["drone"]})
    # an unknown answer keeps follow-ups visible
    visible = A.visible_questions(mini, {"technologies": "unknown"})
    assert "drone_altitude" in visible and "at_assemblies" in visible
    # group field condition
    assert "school_safeguards" in A.visible_questions(mini, {"sites": [{"kind": "school"}]})
    assert "school_safeguards" not in A.visible_questions(mini, {"sites": [{"kind": "street"}]})


def test_completeness_counts(mini, fixtures):
    answers, _ = A.load(fixtures / "mini" / "answers_complete.yaml")
    c = A.completeness(mini, answers.answers)
    assert c.unknown == 1 and c.unknown_ids == ["big_system_review"]
    assert c.missing_required == []
    assert c.complete and c.fraction == 13 / 14  # the optional "notes" is shown but unanswered
    empty = A.completeness(mini, {})
    assert not empty.complete
    assert "jurisdiction" in empty.missing_required and "start_date" not in empty.missing_required
    assert {s.section for s in empty.sections if not s.visible} == {"drones"}


def test_sha256_is_stable_and_order_independent(mini):
    a = A.AnswerSet("mini", "1.2.0", {"title": "x"}, {"jurisdiction": "eu", "camera_count": 3})
    b = A.AnswerSet("mini", "1.2.0", {"title": "x"}, {"camera_count": 3, "jurisdiction": "eu"})
    assert a.sha256(mini) == b.sha256(mini)
    assert a.sha256(mini) != a.with_answer("camera_count", 4).sha256(mini)


def test_skeleton_is_a_valid_answers_file(mini, tmp_path):
    text = A.skeleton(mini)
    f = tmp_path / "new.yaml"
    f.write_text(text)
    answers, doc = A.load(f)
    assert answers.questionnaire == "mini" and answers.answers == {}
    assert A.validate(answers, mini, doc) == []
    # every question is offered as a commented line, and uncommenting them gives valid answers
    for q in mini.questions():
        assert f"# {q.id}:" in text
    filled = "\n".join(line.replace("  # ", "  ", 1) if line.startswith("  # ") and ":" in line
                       and line.split(":")[0].strip("# ").isidentifier() and not line.startswith("  #   ")
                       else line for line in text.splitlines())
    f.write_text(filled)
    answers, doc = A.load(f)
    assert len(answers.answers) == len(mini.questions())
