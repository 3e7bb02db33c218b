"""Answers as people read them: choice labels instead of codes, rows as short lines.

Shared by the diff, the CLI and the app so every surface words a value the same way.
"""

from __future__ import annotations

from typing import Any

from .conditions import UNKNOWN
from .model import Group, MultiChoice, SingleChoice
from .text import text
from .wording import label

NOT_ANSWERED = label("answer.missing")
UNKNOWN_TEXT = label("answer.unknown")


def option_label(question: Any, value: Any, lang: str = "en") -> str:
    for o in getattr(question, "options", []) or []:
        if o.value == value:
            return text(o.label, lang)
    return str(value)


def describe(question: Any, value: Any, lang: str = "en") -> str:
    """One readable line for an answer (or for a missing one)."""
    if value is None or value == "" or value == []:
        return NOT_ANSWERED
    if value == UNKNOWN:
        return UNKNOWN_TEXT
    if question is None:
        return str(value)
    if question.type == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(value, str(value))
    if isinstance(question, SingleChoice):
        return option_label(question, value, lang)
    if isinstance(question, MultiChoice) and isinstance(value, list):
        return ", ".join(option_label(question, v, lang) for v in value)
    if isinstance(question, Group) and isinstance(value, list):
        rows = []
        for row in value:
            if not isinstance(row, dict):
                rows.append(str(row))
                continue
            parts = [describe(question.field(k), v, lang) for k, v in row.items() if question.field(k) is not None]
            rows.append("; ".join(parts))
        n = len(rows)
        return f"{n} entr{'y' if n == 1 else 'ies'}: " + " | ".join(rows) if rows else NOT_ANSWERED
    if question.type == "number" and isinstance(value, float) and value.is_integer():
        value = int(value)
    unit = text(getattr(question, "unit", None), lang)
    return f"{value} {unit}".strip() if unit else str(value)
