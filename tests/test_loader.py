"""Loading and assembling questionnaires: every problem, with its file and line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pia.errors import PiaError
from pia.loader import find_questionnaire, load_questionnaire


def _problems(path: Path) -> list:
    with pytest.raises(PiaError) as exc:
        load_questionnaire(path)
    return exc.value.problems


def test_mini_assembles_core_and_module_in_order(mini):
    assert mini.id == "mini" and mini.version == "1.2.0" and mini.major == 1
    assert [s.id for s in mini.sections] == ["screening", "description", "drones", "safeguards"]
    assert mini.question("drone_zoom").type == "yes_no"
    assert mini.section_of("drone_zoom").id == "drones"
    assert len(mini.rules.red_flags) == 2 and mini.rules.matrix.level(4, 1) == "high"
    assert [Path(f).name for f in mini.source_files] == ["mini.yaml", "drone.yaml"]


def test_five_problems_each_with_its_line(fixtures):
    path = fixtures / "bad" / "five_problems.yaml"
    found = {(p.line, p.path): p.message for p in _problems(path)}
    assert len(found) == 5
    assert "duplicate key 'label'" in found[(11, "")]
    assert "unknown question 'no_such_question'" in found[(15, "sections.0.questions.1.when.question")]
    assert "not asked before" in found[(19, "sections.0.questions.2.when.question")]
    assert "unknown field 'maximum'" in found[(23, "sections.0.questions.3.maximum")]
    assert "compare it with a number" in found[(31, "sections.0.questions.5.when.value")]
    assert all(p.file == str(path) for p in _problems(path))


def _write(tmp_path: Path, text: str, name: str = "q.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


HEAD = "id: t\ntitle: T\nversion: 1.0.0\nsections:\n  - id: s\n    title: S\n    questions:\n"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("      - {id: a, type: choice, label: A}\n", "unknown type 'choice'"),
        ("      - {id: a, type: yes_no}\n", "required field 'label' is missing"),
        ("      - {id: A-1, type: yes_no, label: A}\n", "String should match pattern"),
        ("      - {id: a, type: single_choice, label: A, options: [{value: x, label: X}]}\n", "at least 2"),
        ("      - {id: a, type: single_choice, label: A, options: [{value: x, label: X}, {value: x, label: Y}]}\n",
         "duplicate option value"),
        ("      - {id: a, type: number, label: A, min: 5, max: 1}\n", "min is greater than max"),
        ("      - {id: a, type: single_choice, label: A, options: [{value: unknown, label: X}, {value: b, label: B}]}\n",
         "reserved"),
    ],
)
def test_model_errors_are_located(tmp_path, question, message):
    problems = _problems(_write(tmp_path, HEAD + question))
    assert any(message in p.message and p.line == 8 for p in problems), problems


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("{question: n, op: contains, value: 3}", "multiple-choice"),
        ("{question: c, op: equals, value: z}", "offers no choice|not one of the offered"),
        ("{question: c, op: gte, value: 3}", "for number and date"),
        ("{question: n, op: answered, value: 3}", "takes no value"),
        ("{question: n, op: equals}", "needs a value"),
        ("{question: m, op: contains, value: nope}", "offers no choice 'nope'"),
        ("{question: m, op: equals, value: a}", "use contains"),
        ("{question: g, op: equals, value: a}", "use 'field'"),
        ("{question: g, field: nope, op: answered}", "no field 'nope'"),
        ("{question: d, op: gte, value: tomorrow}", "YYYY-MM-DD"),
        ("{question: n, op: in, value: 3}", "needs a list"),
        ("{question: y, op: equals, value: unknown}", "op: unknown"),
    ],
)
def test_condition_type_errors(tmp_path, when, message):
    text = HEAD + (
        "      - {id: n, type: number, label: N}\n"
        "      - {id: c, type: single_choice, label: C, options: [{value: a, label: A}, {value: b, label: B}]}\n"
        "      - {id: m, type: multi_choice, label: M, options: [{value: a, label: A}, {value: b, label: B}]}\n"
        "      - {id: g, type: group, label: G, fields: [{id: f, type: text, label: F}]}\n"
        "      - {id: d, type: date, label: D}\n"
        "      - {id: y, type: yes_no, label: Y}\n"
        f"      - {{id: z, type: yes_no, label: Z, when: {when}}}\n"
    )
    problems = _problems(_write(tmp_path, text))
    import re

    assert any(re.search(message, p.message) and p.line == 14 for p in problems), problems


def test_duplicate_ids_across_modules(tmp_path):
    core = _write(tmp_path, "id: t\ntitle: T\nversion: 1.0.0\nmodules: [m.yaml]\nsections:\n"
                  "  - id: s\n    title: S\n    questions:\n      - {id: a, type: yes_no, label: A}\n")
    _write(tmp_path, "id: m\ntitle: M\nsections:\n  - id: s2\n    title: S2\n    questions:\n"
           "      - {id: a, type: yes_no, label: again}\n", "m.yaml")
    (problem,) = _problems(core)
    assert problem.file.endswith("m.yaml") and problem.line == 7
    assert "already used in" in problem.message and "q.yaml:9" in problem.message


def test_module_outside_folder_refused(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    core = _write(sub, HEAD.replace("sections:", "modules: [../evil.yaml]\nsections:")
                  + "      - {id: a, type: yes_no, label: A}\n")
    assert "must live in the questionnaire's folder" in _problems(core)[0].message


def test_rulebook_cross_references(tmp_path):
    text = HEAD + "      - {id: a, type: yes_no, label: A}\n" + (
        "rights: [{id: privacy, name: Privacy}]\n"
        "red_flags:\n"
        "  - {id: RF-1, title: X, outcome: do_not_proceed, when: {question: nope, op: answered}, rights: [speech]}\n"
        "risk_rules:\n"
        "  - {id: R-1, right: assembly, harm: H, when: {question: a, op: equals, value: 'yes'}, floors: {scale: 5}}\n"
        "  - {id: R-2, right: privacy, harm: H, when: {question: a, op: equals, value: 'yes'}}\n"
        "mitigations:\n"
        "  - {id: M-1, title: M, evidence: E, reduces: [{right: privacy, dimension: height}]}\n"
    )
    messages = [p.message for p in _problems(_write(tmp_path, text))]
    joined = "\n".join(messages)
    assert "unknown question 'nope'" in joined
    assert "unknown right 'speech'" in joined
    assert "less than or equal to 4" in joined
    assert "must set floors or an uplift" in joined
    assert "Input should be 'scale', 'scope', 'irremediability' or 'likelihood'" in joined


def test_matrix_severity4_floor(tmp_path, mini_path):
    text = mini_path.read_text().replace("4: [high, very_high, very_high, very_high]",
                                         "4: [medium, very_high, very_high, very_high]")
    shutil.copy(mini_path.parent / "drone.yaml", tmp_path / "drone.yaml")
    problems = _problems(_write(tmp_path, text, "mini.yaml"))
    assert any("a cell is lower" in p.message or "never be below high" in p.message for p in problems)


def test_find_questionnaire_by_id(fixtures, monkeypatch):
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    assert find_questionnaire("mini") == fixtures / "mini" / "mini.yaml"
    assert find_questionnaire("no_such_id") is None


# --- the search path (F3, F13 of the 2026-11 security review) ------------------------------


def test_search_path_is_pia_path_then_bundled_and_nothing_else(tmp_path, monkeypatch):
    from pia.loader import REPO_QUESTIONNAIRES, search_path

    monkeypatch.delenv("PIA_PATH", raising=False)
    assert search_path() == [REPO_QUESTIONNAIRES]
    monkeypatch.setenv("PIA_PATH", f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}")
    assert search_path() == [tmp_path / "a", tmp_path / "b", REPO_QUESTIONNAIRES]


def test_two_files_claiming_one_id_are_refused_naming_both(fixtures, tmp_path, monkeypatch):
    from pia.loader import list_questionnaires

    for sub in ("one", "two"):
        shutil.copytree(fixtures / "mini", tmp_path / sub)
    monkeypatch.setenv("PIA_PATH", str(tmp_path))
    with pytest.raises(PiaError) as exc:
        find_questionnaire("mini")
    message = str(exc.value)
    assert str(tmp_path / "one" / "mini.yaml") in message and str(tmp_path / "two" / "mini.yaml") in message
    assert "--questionnaire" in message
    ids = [qid for qid, _ in list_questionnaires()]
    assert "mini" not in ids and "camera_hria" in ids   # the ambiguous one is not offered


def test_a_copy_of_the_bundled_questionnaire_on_pia_path_is_refused(tmp_path, monkeypatch):
    from pia.loader import REPO_QUESTIONNAIRES

    shutil.copytree(REPO_QUESTIONNAIRES / "camera-hria", tmp_path / "copy", ignore=shutil.ignore_patterns("examples"))
    monkeypatch.setenv("PIA_PATH", str(tmp_path))
    with pytest.raises(PiaError, match="2 files on the search path claim questionnaire id 'camera_hria'"):
        find_questionnaire("camera_hria")
    # naming the bundled folder itself on PIA_PATH is the same file twice, not a duplicate
    monkeypatch.setenv("PIA_PATH", str(REPO_QUESTIONNAIRES))
    assert find_questionnaire("camera_hria") == REPO_QUESTIONNAIRES / "camera-hria" / "camera_hria.yaml"


def test_id_is_looked_for_in_the_first_4_kb_only(fixtures, tmp_path, monkeypatch):
    late = tmp_path / "late.yaml"
    late.write_text("#" + "x" * 5000 + "\n" + (fixtures / "mini" / "mini.yaml").read_text(), encoding="utf-8")
    monkeypatch.setenv("PIA_PATH", str(tmp_path))
    assert find_questionnaire("mini") is None


_SCAN = """
import json
from pia.loader import find_questionnaire, list_questionnaires, scan_search_path
scan = scan_search_path()
print(json.dumps({"notes": scan.notes, "list": [q for q, _ in list_questionnaires()],
                  "mini": str(find_questionnaire("mini"))}))
