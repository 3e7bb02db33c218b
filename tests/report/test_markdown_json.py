"""Markdown for the web and JSON for other systems: same facts, safe text, a fresh schema."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jsonschema

from pia.assess import assess
from pia.report.json_export import report_schema
from pia.report.markdown import md
from pia.text import text as tr

from .reportkit import ROOT, Example, rendered

SCHEMA = ROOT / "schemas" / "report.schema.json"


def _unescape(s: str) -> str:
    """What a Markdown renderer shows for our escaped text."""
    return html.unescape(re.sub(r"\\(.)", r"\1", s))


def test_markdown_shows_outcome_and_every_right(example: Example) -> None:
    a = assess(example.q, example.answers)
    for brief in (False, True):
        text = rendered(example, "md", brief).decode("utf-8")
        assert text.startswith("# ")
        assert a.headline in text
        for right in a.rights:
            assert tr(right.name) in text
        assert a.answers_sha256 in text


def test_markdown_tables_keep_their_shape(example: Example) -> None:
    """No answer text can add or remove a table column."""
    lines = rendered(example, "md").decode("utf-8").splitlines()
    i = 0
    tables = 0
    while i < len(lines):
        if lines[i].startswith("| ") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            cols = len(re.findall(r"(?<!\\)\|", lines[i]))
            j = i + 2
            while j < len(lines) and lines[j].startswith("| "):
                assert len(re.findall(r"(?<!\\)\|", lines[j])) == cols, lines[j]
                j += 1
            tables += 1
            i = j
        else:
            i += 1
    assert tables >= 8


def test_markdown_escapes_hostile_text(hostile: Example) -> None:
    text = rendered(hostile, "md").decode("utf-8")
    assert "<script>" not in text and "<tag>" not in text and "<b>" not in text
    shown = _unescape(text)
    for literal in [
        "Fish & chips <script>alert(1)</script> \"quoted\" 'single' {{ 7*7 }} {% for %} control: end.",
        "Cyrillic: Привет, мир. Emoji: 🚁📷👁️‍🗨️",
        "Arabic: مرحبا بالعالم",
        "Ville d'Été & Co <b>bold</b>",
    ]:
        assert literal in shown, literal
    for ch in "\x01\x07\x0b\x0c\x1b":
        assert ch not in text


def test_md_escape_blocks_markdown_structure() -> None:
    assert md("# not a heading") == "\\# not a heading"
    assert md("- not a list") == "\\- not a list"
    assert md("1. not a list") == "1\\. not a list" or md("1. not a list") == "\\1. not a list"
    assert md("[link](javascript:x)") == "\\[link\\](javascript:x)"
    assert md("a | b", table=True) == "a \\| b"
    assert md("line1\nline2", table=True) == "line1<br>line2"
    assert md("<img src=x onerror=y>") == "&lt;img src=x onerror=y&gt;"


def test_json_is_answers_plus_assessment_and_matches_schema(example: Example) -> None:
    doc = json.loads(rendered(example, "json"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    a = assess(example.q, example.answers)
    assert doc["assessment"] == a.model_dump(mode="json")
    assert doc["answers"] == example.answers.to_dict(example.q)
    assert doc["answers_sha256"] == a.answers_sha256 == example.answers.sha256(example.q)
    assert doc["outcome"]["id"] == a.outcome
    assert doc["generated"] == "2026-11-26"


def test_json_keeps_hostile_answers_exactly(hostile: Example) -> None:
    doc = json.loads(rendered(hostile, "json"))
    assert doc["answers"]["answers"]["purpose"] == hostile.answers.answers["purpose"]


def test_same_input_same_bytes_for_text_formats(example: Example) -> None:
    from pia.report import render

    for fmt in ("md", "json"):
        assert render(example.q, example.answers, fmt, generated="2026-11-26") == rendered(example, fmt)


def test_committed_report_schema_is_fresh() -> None:
    committed = json.loads(Path(SCHEMA).read_text(encoding="utf-8"))
    assert committed == report_schema(), "run: pia schema --kind report > schemas/report.schema.json"


def test_md_escapes_print_no_stray_backslash() -> None:
    """A backslash before a digit is shown as itself, so numbered-list escapes go before the dot."""
    assert md("1. not a list") == "1\\. not a list"
    assert md("12) not a list either") == "12\\) not a list either"
    assert md("0.1.0", table=True) == "0.1.0"  # a table cell cannot start a list
    assert md("- x", table=True) == "- x"
    assert md("a | - b", table=True) == "a \\| - b"
