"""Hostile answer text never breaks a report: Markdown, JSON and Word all render and read back.

The text goes where an official's typing goes — every text and long-text answer
(also inside repeatable groups) and the meta fields — of a real example of the
bundled camera instrument. It mixes control characters, right-to-left marks,
emoji, XML and Jinja metacharacters and strings as long as the question allows.
PDF conversion is too slow to fuzz, so one LibreOffice run takes the worst case.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia.answers import AnswerSet, load, validate
from pia.loader import load_questionnaire
from pia.model import Group
from pia.report import render

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"
EXAMPLE = ROOT / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml"
GENERATED = "2026-11-26"
MARK = "QZX"  # a token no template contains, to find each planted answer in the output

Q = load_questionnaire(INSTRUMENT)
BASE, _ = load(EXAMPLE)


def scaled(n: int) -> int:
    """Example counts sized for the suite; PIA_FUZZ_SCALE=20 explores further (e.g. nightly)."""
    return n * int(os.environ.get("PIA_FUZZ_SCALE", "1"))


# Fragments that have broken real report generators: markup, template syntax,
# bidirectional overrides, joiners, XML-illegal characters and line-break kinds.
NASTY = [
    "&", "<", ">", '"', "'", "{{", "}}", "{%", "%}", "{#", "#}", "{{ 7*7 }}", "{% if 1 %}x{% endif %}",
    "<w:p>", "]]>", "<![CDATA[", "&amp;", "&#0;", "\\", "\\n", "*", "_", "|", "`", "#", "[x](javascript:1)",
    "\u202e", "\u200f", "\u200d", "\u2028", "\u2029", "\ufeff", "\ufffd", "مرحبا", "שלום", "👩‍👩‍👧", "🇺🇦", "é",
    "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\t", "\r",
    "\r\n", "\n", " ", "  ", "-- ", "%", "$", "\u00a0",
]
pieces = st.one_of(st.sampled_from(NASTY), st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8))
nasty_text = st.lists(pieces, min_size=1, max_size=12).map("".join)


def _fit(text: str, question: Any, long: bool) -> str:
    """Make `text` valid for `question`: one line for short text, within its max_length."""
    if question.type == "text":
        text = text.replace("\n", " ")
    limit = question.max_length
    if long:  # as long as the question allows
        text = (text * (limit // max(1, len(text)) + 1))[:limit]
    return text[: limit - 2 * len(MARK) - 10]


def _slots(answers: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every (question id[, row, field]) holding text in the example."""
    out: list[tuple[Any, ...]] = []
    for qid, value in answers.items():
        question = Q.question(qid)
        if isinstance(question, Group):
            for i, row in enumerate(value):
                out += [(qid, i, f.id) for f in question.fields if f.type in ("text", "long_text") and f.id in row]
        elif question.type in ("text", "long_text") and value != "unknown":
            out.append((qid,))
    return out


SLOTS = _slots(BASE.answers)
META_KEYS = ["title", "organisation", "prepared_by", "reference"]


@st.composite
def hostile_answers(draw: st.DrawFn) -> tuple[AnswerSet, list[str]]:
    """The example with nasty text in some slots; returns the answers and the planted markers."""
    answers = json.loads(json.dumps(BASE.answers))
    meta = dict(BASE.meta)
    markers: list[str] = []
    chosen = draw(st.lists(st.sampled_from(SLOTS), min_size=1, max_size=8, unique=True))
    for n, slot in enumerate(chosen):
        question = Q.question(slot[0])
        if len(slot) == 3:
            question = next(f for f in question.fields if f.id == slot[2])
        marker = f"{MARK}{n}{MARK}"
        value = _fit(draw(nasty_text), question, draw(st.integers(0, 9)) == 0) + " " + marker
        if len(slot) == 3:
            answers[slot[0]][slot[1]][slot[2]] = value
        else:
            answers[slot[0]] = value
        markers.append(marker)
    for key in draw(st.lists(st.sampled_from(META_KEYS), max_size=2, unique=True)):
        meta[key] = (draw(nasty_text).replace("\n", " ")[:400] + " " + key + MARK)
        markers.append(key + MARK)
    result = AnswerSet(BASE.questionnaire, BASE.questionnaire_version, meta, answers)
    assert validate(result, Q) == [], validate(result, Q)
    return result, markers


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in [k, *_strings(v)]]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=scaled(30), **FUZZ)
@given(hostile_answers())
def test_markdown_and_json_survive_any_text(case):
    answers, markers = case
    md = render(Q, answers, "md", generated=GENERATED).decode("utf-8")
    for m in markers:
        if not m.startswith(("reference", "prepared_by")):  # not every meta field is printed
            assert m in md, m
    assert not any(c in md for c in "\x00\x0b\x0c\ufffe")
    doc = json.loads(render(Q, answers, "json", generated=GENERATED))
    # The JSON export carries the answers file exactly as given.
    assert doc["answers"]["answers"] == answers.answers
    assert doc["answers"]["meta"] == answers.meta
    texts = "\n".join(_strings(doc))
    assert all(m in texts for m in markers)


