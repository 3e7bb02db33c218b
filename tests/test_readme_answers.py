"""The answers-file example in README.md is a valid answers file for the shipped instrument.

It is the first answers file most people copy; when it named a questionnaire id and a question that do not
exist, every copy failed. The test reads the block from README.md itself, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from pia.answers import load, validate

ROOT = Path(__file__).resolve().parents[1]


def readme_answers_block() -> str:
    """The first YAML block after the README's paragraph introducing the answers file."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("An **answers file**")
    m = re.search(r"```yaml\n(.*?)```", text[start:], re.S)
    assert m, "README.md: no ```yaml block after 'An **answers file**'"
    return m.group(1)


def test_readme_answers_example_validates(tmp_path, camera):
    path = tmp_path / "readme_example.yaml"
    path.write_text(readme_answers_block(), encoding="utf-8")
    answers, doc = load(path)
    assert answers.questionnaire == camera.id, (
        f"README.md example names questionnaire {answers.questionnaire!r}; the instrument's id is {camera.id!r}")
    problems = [f"{p}" for p in validate(answers, camera, doc)]
    assert problems == [], "README.md answers example: " + "; ".join(problems)
    assert answers.answers, "the example should show some answers"
    assert "unknown" in answers.answers.values(), "the example shows that unknown is an answer"


def test_the_check_catches_a_wrong_question_id(tmp_path, camera):
    block = readme_answers_block()
    key = next(k for k in camera.questions() if k.type == "yes_no").id
    broken = block.replace("answers:\n", "answers:\n  no_such_question_" + key + ": 'yes'\n", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    answers, doc = load(path)
    assert any("no_such_question_" in str(p) for p in validate(answers, camera, doc))
