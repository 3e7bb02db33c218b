"""Strict YAML: what plain PyYAML gets wrong must come out right here."""

from __future__ import annotations

import pytest

from pia.errors import PiaError
from pia.yamlio import MAX_DEPTH, dump, load_file, load_text


def test_yes_no_on_off_stay_strings():
    doc = load_text("a: yes\nb: no\nc: on\nd: off\ne: NO\nf: true\ng: false\n")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "NO", "f": True, "g": False}


def test_dates_stay_strings():
    assert load_text("d: 2026-11-26\n").data == {"d": "2026-11-26"}


def test_duplicate_key_raises_with_both_lines():
    with pytest.raises(PiaError) as exc:
        load_text("id: a\ntitle: x\nid: b\n", "q.yaml")
    (problem,) = exc.value.problems
    assert (problem.file, problem.line, problem.col) == ("q.yaml", 3, 1)
    assert "duplicate key 'id'" in problem.message and "line 1" in problem.message


def test_duplicate_key_collected_when_asked():
    doc = load_text("x:\n  k: 1\n  k: 2\n", "f.yaml", collect=True)
    assert [p.line for p in doc.problems] == [3]


def test_syntax_error_has_location():
    with pytest.raises(PiaError) as exc:
        load_text("a: [1, 2\nb: 3\n", "bad.yaml")
    p = exc.value.problems[0]
    assert p.file == "bad.yaml" and p.line >= 2 and p.col >= 1


def test_python_tags_are_refused():
    with pytest.raises(PiaError):
        load_text("x: !!python/object/apply:os.system ['true']\n")


def test_locate_maps_paths_to_lines():
    doc = load_text("sections:\n  - id: a\n    questions:\n      - id: q1\n        type: yes_no\n")
    assert doc.locate(("sections", 0, "questions", 0, "type")) == (5, 9)
    # a path step that is not in the document is skipped, not an error
    assert doc.locate(("sections", 0, "yes_no", "questions")) == (3, 5)


def test_alias_bomb_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for i in range(12):
        name = f"l{i}"
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        prev = name
    with pytest.raises(PiaError, match="alias bomb"):
        load_text(bomb)


def test_deep_nesting_refused():
    deep = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(PiaError, match="nesting"):
        load_text(deep)


def test_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(PiaError, match="limit"):
        load_file(big, max_bytes=1000)


def test_binary_and_non_utf8_refused(tmp_path):
    f = tmp_path / "b.yaml"
    f.write_bytes(b"\x00\x01binary")
    with pytest.raises(PiaError, match="binary"):
        load_file(f)
    f.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(PiaError, match="UTF-8"):
        load_file(f)


def test_missing_file_is_a_problem_not_a_traceback(tmp_path):
    with pytest.raises(PiaError, match="no such file"):
        load_file(tmp_path / "nope.yaml")


def test_dump_round_trips_tricky_strings():
    data = {"yes": "no", "date": "2026-01-01", "multi": "line one\nline two\n", "num": "012", "u": "Привет ✓"}
    text = dump(data)
    assert load_text(text).data == data
    assert dump(load_text(text).data) == text


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_very_deep_flow_nesting_refused_without_crashing(opener, closer):
    # 200,000 levels crash libyaml's recursive composer; the event pre-check must catch it first.
    n = 200_000
    with pytest.raises(PiaError, match="nesting deeper"):
        load_text("x: " + opener * n + closer * n)


def test_many_brackets_in_text_are_fine():
    doc = load_text("a: '" + "[" * 200 + "'\nb: [1, [2, [3]]]\n")
    assert doc.data["b"] == [1, [2, [3]]]
