"""Opening an assessment: one size limit, type by content, one questionnaire lookup, one validation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pia.answers import AnswerSet, dumps
from pia.errors import PiaError
from pia.intake import MAX_ASSESSMENT_BYTES, open_assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml"


def answers_text(**answers) -> bytes:
    return dumps(AnswerSet("mini", "1.2.0", {"title": "T"}, dict(answers))).encode()


@pytest.fixture(scope="module")
def report(mini) -> bytes:
    from pia.report import render

    return render(mini, AnswerSet("mini", "1.2.0", {"title": "T"}, {"jurisdiction": "eu"}), "docx",
                  generated="2026-01-05")


def test_one_size_limit_for_answers_and_reports_bytes_and_paths(tmp_path, mini):
    big_yaml = b"#" * (MAX_ASSESSMENT_BYTES + 1)
    big_docx = b"PK\x03\x04" + b"\0" * MAX_ASSESSMENT_BYTES
    for data, name in ((big_yaml, "a.yaml"), (big_docx, "a.docx")):
        with pytest.raises(PiaError, match=rf"the limit is 5 MB \({MAX_ASSESSMENT_BYTES:,} bytes\)"):
            open_assessment(data, name, questionnaire=mini)
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(PiaError, match=rf"the limit is 5 MB \({MAX_ASSESSMENT_BYTES:,} bytes\)"):
            open_assessment(path, questionnaire=mini)


def test_the_type_is_decided_by_content(mini, report):
    opened = open_assessment(report, "named-like-answers.yaml", questionnaire=mini)
    assert opened.from_docx and opened.answers.answers == {"jurisdiction": "eu"}
    with pytest.raises(PiaError, match="not a Word document"):
        open_assessment(answers_text(), "a.docx", questionnaire=mini)
    with pytest.raises(PiaError, match=r"not \.txt"):
        open_assessment(answers_text(), "a.txt", questionnaire=mini)
    plain = open_assessment(answers_text(jurisdiction="uk"), "a.yml", questionnaire=mini)
    assert not plain.from_docx and plain.note is None


def test_the_questionnaire_comes_from_the_option_or_the_search_path_only(tmp_path, mini, mini_path, monkeypatch):
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(answers_text(jurisdiction="eu"))
    (tmp_path / "mini.yaml").write_bytes(mini_path.read_bytes())   # next to the answers: never looked at
    (tmp_path / "drone.yaml").write_bytes((mini_path.parent / "drone.yaml").read_bytes())
    monkeypatch.delenv("PIA_PATH", raising=False)
    with pytest.raises(PiaError, match="'mini' is not installed here"):
        open_assessment(answers)
    by_path = open_assessment(answers, questionnaire=mini_path)
    assert by_path.questionnaire_path == mini_path and by_path.questionnaire.id == "mini"
    assert open_assessment(answers, questionnaire=mini).questionnaire is mini
    monkeypatch.setenv("PIA_PATH", str(mini_path.parent))
    found = open_assessment(answers)
    assert found.questionnaire_path == mini_path
    assert found.questionnaire_sha256 and found.questionnaire_files == dict(found.questionnaire.source_sha256)


def test_every_problem_at_once(mini):
    with pytest.raises(PiaError) as exc:
        open_assessment(answers_text(jurisdiction="mars", camera_count="lots"), "a.yaml", questionnaire=mini)
    assert len(exc.value.problems) == 2


def test_a_report_made_with_other_questionnaire_files_is_noted_or_refused(tmp_path, mini, mini_path, report):
    import shutil

    from pia.embedded import answers_part_xml
    from pia.loader import load_questionnaire
    from pia.report import render

    same = open_assessment(report, "r.docx", questionnaire=mini_path)
    assert same.claimed_sha256 == same.questionnaire_sha256 and same.note is None
    edited = tmp_path / "edited"
    shutil.copytree(mini_path.parent, edited)
    (edited / "mini.yaml").write_text(mini_path.read_text() + "# edited\n")
    other = render(load_questionnaire(edited / "mini.yaml"), same.answers, "docx", generated="2026-01-05")
    opened = open_assessment(other, "r.docx", questionnaire=mini_path)
    assert opened.questionnaire_changed
    assert opened.note.startswith("r.docx: note: made with different questionnaire files than mini 1.2.0")
    with pytest.raises(PiaError, match="different questionnaire files"):
        open_assessment(other, "r.docx", questionnaire=mini_path, require_same_questionnaire=True)
    # a report that does not say which questionnaire made it: noted, and refused when asked
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(report)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            blob = zin.read(info)
            if info.filename.startswith("customXml/") and b"urn:pia:answers" in blob[:400]:
                blob = answers_part_xml(dumps(same.answers, mini))
            zout.writestr(info, blob)
    unstated = open_assessment(out.getvalue(), "u.docx", questionnaire=mini_path)
    assert unstated.note == "u.docx: note: this report does not record which questionnaire files produced it"
    with pytest.raises(PiaError, match="does not record"):
        open_assessment(out.getvalue(), "u.docx", questionnaire=mini_path, require_same_questionnaire=True)


_OPEN = """
import sys
from pathlib import Path
from pia.errors import PiaError
from pia.intake import open_assessment
try:
    open_assessment(Path(sys.argv[1]))
except PiaError as exc:
    print(exc)
"""


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_pipes_and_devices_are_refused_never_read(tmp_path, kind):
    """In a subprocess with a timeout: the timeout only keeps a regression from hanging the suite."""
    path = tmp_path / "answers.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    r = subprocess.run([sys.executable, "-c", _OPEN, str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"{path}: not a regular file (a pipe, device or socket); refused"
