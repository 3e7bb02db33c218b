"""Where a problem sits in a Word template: its parts, split one paragraph per line.

Shared by rendering (docx.py refuses an unsafe template before it renders) and
by `pia lint-template`, so both name the same part, paragraph and text.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import parse_xml
from jinja2 import TemplateSyntaxError

from ..errors import PiaError, Problem
from .sandbox import make_env, unsafe_access

TAG_TEXT = re.compile(r"<[^>]+>")


def parts(tpl: Any) -> list[tuple[str, str]]:
    """(part name, patched XML split one paragraph per line, as docxtpl renders it)."""
    out = [("word/document.xml", tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body)))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rid, part in tpl.get_headers_footers(uri):
            xml = tpl.xml_to_string(parse_xml(part.blob))
            out.append((str(part.partname).lstrip("/"), tpl.patch_xml(xml)))
    return [(name, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)) for name, xml in out]


def paragraph_of(lines: list[str], lineno: int | None) -> tuple[str, str]:
    """'paragraph N' and that paragraph's visible text for a Jinja line number."""
    if not lineno:
        return "", ""
    text = TAG_TEXT.sub("", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    # Count paragraph starts, not lines: text with a line break inside a paragraph adds lines.
    number = sum(1 for line in lines[:lineno] if line.startswith(("<w:p ", "<w:p>")))
    return f"paragraph {max(number, 1)}", " ".join(text.split())[:120]


def problem_at(name: str, part: str, lines: list[str], lineno: int | None, message: str) -> Problem:
    where, text = paragraph_of(lines, lineno)
    path = f"{part} {where}".strip()
    if text:
        message += f' (in: "{text}")'
    return Problem(name, 0, 0, path, message)


def lines_with(lines: list[str], word: str) -> list[int]:
    pat = re.compile(r"\b" + re.escape(word) + r"\b")
    return [i for i, line in enumerate(lines, 1) if ("{" in line and pat.search(TAG_TEXT.sub("", line)))]


Parsed = tuple[str, list[str], Any]   # part name, its lines, the Jinja AST or the TemplateSyntaxError


def parse_parts(tpl: Any) -> list[Parsed]:
    """Each part of the template parsed once, for both the safety check and the lint."""
    env = make_env()
    out: list[Parsed] = []
    for part, xml in parts(tpl):
        try:
            ast: Any = env.parse(xml)
        except TemplateSyntaxError as exc:
            ast = exc
        out.append((part, xml.split("\n"), ast))
    return out


def refuse_unsafe(tpl: Any, name: str, parsed: list[Parsed] | None = None) -> None:
    """PiaError for each reach for internals or into the picture placeholder, found without rendering."""
    problems: list[Problem] = []
    for part, lines, ast in parsed if parsed is not None else parse_parts(tpl):
        if isinstance(ast, TemplateSyntaxError):
            continue  # reported by the lint's static pass; the render refuses it too
        seen: set[int] = set()
        for lineno, what in sorted(unsafe_access(ast)):
            if lineno not in seen:  # one line per paragraph, the outermost reach first
                seen.add(lineno)
                problems.append(problem_at(name, part, lines, lineno, what))
    if problems:
        raise PiaError(problems)
