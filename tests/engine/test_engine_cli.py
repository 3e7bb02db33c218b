"""`pia assess` through a real subprocess: exit codes, summary and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "engine"
ANSWERS = FIXTURE / "answers"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pia", "assess", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PIA_PATH": str(FIXTURE)},   # where the fixture questionnaire is installed
    )


def test_summary_of_a_red_flag_case():
    p = run(ANSWERS / "red_flag.yaml")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "OUTCOME: DO NOT PROCEED" in out
    assert "TRIGGERED RF-10: Face recognition at assemblies" in out
    assert "clears when: Exclude assemblies technically and in policy." in out
    assert "Jurisdiction: eu" in out
    # The per-right table: inherent -> residual, with the rules behind them.
    privacy = next(line for line in out.splitlines() if line.strip().startswith("Privacy"))
    assert "Very high" in privacy and "R-COV-CITY" in privacy
    assert "[red flag] Red flag RF-10 triggered." in out
    assert p.stderr == ""


def test_summary_lists_gaps_mitigations_and_obligations():
    p = run(ANSWERS / "busy.yaml")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "OUTCOME: OPEN BETWEEN LEGALLY PROHIBITED AND REVISE" in out
    assert "POTENTIAL RF-02" in out
    assert "scraping (unknown) [material]" in out
    assert "M-DELETE (planned, projected only): IT, 2027-01-01" in out
    assert "planned without an owner and a due date" in out
    assert "approver: City council" in out


def test_json_matches_the_library(engine_q):
    from pia.answers import load
    from pia.assess import assess

    p = run(ANSWERS / "busy.yaml", "--json")
    assert p.returncode == 0, p.stderr
    answers, _ = load(ANSWERS / "busy.yaml")
    assert p.stdout == assess(engine_q, answers, remedy=True).to_json()
    data = json.loads(p.stdout)
    assert data["outcome"] == "incomplete"
    assert data["answers_sha256"] == answers.sha256(engine_q)


def test_json_is_identical_on_repeated_runs():
    first = run(ANSWERS / "red_flag.yaml", "--json").stdout
    assert first and run(ANSWERS / "red_flag.yaml", "--json").stdout == first


def test_proceed_still_exits_zero():
    p = run(ANSWERS / "clean.yaml")
    assert p.returncode == 0
    assert "OUTCOME: PROCEED (MONITOR)" in p.stdout


def test_bad_answers_exit_2_with_locations():
    p = run(ANSWERS / "bad_values.yaml")
    assert p.returncode == 2
    assert p.stdout == ""
    assert "bad_values.yaml:5:3: answers.jurisdiction: 'mars' is not one of the offered choices" in p.stderr
    assert "bad_values.yaml:7:3: answers.retention_days: -5 is below the minimum 0" in p.stderr
    assert "Traceback" not in p.stderr


def test_missing_file_exits_2(tmp_path):
    p = run(tmp_path / "nope.yaml")
    assert p.returncode == 2
    assert "nope.yaml: no such file" in p.stderr


def test_malformed_yaml_exits_2(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("questionnaire: engine_fixture\nanswers: [unclosed\n", encoding="utf-8")
    p = run(bad, "-q", FIXTURE / "engine.yaml")
    assert p.returncode == 2
    assert "broken.yaml:" in p.stderr and "Traceback" not in p.stderr


def test_answers_for_another_questionnaire_exit_2(tmp_path, mini_path):
    other = tmp_path / "other.yaml"
    other.write_text((ANSWERS / "clean.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    p = run(other, "-q", mini_path)
    assert p.returncode == 2
    assert "not 'mini'" in p.stderr


def test_unknown_questionnaire_exit_2(tmp_path):
    lost = tmp_path / "lost.yaml"
    lost.write_text("questionnaire: nowhere\nquestionnaire_version: 1.0.0\nanswers: {}\n", encoding="utf-8")
    p = run(lost)
    assert p.returncode == 2
    assert "questionnaire 'nowhere' is not installed here" in p.stderr


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_mini_with_explicit_questionnaire(tmp_path, mini_path, flag):
    f = tmp_path / "mini_answers.yaml"
    f.write_text(
        "questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta: {}\nanswers:\n"
        "  jurisdiction: uk\n  technologies: [cctv]\n  law_enforcement: 'no'\n  camera_count: 250\n",
        encoding="utf-8",
    )
    p = run(f, "-q", mini_path, *flag)
    assert p.returncode == 0, p.stderr
    if flag:
        data = json.loads(p.stdout)
        assert data["questionnaire_id"] == "mini"
        assert data["rights"][0]["dimensions"]["scope"]["rules"] == ["R-PRIV-SCOPE"]
    else:
        assert "R-PRIV-SCOPE" in p.stdout


def _law_lines(path: Path, flag: str) -> str:
    from click.testing import CliRunner

    from pia.cli import main as cli

    out = CliRunner().invoke(cli, ["assess", str(path)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    at = next(i for i, line in enumerate(lines) if f" {flag}: " in line and line.lstrip().startswith(
        ("TRIGGERED", "POTENTIAL")))
    return next(line for line in lines[at + 1:at + 8] if line.strip().startswith("law:"))


def test_assess_prints_the_legal_sources_of_the_assessments_jurisdiction():
    """`pia assess` shows each red flag's sources as the app and the reports do: those of the jurisdiction, and
    the Convention only where the state is a party to it."""
    # EU: RF-13 no longer cites the Court of Appeal or the Equality Act 2010.
    eu = _law_lines(ROOT / "questionnaires" / "camera-hria" / "examples" / "live_fr_missing_child_authorised.yaml",
                    "RF-13")
    assert "Bridges" not in eu and "Equality Act" not in eu and "CoE Guidelines on Facial Recognition" in eu
    # International: the ECHR for Serbia (a party), not for a US chain (the US is not).
    serbia = _law_lines(ROOT / "tests" / "cases" / "belgrade-safe-city.yaml", "RF-11")
    us = _law_lines(ROOT / "tests" / "cases" / "rite-aid-fr.yaml", "RF-11")
    assert "ECHR Art. 8(2)" in serbia and "ICCPR Art. 17" in serbia
    assert "ECHR" not in us and "ICCPR Art. 17" in us
