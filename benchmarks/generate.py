"""Generate synthetic instruments of N questions (and answers to match) for scaling runs.

The mix mirrors the real instrument: every question type, one in four with a
condition on an earlier question, a few group questions.
"""

from __future__ import annotations

from pathlib import Path

from pia.yamlio import dump

TYPES = ("yes_no", "single_choice", "multi_choice", "text", "long_text", "number", "date", "group")


def _question(i: int) -> dict:
    kind = TYPES[i % len(TYPES)]
    q: dict = {"id": f"q{i}", "type": kind, "label": f"Question {i}?", "guidance": f"Why question {i} is asked."}
    if kind in ("single_choice", "multi_choice"):
        q["options"] = [{"value": f"o{k}", "label": f"Option {k}"} for k in range(4)]
    if kind == "number":
        q.update({"min": 0, "max": 1000, "unit": "cameras"})
    if kind == "group":
        q["fields"] = [{"id": "name", "type": "text", "label": "Name"}, {"id": "n", "type": "number", "label": "N"}]
    if i % 4 == 3 and i >= 8:
        q["when"] = {"question": f"q{(i // 8) * 8 - 8}", "op": "equals", "value": "yes"}
    return q


def instrument(n: int) -> dict:
    per_section = 25
    sections = []
    for s in range(0, n, per_section):
        sections.append({
            "id": f"s{s // per_section}",
            "title": f"Section {s // per_section}",
            "questions": [_question(i) for i in range(s, min(n, s + per_section))],
        })
    yes_no = [f"q{i}" for i in range(n) if TYPES[i % len(TYPES)] == "yes_no"]
    rights = [{"id": r, "name": r.title()} for r in ("privacy", "assembly", "equality")]
    rules = [
        {
            "id": f"R-{k}",
            "right": rights[k % 3]["id"],
            "harm": f"harm {k}",
            "when": {"question": qid, "op": "equals", "value": "yes"},
            "floors": {"scale": 1 + k % 4, "likelihood": 1 + (k // 4) % 4},
        }
        for k, qid in enumerate(yes_no)
    ]
    flags = [
        {"id": f"RF-{k}", "title": f"flag {k}", "outcome": "incomplete",
         "when": {"all": [{"question": qid, "op": "equals", "value": "no"},
                          {"question": yes_no[(k * 7 + 1) % len(yes_no)], "op": "equals", "value": "no"}]}}
        for k, qid in enumerate(yes_no[::8])
    ]
    matrix = {
        "levels": [{"id": lv, "label": lv} for lv in ("low", "medium", "high", "very_high")],
        "cells": {1: ["low", "low", "low", "medium"], 2: ["low", "medium", "medium", "high"],
                  3: ["medium", "high", "high", "very_high"], 4: ["high", "very_high", "very_high", "very_high"]},
    }
    return {"id": f"synthetic{n}", "title": f"Synthetic {n}", "version": "1.0.0", "sections": sections,
            "rights": rights, "risk_rules": rules, "red_flags": flags, "matrix": matrix}


def answers(n: int) -> dict:
    values = {
        "yes_no": "yes", "single_choice": "o1", "multi_choice": ["o0", "o2"], "text": "short",
        "long_text": "a longer\nanswer", "number": 42, "date": "2026-11-26",
        "group": [{"name": "site", "n": 3}],
    }
    return {
        "questionnaire": f"synthetic{n}",
        "questionnaire_version": "1.0.0",
        "meta": {"title": "synthetic"},
        "answers": {f"q{i}": values[TYPES[i % len(TYPES)]] for i in range(n)},
    }


def write(n: int, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    qp, ap = folder / f"synthetic{n}.yaml", folder / f"answers{n}.yaml"
    qp.write_text(dump(instrument(n)))
    ap.write_text(dump(answers(n)))
    return qp, ap
