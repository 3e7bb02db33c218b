"""`pia validate` and `pia assess` agree, `pia new-answers` cannot be mistaken for answers, and messages name a fix."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia.answers import PLACEHOLDER, loads, skeleton, validate, when_text
from pia.cli import main
from pia.conditions import AllOf, AnyOf, Leaf, NotOf
from pia.loader import hint, load_questionnaire

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "questionnaires" / "camera-hria"
CORE = INSTRUMENT / "camera_hria.yaml"


def run(*args: str | Path):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


def test_the_bundled_instrument_is_ready_to_publish():
    res = run("validate", "--complete", CORE)
    assert res.exit_code == 0, res.output
    assert "ready to publish" in res.stdout and res.stderr == ""


def test_a_module_is_checked_with_its_core():
    res = run("validate", INSTRUMENT / "drones.yaml")
    assert res.exit_code == 0, res.output
    assert f"a module of {CORE}" in res.stdout and f"{CORE}: ok (" in res.stdout


def test_a_module_no_core_lists_says_so_in_one_line(tmp_path):
    (tmp_path / "orphan.yaml").write_text("id: orphan\ntitle: O\nafter: screening\nsections: []\n")
    res = run("validate", tmp_path / "orphan.yaml")
    assert res.exit_code == 2
    assert "no core file in this folder lists; add it to the core file's `modules:`" in res.stderr
    assert len(res.stderr.splitlines()) == 2   # the message and "1 problem found"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_looking_for_the_core_never_reads_a_pipe(tmp_path):
    """A pipe beside the module would block a plain read for ever; it is passed over."""
    folder = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT, folder, ignore=shutil.ignore_patterns("examples"))
    os.mkfifo(folder / "a_pipe.yaml")
    res = run("validate", folder / "drones.yaml")
    assert res.exit_code == 0, res.output
    assert "a module of" in res.stdout


def _example_without(tmp_path: Path, drop: str, add: str = "") -> Path:
    source = (INSTRUMENT / "examples" / "school_cctv.yaml").read_text(encoding="utf-8")
    assert drop in source
    path = tmp_path / "draft.yaml"
    # `add` goes into the answers map, wherever the example puts other top-level keys (evidence:) after it.
    path.write_text(source.replace(drop, "", 1).replace("\nanswers:\n", "\nanswers:\n" + add, 1), encoding="utf-8")
    return path


def test_missing_required_answers_are_warnings_then_errors_with_complete(tmp_path):
    q = load_questionnaire(CORE)
    line = next(x for x in (INSTRUMENT / "examples" / "school_cctv.yaml").read_text().splitlines()
                if x.startswith("  child_justification:"))
    draft = _example_without(tmp_path, line + "\n", "  drone_missions: unknown\n")
    res = run("validate", "-q", CORE, draft)
    assert res.exit_code == 0, res.output
    warnings = [x for x in res.stderr.splitlines() if x.startswith("warning: ")]
    assert any(f"{draft}:" in w and "required question 'child_justification'" in w and "add `child_justification:"
               in w for w in warnings), warnings
    assert any("answers question 'drone_missions', which is asked only when technologies includes drone" in w
               for w in warnings), warnings
    assert f"{draft}: ok (answers for camera_hria {q.version}" in res.stdout
    strict = run("validate", "--complete", "-q", CORE, draft)
    assert strict.exit_code == 2 and "required question 'child_justification'" in strict.stderr
    assessed = run("assess", "-q", CORE, draft)
    assert "required still missing: child_justification (" in assessed.stdout


def test_a_complete_example_has_no_warning():
    res = run("validate", "--complete", "-q", CORE, INSTRUMENT / "examples" / "school_cctv.yaml")
    assert res.exit_code == 0 and res.stderr == "" and ", complete)" in res.stdout


def test_answers_for_a_newer_minor_version_are_flagged(tmp_path):
    q = load_questionnaire(CORE)
    major, minor, _ = q.version.split(".")
    source = (INSTRUMENT / "examples" / "school_cctv.yaml").read_text(encoding="utf-8")
    newer = f"{major}.{int(minor) + 1}.0"
    path = tmp_path / "newer.yaml"
    path.write_text(source.replace(f"questionnaire_version: {q.version}", f"questionnaire_version: {newer}"))
    res = run("validate", "-q", CORE, path)
    assert res.exit_code == 0
    assert f"written for version {newer}, newer than the installed {q.version}" in res.stderr


def test_the_skeleton_uses_a_placeholder_no_question_accepts_and_says_when_each_question_shows():
    q = load_questionnaire(CORE)
    text = skeleton(q)
    assert "# lfr_objective: ___" in text and "# technologies: [___]" in text
    assert "(asked only when technologies includes live_fr" in text
    assert "'no'" not in text.split("answers:")[1]   # no choice stands in for an answer
    # Uncommented but not filled in, every line is refused with the fix, never read as an answer.
    live = [line.replace("# ", "", 1) for line in text.splitlines()
            if line.startswith("  # ") and line.rstrip().endswith((f": {PLACEHOLDER}", f": [{PLACEHOLDER}]"))]
    answers, doc = loads(text.split("answers:")[0] + "answers:\n" + "\n".join(live) + "\n")
    problems = validate(answers, q, doc)
    assert len(problems) == len(answers.answers) > 0
    assert all("still the placeholder ___ from `pia new-answers`" in p.message for p in problems)


def test_conditions_read_as_words():
    cond = AllOf(all=[Leaf(question="technologies", op="contains_any", value=["live_fr", "retro_fr"]),
                      AnyOf(any=[Leaf(question="operator", op="equals", value="police"),
                                 NotOf(**{"not": Leaf(question="places", op="answered")})])])
    assert when_text(cond) == ("technologies includes any of (live_fr, retro_fr) and "
                               "(operator is police or not (places is answered))")


@pytest.mark.parametrize(("value", "valid", "expected"), [
    ("non-discrimination", ["privacy", "non_discrimination"], "; did you mean 'non_discrimination'?"),
    ("gunshot", ["cctv", "gunshot_detection"], "; did you mean 'gunshot_detection'?"),
    ("zzz", ["a_right", "b_right"], "; valid right ids: a_right, b_right"),
    ("zzz", [f"r{i}" for i in range(30)], "; 30 right ids are defined"),
])
def test_hint_suggests_or_lists(value, valid, expected):
    assert hint(value, valid, "right") == expected