"""


def test_search_path_skips_special_and_huge_files_with_a_note(fixtures, tmp_path):
    """A FIFO, a link to /dev/zero, a dangling link, a folder and a huge sparse file named *.yaml on
    PIA_PATH: each skipped with a note, never read (the subprocess timeout is only a safety net)."""
    import json
    import subprocess
    import sys

    shutil.copytree(fixtures / "mini", tmp_path / "qs")
    qs = tmp_path / "qs"
    os.mkfifo(qs / "pipe.yaml")
    (qs / "zero.yaml").symlink_to("/dev/zero")
    (qs / "dangling.yaml").symlink_to(tmp_path / "nonexistent")
    (qs / "folder.yaml").mkdir()
    with open(qs / "huge.yaml", "wb") as fh:
        fh.truncate(3 * 1024**3)   # sparse: costs no disk
    env = {**os.environ, "PIA_PATH": str(qs)}
    r = subprocess.run([sys.executable, "-c", _SCAN], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    notes = "\n".join(out["notes"])
    assert "pipe.yaml: skipped: not a regular file" in notes
    assert "zero.yaml: skipped: not a regular file" in notes
    assert "dangling.yaml: skipped: a symbolic link to a file that does not exist" in notes
    assert "huge.yaml: skipped: file is 3,221,225,472 bytes" in notes
    assert out["mini"] == str(qs / "mini.yaml") and {"mini", "camera_hria"} <= set(out["list"])


def test_questionnaire_records_the_sha256_of_each_source_file(fixtures):
    import hashlib

    from pia.fingerprint import combined_digest, questionnaire_digest

    q = load_questionnaire(fixtures / "mini" / "mini.yaml")
    files = {"mini.yaml", "drone.yaml"}
    assert set(q.source_sha256) == files
    for name in files:
        assert q.source_sha256[name] == hashlib.sha256((fixtures / "mini" / name).read_bytes()).hexdigest()
    # what `sha256sum drone.yaml mini.yaml | sha256sum` prints
    lines = "".join(f"{q.source_sha256[n]}  {n}\n" for n in sorted(files))
    assert questionnaire_digest(q) == hashlib.sha256(lines.encode()).hexdigest()
    assert combined_digest({}) == "" and combined_digest({"a.yaml": ""}) == ""


def test_a_questionnaire_that_is_a_fifo_is_refused_not_read(fixtures, tmp_path):
    import subprocess
    import sys

    os.mkfifo(tmp_path / "q.yaml")
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    code = ("from pia.loader import load_questionnaire\nfrom pia.errors import PiaError\nimport sys\n"
            "for f in sys.argv[1:]:\n    try:\n        load_questionnaire(f)\n"
            "    except PiaError as e:\n        print(e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "q.yaml"), str(tmp_path / "z.yaml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("not a regular file") == 2


def test_jurisdiction_scope_needs_the_question(tmp_path):
    text = HEAD + "      - {id: a, type: yes_no, label: A}\n" + (
        "red_flags:\n"
        "  - {id: RF-1, title: X, outcome: do_not_proceed, when: {question: a, op: answered}, jurisdictions: [eu]}\n"
    )
    (problem,) = _problems(_write(tmp_path, text))
    assert problem.line == 10 and "no jurisdiction_question" in problem.message


def test_missing_module_is_reported_where_it_is_listed(tmp_path):
    core = _write(tmp_path, "id: t\ntitle: T\nversion: 1.0.0\nmodules:\n  - nowhere.yaml\nsections:\n"
                  "  - id: s\n    title: S\n    questions:\n      - {id: a, type: yes_no, label: A}\n")
    (problem,) = _problems(core)
    assert (problem.file, problem.line, problem.path) == (str(core), 5, "modules.0")
    assert "'nowhere.yaml' not found" in problem.message


def test_legality_limbs_and_section_roles_are_checked(tmp_path):
    """The report's legality table and sign-off come from declared data, so bad references are load errors."""
    text = HEAD.replace("  - id: s\n", "  - id: s\n    role: signoff\n") + "      - {id: a, type: yes_no, label: A}\n" + (
        "legality_limbs:\n"
        "  - {id: law, title: Law, sections: [nowhere], elements: [NO-SUCH], questions: [zz]}\n"
        "  - {id: law, title: Again}\n"
    )
    problems = _problems(_write(tmp_path, text))
    joined = "\n".join(f"{p.line}: {p.message}" for p in problems)
    assert "unknown section 'nowhere'" in joined
    assert "unknown framework element 'NO-SUCH'" in joined
    assert "unknown question 'zz'" in joined
    assert "id 'law' is already used" in joined
    assert all(p.line > 0 for p in problems), joined
    bad_role = HEAD.replace("  - id: s\n", "  - id: s\n    role: approval\n") + "      - {id: a, type: yes_no, label: A}\n"
    assert "'consultation' or 'signoff'" in _problems(_write(tmp_path, bad_role))[0].message


