"""The pia command as a user runs it: a real subprocess, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
