"""Build the committed Word templates (full assessment and council brief) with python-docx.

Run `python -m pia.report.build_templates` after changing this file; a test
checks that the committed templates match what this script produces (part by
part, since zip timestamps differ). The templates use real Heading styles,
header rows that repeat on every page, a running header with the title and
"Page X of Y" in the footer, so a city can publish the result as it is — or
open the template in Word, restyle it, and pass it with --template.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..wording import label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = "D9E2F3"
BLOCK_FILL = "EEF2F8"
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


# --- low-level helpers --------------------------------------------------------------------


def _styles(doc: Document, size: float = 10.5, compact: bool = False) -> None:
    """Document styles; `compact` (the council brief) keeps body text at `size` but tightens
    headings and spacing so the brief fits its 2-3 pages."""
    st = doc.styles
    normal = st["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(size)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Calibri")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(3 if compact else 4)
    if compact:
        normal.paragraph_format.line_spacing = 1.0
    heads = ((("Title", 16, 0), ("Heading 1", 12, 7), ("Heading 2", 11, 5), ("Heading 3", 10, 4)) if compact
             else (("Title", 26, 0), ("Heading 1", 16, 18), ("Heading 2", 13, 12), ("Heading 3", 11, 8)))
    for name, size, before in heads:
        s = st[name]
        s.font.name = "Calibri"
        s.font.size = Pt(size)
        s.font.color.rgb = NAVY
        s.font.bold = name != "Title"
        s.paragraph_format.space_before = Pt(before)
        s.paragraph_format.space_after = Pt(3 if compact else 6)
        s.paragraph_format.keep_with_next = True
    sub = st["Subtitle"]
    sub.font.name = "Calibri"
    sub.font.size = Pt(12 if compact else 14)
    sub.font.color.rgb = GREY
    cap = st["Caption"]
    cap.font.size = Pt(9)
    cap.font.italic = True
    cap.font.color.rgb = GREY


def _field(paragraph, instr: str, placeholder: str) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = placeholder
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _header_footer(doc: Document, header_text: str, margin: float = 2.2, compact: bool = False) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(margin))
    if compact:
        section.top_margin, section.bottom_margin = Cm(1.7), Cm(1.5)
        section.header_distance, section.footer_distance = Cm(0.8), Cm(0.7)
    else:
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    hp = section.header.paragraphs[0]
    hp.text = header_text
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for run in hp.runs:
        run.font.size = Pt(8.5)
        run.font.color.rgb = GREY
    fp = section.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = fp.add_run("{{ questionnaire.id }} {{ questionnaire.version }}  ·  generated {{ generated }}  ·  Page ")
    run.font.size = Pt(8.5)
    _field(fp, "PAGE", "1")
    fp.add_run(" of ").font.size = Pt(8.5)
    _field(fp, "NUMPAGES", "1")


def _cell_text(cell, text: str, bold: bool = False) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    p.paragraph_format.space_after = Pt(0)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def table(doc: Document, headers: list[str], cells: list[str], loop: str | None, widths: list[float]) -> None:
    """A table with a repeating header row and one templated row (looped by `{%tr %}`)."""
    rows = 1 + (3 if loop else 1)
    t = doc.add_table(rows=rows, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        _cell_text(t.rows[0].cells[i], h, bold=True)
        _shade(t.rows[0].cells[i], HEADER_FILL)
    _repeat_header(t.rows[0])
    if loop:
        _cell_text(t.rows[1].cells[0], "{%tr " + loop + " %}")
        body, end = t.rows[2], t.rows[3]
        _cell_text(end.cells[0], "{%tr endfor %}")
    else:
        body = t.rows[1]
    _cant_split(body)
    for i, c in enumerate(cells):
        _cell_text(body.cells[i], c)
    _widths(t, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _widths(t, widths: list[float] | tuple[float, ...]) -> None:
    """Fixed column widths in the grid and every cell, which Word and LibreOffice both honour."""
    t.autofit = False
    grid = t._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in t.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)


def kv_table(doc: Document, pairs: list[tuple[str, str]], widths: tuple[float, float] = (5.0, 11.6)) -> None:
    """A two-column label/value table (no loop) for metadata blocks."""
    t = doc.add_table(rows=len(pairs), cols=2)
    t.style = doc.styles["Table Grid"]
    for row, (k, v) in zip(t.rows, pairs, strict=True):
        _cell_text(row.cells[0], k, bold=True)
        _shade(row.cells[0], HEADER_FILL)
        _cell_text(row.cells[1], v)
    _widths(t, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def tag(doc: Document, text: str) -> None:
    """A paragraph holding only a block tag; docxtpl removes the paragraph."""
    doc.add_paragraph(text)


def para(doc: Document, text: str, style: str | None = None, bold: bool = False) -> None:
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    run.bold = bold


def bullets(doc: Document, loop: str, item: str) -> None:
    tag(doc, "{%p " + loop + " %}")
    doc.add_paragraph(item, style="List Bullet")
    tag(doc, "{%p endfor %}")


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _new(header: str, size: float = 10.5, margin: float = 2.2, compact: bool = False) -> Document:
    doc = Document()
    _styles(doc, size, compact)
    _header_footer(doc, header, margin, compact)
    cp = doc.core_properties
    cp.author = "pia"
    cp.last_modified_by = "pia"
    cp.title = ""
    cp.subject = ""
    cp.comments = ""
    cp.keywords = ""
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.revision = 1
    return doc


# --- shared blocks ------------------------------------------------------------------------


def rights_table(doc: Document) -> None:
    table(
        doc,
        ["Right", "Scale", "Scope", "Irremediability", "Likelihood", "Before safeguards",
         "After verified safeguards", "If planned safeguards are done", label("basis.heading")],
        ["{{ r.name }}", "{{ r.scale }}", "{{ r.scope }}", "{{ r.irremediability }}", "{{ r.likelihood }}",
         "{% cellbg r.inherent.tint %}{{ r.inherent.label }}", "{% cellbg r.residual.tint %}{{ r.residual.label }}",
         "{{ r.projected.label }}", "{{ r.basis }}"],
        "for r in rights",
        [2.5, 1.1, 1.1, 2.3, 1.7, 1.9, 2.0, 1.9, 2.1],
    )
    para(doc, "Scale, scope, irremediability and likelihood are rated 1 (low) to 4 (very high). "
         "Severity is the highest of the first three; the level comes from the risk matrix. "
         "Only verified safeguards lower the rating; planned ones are shown apart. {{ basis_note }}",
         style="Caption")


def open_block(doc: Document) -> None:
    """Decided, or open: what the outcome turns on and what the known answers already establish."""
    tag(doc, "{%p if outcome.decided %}")
    para(doc, "{{ outcome.state }}", style="Caption")
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ outcome.turns_on }}", style="List Bullet")
    doc.add_paragraph("{{ outcome.established }}", style="List Bullet")
    tag(doc, "{%p endif %}")


def dated_block(doc: Document, brief: bool) -> None:
    """Duties whose legal basis applies only from a later date: listed with their date, not as stops."""
    tag(doc, "{%p if dated_obligations %}")
    para(doc, label("dated.heading"), style="Heading 2")
    if not brief:
        para(doc, label("dated.intro").replace("{date}", "{{ assessment_date }}"))
    if brief:
        table(doc, ["Duty", "When", "What meets it"], ["{{ d.title }}", "{{ d.when }}", "{{ d.clears }}"],
              "for d in dated_obligations", [6.2, 3.6, 7.6])
    else:
        table(doc, ["Duty", "When", "Once it applies", "Legal basis", "What meets it"],
              ["{{ d.id }}: {{ d.title }}", "{{ d.when }}", "{{ d.outcome_label }}", "{{ d.law }}", "{{ d.clears }}"],
              "for d in dated_obligations", [3.6, 2.8, 2.4, 4.0, 4.0])
        bullets(doc, "for d in dated_obligations", "{{ d.reason }}")
    tag(doc, "{%p endif %}")


def accuracy_block(doc: Document, heading: str | None) -> None:
    """Accuracy weighed: the test result and the expected false alerts with their derivation."""
    tag(doc, "{%p if accuracy.present %}")
    if heading:
        para(doc, "{{ accuracy.heading }}", style=heading)
        para(doc, "{{ accuracy.reason }}")
    else:
        para(doc, "{{ accuracy.heading }}: {{ accuracy.reason }}")
    bullets(doc, "for line in accuracy.derivation", "{{ line }}")
    tag(doc, "{%p endif %}")


def remedy_block(doc: Document, heading: str, brief: bool = False) -> None:
    """What it would take, when the assessment carries it; the brief shows the smallest set and, per red flag,
    the smallest change that lifts it (what clears it is already in its red-flag table)."""
    tag(doc, "{%p if remedy.present" + (" and remedy.basis != 'prohibited'" if brief else "") + " %}")
    para(doc, "{{ remedy.heading }}", style=heading)
    tag(doc, "{%p if remedy.intro %}")
    para(doc, "{{ remedy.intro }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for s in remedy.sets" + ("[:1]" if brief else "") + " %}")
    tag(doc, "{%p if s.title %}")
    para(doc, "{{ s.title }}")
    tag(doc, "{%p endif %}")
    bullets(doc, "for c in s.changes", "{{ c }}")
    tag(doc, "{%p endfor %}")
    if not brief:  # the brief's red-flag table already says what clears each flag
        tag(doc, "{%p for f in remedy.flags %}")
        para(doc, "{{ f.title }}", bold=True)
        tag(doc, "{%p if f.clears %}")
        doc.add_paragraph("{{ f.clears }}", style="List Bullet")
        tag(doc, "{%p endif %}")
        bullets(doc, "for x in f.answers", "{{ x }}")
        tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def derivation_annex(doc: Document) -> None:
    """Annex C: the method box, the fingerprints, then per right and per harm every number."""
    para(doc, "Annex C. Derivation of every rating", style="Heading 1")
    para(doc, "Method", style="Heading 2")
    bullets(doc, "for m in derivation.method", "{{ m }}")
    para(doc, "SHA-256 of the questionnaire: {{ derivation.questionnaire_sha256 }}")
    para(doc, "SHA-256 of the answers: {{ derivation.answers_sha256 }}")
    tag(doc, "{%p for r in derivation.rights %}")
    para(doc, "{{ r.name }}", style="Heading 2")
    table(doc, ["Dimension", "Baseline", "Floor (rules)", "Uplift (rules)", "Before safeguards",
                "After verified safeguards"],
          ["{{ x.name }}", "{{ x.baseline }}", "{{ x.floor }} ({{ x.floor_rules }})",
           "+{{ x.uplift }} ({{ x.uplift_rules }})",
           "{{ x.inherent }}{% if x.assumed %} (" + label("basis.assumed.short") + "){% endif %}",
           "{{ x.residual_how }}"],
          "for x in r.dimensions", [2.6, 1.6, 3.6, 3.0, 2.2, 3.6])
    tag(doc, "{%p if r.harms %}")
    table(doc, ["Harm", "Rules (floor or uplift)", "Before (S/S/I/L)", "Hard floor", "Reductions (verified)",
                "Residual (S/S/I/L)"],
          ["{{ h.id }}: {{ h.harm }} ({{ h.kind }})", "{{ h.rules }}{% if h.irreducible %} {{ h.irreducible }}"
           "{% endif %}", SLASH.format(v="h.inherent"), SLASH.format(v="h.hard_floor"), "{{ h.reductions_text }}",
           SLASH.format(v="h.residual") + "{% if h.residual_cell %} ({{ h.residual_cell }}){% endif %}"],
          "for h in r.harms", [3.6, 3.4, 1.8, 1.6, 4.0, 2.2])
    tag(doc, "{%p endif %}")
    bullets(doc, "for x in r.steps", "{{ x }}")
    tag(doc, "{%p if r.rules %}")
    table(doc, ["Rule", "Holds", "Decisive answers"],
          ["{{ x.id }}: {{ x.harm }}", "{{ x.status }}", "{{ x.answers }}"], "for x in r.rules", [4.6, 2.2, 9.8])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


SLASH = ("{{{{ {v}.scale }}}}/{{{{ {v}.scope }}}}/{{{{ {v}.irremediability }}}}/{{{{ {v}.likelihood }}}}")


def red_flag_table(doc: Document, brief: bool) -> None:
    tag(doc, "{%p if red_flags %}")
    if brief:
        table(doc, ["Red flag", "Status", "What would clear it"],
              ["{{ f.id }}: {{ f.title }}", "{{ f.status_label }}", "{{ f.clears }}"], "for f in red_flags",
              [6.0, 3.6, 7.0])
    else:
        table(
            doc,
            ["Red flag", "Status", "Forces", "Legal basis", "What would clear it"],
            ["{{ f.id }}: {{ f.title }}", "{{ f.status_label }}", "{{ f.outcome_label }}", "{{ f.anchors }}",
             "{{ f.clears }}"],
            "for f in red_flags",
            [4.6, 2.8, 2.4, 3.0, 4.0],
        )
    if not brief:
        tag(doc, "{%p for f in red_flags %}")
        para(doc, "{{ f.id }}: {{ f.title }}", style="Heading 3")
        para(doc, "{{ f.explanation }}")
        tag(doc, "{%p for x in f.answers %}")
        doc.add_paragraph("{{ x.question }}: {{ x.answer }}", style="List Bullet")
        tag(doc, "{%p endfor %}")
        tag(doc, "{%p if f.law %}")
        table(doc, ["Legal anchor", "Status", "Dates", "On the assessment date"],
              ["{{ x.cite }}", "{{ x.status }}", "{{ x.dates or '-' }}", "{{ x.in_force }}"], "for x in f.law",
              [6.6, 2.4, 3.6, 4.0])
        tag(doc, "{%p endif %}")
        tag(doc, "{%p if f.evidence_missing %}")
        para(doc, label("evidence.missing") + ":")
        bullets(doc, "for x in f.evidence_missing",
                label("evidence.missing_item").replace("{question}", "{{ x.question }}").replace("{why}", "{{ x.why }}"))
        tag(doc, "{%p endif %}")
        tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "No red flag applies: nothing in the answers engages an absolute legal bar.")
    tag(doc, "{%p endif %}")


def mitigation_table(doc: Document, rows: str) -> None:
    tag(doc, "{%p if " + rows + " %}")
    table(
        doc,
        ["Safeguard", "State", "Owner", "Due", "Evidence", "Counts now"],
        ["{{ m.title }}", "{{ m.state_label }}", "{{ m.owner }}", "{{ m.due }}",
         "{{ m.evidence or m.evidence_needed }}", "{{ m.counted_label }}"],
        "for m in " + rows,
        [4.2, 2.0, 2.8, 2.2, 3.8, 2.0],
    )
    tag(doc, "{%p else %}")
    para(doc, "No safeguards are recorded.")
    tag(doc, "{%p endif %}")


def obligations_table(doc: Document) -> None:
    tag(doc, "{%p if obligations %}")
    table(
        doc,
        ["Applies at", "Who approves", "Consultation", "Independent review", "Publication", "Review"],
        ["{{ o.level_label }}", "{{ o.approver }}", "{{ o.consultation }}", "{{ o.independent_review }}",
         "{{ o.publication }}", "{{ o.review }}"],
        "for o in obligations",
        [2.4, 3.0, 3.0, 3.0, 3.0, 2.4],
    )
    tag(doc, "{%p else %}")
    para(doc, "No obligations are defined for this outcome.")
    tag(doc, "{%p endif %}")


def matrix_block(doc: Document) -> None:
    tag(doc, "{%p if matrix.present %}")
    p = doc.add_paragraph("{{ matrix_image }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(doc, "Figure: {{ matrix.caption }}", style="Caption")
    tag(doc, "{%p endif %}")


# --- the two documents --------------------------------------------------------------------


def build_full() -> Document:
    doc = _new("{{ title }}: full human-rights impact assessment")
    para(doc, "{{ title }}", style="Title")
    para(doc, "{{ subtitle }}", style="Subtitle")
    kv_table(doc, [
        ("Organisation", "{{ meta.organisation }}"),
        ("Prepared by", "{{ meta.prepared_by }}"),
        ("Date of the answers", "{{ meta.date }}"),
        ("Report generated", "{{ generated }}"),
        ("Reference", "{{ meta.reference }}"),
        ("Questionnaire", "{{ questionnaire.title }} ({{ questionnaire.id }}, version {{ questionnaire.version }})"),
        ("Jurisdiction", "{{ jurisdiction.name }}"),
        ("Outcome", "{{ outcome.label }}"),
        ("Highest remaining risk", "{{ overall_level_label }}"),
        ("Answered", "{{ completeness.phrase }}"),
    ])
    para(doc, "Outcome: {{ outcome.label }}", style="Heading 2")
    para(doc, "{{ outcome.sentence }}")
    page_break(doc)

    para(doc, "Contents", style="Heading 1")
    tag(doc, "{%p for c in contents %}")
    doc.add_paragraph("{{ c }}", style="List Number")
    tag(doc, "{%p endfor %}")

    para(doc, "1. Summary", style="Heading 1")
    para(doc, "{{ outcome.sentence }}", bold=True)
    open_block(doc)
    bullets(doc, "for reason in outcome.reasons", "{{ reason }}")
    para(doc, "{{ outcome.decision_requested }}")
    rights_table(doc)
    remedy_block(doc, "Heading 2")

    para(doc, "2. Screening and legal triage", style="Heading 1")
    para(doc, "Jurisdiction: {{ jurisdiction.name }}. Frameworks applied: "
         "{% for f in jurisdiction.frameworks %}{{ f }}{% if not loop.last %}; {% endif %}{% else %}none{% endfor %}.")
    tag(doc, "{%p for s in screening %}")
    para(doc, "{{ s.title }}", style="Heading 2")
    table(doc, ["Question", "Answer"], ["{{ x.question }}", "{{ x.answer }}"], "for x in s.questions", [8.0, 8.6])
    tag(doc, "{%p endfor %}")
    para(doc, "Red flags", style="Heading 2")
    red_flag_table(doc, brief=False)
    dated_block(doc, brief=False)

    para(doc, "3. Answers by section", style="Heading 1")
    para(doc, "Every question shown for this proposal, with the answer given (screening answers are in "
         "section 2). Questions that do not apply to this proposal are left out.")
    tag(doc, "{%p for s in sections %}")
    para(doc, "{{ s.title }}", style="Heading 2")
    tag(doc, "{%p if s.intro %}")
    para(doc, "{{ s.intro }}")
    tag(doc, "{%p endif %}")
    table(doc, ["Question", "Answer", "Legal references"],
          ["{{ x.question }}", "{{ x.answer }}", "{{ x.legal_refs }}"], "for x in s.questions", [7.0, 6.6, 3.0])
    tag(doc, "{%p endfor %}")

    para(doc, "4. Legality and proportionality, right by right", style="Heading 1")
    para(doc, "Any interference with a right must be provided by law, pursue a legitimate aim, be necessary "
         "and be proportionate. This section sets out what the answers say on each limb; it does not replace "
         "legal advice.")
    table(doc, ["Test", "Status", "What the answers say"],
          ["{{ limb.title }}", "{{ limb.status }}", "{{ limb.evidence }}"], "for limb in legality.limbs",
          [4.6, 3.2, 8.8])
    para(doc, "Right by right", style="Heading 2")
    table(doc, ["Right", "Interference", "Red flags", "Conclusion"],
          ["{{ l.right }}\n{{ l.anchors }}", "{{ l.interference }}", "{{ l.red_flags }}", "{{ l.verdict }}"],
          "for l in legality.rights", [3.4, 4.6, 3.0, 5.6])

    para(doc, "5. Risk to each right", style="Heading 1")
    rights_table(doc)
    tag(doc, "{%p for r in rights %}")
    para(doc, "{{ r.name }}", style="Heading 2")
    para(doc, "{{ r.summary }}", bold=True)
    para(doc, "Legal anchors: {{ r.anchors }}.")
    table(doc, ["Dimension", "Rating", "Why (rules and answers)"],
          ["{{ d.name }}", "{{ d.value }} {{ d.word }}", "{{ d.reason }}"], "for d in r.dimensions", [3.2, 2.4, 11.0])
    tag(doc, "{%p if r.harms %}")
    para(doc, "Harms identified:")
    bullets(doc, "for h in r.harms", "{{ h }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    accuracy_block(doc, "Heading 2")

    para(doc, "6. Risk matrix", style="Heading 1")
    matrix_block(doc)
    para(doc, "The same matrix as a table (rights placed in their cells):")
    table(doc, ["Severity", "Likelihood 1", "Likelihood 2", "Likelihood 3", "Likelihood 4"],
          ["{{ row.severity }} ({{ row.word }})",
           "{% cellbg row.cells[0].tint %}{{ row.cells[0].text }}",
           "{% cellbg row.cells[1].tint %}{{ row.cells[1].text }}",
           "{% cellbg row.cells[2].tint %}{{ row.cells[2].text }}",
           "{% cellbg row.cells[3].tint %}{{ row.cells[3].text }}"],
          "for row in matrix.rows", [2.6, 3.5, 3.5, 3.5, 3.5])

    para(doc, "7. Mitigation plan", style="Heading 1")
    para(doc, "Each safeguard with its owner and date. A safeguard lowers a rating only once it is verified "
         "with the evidence shown.")
    mitigation_table(doc, "mitigations")

    para(doc, "8. Evidence gaps", style="Heading 1")
    tag(doc, "{%p if evidence_gaps %}")
    para(doc, "These answers are unknown or missing. Where they drive a rating, the rating assumes the worst "
         "plausible answer until the gap is closed.")
    table(doc, ["Question", "Section", "Status", "Affects rules"],
          ["{{ g.question }}", "{{ g.section }}", "{{ g.status }}", "{{ g.drives }}"], "for g in evidence_gaps",
          [7.0, 4.0, 2.6, 3.0])
    tag(doc, "{%p else %}")
    para(doc, "No evidence gaps: every question that drives a rating is answered.")
    tag(doc, "{%p endif %}")

    para(doc, "9. Obligations that follow", style="Heading 1")
    obligations_table(doc)

    para(doc, "10. Consultation record", style="Heading 1")
    tag(doc, "{%p for s in consultation %}")
    para(doc, "{{ s.title }}", style="Heading 2")
    table(doc, ["Question", "Answer"], ["{{ x.question }}", "{{ x.answer }}"], "for x in s.questions", [8.0, 8.6])
    tag(doc, "{%p else %}")
    para(doc, "The questionnaire records no consultation for this proposal.")
    tag(doc, "{%p endfor %}")

    para(doc, "11. Sign-off", style="Heading 1")
    tag(doc, "{%p if signoff %}")
    table(doc, ["Item", "Recorded answer"], ["{{ s.role }}", "{{ s.entry }}"], "for s in signoff", [8.0, 8.6])
    tag(doc, "{%p endif %}")
    t = doc.add_table(rows=5, cols=4)
    t.style = doc.styles["Table Grid"]
    for i, h in enumerate(["Role", "Name", "Signature", "Date"]):
        _cell_text(t.rows[0].cells[i], h, bold=True)
        _shade(t.rows[0].cells[i], HEADER_FILL)
    _repeat_header(t.rows[0])
    for row, role in zip(t.rows[1:], ["Author", "Reviewer", "Data protection officer",
                                      "Approver{% if obligations %} ({{ obligations[0].approver }}){% endif %}"],
                         strict=True):
        _cell_text(row.cells[0], role)
        row.height = Cm(1.2)
    _widths(t, [5.0, 4.6, 4.6, 2.4])
    doc.add_paragraph()

    page_break(doc)
    para(doc, "Annex A. Framework crosswalk", style="Heading 1")
    para(doc, "For each element a legal framework requires, the questions that answer it and whether they are "
         "answered for this proposal.")
    para(doc, "Frameworks that do not apply in this jurisdiction are summarised only.")
    tag(doc, "{%p for fw in crosswalk %}")
    para(doc, "{{ fw.name }} ({{ fw.applies_label }})", style="Heading 2")
    para(doc, "{{ fw.summary }}.")
    tag(doc, "{%p if fw.elements %}")
    table(doc, ["Element", "What it requires", "Where it is answered", "Status"],
          ["{{ e.id }}", "{{ e.title }} ({{ e.required }})", "{{ e.where }}", "{{ e.status }}"],
          "for e in fw.elements", [2.6, 5.4, 6.2, 2.4])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "The questionnaire declares no frameworks.")
    tag(doc, "{%p endfor %}")

    para(doc, "Annex B. Reproducibility", style="Heading 1")
    kv_table(doc, [
        ("Questionnaire", "{{ reproducibility.questionnaire_id }} version {{ reproducibility.questionnaire_version }}"),
        ("Engine version", "{{ reproducibility.engine_version }}"),
        ("SHA-256 of the answers", "{{ reproducibility.answers_sha256 }}"),
        ("SHA-256 of the questionnaire", "{{ reproducibility.questionnaire_sha256 or 'not recorded' }}"),
        ("Questionnaire files", "{% for f in reproducibility.questionnaire_files %}{{ f.name }} {{ f.sha256 }}"
                                "{% if not loop.last %}; {% endif %}{% endfor %}"),
        ("Generated", "{{ reproducibility.generated }}"),
        ("How to reproduce", "{{ reproducibility.how }}"),
    ])
    para(doc, "The answers file is embedded in this document; `pia validate` on the .docx reads it back.",
         style="Caption")
    derivation_annex(doc)
    return doc


def _tighten(doc: Document, side: float = 0.15, top: float = 0.03) -> None:
    """Smaller cell padding in every table (set per table: LibreOffice ignores style-level padding)."""
    for t in doc.tables:
        tblpr = t._tbl.tblPr
        old = tblpr.find(qn("w:tblCellMar"))
        if old is not None:
            tblpr.remove(old)
        mar = OxmlElement("w:tblCellMar")
        for edge, size in (("top", top), ("left", side), ("bottom", top), ("right", side)):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), str(int(Cm(size).twips)))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tblpr.append(mar)


def _no_borders(t) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    t._tbl.tblPr.append(borders)


def _small(doc: Document, size: float = 9) -> None:
    """The last table's text at `size` points: the brief's tables hold more words than its paragraphs."""
    for row in doc.tables[-1].rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)


def brief_table(doc: Document, headers: list[str], cells: list[str], loop: str, widths: list[float],
                size: float = 8.5) -> None:
    table(doc, headers, cells, loop, widths)
    _small(doc, size)


ASSUMED = " (" + label("basis.assumed.short") + ")"


def _rating(var: str, assumed: str) -> str:
    """A rating cell: coloured when established; an assumed one says so and stays white, so the two differ."""
    return ("{% cellbg 'FFFFFF' if " + assumed + " else " + var + ".tint %}{{ " + var + ".label }}"
            "{% if " + assumed + " %}" + ASSUMED + "{% endif %}")


def brief_decision(doc: Document) -> None:
    """Page 1, first: what the council is asked to decide, among the options open to it."""
    para(doc, label("decision.heading") + ": {{ council.decision.label }}", style="Heading 1")
    para(doc, "{{ council.decision.sentence }}", bold=True)
    para(doc, "{% if council.decision.note %}{{ council.decision.note }} {% endif %}"
         "{% if council.decision.running_text %}{{ council.decision.running_text }} {% endif %}"
         "{{ council.decision.options_text }}")


def brief_outcome(doc: Document) -> None:
    para(doc, "Outcome: {{ outcome.label }}", style="Heading 1")
    para(doc, "{{ outcome.sentence }} The reasons that decide it:", bold=True)
    tag(doc, "{%p for reason in council.reasons %}")
    doc.add_paragraph("{{ reason }}", style="List Number")
    tag(doc, "{%p endfor %}")


def brief_red_flags(doc: Document) -> None:
    """Each red flag that bears on the decision with its status (established, potential, dated), its reason and
    its legal basis; then, in one line, the potential ones that cannot change the outcome."""
    para(doc, "Red flags", style="Heading 1")
    tag(doc, "{%p if council.flags %}")
    brief_table(doc, ["Red flag (status)", "Why, and its legal basis (binding unless marked)", "What would clear it"],
                ["{{ f.title }} ({{ f.status }})", "{{ f.reason }} Legal basis: {{ f.law }}.", "{{ f.clears }}"],
                "for f in council.flags", [3.8, 8.2, 5.4], size=8)
    tag(doc, "{%p elif not council.moot_flags %}")
    para(doc, "No red flag applies: nothing in the answers engages an absolute legal bar.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if council.moot_flags %}")
    para(doc, "{{ council.moot_flags }}")
    tag(doc, "{%p endif %}")


def brief_completeness(doc: Document) -> None:
    para(doc, "How complete the assessment is", style="Heading 1")
    para(doc, "{{ council.completeness.figure }}", bold=True)
    bullets(doc, "for c in council.completeness.could_change", "{{ c }}")


def brief_remedy(doc: Document) -> None:
    para(doc, "{{ council.remedy.heading }}", style="Heading 1")
    tag(doc, "{%p if council.remedy.intro %}")
    para(doc, "{{ council.remedy.intro }}")
    tag(doc, "{%p endif %}")
    bullets(doc, "for x in council.remedy.changes", "{{ x }}")
    tag(doc, "{%p if council.remedy.note %}")
    para(doc, "{{ council.remedy.note }}")
    tag(doc, "{%p endif %}")


def brief_rights(doc: Document) -> None:
    """One line per right: before -> after safeguards and the main reason, numbered for the matrix."""
    para(doc, "Risk to each right", style="Heading 1")
    brief_table(
        doc,
        ["#", "Right", "Before safeguards", "After verified safeguards", "If planned safeguards are done",
         "Main reason"],
        ["{{ r.number }}", "{{ r.name }}", _rating("r.inherent", "r.inherent_assumed"),
         _rating("r.residual", "r.residual_assumed"), "{% cellbg r.projected.tint %}{{ r.projected.label }}",
         "{{ r.main_reason }}"],
        "for r in rights",
        [0.7, 3.9, 2.0, 2.0, 2.0, 6.8],
    )
    para(doc, "Highest remaining risk: {{ overall_level_label }}. Only verified safeguards lower a rating. A coloured "
         "rating is established: the known answers give it; a white one marked \u201c" + label("basis.assumed.short")
         + "\u201d rests on unknown answers read at their worst.", style="Caption")


def brief_matrix(doc: Document) -> None:
    """The matrix picture beside the words that explain it."""
    tag(doc, "{%p if matrix.present %}")
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    _cell_text(left, "{{ matrix_image }}")
    _cell_text(right, "Where each right sits", bold=True)
    for text in (
        "Each circle carries the number of a right in the table above. A black circle is its risk before "
        "safeguards; a white circle, reached by an arrow, is its risk after the safeguards verified so far. "
        "A right with no arrow is not moved by them.",
        "Severity (down the side) is the gravest of how serious, how widespread and how hard to undo the harm "
        "is; likelihood (along the bottom) is how likely it is. The cell gives the risk level.",
    ):
        p = right.add_paragraph(text)
        p.paragraph_format.space_before = Pt(4)
        p.paragraph_format.space_after = Pt(0)
    _widths(t, [7.8, 9.6])
    _small(doc)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    tag(doc, "{%p endif %}")


def brief_conditions(doc: Document) -> None:
    """Only the safeguards still to be done, each with owner and date; the verified ones named in one line."""
    para(doc, "Conditions and safeguards", style="Heading 1")
    tag(doc, "{%p if conditions %}")
    para(doc, "These safeguards are not yet verified. Each must be completed, with its evidence checked, "
         "by the date shown:")
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    brief_table(doc, ["Safeguard", "State", "Owner", "Due", "Evidence still needed"],
                ["{{ m.title }}", "{{ m.state_label }}", "{{ m.owner }}", "{{ m.due }}", "{{ m.still_needed }}"],
                "for m in conditions", [4.4, 1.8, 3.0, 2.0, 6.2])
    tag(doc, "{%p elif not mitigations %}")
    para(doc, "No safeguards are recorded.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if safeguards_verified %}")
    para(doc, "{{ safeguards_verified|length }} {% if conditions %}further {% endif %}safeguard"
         "{% if safeguards_verified|length > 1 %}s are{% else %} is{% endif %} verified and already counted: "
         "{% for m in safeguards_verified %}{{ m.title }}{% if not loop.last %}; {% endif %}{% endfor %}. "
         "The full assessment gives {% if safeguards_verified|length > 1 %}their owners{% else %}its owner"
         "{% endif %} and evidence.")
    tag(doc, "{%p endif %}")


def brief_obligations(doc: Document) -> None:
    """What follows from the outcome: the one block that governs (the red flags', else the remaining risk's)."""
    para(doc, "What follows", style="Heading 1")
    tag(doc, "{%p for o in council.obligations %}")
    para(doc, "{{ o.because }}:")
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    t = doc.add_table(rows=1, cols=5)
    t.style = doc.styles["Table Grid"]
    for i, h in enumerate(["Who approves", "Consultation", "Independent review", "Publication", "Review"]):
        _cell_text(t.rows[0].cells[i], h, bold=True)
        _shade(t.rows[0].cells[i], HEADER_FILL)
    row = t.add_row()
    for i, v in enumerate(["{{ o.approver }}", "{{ o.consultation }}", "{{ o.independent_review }}",
                           "{{ o.publication }}", "{{ o.review }}"]):
        _cell_text(row.cells[i], v)
    _cant_split(row)
    _widths(t, [3.6, 3.6, 3.6, 3.6, 3.0])
    _small(doc)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)
    tag(doc, "{%p else %}")
    para(doc, "No obligations are defined for this outcome.")
    tag(doc, "{%p endfor %}")


def _thin_spacers(doc: Document, size: float = 4) -> None:
    """Empty paragraphs (the gap after each table) at a small size: a line each is too much in a 3-page brief."""
    for p in doc.paragraphs:
        if not p.text and not p.runs:
            ppr = p._p.get_or_add_pPr()
            rpr = OxmlElement("w:rPr")
            sz = OxmlElement("w:sz")
            sz.set(qn("w:val"), str(int(size * 2)))
            rpr.append(sz)
            ppr.append(rpr)


def build_brief() -> Document:
    doc = _new("{{ title }}: council brief", size=10, margin=1.8, compact=True)
    para(doc, "{{ title }}", style="Title")
    para(doc, "Council brief · {{ meta.organisation or 'Organisation not stated' }} · prepared by "
         "{{ meta.prepared_by or 'not stated' }} · answers dated {{ meta.date or 'not stated' }} · "
         "generated {{ generated }}", style="Caption")
    # Page 1: the decision first, then what decides it.
    brief_decision(doc)
    brief_outcome(doc)
    brief_completeness(doc)
    brief_remedy(doc)
    brief_red_flags(doc)
    # The details follow.
    brief_rights(doc)  # the full assessment places the rights in the risk matrix
    accuracy_block(doc, None)
    brief_conditions(doc)
    brief_obligations(doc)
    para(doc, "What is proposed", style="Heading 1")
    # The proposal's title, organisation and author head page 1; the screening answers follow them in `proposal`.
    brief_table(doc, ["Question", "Answer"], ["{{ x.question }}", "{{ x.answer }}"], "for x in proposal[3:]",
                [8.4, 9.0])
    para(doc, "Screening answers not known yet are named above where they matter; the full assessment gives every "
         "answer, the derivation of every rating and the crosswalk. "
         "Questionnaire {{ reproducibility.questionnaire_id }} {{ reproducibility.questionnaire_version }}, "
         "engine {{ reproducibility.engine_version }}, answers SHA-256 {{ reproducibility.answers_sha256 }}, "
         "questionnaire SHA-256 {{ reproducibility.questionnaire_sha256 or 'not recorded' }}.",
         style="Caption")
    _tighten(doc)
    _thin_spacers(doc)
    return doc


BUILDERS = {"full.docx": build_full, "brief.docx": build_brief}


def build(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        path = out_dir / name
        builder().save(path)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in build(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_DIR):
        print(p)
