"""`pia lint-template FILE`: check a municipality's Word template before it is used.

Each problem comes with its place in the document (part and paragraph, and the
paragraph's text so the author can find it in Word):
1. remote or active content (linked pictures, INCLUDEPICTURE/DDE fields, an
   attached template, OLE, ...; see ooxml_safety.py) refuses the template;
2. Jinja syntax, per part (body, headers, footers);
3. static checks: a reach for Python internals or into the picture placeholder
   refuses the template; variables the report does not provide are findings;
4. a real render against every example answers file, in the same sandbox as
   `pia report`, which catches misspelt fields (`r.nmae`) and runtime errors;
   the rendered document is checked for remote content again.
A refusal is a PiaError (the template is unsafe, exit 2); findings are returned.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2 import meta as jinja_meta
from jinja2.sandbox import SecurityError

from ..errors import PiaError, Problem
from .context_model import ReportContext
from .docx import read_template, render_into, template_error
from .ooxml_safety import check_docx
from .sandbox import PICTURE_NAMES, make_env, unsafe_access

EXTRA_NAMES = set(PICTURE_NAMES)
_TAG_TEXT = re.compile(r"<[^>]+>")


def _parts(tpl: Any) -> list[tuple[str, str]]:
    """(part name, patched XML split one paragraph per line, as docxtpl renders it)."""
    from docx.oxml import parse_xml

    out = [("word/document.xml", tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body)))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _rid, part in tpl.get_headers_footers(uri):
            xml = tpl.xml_to_string(parse_xml(part.blob))
            out.append((str(part.partname).lstrip("/"), tpl.patch_xml(xml)))
    return [(name, re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)) for name, xml in out]


def _where(lines: list[str], lineno: int | None) -> tuple[str, str]:
    """'paragraph N' and that paragraph's visible text for a Jinja line number."""
    if not lineno:
        return "", ""
    text = _TAG_TEXT.sub("", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    # Count paragraph starts, not lines: text with a line break inside a paragraph adds lines.
    number = sum(1 for line in lines[:lineno] if line.startswith(("<w:p ", "<w:p>")))
    return f"paragraph {max(number, 1)}", " ".join(text.split())[:120]


def _problem(name: str, part: str, lines: list[str], lineno: int | None, message: str) -> Problem:
    where, text = _where(lines, lineno)
    path = f"{part} {where}".strip()
    if text:
        message += f' (in: "{text}")'
    return Problem(name, 0, 0, path, message)


def _lines_with(lines: list[str], word: str) -> list[int]:
    pat = re.compile(r"\b" + re.escape(word) + r"\b")
    return [i for i, line in enumerate(lines, 1) if ("{" in line and pat.search(_TAG_TEXT.sub("", line)))]


def refuse_unsafe(tpl: Any, name: str) -> None:
    """PiaError for each reach for internals or into the picture placeholder, found without rendering."""
    env = make_env()
    problems: list[Problem] = []
    for part, xml in _parts(tpl):
        lines = xml.split("\n")
        try:
            ast = env.parse(xml)
        except TemplateSyntaxError:
            continue  # reported by static_problems; the render refuses it too
        seen: set[int] = set()
        for lineno, what in sorted(unsafe_access(ast)):
            if lineno not in seen:  # one line per paragraph, the outermost reach first
                seen.add(lineno)
                problems.append(_problem(name, part, lines, lineno, what))
    if problems:
        raise PiaError(problems)


def static_problems(template: bytes, name: str, known: set[str]) -> list[Problem]:
    """Syntax errors and unknown variables, without rendering (unsafe access is refused first)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    refuse_unsafe(tpl, name)
    env = make_env()
    problems: list[Problem] = []
    for part, xml in _parts(tpl):
        lines = xml.split("\n")
        try:
            ast = env.parse(xml)
        except TemplateSyntaxError as exc:
            problems.append(_problem(name, part, lines, exc.lineno, f"template syntax error: {exc.message}"))
            continue
        unknown = sorted(jinja_meta.find_undeclared_variables(ast) - known - set(env.globals))
        for var in unknown:
            at = _lines_with(lines, var)
            problems.append(_problem(name, part, lines, at[0] if at else None,
                                     f"unknown variable {var!r}; see docs/templates.md for the variables a template may use"))
    return problems


def render_problems(template: bytes, name: str, ctx: dict[str, Any], label: str) -> list[Problem]:
    """Render once in the sandbox; a failure is reported with its paragraph, a sandbox refusal raised."""
    from docxtpl import DocxTemplate

    from .matrix import draw_png

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    try:
        render_into(tpl, ctx, draw_png(ctx["matrix"], ctx["rights"]), 100)
    except (TemplateError, SecurityError, OverflowError, RecursionError) as exc:
        part_obj = getattr(tpl, "current_rendering_part", None)
        part = str(part_obj.partname).lstrip("/") if part_obj is not None else "word/document.xml"
        lineno = getattr(exc, "lineno", None) or _template_line(exc)
        lines = dict(_parts_of(template)).get(part, "").split("\n")
        msg = template_error(exc, name).problems[0].message
        problem = _problem(name, part, lines, lineno, f"{msg} [rendering with {label}]")
        if isinstance(exc, SecurityError):
            raise PiaError(problem) from exc
        return [problem]
    try:
        from lxml import etree

        etree.fromstring(tpl.xml_to_string(tpl.docx._element).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any XML failure is the finding
        return [Problem(name, 0, 0, "word/document.xml", f"rendered XML is not well formed: {exc} [{label}]")]
    buf = io.BytesIO()
    tpl.docx.save(buf)
    check_docx(buf.getvalue(), name, f"report rendered from the template [{label}]")
    return []


def _parts_of(template: bytes) -> list[tuple[str, str]]:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    return _parts(tpl)


def _template_line(exc: BaseException) -> int | None:
    """The template line from a Jinja-rewritten traceback (frames named <template>)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def lint_template(
    template: str | Path | bytes,
    examples: Iterable[tuple[str, dict[str, Any]]],
    timeout: float = 120.0,
) -> list[Problem]:
    """Every problem with a template: static checks, then a render per example context.

    The work runs in a child process with a time and memory limit, because the
    template is untrusted (see limits.py).
    """
    from .limits import limited

    data, name = read_template(template, brief=False)
    contexts = list(examples)
    if not contexts:
        raise PiaError("no example answers to render the template with; pass --answers FILE")
    return limited(_lint, data, name, contexts, timeout=timeout, what=f"template {name}")


def _lint(data: bytes, name: str, contexts: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    known = set(ReportContext.model_fields) | EXTRA_NAMES   # the documented variables (docs/templates.md)
    check_docx(data, name, "template")
    try:
        problems = static_problems(data, name, known)
    except PiaError:
        raise
    except Exception as exc:  # python-docx raises several types for a damaged package
        return [Problem(name, 0, 0, "", f"not a readable Word template: {exc}")]
    if problems:
        return problems
    seen: set[str] = set()
    for label, ctx in contexts:
        for p in render_problems(data, name, ctx, label):
            key = f"{p.path}{p.message.split(' [rendering')[0]}"
            if key not in seen:
                seen.add(key)
                problems.append(p)
    return problems


def example_contexts(answer_files: Iterable[Path], questionnaire: Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Full and brief contexts for each answers file (the engine runs on each)."""
    from ..intake import open_assessment
    from . import context_for

    out = []
    for path in answer_files:
        opened = open_assessment(path, questionnaire=questionnaire)
        q, answers = opened.questionnaire, opened.answers
        for brief in (False, True):
            ctx = context_for(q, answers, brief=brief, generated="2026-01-01")
            out.append((f"{path.name}{' (brief)' if brief else ''}", ctx))
    return out


def default_examples() -> list[Path]:
    """The example answers shipped with the questionnaires."""
    from ..loader import REPO_QUESTIONNAIRES

    return sorted(REPO_QUESTIONNAIRES.glob("*/examples/*.yaml")) + sorted(REPO_QUESTIONNAIRES.glob("examples/*.yaml"))
