"""The pia command as a user runs it: a real subprocess, exit codes and messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pia(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pia", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


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
    r = pia("validate", str(fixtures / "mini" / "mini.yaml"), str(fixtures / "mini" / "answers_complete.yaml"))
    assert r.returncode == 0, r.stderr
    assert "ok (mini 1.2.0" in r.stdout and "ok (answers for mini 1.2.0" in r.stdout


def test_validate_bad_answers_reports_all(fixtures):
    r = pia("validate", str(fixtures / "mini" / "answers_bad.yaml"))
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
    assert r.returncode == 2 and "cannot find questionnaire 'nowhere'" in r.stderr and ":1:" in r.stderr


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
    r = pia("validate", str(fixtures / "mini"))
    assert r.returncode == 2 and "answers_bad.yaml:6:3" in r.stderr
    assert "drone.yaml: ok" not in r.stdout and "mini.yaml: ok" in r.stdout


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
