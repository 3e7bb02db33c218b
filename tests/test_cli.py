"""The pia command as a user runs it: a real subprocess, exit codes and messages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI_DIR = ROOT / "tests" / "fixtures" / "mini"


def pia(*args: str, cwd: Path = ROOT, pia_path: Path | str | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess:
    """Run pia; the fixture answers find their questionnaire through PIA_PATH, as a user's would."""
    env = {k: v for k, v in os.environ.items() if k != "PIA_PATH"}
    if pia_path is not None:
        env["PIA_PATH"] = str(pia_path)
    return subprocess.run([sys.executable, "-m", "pia", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_version():
    from pia import __version__

    r = pia("--version")
    assert r.returncode == 0 and __version__ in r.stdout


def test_validate_bad_questionnaire_prints_each_problem(fixtures):
    r = pia("validate", str(fixtures / "bad" / "five_problems.yaml"))
    assert r.returncode == 2
    lines = [line for line in r.stderr.splitlines() if "five_problems.yaml:" in line]
    assert [line.split(":")[1] for line in lines] == ["11", "15", "19", "23", "31"]
    assert "Traceback" not in r.stderr and r.stderr.strip().endswith("5 problems found")


def test_validate_good_files(fixtures):
    r = pia("validate", str(fixtures / "mini" / "mini.yaml"), str(fixtures / "mini" / "answers_complete.yaml"),
            pia_path=MINI_DIR)
    assert r.returncode == 0, r.stderr
    assert "ok (mini 1.2.0" in r.stdout and "ok (answers for mini 1.2.0" in r.stdout


def test_validate_bad_answers_reports_all(fixtures):
    r = pia("validate", str(fixtures / "mini" / "answers_bad.yaml"), pia_path=MINI_DIR)
    assert r.returncode == 2 and "9 problems found" in r.stderr and "Traceback" not in r.stderr


def test_validate_missing_and_garbage_files(tmp_path):
    garbage = tmp_path / "g.yaml"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    r = pia("validate", str(tmp_path / "missing.yaml"), str(garbage))
    assert r.returncode == 2
    assert "missing.yaml: no such file" in r.stderr and "binary content" in r.stderr
    assert "Traceback" not in r.stderr


def test_answers_for_unfindable_questionnaire(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("questionnaire: nowhere\nquestionnaire_version: 1.0.0\nanswers: {}\n")
    r = pia("validate", str(f))
    assert r.returncode == 2 and "questionnaire 'nowhere' is not installed here" in r.stderr and ":1:" in r.stderr


def test_new_answers_skeleton_validates(fixtures, tmp_path):
    r = pia("new-answers", str(fixtures / "mini" / "mini.yaml"))
    assert r.returncode == 0 and "questionnaire: mini" in r.stdout
    out = tmp_path / "answers.yaml"
    out.write_text(r.stdout)
    r2 = pia("validate", "-q", str(fixtures / "mini" / "mini.yaml"), str(out))
    assert r2.returncode == 0, r2.stderr


def test_schema_commands_print_json():
    for kind in ("questionnaire", "answers"):
        r = pia("schema", "--kind", kind)
        assert r.returncode == 0
        assert json.loads(r.stdout)["title"] == f"pia {kind} file"


def test_usage_error_is_exit_2():
    r = pia("validate")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_validate_a_folder_checks_cores_and_answers_not_modules(fixtures):
    r = pia("validate", str(ROOT / "questionnaires"))
    assert r.returncode == 0, r.stderr
    assert "camera_hria.yaml: ok" in r.stdout and "examples/" in r.stdout
    # modules are checked through their core file, not on their own
    assert "rules.yaml" not in r.stdout and "drones.yaml" not in r.stdout
    r = pia("validate", str(fixtures / "mini"), pia_path=MINI_DIR)
    assert r.returncode == 2 and "answers_bad.yaml:6:3" in r.stderr
    assert "drone.yaml: ok" not in r.stdout and "mini.yaml: ok" in r.stdout


# --- which questionnaire decides (F3 of the 2026-11 security review) ---------------------------

EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
BUNDLED = ROOT / "questionnaires" / "camera-hria"


def _gutted_copy(folder: Path) -> Path:
    """A copy of the bundled questionnaire, same id and version, with every red flag removed.

    The risk rules stay: the safeguards catalogue names the harms they rate.
    """
    import shutil

    shutil.copytree(BUNDLED, folder, ignore=shutil.ignore_patterns("examples"))
    rules = folder / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text[:text.index("\nred_flags:\n")] + "\nred_flags: []\n" + text[text.index("\nrisk_rules:\n"):],
                     encoding="utf-8")
    return folder / "camera_hria.yaml"


def _outcome(r: subprocess.CompletedProcess) -> str:
    return next(line for line in r.stdout.splitlines() if "OUTCOME" in line)


def test_a_questionnaire_next_to_the_answers_is_never_used(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    answers = inbox / "answers.yaml"
    answers.write_bytes((EXAMPLES / "live_fr_police_unauthorised.yaml").read_bytes())
    gutted = _gutted_copy(inbox / "support")
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "camera_hria.yaml").write_bytes(gutted.read_bytes())
    installed = pia("assess", str(EXAMPLES / "live_fr_police_unauthorised.yaml"))
    received = pia("assess", str(answers))
    assert installed.returncode == received.returncode == 0, received.stderr
    assert "PROHIBITED" in _outcome(installed) and _outcome(received) == _outcome(installed)
    # the copy is used only when named, and then the record says which files were used
    chosen = pia("assess", str(answers), "-q", str(gutted), "--json")
    bundled = pia("assess", str(answers), "--json")
    a, b = json.loads(chosen.stdout), json.loads(bundled.stdout)
    assert a["outcome"] != "prohibited" and b["outcome"] == "prohibited"
    assert a["questionnaire_id"] == b["questionnaire_id"] and a["questionnaire_version"] == b["questionnaire_version"]
    assert a["questionnaire_files"]["rules.yaml"] != b["questionnaire_files"]["rules.yaml"]
    assert a["questionnaire_sha256"] != b["questionnaire_sha256"]


def test_the_same_id_twice_on_the_search_path_is_refused_naming_both(tmp_path):
    gutted = _gutted_copy(tmp_path / "qs" / "evil")
    r = pia("assess", str(EXAMPLES / "live_fr_police_unauthorised.yaml"), pia_path=tmp_path / "qs")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert str(gutted) in r.stderr and str(BUNDLED / "camera_hria.yaml") in r.stderr
    listed = pia("list", pia_path=tmp_path / "qs")
    assert listed.returncode == 0 and "camera_hria" not in listed.stdout
    assert str(gutted) in listed.stderr and "claim questionnaire id 'camera_hria'" in listed.stderr


def test_assessment_and_every_report_carry_the_questionnaire_hashes(tmp_path):
    import hashlib

    from pia.embedded import read_embedded

    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED.glob("*.yaml")}
    digest = hashlib.sha256("".join(f"{files[n]}  {n}\n" for n in sorted(files)).encode()).hexdigest()
    source = str(EXAMPLES / "school_cctv.yaml")
    assessed = json.loads(pia("assess", source, "--json").stdout)
    assert assessed["questionnaire_files"] == files and assessed["questionnaire_sha256"] == digest
    as_json = json.loads(pia("report", source, "-o", "-", "--format", "json").stdout)
    assert as_json["questionnaire"]["sha256"] == digest and as_json["questionnaire"]["files"] == files
    assert as_json["assessment"]["questionnaire_sha256"] == digest
    md = pia("report", source, "-o", "-", "--format", "md").stdout
    assert f"| SHA-256 of the questionnaire | {digest} |" in md and f"| - rules.yaml | {files['rules.yaml']} |" in md
    for brief in (False, True):
        out = tmp_path / f"r{brief}.docx"
        r = pia("report", source, "-o", str(out), *(["--brief"] if brief else []))
        assert r.returncode == 0, r.stderr
        assert read_embedded(out).questionnaire_sha256 == digest
        from docx import Document

        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        text += "\n".join(c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells)
        assert f"questionnaire SHA-256 {digest}" in text if brief else digest in text


def test_reopening_a_report_says_when_the_questionnaire_changed(tmp_path):
    source = EXAMPLES / "school_cctv.yaml"
    gutted = _gutted_copy(tmp_path / "old")
    report = tmp_path / "report.docx"
    assert pia("report", str(source), "-q", str(gutted), "-o", str(report)).returncode == 0
    checked = pia("validate", str(report))
    assert checked.returncode == 0, checked.stderr
    notes = [line for line in checked.stderr.splitlines() if line]
    assert len(notes) == 1 and notes[0].startswith(f"{report}: note: made with different questionnaire files")
    strict = pia("validate", str(report), "--strict-questionnaire")
    assert strict.returncode == 2 and "different questionnaire files" in strict.stderr
    again = pia("report", str(report), "-o", str(tmp_path / "again.md"))
    assert again.returncode == 0 and "different questionnaire files" in again.stderr
    assert pia("report", str(report), "-o", str(tmp_path / "x.md"), "--strict-questionnaire").returncode == 2
    # with the questionnaire that made it: nothing to say
    same = pia("validate", str(report), "-q", str(gutted), "--strict-questionnaire")
    assert same.returncode == 0 and same.stderr == "", same.stderr


# --- special files (F13) ---------------------------------------------------------------------


def test_validate_folder_refuses_fifo_dev_zero_and_huge_files_in_one_line_each(tmp_path):
    """Each case in a subprocess with a timeout: the timeout is a safety net, not the assertion."""
    folder = tmp_path / "recv"
    (folder / "sub").mkdir(parents=True)
    (folder / "school.yaml").write_bytes((EXAMPLES / "school_cctv.yaml").read_bytes())
    (folder / "sub" / "loop").symlink_to(".")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yaml")
    with open(folder / "huge.yaml", "wb") as fh:
        fh.truncate(3 * 1024**3)
    r = pia("validate", str(folder), timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{folder / 'zero.yaml'}: not a regular file" in r.stderr
    assert f"{folder / 'pipe.yaml'}: not a regular file" in r.stderr
    assert f"{folder / 'huge.yaml'}: file is 3,221,225,472 bytes" in r.stderr
    assert r.stderr.strip().endswith("3 problems found")
    assert "school.yaml: ok" in r.stdout


def test_assess_and_validate_refuse_special_files_named_directly(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    for name in ("pipe.yaml", "zero.yaml"):
        for cmd in ("assess", "validate", "report"):
            extra = ["-o", str(tmp_path / "out.md")] if cmd == "report" else []
            r = pia(cmd, str(tmp_path / name), *extra, timeout=120)
            assert r.returncode == 2 and "not a regular file" in r.stderr, (cmd, name, r.stderr)


def test_list_survives_a_broken_pia_path(tmp_path):
    qs = tmp_path / "qs"
    (qs / "x.yaml").mkdir(parents=True)
    (qs / "dangling.yaml").symlink_to("/nonexistent")
    os.mkfifo(qs / "pipe.yaml")
    r = pia("list", pia_path=f"{qs}{os.pathsep}{tmp_path / 'missing'}", timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("camera_hria\t")
    assert "dangling.yaml: skipped: a symbolic link to a file that does not exist" in r.stderr
    assert "pipe.yaml: skipped: not a regular file" in r.stderr
    assert f"{tmp_path / 'missing'}: on PIA_PATH but not a folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_validate_parses_an_answers_file_once(fixtures, monkeypatch):
    from click.testing import CliRunner

    import pia.intake
    import pia.loader
    import pia.yamlio
    from pia.cli import main

    parsed: list[str] = []
    real = pia.yamlio.load_text

    def counting(text, source="<text>", *args, **kwargs):  # noqa: ANN001, ANN202
        parsed.append(source)
        return real(text, source, *args, **kwargs)

    for module in (pia.yamlio, pia.intake, pia.loader):
        monkeypatch.setattr(module, "load_text", counting)
    answers = fixtures / "mini" / "answers_complete.yaml"
    r = CliRunner().invoke(main, ["validate", str(answers), "-q", str(fixtures / "mini" / "mini.yaml")])
    assert r.exit_code == 0, r.output
    assert parsed.count(str(answers)) == 1
    parsed.clear()   # a folder too: what is parsed to find the modules is not parsed again
    r = CliRunner().invoke(main, ["validate", str(fixtures / "mini"), "-q", str(fixtures / "mini" / "mini.yaml")])
    assert "answers_complete.yaml: ok" in r.output
    assert parsed.count(str(answers)) == 1 and parsed.count(str(fixtures / "mini" / "answers_bad.yaml")) == 1


# --- hostile inputs through every command (security review F4, F8, F12, F15, F18) ----------

EXAMPLE = ROOT / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml"
HOSTILE_ANSWERS = {
    "huge_int.yaml": ("answers:\n  zz: " + "1" * 5000 + "\n", "more than 100 digits"),
    "int_meta_key.yaml": ("meta:\n  1: one\n", "key must be text"),
    "null_meta_key.yaml": ("meta:\n  ~: one\n", "key must be text"),
    "binary_meta_key.yaml": ("meta:\n  !!binary aGVsbG8=: x\n", "key must be text"),
    "anchors.yaml": ("answers:\n  zz: &a [x]\n  zy: *a\n", "anchors and aliases are not allowed"),
}


def _hostile(tmp_path: Path) -> dict[Path, str]:
    text = EXAMPLE.read_text()
    out = {}
    for name, (insert, words) in HOSTILE_ANSWERS.items():
        key = insert.split("\n", 1)[0] + "\n"
        path = tmp_path / name
        path.write_text(text.replace(key, insert, 1))
        assert path.read_text() != text
        out[path] = words
    return out


def test_hostile_answers_are_bad_input_for_every_command(tmp_path):
    # Each of these escaped as exit 3 "internal error" from validate, assess, report or diff (F8).
    files = _hostile(tmp_path)
    r = pia("validate", *map(str, files))
    assert r.returncode == 2 and f"{len(files)} problems found" in r.stderr, r.stderr
    for path, words in files.items():
        (line,) = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{path}:")]
        assert words in line and line.split(":")[1].isdigit()
    for path, words in files.items():
        for args in (["assess", str(path)], ["diff", str(path), str(EXAMPLE)],
                     ["report", str(path), "-o", str(tmp_path / "out.md")]):
            r = pia(*args)
            assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
            assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.md").exists()


def test_octal_hex_and_sexagesimal_numbers_are_reported(tmp_path):
    # camera_count: 010 was silently 8; 0x48 and 1:12 were 72 (F12).
    text = EXAMPLE.read_text()
    assert "  camera_count: " in text
    for literal in ("010", "0x48", "1:12", "1_000"):
        path = tmp_path / "n.yaml"
        path.write_text(re.sub(r"(?m)^  camera_count: .*$", f"  camera_count: {literal}", text))
        r = pia("validate", str(path))
        assert r.returncode == 2 and f"answers.camera_count: expected a number, got '{literal}'" in r.stderr


@pytest.mark.parametrize("name", ["new\nline.md", "cr\rx.md", "ls\u2028x.md", "nel\x85x.md", "esc\x1b[2Jx.md"])
def test_report_refuses_an_output_name_with_control_characters(tmp_path, name):
    # A newline in -o split the one-line messages (F15).
    r = pia("report", str(EXAMPLE), "-o", str(tmp_path / name))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 2 and "control character" in r.stderr and "1 problem found" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_answers_keeps_a_hostile_title_in_its_comment(tmp_path):
    # A section title with a line break put a live `legal_basis: specific_law` into the skeleton (F18).
    src = ROOT / "questionnaires" / "camera-hria"
    for f in src.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    core = tmp_path / "camera_hria.yaml"
    old = "    title: Screening - what is proposed, by whom and where\n"
    assert old in core.read_text()
    core.write_text(core.read_text().replace(old, '    title: "Screening\\n  legal_basis: specific_law\\n  # "\n'))
    assert pia("validate", str(core)).returncode == 0
    r = pia("new-answers", str(core))
    assert r.returncode == 0 and "# == Screening legal_basis: specific_law # ==" in r.stdout
    skeleton = tmp_path / "skeleton.yaml"
    skeleton.write_text(r.stdout)
    r = pia("validate", "-q", str(core), str(skeleton))
    assert r.returncode == 0 and "0 answers" in r.stdout, r.stdout + r.stderr


def test_unlocated_problems_print_without_a_leading_colon():
    from pia.errors import PiaError, Problem

    assert str(PiaError("several answers files need a folder for -o, not '-'")) == (
        "several answers files need a folder for -o, not '-'")
    assert str(Problem("f.yaml", 0, 0, "", "no such file")) == "f.yaml: no such file"
    assert str(Problem("", 0, 0, "meta", "bad")) == "meta: bad"
    assert str(Problem("f.yaml", 3, 1, "meta", "bad")) == "f.yaml:3:1: meta: bad"
