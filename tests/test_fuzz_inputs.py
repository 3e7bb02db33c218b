"""Fuzzed questionnaires and answers: only PiaError with a location, never a traceback."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia import answers as A
from pia.errors import PiaError
from pia.loader import load_questionnaire
from pia.yamlio import dump

MINI = Path(__file__).parent / "fixtures" / "mini"
MINI_TEXT = (MINI / "mini.yaml").read_text()

json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _only_located_errors(path: Path) -> None:
    try:
        load_questionnaire(path)
    except PiaError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file.endswith(".yaml") and p.message
            assert "\n" not in str(p)  # one line per problem, whatever the keys contain
    # any other exception type fails the test


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(MINI_TEXT)), st.integers(0, 8), st.text(max_size=6)), max_size=6))
def test_mutated_questionnaire_text(tmp_path_factory, edits):
    text = MINI_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut:]
    folder = tmp_path_factory.mktemp("mut")
    (folder / "drone.yaml").write_text((MINI / "drone.yaml").read_text())
    path = folder / "mini.yaml"
    path.write_text(text)
    _only_located_errors(path)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "title", "version", "sections", "rights", "red_flags", "matrix",
                                         "modules", "risk_rules", "mitigations", "obligations", "x"]),
                       json_like, max_size=6))
def test_random_questionnaire_structures(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("rnd") / "q.yaml"
    path.write_text(dump(data))
    _only_located_errors(path)


@FUZZ
@given(st.dictionaries(st.sampled_from([q.id for q in load_questionnaire(MINI / "mini.yaml").questions()] + ["zz"]),
                       json_like, max_size=8))
def test_random_answers_never_raise(mini, values):
    problems = A.validate(A.AnswerSet("mini", "1.2.0", {}, values), mini)
    assert all(p.path.startswith("answers.") for p in problems)
    # whatever was answered, visibility and completeness still compute
    A.completeness(mini, values)
    A.visible_questions(mini, values)


@FUZZ
@given(json_like)
def test_random_answers_file_envelopes(data):
    try:
        answers, doc = A.loads(dump(data))
    except PiaError as exc:
        assert all(p.message for p in exc.problems)


# Scalars and keys YAML reads in surprising ways: numbers in other bases, keys that are not
# text, anchors, huge integers (security review F4, F8, F12).
odd_scalar = st.sampled_from(["010", "0x48", "0o17", "1:12", "1_000", "-.5", "1e3", ".inf", ".nan", "~", "true",
                              "yes", "!!binary aGVsbG8=", "&a x", "*a", "9" * 4301, "'B & Q'", "-0", "+7", "1.5"])


@FUZZ
@given(st.lists(st.tuples(odd_scalar, odd_scalar), min_size=1, max_size=6), st.booleans())
def test_odd_scalars_in_answers_files_are_data_or_located_problems(mini, pairs, in_meta):
    body = "".join(f"  {k}: {v}\n" for k, v in pairs)
    text = ("questionnaire: mini\nquestionnaire_version: 1.2.0\n"
            + ("meta:\n" + body + "answers: {}\n" if in_meta else "meta: {}\nanswers:\n" + body))
    try:
        answers, doc = A.loads(text, "odd.yaml")
        A.validate(answers, mini, doc)
    except PiaError as exc:
        assert all(p.file == "odd.yaml" and p.line >= 1 and "\n" not in str(p) for p in exc.problems)
        return
    # what loads is plain data: every key is text, and it saves and reloads unchanged
    assert all(isinstance(k, str) for k in list(answers.meta) + list(answers.answers))
    again, _ = A.loads(A.dumps(answers, mini))
    assert A.dumps(again, mini) == A.dumps(answers, mini)