# --- module lists and group bounds (security review F4, F14) -------------------------------

MODULE = "id: m\ntitle: M\nsections:\n  - id: s2\n    title: S2\n    questions:\n      - {id: b, type: yes_no, label: B}\n"


def test_a_module_listed_twice_is_refused_and_parsed_once(tmp_path):
    # 2,000 entries naming one module took 30 s and 2.2 GB: each was parsed again.
    core = _write(tmp_path, "id: t\ntitle: T\nversion: 1.0.0\nmodules:\n  - m.yaml\n  - ./m.yaml\n  - m.yaml\n"
                  "sections:\n  - id: s\n    title: S\n    questions:\n      - {id: a, type: yes_no, label: A}\n")
    _write(tmp_path, MODULE, "m.yaml")
    problems = _problems(core)  # parsed twice, m.yaml would also give duplicate section and question ids
    assert [(p.line, p.path) for p in problems] == [(6, "modules.1"), (7, "modules.2")]
    assert all("is already listed (entry 1)" in p.message for p in problems)


def test_the_module_list_is_capped(tmp_path):
    from pia.loader import MAX_MODULES

    names = "".join(f"  - m{i}.yaml\n" for i in range(MAX_MODULES + 50))
    core = _write(tmp_path, "id: t\ntitle: T\nversion: 1.0.0\nmodules:\n" + names + HEAD.split("version: 1.0.0\n")[1]
                  + "      - {id: a, type: yes_no, label: A}\n")
    problems = _problems(core)
    assert f"{MAX_MODULES + 50} modules listed; at most {MAX_MODULES}" in problems[0].message
    assert problems[0].line == 4
    assert sum("not found" in p.message for p in problems) == MAX_MODULES  # the rest are not even looked at


def test_a_module_name_that_is_no_file_name_is_a_problem(tmp_path):
    core = _write(tmp_path, 'id: t\ntitle: T\nversion: 1.0.0\nmodules: ["a\\0b.yaml"]\n'
                  + HEAD.split("version: 1.0.0\n")[1] + "      - {id: a, type: yes_no, label: A}\n")
    (problem,) = _problems(core)
    assert problem.path == "modules.0" and "not a usable file name" in problem.message


@pytest.mark.parametrize(("extra", "message"), [
    ("max_items: 10001", "less than or equal to 10000"),
    ("min_items: 300", "min_items 300 is greater than max_items 200"),
])
def test_group_size_bounds(tmp_path, extra, message):
    q = f"      - {{id: g, type: group, label: G, {extra}, fields: [{{id: f, type: text, label: F}}]}}\n"
    (problem,) = _problems(_write(tmp_path, HEAD + q))
    assert problem.line == 8 and message in problem.message


def test_a_large_explicit_group_bound_is_allowed(tmp_path):
    q = "      - {id: g, type: group, label: G, max_items: 5000, fields: [{id: f, type: text, label: F}]}\n"
    assert load_questionnaire(_write(tmp_path, HEAD + q)).question("g").max_items == 5000
