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
