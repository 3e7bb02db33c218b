"""Answers files: validation reports everything at once; saving round-trips exactly."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


# --- hostile answers files (security review F4, F8, F12, F15, F18) ------------------------

HEAD = "questionnaire: mini\nquestionnaire_version: 1.2.0\n"


def test_answers_files_refuse_anchors_so_rows_cannot_be_amplified(tmp_path):
    # One anchored row referenced many times validated with 0 problems and expanded 400-fold (F4).
    row = "{name: '" + "N" * 80 + "', kind: street, cameras: 1}"
    text = HEAD + "meta: {}\nanswers:\n  sites: [&r " + row + ", *r" * 150 + "]\n"
    f = tmp_path / "amp.yaml"
    f.write_text(text)
    for load in (lambda: A.load(f), lambda: A.loads(text.encode(), "upload.yaml")):
        with pytest.raises(PiaError) as exc:
            load()
        (p,) = exc.value.problems
        assert p.line == 5 and "anchors and aliases are not allowed" in p.message


def test_group_answers_are_bounded_by_default(mini):
    row = {"name": "x", "kind": "street", "cameras": 1}
    sites = mini.question("sites")
    assert sites.max_items == 200
    assert A.validate(A.AnswerSet("mini", "1.2.0", {}, {"sites": [row] * 200}), mini) == []
    (p,) = A.validate(A.AnswerSet("mini", "1.2.0", {}, {"sites": [row] * 201}), mini)
    assert p.path == "answers.sites" and "at most 200 entries" in p.message


@pytest.mark.parametrize("key", ["1", "~", "!!binary aGVsbG8=", "[a]"])
def test_non_text_meta_keys_are_located_problems(mini, key):
    # `1:` in meta passed validate, then sorted(meta) raised TypeError in assess/report/diff (F8).
    text = HEAD + f"meta:\n  title: t\n  {key}: x\nanswers: {{}}\n"
    with pytest.raises(PiaError) as exc:
        A.loads(text, "m.yaml")
    (p,) = exc.value.problems
    assert (p.file, p.line) == ("m.yaml", 5) and "key must be" in p.message


def test_parse_requires_text_keys_whoever_loaded_the_document():
    from pia.yamlio import load_text

    doc = load_text(HEAD + "meta: {1: one, title: t}\nanswers: {2: x, jurisdiction: eu}\n", "p.yaml")
    with pytest.raises(PiaError) as exc:
        A.parse(doc)
    messages = sorted(p.message for p in exc.value.problems)
    assert messages == ["meta keys must be text, not 1", "question ids must be text, not 2"]


def test_huge_integer_is_a_problem_with_its_line(tmp_path):
    f = tmp_path / "n.yaml"
    f.write_text(HEAD + "meta: {}\nanswers:\n  zz: " + "7" * 4301 + "\n")
    with pytest.raises(PiaError, match="more than 100 digits") as exc:
        A.load(f)
    assert (exc.value.problems[0].file, exc.value.problems[0].line) == (str(f), 5)


@pytest.mark.parametrize("literal", ["010", "0x48", "0o17", "1:12", "1_000"])
def test_non_decimal_numbers_are_reported_not_converted(mini, literal):
    # camera_count: 010 was stored as 8, 0x48 and 1:12 as 72 (F12).
    answers, doc = A.loads(HEAD + f"meta: {{}}\nanswers:\n  camera_count: {literal}\n  system_name: {literal}\n")
    assert answers.answers == {"camera_count": literal, "system_name": literal}
    (p,) = A.validate(answers, mini, doc)
    assert p.path == "answers.camera_count" and p.line == 5 and "expected a number" in p.message


def test_save_never_follows_a_planted_temp_file(mini, fixtures, tmp_path):
    # `.NAME.tmp` was predictable: a symlink planted there redirected the write (F15).
    answers, _ = A.load(fixtures / "mini" / "answers_complete.yaml")
    victim = tmp_path / "victim.txt"
    victim.write_text("the officer's own file")
    (tmp_path / ".out.yaml.tmp").symlink_to(victim)
    A.save(answers, tmp_path / "out.yaml", mini)
    assert victim.read_text() == "the officer's own file"
    assert A.load(tmp_path / "out.yaml")[0] == answers
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.yaml.tmp", "out.yaml", "victim.txt"]


def test_save_on_a_full_disk_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    # A real write failure: the file size limit (as on a full disk) makes write() fail with EFBIG.
    out = tmp_path / "a.yaml"
    out.write_text("old answers\n")
    code = (
        "import resource, sys\n"
        "from pia import answers as A\n"
        "from pia.errors import PiaError\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "s = A.AnswerSet('mini', '1.2.0', {}, {'purpose': 'x' * 20000})\n"
        "try:\n"
        "    A.save(s, sys.argv[1])\n"
        "except PiaError as exc:\n"
        "    print(exc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "cannot write: File too large" in r.stdout
    assert out.read_text() == "old answers\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


HOSTILE_TEXTS = ["x\n  legal_basis: statute\n  # ", "x\r  camera_count: 5\r", "x\x85  system_name: a",
                 "x\u2028  purpose: b", "x\u2029  start_date: '2026-01-01'", "x\x0b\x1f\x7f\ufffe y"]


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_skeleton_keeps_questionnaire_text_inside_comments(tmp_path, hostile):
    # A section title with a line break put a live answer into `pia new-answers` output (F18).
    from pia.loader import load_questionnaire
    from pia.yamlio import dump

    q = {
        "id": "evil", "title": hostile, "version": "1.0.0",
        "sections": [{"id": "s", "title": hostile, "questions": [
            {"id": "legal_basis", "type": "single_choice", "label": hostile, "help": hostile,
             "options": [{"value": "statute", "label": hostile}, {"value": "x\n  camera_count: 7", "label": "L"}]},
            {"id": "camera_count", "type": "number", "label": hostile, "unit": hostile},
            {"id": "system_name", "type": "text", "label": hostile},
            {"id": "purpose", "type": "long_text", "label": hostile},
            {"id": "start_date", "type": "date", "label": hostile},
        ]}],
    }
    path = tmp_path / "evil.yaml"
    path.write_text(dump(q))
    questionnaire = load_questionnaire(path)
    text = A.skeleton(questionnaire)
    answers, doc = A.loads(text, "skeleton.yaml")
    assert answers.answers == {} and A.validate(answers, questionnaire, doc) == []
    live = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert live == ["questionnaire: evil", "questionnaire_version: 1.0.0", "meta:", "  title: ''",
                    "  organisation: ''", "  prepared_by: ''", "  date: ''", "answers:"]


def test_meta_entries_are_bounded(mini):
    """200,000 meta keys were accepted and copied onto every report cover (review, noticed under F8)."""
    from pia.answers import MAX_META_KEYS, parse
    from pia.yamlio import load_text

    many = "".join(f"  k{i}: v\n" for i in range(MAX_META_KEYS + 1))
    doc = load_text(f"questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta:\n{many}answers: {{}}\n", "m.yaml",
                    collect=True, data_only=True)
    with pytest.raises(PiaError, match=f"{MAX_META_KEYS + 1} meta entries; at most {MAX_META_KEYS}") as exc:
        parse(doc)
    assert exc.value.problems[0].line == 3
    ok = "".join(f"  k{i}: v\n" for i in range(MAX_META_KEYS))
    assert len(parse(load_text(f"questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta:\n{ok}", "m.yaml",
                               collect=True, data_only=True)).meta) == MAX_META_KEYS


def test_evidence_records_round_trip_and_are_checked(mini, tmp_path):
    """An evidence record is kept byte for byte and refused where the question takes none, with its line."""
    text = (
        "questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta: {}\nanswers:\n  jurisdiction: eu\n"
        "evidence:\n  jurisdiction: {document: Act s. 1, confirmed_by: Legal, date: '2026-13-01'}\n"
    )
    answers, doc = A.loads(text, "e.yaml")
    assert answers.evidence == {"jurisdiction": {"document": "Act s. 1", "confirmed_by": "Legal", "date": "2026-13-01"}}
    assert A.loads(A.dumps(answers, mini))[0] == answers
    problems = [str(p) for p in A.validate(answers, mini, doc)]
    assert problems == ["e.yaml:7:3: evidence.jurisdiction: jurisdiction takes no evidence record; questions that "
                        "do: none"]
    with pytest.raises(PiaError, match=r"e\.yaml:7:7: evidence\.x\.when: unknown field .when."):
        A.loads(text.replace("jurisdiction: {document", "x: {when: 1, document"), "e.yaml")
    assert A.evidence_problem({"document": "a", "confirmed_by": "b", "date": "2026-13-01"}) == \
        "evidence date '2026-13-01' is not a YYYY-MM-DD date"
    assert A.evidence_problem({"document": "a", "date": "2026-01-01"}) == "evidence record lacks confirmed_by"
    assert A.evidence_problem(None) == "no evidence recorded"