def _docx_check(data: bytes, answers: AnswerSet, markers: list[str]) -> None:
    import docx
    from lxml import etree

    from pia.embedded import answers_from_docx

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # raises on any malformed XML part
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    body += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    for m in markers:
        if not m.startswith(("reference", "prepared_by")):
            assert m in body, m
    # Template syntax typed by a user is shown, never evaluated.
    assert "{{ 7*7 }}" not in "".join(_strings(answers.to_dict())) or "{{ 7*7 }}" in body
    # The embedded answers file reads back to exactly what was typed.
    from pia.answers import loads

    embedded, _ = loads(answers_from_docx(data))
    assert embedded.answers == answers.answers and embedded.meta == answers.meta


@settings(max_examples=scaled(8), **FUZZ)
@given(hostile_answers())
def test_word_report_survives_any_text(case):
    answers, markers = case
    _docx_check(render(Q, answers, "docx", generated=GENERATED), answers, markers)


def _nastiest() -> AnswerSet:
    """Every fragment in every text slot and meta field; the first long answer as long as allowed.

    (Every long answer at its 20,000-character maximum makes a document of
    hundreds of pages, which LibreOffice takes minutes to lay out: a size
    question for the benchmarks, not a text-safety one.)
    """
    answers = json.loads(json.dumps(BASE.answers))
    everything = "".join(NASTY)
    for n, slot in enumerate(SLOTS):
        question = Q.question(slot[0])
        if len(slot) == 3:
            question = next(f for f in question.fields if f.id == slot[2])
        value = _fit(everything, question, n == 0)
        if len(slot) == 3:
            answers[slot[0]][slot[1]][slot[2]] = value
        else:
            answers[slot[0]] = value
    meta = {**BASE.meta, **{k: everything.replace("\n", " ")[:480] for k in META_KEYS}}
    return AnswerSet(BASE.questionnaire, BASE.questionnaire_version, meta, answers)


def test_nastiest_text_in_word_converts_to_pdf(tmp_path):
    answers = _nastiest()
    assert validate(answers, Q) == []
    data = render(Q, answers, "docx", generated=GENERATED)
    _docx_check(data, answers, [])
    if not shutil.which("soffice"):
        pytest.skip("soffice not installed: apt-get install libreoffice-writer (CI installs it)")
    from pia.report.pdf import docx_to_pdf

    pdf = docx_to_pdf(data, timeout=180)
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-1024:]
    (tmp_path / "r.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True).stdout
        assert b"javascript" in text  # the typed text is in the PDF, as text


@settings(max_examples=scaled(150), deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20),
       st.text(alphabet=st.sampled_from("\x85\u2028\u2029\n\t \ufeff😀𐀀ab:#'\"-|>"), max_size=10))
def test_answers_file_keeps_every_character(head, tail):
    """Found by the Word fuzzing: an answer with a NEL (U+0085) and an emoji came back with a space.

    The answers file (download, embedded in reports) must hold exactly what was typed.
    """
    from pia.answers import dumps, loads

    text = head + tail
    answers = BASE.with_answer("integrations", text).with_answer("system_name", text.replace("\n", " "))
    again, _ = loads(dumps(answers, Q))
    assert again.answers["integrations"] == text
    assert again.answers["system_name"] == text.replace("\n", " ")
