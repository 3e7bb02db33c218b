"""The Word report: opens in python-docx, looks like a publishable document, carries its answers."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from pia.answers import dumps
from pia.embedded import answers_from_docx

from .reportkit import Example, docx_text, parts, rendered


def test_docx_opens_and_shows_outcome_and_every_right(example: Example) -> None:
    from pia.assess import assess

    a = assess(example.q, example.answers)
    for brief in (False, True):
        text = docx_text(rendered(example, "docx", brief))
        assert a.headline in text
        for right in a.rights:
            from pia.text import text as tr

            assert tr(right.name) in text
        assert "{{" not in text.replace("{{ 7*7 }}", "").replace("{{ config }}", "").replace(
            "{{ cycler", "")  # no template tag left unrendered (the hostile answers contain literal ones)
        assert a.answers_sha256 in text


def test_docx_structure_is_publishable(example: Example) -> None:
    doc = Document(io.BytesIO(rendered(example, "docx")))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    for wanted in ("Screening and legal triage", "Risk matrix", "Mitigation plan", "Evidence gaps",
                   "Sign-off", "Annex A. Framework crosswalk", "Annex B. Reproducibility"):
        assert any(wanted in h for h in headings), wanted
    # Every data table's first row repeats on each page (label/value blocks have no header row).
    data_tables = [t for t in doc.tables if t.rows[0].cells[0].text not in ("Organisation", "Questionnaire")]
    assert len(data_tables) >= 10
    for t in data_tables:
        assert t.rows[0]._tr.trPr is not None and t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    section = doc.sections[0]
    header = " ".join(p.text for p in section.header.paragraphs)
    assert example.answers.meta.get("title", "") in header
    footer_xml = etree.tostring(section.footer._element).decode()
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml


def test_matrix_picture_has_alternative_text(example: Example) -> None:
    doc = Document(io.BytesIO(rendered(example, "docx")))
    pics = list(doc.element.body.iter(qn("wp:docPr")))
    assert len(pics) == 1
    descr = pics[0].get("descr")
    assert descr.startswith("Risk matrix:")
    from pia.assess import assess
    from pia.text import text as tr

    for right in assess(example.q, example.answers).rights:
        assert tr(right.name) in descr
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in parts(rendered(example, "docx")))


def test_core_properties_are_literal_not_double_escaped(hostile: Example) -> None:
    doc = Document(io.BytesIO(rendered(hostile, "docx")))
    cp = doc.core_properties
    assert cp.title.startswith("Drones & <patrols> \"pilot\" 'phase 1' {{ 7*7 }}")
    assert "&amp;" not in cp.title and "&lt;" not in cp.title
    assert cp.created.date().isoformat() == "2026-11-26"
    assert cp.author == "Ірина Коваленко 🚁"
    assert "python-docx" not in (cp.comments or "")


def test_answers_round_trip_out_of_the_docx(example: Example) -> None:
    data = rendered(example, "docx")
    assert answers_from_docx(data) == dumps(example.answers, example.q)
    brief = rendered(example, "docx", brief=True)
    assert answers_from_docx(io.BytesIO(brief)) == dumps(example.answers, example.q)


def test_same_input_same_document_content(example: Example) -> None:
    from pia.report import render

    again = render(example.q, example.answers, "docx", generated="2026-11-26")
    assert parts(again) == parts(rendered(example, "docx"))


def test_hostile_text_appears_literally_in_word(hostile: Example) -> None:
    data = rendered(hostile, "docx")
    for name, blob in parts(data).items():
        if name.endswith(".xml") or name.endswith(".rels"):
            etree.fromstring(blob)  # every part is well-formed XML
    text = docx_text(data)
    for literal in [
        "Fish & chips <script>alert(1)</script> \"quoted\" 'single' {{ 7*7 }} {% for %} control: end.",
        "{% for x in range(3) %}loop{% endfor %} & <tag> 🚁",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }} ]]> <![CDATA[ x ]]>",
        "Arabic: مرحبا بالعالم. Hebrew: שלום. Cyrillic: Привет, мир. Emoji: 🚁📷👁️‍🗨️",
        "Park & <ride>",
        "Ops & <Air> team",
    ]:
        assert literal in text, literal
    assert "loop loop loop" not in text and "looplooploop" not in text
    for ch in "\x01\x07\x0b\x0c\x1b":
        assert ch not in text
    body = parts(data)["word/document.xml"].decode()
    assert "uid=" not in body  # the popen in the answer was never executed


def test_same_document_in_separate_processes(tmp_path) -> None:
    """No dict/set ordering or clock leaks in: two processes with different hash seeds agree."""
    import os
    import subprocess
    import sys

    from .reportkit import HERE, MINI, ROOT

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.docx"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "pia", "report", str(HERE / "answers" / "mini-assembly-fr.yaml"),
                        "-o", str(out), "-q", str(MINI), "--date", "2026-11-26"],
                       check=True, cwd=ROOT, env=env, capture_output=True, timeout=120)
        outs.append(parts(out.read_bytes()))
    assert outs[0] == outs[1]


def test_suggested_filename() -> None:
    from pia.answers import AnswerSet
    from pia.report import suggested_filename

    a = AnswerSet("q", "1.0.0", {"title": "Drones & <patrols> / phase 1"}, {})
    assert suggested_filename(a, "pdf", brief=True) == "drones-patrols-phase-1-council-brief.pdf"
    assert suggested_filename(AnswerSet("q", "1.0.0"), "docx") == "q-full-assessment.docx"


def test_matrix_picture_replaces_its_placeholder_at_the_same_size(example: Example) -> None:
    """F1: the picture goes in after rendering; its size is unchanged (150 mm; the default brief has none, see
    test_brief.py)."""
    from docx.shared import Mm

    from pia.report.docx import MATRIX_WIDTH_MM

    for brief, width in ((False, MATRIX_WIDTH_MM),):
        data = rendered(example, "docx", brief)
        assert b"PIAMATRIXIMAGE" not in b"".join(parts(data).values())
        doc = Document(io.BytesIO(data))
        extents = list(doc.element.body.iter(qn("wp:extent")))
        assert len(extents) == 1 and int(extents[0].get("cx")) == Mm(width)
        assert len(doc.inline_shapes) == 1 and doc.inline_shapes[0].width == Mm(width)


def test_matrix_picture_in_custom_template_text_and_header(tmp_path) -> None:
    """{{ matrix_image }} works mid-sentence and in a header; the text around it stays; ids are unique."""
    from pia.report import render

    from .reportkit import HERE, load_example

    ex = load_example(sorted((HERE / "answers").glob("*.yaml"))[0])
    d = Document()
    d.add_paragraph("Before {{ matrix_image }} after {{ matrix_image }}.")
    d.sections[0].header.paragraphs[0].text = "Head {{ matrix_image }}"
    path = tmp_path / "t.docx"
    d.save(path)
    doc = Document(io.BytesIO(render(ex.q, ex.answers, "docx", template=path, generated="2026-11-26")))
    para = doc.paragraphs[0]
    assert para.text == "Before  after ." and len(para._p.findall(".//" + qn("w:drawing"))) == 2
    header = doc.sections[0].header
    assert header.paragraphs[0].text == "Head " and len(list(header._element.iter(qn("w:drawing")))) == 1
    ids = [pr.get("id") for el in (doc.element.body, header._element) for pr in el.iter(qn("wp:docPr"))]
    assert len(ids) == 3 == len(set(ids))
    descr = [pr.get("descr") for el in (doc.element.body, header._element) for pr in el.iter(qn("wp:docPr"))]
    assert all(d.startswith("Risk matrix:") for d in descr)
