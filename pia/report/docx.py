"""Word output: the report context rendered into a docxtpl template, safely.

The template is untrusted when a municipality supplies its own, so rendering
always goes through a sandbox that sees plain data only (sandbox.py), with
StrictUndefined (a typo is an error, not a blank) and autoescaping (user text
with & < > cannot break the XML). The matrix picture is put in after
rendering, where `{{ matrix_image }}` left its placeholder; the template and
the rendered report are refused if they hold remote content (ooxml_safety.py). Core properties are set after rendering, because docxtpl would render
them through the autoescaping environment and python-docx would escape again.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Mm
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from ..embedded import embed
from ..errors import PiaError, Problem
from .limits import DEFAULT_TIMEOUT, limited
from .matrix import draw_compact_png, draw_png
from .ooxml_safety import check_docx, check_template
from .sandbox import check_plain, make_env
from .template_parts import refuse_unsafe

__all__ = ["make_env", "render_docx", "render_into", "read_template", "template_error", "default_template"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MATRIX_WIDTH_MM = 150
BRIEF_MATRIX_WIDTH_MM = 74


def default_template(brief: bool) -> Path:
    return TEMPLATE_DIR / ("brief.docx" if brief else "full.docx")


def read_template(template: str | Path | bytes | None, brief: bool) -> tuple[bytes, str]:
    """Template bytes and a name for messages; a missing or huge file is a PiaError."""
    if template is None:
        path = default_template(brief)
        return path.read_bytes(), path.name
    if isinstance(template, bytes):
        data, name = template, "<template>"
    else:
        name = str(template)
        try:
            data = Path(template).read_bytes()
        except OSError as exc:
            raise PiaError(Problem(name, 0, 0, "", f"cannot read the template: {exc.strerror or exc}")) from exc
    if len(data) > MAX_TEMPLATE_BYTES:
        raise PiaError(Problem(name, 0, 0, "", f"template larger than {MAX_TEMPLATE_BYTES // 2**20} MB"))
    if not data.startswith(b"PK"):
        raise PiaError(Problem(name, 0, 0, "", "not a Word (.docx) template"))
    return data, name


def template_error(exc: Exception, name: str) -> PiaError:
    """One clear message for anything a template can do wrong."""
    if isinstance(exc, SecurityError):
        msg = (f"the template tries to reach Python internals ({exc}); templates may only use the "
               "report data and are rendered in a sandbox")
    elif isinstance(exc, UndefinedError):
        msg = f"the template uses a variable the report does not have: {exc.message}"
    elif isinstance(exc, TemplateSyntaxError):
        near = " | ".join(s.strip() for s in getattr(exc, "docx_context", []) if s.strip())[:200]
        msg = f"template syntax error: {exc.message}" + (f" (near: {near})" if near else "")
    elif isinstance(exc, OverflowError):
        msg = f"the template asks for too much work: {exc}"
    else:
        msg = f"the template could not be rendered: {type(exc).__name__}: {exc}"
    return PiaError(Problem(name, 0, 0, "", msg))


def render_docx(
    ctx: dict[str, Any],
    *,
    template: str | Path | bytes | None = None,
    answers_yaml: str | None = None,
    timeout: float | None = None,
    signoff: str = "",
) -> bytes:
    """The report as .docx bytes, with the answers (and any signed decision, JSON text) embedded.

    A template given by the caller renders in a child process with a time and
    memory limit (see limits.py); the shipped templates render in-process.
    """
    if template is None:
        return _render_docx(ctx, None, answers_yaml, signoff)
    data, name = read_template(template, bool(ctx.get("brief")))
    return limited(_render_docx, ctx, (data, name), answers_yaml, signoff, timeout=timeout or DEFAULT_TIMEOUT,
                   what=f"template {name}")


def _render_docx(ctx: dict[str, Any], template: tuple[bytes, str] | None, answers_yaml: str | None,
                 signoff: str = "") -> bytes:
    data, name = template if template is not None else read_template(None, bool(ctx.get("brief")))
    check_template(data, name)
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise PiaError(Problem(name, 0, 0, "", f"not a readable Word template: {exc}")) from exc
    if template is not None:
        refuse_unsafe(tpl, name)
    png = (draw_compact_png if ctx.get("brief") else draw_png)(ctx["matrix"], ctx["rights"])
    width = MATRIX_WIDTH_MM if not ctx.get("brief") else BRIEF_MATRIX_WIDTH_MM
    try:
        render_into(tpl, ctx, png, width)
    except (TemplateError, SecurityError, OverflowError, RecursionError) as exc:
        raise template_error(exc, name) from exc
    doc = tpl.docx
    _alt_text(doc, ctx["matrix"].get("alt", ""))
    _core_properties(doc, ctx)
    if answers_yaml is not None:
        embed(doc, answers_yaml, ctx["reproducibility"].get("questionnaire_sha256", ""), signoff)
    buf = io.BytesIO()
    doc.save(buf)
    out = buf.getvalue()
    check_docx(out, name, "report rendered from the template")
    return out


def render_into(tpl: Any, ctx: dict[str, Any], png: bytes, width_mm: float) -> None:
    """Render plain report data into a DocxTemplate, then put the matrix picture in.

    The template only ever sees `matrix_image` as a random placeholder string;
    the picture replaces that string after Jinja has finished, so no object
    with methods (docxtpl's InlineImage reaches the whole DocxTemplate) is
    ever in the template's reach. Jinja errors propagate for the caller to place.
    """
    check_plain(ctx)
    token = f"PIAMATRIXIMAGE{secrets.token_hex(12)}"
    context = dict(ctx, matrix_image=token)   # a str added to checked data: nothing to check again
    tpl.render(context, jinja_env=make_env(), autoescape=True)
    _insert_pictures(tpl.docx, token, png, width_mm)


def _story_parts(doc: Any) -> list[Any]:
    """The main document part and its headers and footers (each has its own relationships)."""
    return [doc.part] + [rel.target_part for rel in doc.part.rels.values()
                         if not rel.is_external and rel.reltype.endswith(("/header", "/footer"))]


def _insert_pictures(doc: Any, token: str, png: bytes, width_mm: float) -> None:
    """Each placeholder left by `{{ matrix_image }}` becomes the picture, inline, in the same run."""
    parts = _story_parts(doc)
    hits = [(part, t) for part in parts for t in part.element.iter(qn("w:t")) if t.text and token in t.text]
    if not hits:
        return
    image_part = doc.part.package.get_or_add_image_part(io.BytesIO(png))
    cx, cy = image_part.image.scaled_dimensions(Mm(width_mm), None)
    ids = [int(i) for part in parts for pr in part.element.iter(qn("wp:docPr"))
           if (i := pr.get("id", "")).isdigit()]
    next_id = max(ids, default=0) + 1
    for part, t in hits:
        rid = part.relate_to(image_part, RT.IMAGE)
        before, *rest = t.text.split(token)
        t.text = before
        t.set(qn("xml:space"), "preserve")
        anchor = t
        for after in rest:
            drawing = t.makeelement(qn("w:drawing"), {})
            drawing.append(CT_Inline.new_pic_inline(next_id, rid, image_part.filename, cx, cy))
            next_id += 1
            anchor.addnext(drawing)
            anchor = drawing
            if after:
                tail = t.makeelement(qn("w:t"), {qn("xml:space"): "preserve"})
                tail.text = after
                anchor.addnext(tail)
                anchor = tail
        if not before:
            t.getparent().remove(t)


def _alt_text(doc: Any, alt: str) -> None:
    """Every picture gets alternative text; the matrix picture gets the matrix's words."""
    for part in _story_parts(doc):
        for pr in part.element.iter(qn("wp:docPr")):
            if not pr.get("descr"):
                pr.set("descr", alt)
                pr.set("title", "Risk matrix")


def _core_properties(doc: Any, ctx: dict[str, Any]) -> None:
    cp = doc.core_properties
    cp.title = f"{ctx['title']}: {ctx['kind'].lower()}"[:255]
    cp.subject = "Human-rights impact assessment of a public camera system"
    cp.author = (ctx["meta"].get("prepared_by") or ctx["meta"].get("organisation") or "pia")[:255]
    cp.last_modified_by = "pia"
    cp.keywords = f"pia; {ctx['questionnaire']['id']} {ctx['questionnaire']['version']}; {ctx['outcome']['label']}"
    cp.comments = f"Outcome: {ctx['outcome']['label']}. Answers SHA-256 {ctx['reproducibility']['answers_sha256']}."
    cp.identifier = ctx["reproducibility"]["answers_sha256"]
    cp.category = ctx["kind"]
    cp.language = "en-GB"
    cp.revision = 1
    stamp = _stamp(ctx.get("generated"))
    cp.created = stamp
    cp.modified = stamp


def _stamp(generated: Any) -> dt.datetime:
    """Document dates come from the generation date given as input, never the clock."""
    try:
        d = dt.date.fromisoformat(str(generated))
    except ValueError:
        d = dt.date(2000, 1, 1)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
