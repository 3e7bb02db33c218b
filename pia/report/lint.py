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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2 import meta as jinja_meta
from jinja2.sandbox import SecurityError
from lxml import etree

from ..errors import PiaError, Problem
from ..intake import open_assessment
from ..loader import REPO_QUESTIONNAIRES
from . import context_for
from .context_model import ReportContext
from .docx import read_template, render_into, template_error
from .limits import limited
from .matrix import draw_png
from .ooxml_safety import check_docx, check_template
from .sandbox import PICTURE_NAMES, make_env
from .template_parts import lines_with, parse_parts, parts, problem_at, refuse_unsafe

EXTRA_NAMES = set(PICTURE_NAMES)


def static_problems(template: bytes, name: str, known: set[str]) -> list[Problem]:
    """Syntax errors and unknown variables, without rendering (unsafe access is refused first)."""
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    parsed = parse_parts(tpl)
    refuse_unsafe(tpl, name, parsed)
    known = known | set(make_env().globals)
    problems: list[Problem] = []
    for part, lines, ast in parsed:
        if isinstance(ast, TemplateSyntaxError):
            problems.append(problem_at(name, part, lines, ast.lineno, f"template syntax error: {ast.message}"))
            continue
        unknown = sorted(jinja_meta.find_undeclared_variables(ast) - known)
        for var in unknown:
            at = lines_with(lines, var)
            problems.append(problem_at(name, part, lines, at[0] if at else None,
                                     f"unknown variable {var!r}; see docs/templates.md for the variables a template may use"))
    return problems


def render_problems(template: bytes, name: str, ctx: dict[str, Any], label: str) -> list[Problem]:
    """Render once in the sandbox; a failure is reported with its paragraph, a sandbox refusal raised."""
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
        problem = problem_at(name, part, lines, lineno, f"{msg} [rendering with {label}]")
        if isinstance(exc, SecurityError):
            raise PiaError(problem) from exc
        return [problem]
    try:
        etree.fromstring(tpl.xml_to_string(tpl.docx._element).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any XML failure is the finding
        return [Problem(name, 0, 0, "word/document.xml", f"rendered XML is not well formed: {exc} [{label}]")]
    buf = io.BytesIO()
    tpl.docx.save(buf)
    check_docx(buf.getvalue(), name, f"report rendered from the template [{label}]")
    return []


def _parts_of(template: bytes) -> list[tuple[str, str]]:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.init_docx()
    return parts(tpl)


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
    data, name = read_template(template, brief=False)
    contexts = list(examples)
    if not contexts:
        raise PiaError("no example answers to render the template with; pass --answers FILE")
    return limited(_lint, data, name, contexts, timeout=timeout, what=f"template {name}")


def _lint(data: bytes, name: str, contexts: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    known = set(ReportContext.model_fields) | EXTRA_NAMES   # the documented variables (docs/templates.md)
    check_template(data, name)
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
    return sorted(REPO_QUESTIONNAIRES.glob("*/examples/*.yaml")) + sorted(REPO_QUESTIONNAIRES.glob("examples/*.yaml"))
