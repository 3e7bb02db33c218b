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


# --- numbers: only plain decimals (F12) --------------------------------------------------


@pytest.mark.parametrize("literal", ["010", "0x48", "0o17", "0b11", "1:12", "1:30.5", "1_000", "1e", "1.2.3"])
def test_other_number_forms_stay_strings(literal):
    assert load_text(f"n: {literal}\n").data == {"n": literal}


@pytest.mark.parametrize("literal,value", [("72", 72), ("-3", -3), ("+4", 4), ("0", 0), ("1.5", 1.5),
                                           (".5", 0.5), ("1.5e+3", 1500.0), ("-2.", -2.0),
                                           ("1e3", 1000.0), ("1e-05", 1e-05), ("-.5", -0.5)])
def test_plain_decimals_are_numbers(literal, value):
    loaded = load_text(f"n: {literal}\n").data["n"]
    assert loaded == value and type(loaded) is type(value)


def test_strings_that_look_like_numbers_round_trip():
    data = {"s": ["010", "0x48", "1:12", "1_000", "1e3", "-.5", "1.5e3", "1E+16", "72", "1.5", ".inf"]}
    assert load_text(dump(data)).data == data


def test_numbers_as_json_writes_them_come_back_numbers():
    # The draft store keeps JSON; json.dumps writes 0.00001 as 1e-05 and 1e16 as 1e+16.
    import json

    data = {"small": 0.00001, "big": 1e16, "neg": -2.5e-7, "int": 12, "text": "1e3"}
    assert load_text(json.dumps(data)).data == data


@pytest.mark.parametrize("text", ["n: !!int 0x48\n", "n: !!int 1:12\n", "n: !!float 1:30.0\n", "n: !!float 1_0.5\n"])
def test_explicit_number_tags_take_decimals_only(text):
    with pytest.raises(PiaError, match="not a plain decimal") as exc:
        load_text(text, "t.yaml")
    assert (exc.value.problems[0].file, exc.value.problems[0].line) == ("t.yaml", 1)


def test_a_huge_integer_is_a_located_problem_not_a_crash():
    # More than 4,300 digits made int() raise ValueError: exit 3 "internal error" (F8).
    with pytest.raises(PiaError, match="more than 100 digits") as exc:
        load_text("a: 1\nunused: " + "9" * 5000 + "\n", "n.yaml")
    (p,) = exc.value.problems
    assert (p.file, p.line, p.col) == ("n.yaml", 2, 9)


# --- anchors and aliases (F4) -------------------------------------------------------------


def test_alias_amplification_is_bounded_by_bytes_not_only_values():
    # 20,000 references to one 1,000-character value: a 100 KB file, 20 MB of text.
    text = "big: &r '" + "x" * 1000 + "'\nrefs: [" + ", ".join(["*r"] * 20_000) + "]\n"
    assert len(text) < 200_000
    with pytest.raises(PiaError, match="bytes of text"):
        load_text(text, max_bytes=1_000_000)


def test_aliases_cannot_nest_past_the_depth_limit():
    # Each anchor is first met at a shallow place; hung inside one another they nest 40 * 56 levels.
    items = ["  - &a0 [" + "[" * 55 + "leaf" + "]" * 55 + "]"]
    items += [f"  - &a{k} [" + "[" * 55 + f"*a{k - 1}" + "]" * 55 + "]" for k in range(1, 40)]
    items += [f"  - *a{k}" for k in range(39, -1, -1)]
    with pytest.raises(PiaError, match=f"nesting deeper than {MAX_DEPTH}") as exc:
        load_text("x:\n" + "\n".join(items) + "\n", "deep.yaml")
    assert exc.value.problems[0].line >= 2


def test_an_alias_inside_its_own_anchor_is_refused():
    with pytest.raises(PiaError, match="contains it"):
        load_text("a: &a [1, *a]\n")


def test_questionnaires_may_still_reuse_a_value():
    doc = load_text("opts: &o [eu, uk]\nagain: *o\n")
    assert doc.data == {"opts": ["eu", "uk"], "again": ["eu", "uk"]}


@pytest.mark.parametrize("text,line,col,word", [
    ("a: &x 1\n", 1, 4, "anchor &x"),
    ("a: 1\nb: *x\n", 2, 4, "alias *x"),  # an undefined alias: named first, not a composer error
    ("a: 'B & Q *star*'\nb: [&y 1, *y]\n", 2, 5, "anchor &y"),
])
def test_data_only_documents_refuse_anchors_and_aliases(text, line, col, word):
    with pytest.raises(PiaError, match="not allowed in an answers file") as exc:
        load_text(text, "a.yaml", data_only=True)
    (p,) = exc.value.problems
    assert (p.line, p.col) == (line, col) and word in p.message


def test_data_only_documents_keep_ampersands_and_asterisks_in_text():
    doc = load_text("a: 'Smith & Co'\nb: '*important*'\n", data_only=True)
    assert doc.data == {"a": "Smith & Co", "b": "*important*"}


@pytest.mark.parametrize("key,shown", [("1", "int 1"), ("~", "null"), ("!!binary aGVsbG8=", "bytes"),
                                       ("2.5", "float"), ("true", "bool")])
def test_data_only_documents_need_text_keys(key, shown):
    with pytest.raises(PiaError, match="key must be text") as exc:
        load_text(f"meta:\n  title: t\n  {key}: x\n", "k.yaml", data_only=True)
    (p,) = exc.value.problems
    assert (p.line, p.col) == (3, 3) and shown in p.message
    assert load_text(f"meta:\n  {key}: x\n").data  # questionnaires: pydantic judges their keys


@pytest.mark.parametrize("text", ["&a \x1f", "x: 1\ny: [[" + "[" * MAX_DEPTH + "\x1f"])
def test_a_control_character_is_a_located_problem_in_every_pre_check(text):
    # Found by fuzzing: the anchor and depth pre-scans let libyaml's ReaderError escape.
    with pytest.raises(PiaError, match="U\\+001F is not allowed") as exc:
        load_text(text, "c.yaml", data_only=True)
    assert exc.value.problems[0].line == text.count("\n") + 1
