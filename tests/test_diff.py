"""`pia diff` and the comparison behind the app's compare page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pia.answers import AnswerSet, save
from pia.diff import compare, diff_answers, format_text
from pia.errors import PiaError
from pia.intake import open_assessment

ROOT = Path(__file__).resolve().parent.parent


def aset(**answers) -> AnswerSet:
    return AnswerSet("mini", "1.2.0", {"title": "T"}, dict(answers))


def test_diff_answers_reports_changes_in_order_with_labels(mini):
    a = {"jurisdiction": "eu", "technologies": ["cctv"], "camera_count": 5}
    b = {"jurisdiction": "uk", "technologies": ["cctv"], "camera_count": 5, "system_name": "Eye"}
    changes = diff_answers(mini, a, b)
    assert [c.question for c in changes] == ["jurisdiction", "system_name"]
    assert changes[0].before_text == "European Union" and changes[0].after_text == "United Kingdom"
    assert changes[1].before_text == "Not answered"
    assert changes[0].section == "Screening"


def test_hidden_answer_difference_is_marked_as_not_counting(mini):
    # at_assemblies is only asked when live face recognition is proposed.
    a = {"technologies": ["cctv"], "at_assemblies": "yes"}
    b = {"technologies": ["cctv"], "at_assemblies": "no"}
    [change] = diff_answers(mini, a, b)
    assert change.question == "at_assemblies" and change.counts is False
    b2 = {"technologies": ["live_fr"], "at_assemblies": "no"}
    assert {c.question: c.counts for c in diff_answers(mini, a, b2)}["at_assemblies"] is True


def test_same_answers_are_same(mini):
    c = compare(mini, aset(jurisdiction="eu"), aset(jurisdiction="eu"))
    assert c.same and c.answers == []
    assert "Same assessment." in format_text(c)


def test_different_instruments_refused(mini):
    with pytest.raises(PiaError, match="different instruments"):
        compare(mini, aset(), AnswerSet("other", "1.0.0", {}, {}))


def test_open_assessment_rejects_bad_uploads(mini):
    def read(data: bytes, q=mini):
        opened = open_assessment(data, "a.yaml", questionnaire=q)
        return opened.answers, opened.questionnaire

    with pytest.raises(PiaError, match="empty"):
        read(b"  \n")
    with pytest.raises(PiaError, match="binary"):
        read(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(PiaError, match="the limit is 5 MB"):
        read(b"a" * (6 * 1024 * 1024))
    with pytest.raises(PiaError, match="not installed"):
        read(b"questionnaire: nope\nquestionnaire_version: 1.0.0\nanswers: {}\n", q=None)
    with pytest.raises(PiaError) as err:
        read(b"questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers:\n  jurisdiction: mars\n"
             b"  camera_count: lots\n")
    text = str(err.value)
    assert "a.yaml:4:" in text and "mars" in text and "a.yaml:5:" in text
    a, q = read(b"questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers: {jurisdiction: eu}\n")
    assert q is mini and a.answers == {"jurisdiction": "eu"}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pia", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_diff_exit_codes(tmp_path, mini, mini_path):
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    save(aset(jurisdiction="eu", camera_count=5), a, mini)
    save(aset(jurisdiction="eu", camera_count=5), b, mini)
    save(aset(jurisdiction="eu", camera_count=500), c, mini)
    same = run_cli("diff", str(a), str(b), "-q", str(mini_path))
    assert same.returncode == 0, same.stderr
    assert "Same assessment." in same.stdout
    differ = run_cli("diff", str(a), str(c), "-q", str(mini_path))
    assert differ.returncode == 1, differ.stderr
    assert "camera_count (How many cameras?): 5 cameras -> 500 cameras" in differ.stdout
    as_json = run_cli("diff", str(a), str(c), "-q", str(mini_path), "--json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["same"] is False and data["answers"][0]["question"] == "camera_count"
    bad = tmp_path / "bad.yaml"
    bad.write_text("questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers: {camera_count: -3}\n")
    broken = run_cli("diff", str(a), str(bad), "-q", str(mini_path))
    assert broken.returncode == 2
    assert "bad.yaml:3:" in broken.stderr and "Traceback" not in broken.stderr


def test_cli_diff_reads_a_docx_report(tmp_path, mini, mini_path):
    from pia.report import render

    answers = aset(jurisdiction="eu", camera_count=5)
    a = tmp_path / "a.yaml"
    save(answers, a, mini)
    report = tmp_path / "report.docx"
    report.write_bytes(render(mini, answers, "docx", generated="2026-01-05"))
    same = run_cli("diff", str(a), str(report), "-q", str(mini_path))
    assert same.returncode == 0, same.stdout + same.stderr
    other = tmp_path / "other.docx"
    other.write_bytes(render(mini, answers.with_answer("camera_count", 7), "docx", generated="2026-01-05"))
    assert run_cli("diff", str(report), str(other), "-q", str(mini_path)).returncode == 1


def _edited_copy(mini_path: Path, folder: Path) -> Path:
    """The same questionnaire with one comment added: same id and version, other bytes."""
    folder.mkdir()
    for f in mini_path.parent.glob("*.yaml"):
        (folder / f.name).write_bytes(f.read_bytes())
    copy = folder / mini_path.name
    copy.write_text(copy.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    return copy


def test_cli_diff_says_when_a_report_was_made_with_other_questionnaire_files(tmp_path, mini, mini_path):
    from pia.loader import load_questionnaire
    from pia.report import render

    other_q = load_questionnaire(_edited_copy(mini_path, tmp_path / "edited"))
    answers = aset(jurisdiction="eu", camera_count=5)
    a = tmp_path / "a.yaml"
    save(answers, a, mini)
    report = tmp_path / "report.docx"
    report.write_bytes(render(other_q, answers, "docx", generated="2026-01-05"))
    r = run_cli("diff", str(a), str(report), "-q", str(mini_path))
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "different questionnaire files" in line]
    assert len(notes) == 1 and str(report) in notes[0]
    assert "different questionnaire files" in r.stdout  # the comparison itself says so too
    strict = run_cli("diff", str(a), str(report), "-q", str(mini_path), "--strict-questionnaire")
    assert strict.returncode == 2 and "different questionnaire files" in strict.stderr
    assert "Traceback" not in strict.stderr
    same_q = tmp_path / "same.docx"
    same_q.write_bytes(render(mini, answers, "docx", generated="2026-01-05"))
    quiet = run_cli("diff", str(a), str(same_q), "-q", str(mini_path), "--strict-questionnaire")
    assert quiet.returncode == 0 and "note" not in quiet.stderr, quiet.stderr


def test_an_open_outcome_is_compared_by_its_headline_and_possible_flags_apart(camera):
    """The comparison heads each side as every surface does ("Open between X and Y", not the bare 'incomplete'
    label) and keeps red flags that only may apply apart from triggered ones."""
    from pia.answers import load
    from pia.wording import headline

    ex = ROOT / "questionnaires" / "camera-hria" / "examples"
    child, _ = load(ex / "live_fr_missing_child_authorised.yaml")
    police, _ = load(ex / "live_fr_police_unauthorised.yaml")
    c = compare(camera, child, police)
    assert c.outcome[0] == "incomplete" and c.headlines[0].startswith("Open between ")
    assert c.headlines == (headline("incomplete", "do_not_proceed", "proceed_with_conditions"), headline("prohibited"))
    assert "RF-13" in c.possible_flags[0] and "RF-13" not in c.red_flags[0]
    assert "RF-01" in c.red_flags[1]
    text = format_text(c)
    assert f"Outcome: {c.headlines[0]} -> {c.headlines[1]}" in text
    assert "Red flags that may apply only in A: RF-13" in text
