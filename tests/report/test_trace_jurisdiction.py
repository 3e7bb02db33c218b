"""The app's auditor trace cites each red flag's sources as the full report does: those of the jurisdiction."""

from __future__ import annotations

from pathlib import Path

from pia.answers import effective_answers, load
from pia.assess import assess
from pia.report.trace import trace

ROOT = Path(__file__).resolve().parents[2]


def _flag(camera, path: Path, flag: str) -> dict:
    answers, _ = load(path)
    t = trace(camera, assess(camera, answers), answers=effective_answers(camera, answers.answers))
    return next(f for f in t["red_flags"] if f["id"] == flag)


def test_an_eu_trace_does_not_cite_british_sources(camera):
    rf13 = _flag(camera, ROOT / "questionnaires" / "camera-hria" / "examples" /
                 "live_fr_missing_child_authorised.yaml", "RF-13")
    assert "CoE Guidelines on Facial Recognition" in rf13["law_text"]
    assert "Bridges" not in rf13["law_text"] and "Equality Act" not in rf13["law_text"]


def test_an_international_trace_cites_the_convention_only_for_a_party(camera):
    serbia = _flag(camera, ROOT / "tests" / "cases" / "belgrade-safe-city.yaml", "RF-11")
    us = _flag(camera, ROOT / "tests" / "cases" / "rite-aid-fr.yaml", "RF-11")
    assert "ECHR Art. 8(2)" in serbia["law_text"] and "ECHR" not in us["law_text"]
    assert "ICCPR Art. 17" in us["law_text"]
