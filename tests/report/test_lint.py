"""`pia lint-template`: unknown variables, Jinja errors and sandbox escapes, each with its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pia.cli import main
from pia.errors import PiaError
from pia.report import render
from pia.report.docx import default_template
from pia.report.lint import example_contexts, lint_template

from .ooxmlkit import docx_with, f10_constructs, field
from .reportkit import HERE, MINI, load_example

ANSWERS = sorted((HERE / "answers").glob("*.yaml"))


@pytest.fixture(scope="module")
def contexts():
    return example_contexts(ANSWERS, MINI)


def _template(tmp_path: Path, *paragraphs: str, header: str | None = None) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    path = tmp_path / "custom.docx"
    doc.save(path)
    return path


def test_shipped_templates_are_clean(contexts) -> None:
    for brief in (False, True):
        assert lint_template(default_template(brief), contexts) == []


def test_unknown_variable_is_reported_with_its_paragraph(tmp_path: Path, contexts) -> None:
    path = _template(tmp_path, "Report for {{ title }}", "Outcome {{ outcome.label }}", "Owner: {{ titel }}")
    problems = lint_template(path, contexts)
    assert len(problems) == 1
    p = str(problems[0])
    assert "unknown variable 'titel'" in p
    assert "word/document.xml paragraph 3" in p
    assert '"Owner: {{ titel }}"' in p


def test_misspelt_field_is_caught_by_rendering(tmp_path: Path, contexts) -> None:
    path = _template(tmp_path, "Rights:", "{%p for r in rights %}", "{{ r.nmae }}", "{%p endfor %}")
    problems = lint_template(path, contexts)
    assert problems, "a misspelt field must be found"
    text = str(problems[0])
    assert "nmae" in text and "word/document.xml" in text and "rendering with mini-" in text


def test_jinja_syntax_error_is_located(tmp_path: Path, contexts) -> None:
    path = _template(tmp_path, "Fine {{ title }}", "{% if outcome.id == %}broken{% endif %}")
    problems = lint_template(path, contexts)
    assert len(problems) == 1
    assert "template syntax error" in str(problems[0])
    assert "paragraph 2" in str(problems[0])


def test_error_in_header_names_the_header(tmp_path: Path, contexts) -> None:
    path = _template(tmp_path, "Body {{ title }}", header="{{ organisation }}")
    problems = lint_template(path, contexts)
    assert len(problems) == 1 and "word/header" in problems[0].path and "'organisation'" in problems[0].message


@pytest.mark.parametrize("attack", [
    "{{ title.__class__.__mro__[1].__subclasses__() }}",
    "{{ meta['__class__'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
])
def test_sandbox_escape_is_refused_by_lint(tmp_path: Path, contexts, attack: str) -> None:
    path = _template(tmp_path, attack)
    with pytest.raises(PiaError, match="Python internals") as err:
        lint_template(path, contexts)
    assert len(err.value.problems) == 1, err.value.problems


def test_sandbox_escape_is_refused_by_render(tmp_path: Path) -> None:
    ex = load_example(ANSWERS[0])
    path = _template(tmp_path, "{{ title.__class__.__mro__ }}")
    with pytest.raises(PiaError, match="Python internals"):
        render(ex.q, ex.answers, "docx", template=path, generated="2026-11-26")
    mutate = _template(tmp_path, "{{ meta.extra.append(1) }}")
    with pytest.raises(PiaError, match="Python internals|could not be rendered"):
        render(ex.q, ex.answers, "docx", template=mutate, generated="2026-11-26")


def test_custom_template_renders_user_text_safely(tmp_path: Path) -> None:
    import io

    from docx import Document as Open

    ex = load_example(HERE / "answers" / "mini-drone-hostile-text.yaml")
    path = _template(tmp_path, "Title: {{ title }}", "{%p for s in sections %}", "{{ s.title }}",
                     "{%p for x in s.questions %}", "{{ x.question }} = {{ x.answer }}", "{%p endfor %}",
                     "{%p endfor %}", header="{{ title }}")
    data = render(ex.q, ex.answers, "docx", template=path, generated="2026-11-26")
    doc = Open(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Title: Drones & <patrols> \"pilot\" 'phase 1' {{ 7*7 }}" in body
    assert "{{ 7*7 }} {% for %}" in body
    assert doc.sections[0].header.paragraphs[0].text.startswith("Drones & <patrols>")


def test_not_a_docx_is_a_clear_message(tmp_path: Path, contexts) -> None:
    bad = tmp_path / "t.docx"
    bad.write_text("hello")
    with pytest.raises(PiaError, match="not a Word"):
        lint_template(bad, contexts)


def test_cli_lint_template(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["lint-template", "--answers", str(ANSWERS[0]), "-q", str(MINI)]
    ok = runner.invoke(main, args[:1] + [str(default_template(False))] + args[1:])
    assert ok.exit_code == 0, ok.output
    assert "ok (rendered against 1 example" in ok.output
    bad = _template(tmp_path, "{{ titel }}")
    res = runner.invoke(main, args[:1] + [str(bad)] + args[1:])
    assert res.exit_code == 1
    assert "unknown variable 'titel'" in res.output and "1 problem found" in res.output


def test_runaway_template_is_stopped(tmp_path: Path, contexts) -> None:
    from pia.report.docx import render_docx

    loop = _template(tmp_path, "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}")
    with pytest.raises(PiaError, match="took longer than 2 seconds"):
        render_docx(contexts[0][1], template=loop, timeout=2)
    with pytest.raises(PiaError, match="took longer than 2 seconds"):
        lint_template(loop, contexts[:1], timeout=2)


# --- F1: nothing in a template's reach can write a file ------------------------------------------------------


def _a07_template(tmp_path: Path, call: str) -> Path:
    """Attack a07: a paragraph that is a Python line once written as a .pth, then a call that writes it."""
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_paragraph("Report for {{ title }}: {{ outcome.label }}")
    p = doc.add_paragraph("x")
    p.runs[0]._r.find(qn("w:t")).text = f"\nimport os; os.system('touch {tmp_path / 'RCE_MARKER'}')\n"
    doc.add_paragraph("{{ " + call + " }}")
    path = tmp_path / "municipal_template.docx"
    doc.save(path)
    return path


def _a07_payloads(tmp_path: Path) -> dict[str, tuple[str, list[Path]]]:
    victim = tmp_path / "victim_drafts.db"
    return {
        "write_xml_pth": ("matrix_image.tpl.write_xml('zz_pia_template.pth')",
                          [tmp_path / "zz_pia_template.pth", tmp_path / "RCE_MARKER"]),
        "write_xml_abs": (f"matrix_image.tpl.write_xml('{tmp_path / 'abs.pth'}')", [tmp_path / "abs.pth"]),
        "docx_save": (f"matrix_image.tpl.docx.save('{victim}')", [victim]),
    }


@pytest.mark.parametrize("payload", ["write_xml_pth", "write_xml_abs", "docx_save"])
def test_a07_template_writes_nothing_and_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    payload: str) -> None:
    """F1: lint (CLI, exit 2, one line) and render both refuse it, and no file appears or changes."""
    call, targets = _a07_payloads(tmp_path)[payload]
    victim = tmp_path / "victim_drafts.db"
    victim.write_text("pretend this is drafts.db\n")
    template = _a07_template(tmp_path, call)
    monkeypatch.chdir(tmp_path)  # relative paths would land here, as from a checkout
    before = sorted(p.name for p in tmp_path.iterdir())
    res = CliRunner().invoke(main, ["lint-template", str(template), "--answers", str(ANSWERS[0]), "-q", str(MINI)])
    assert res.exit_code == 2, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines[-1] == "1 problem found" and len(lines) == 2, res.output
    assert "reaches into matrix_image (.tpl)" in lines[0] and "paragraph 3" in lines[0]
    ex = load_example(ANSWERS[0])
    with pytest.raises(PiaError, match=r"reaches into matrix_image \(\.tpl\)"):
        render(ex.q, ex.answers, "docx", template=template, generated="2026-11-26")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert victim.read_text() == "pretend this is drafts.db\n"
    for target in targets:
        if target != victim:
            assert not target.exists(), target


def test_a07_payload_without_the_static_check_still_writes_nothing(tmp_path: Path, contexts,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Even rendering straight past lint's static pass: matrix_image is a string, `.tpl` is nothing."""
    from docxtpl import DocxTemplate

    from pia.report.docx import render_into
    from pia.report.matrix import draw_png

    victim = tmp_path / "victim.db"
    victim.write_text("keep")
    monkeypatch.chdir(tmp_path)
    for call in (f"matrix_image.tpl.docx.save('{victim}')", "matrix_image.tpl.write_xml('zz.pth')"):
        tpl = DocxTemplate(str(_a07_template(tmp_path, call)))
        ctx = contexts[0][1]
        with pytest.raises(Exception, match="has no attribute 'tpl'"):
            render_into(tpl, ctx, draw_png(ctx["matrix"], ctx["rights"]), 100)
    assert victim.read_text() == "keep" and not (tmp_path / "zz.pth").exists()


def test_sandbox_traverses_plain_data_only() -> None:
    """F1 defence in depth: attributes and methods of any non-data object are out of reach."""
    import io

    from docx import Document as New
    from docxtpl import DocxTemplate, InlineImage
    from jinja2.sandbox import SecurityError

    from pia.report.sandbox import make_env

    tpl_obj = DocxTemplate(io.BytesIO(_docx_bytes()))
    image = InlineImage(tpl_obj, io.BytesIO(b""))
    env = make_env()
    assert not env.is_safe_attribute(image, "tpl", tpl_obj)
    assert not env.is_safe_attribute(tpl_obj, "docx", tpl_obj.docx)
    assert not env.is_safe_callable(tpl_obj.save)
    assert not env.is_safe_callable(New)
    assert env.is_safe_attribute("abc", "upper", "abc".upper) and env.is_safe_callable("abc".upper)
    assert env.is_safe_attribute({}, "items", {}.items) and env.is_safe_callable({"a": 1}.get)
    for source in ("{{ x.tpl }}", "{{ x.tpl.docx.save('y') }}", "{{ x.width }}"):
        with pytest.raises(SecurityError, match="unsafe"):
            env.from_string(source).render(x=image)
    ok = ("{% set ns = namespace(n=0) %}{% for r in rows %}{% set ns.n = ns.n + r.v %}"
          "{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}{{ ns.n }} {{ rows[0].keys()|list }} "
          "{{ '{} {}'.format(name.upper(), dict(a=1).get('a')) }} {{ range(2)|list }}"
          "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(1) }}")
    assert env.from_string(ok).render(rows=[{"v": 1}, {"v": 2}], name="ab") == (
        "1a2b3 [&#39;v&#39;] AB 1 [0, 1]<1>")


def _docx_bytes() -> bytes:
    import io

    buf = io.BytesIO()
    Document().save(buf)
    return buf.getvalue()


def test_context_with_a_live_object_is_refused(contexts) -> None:
    """F1: the check run before every render refuses anything but plain data, wherever it sits."""
    import io

    from docxtpl import DocxTemplate, InlineImage

    from pia.report.docx import render_into
    from pia.report.sandbox import check_plain

    check_plain(contexts[0][1])  # the real report data passes
    tpl = DocxTemplate(io.BytesIO(_docx_bytes()))
    live = InlineImage(tpl, io.BytesIO(b""))
    for bad, where in (({"a": [1, {"b": live}]}, "a[1].b"), ({"when": __import__("datetime").date(2026, 1, 1)}, "when"),
                       ({1: "x"}, "non-text key")):
        with pytest.raises(PiaError, match=re.escape(where)):
            check_plain(bad)
    ctx = dict(contexts[0][1], extra=live)
    with pytest.raises(PiaError, match="holds a InlineImage at extra"):
        render_into(tpl, ctx, b"", 100)


def test_child_works_in_an_empty_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """F1 defence in depth: a relative path written by the renderer cannot land in the user's folder."""
    import os

    from pia.report.limits import limited

    monkeypatch.chdir(tmp_path)
    cwd = limited(os.getcwd)
    assert Path(cwd).name.startswith("pia-render-") and Path(cwd) != tmp_path
    assert limited(os.listdir, ".") == []
    assert not Path(cwd).exists(), "the folder is removed afterwards"
    limited(Path("left-behind.txt").write_text, "x")
    assert not (tmp_path / "left-behind.txt").exists()


# --- F10: no remote content ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def f10(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, str]]:
    local = tmp_path_factory.mktemp("f10") / "local_secret.txt"
    local.write_text("LOCAL-FILE-SECRET-7731\n")
    return f10_constructs("http://127.0.0.1:9", local)


F10_CASES = ["attached_template", "includepicture_with_report_data", "includetext_local", "includetext_remote",
             "ddeauto", "dde_lower_case_simple_field", "link_field", "import_split_over_runs",
             "includepicture_split_over_runs", "type_from_nested_field", "vml_external_image",
             "drawing_linked_http", "drawing_linked_file", "alt_chunk", "ole_object"]


def test_f10_cases_cover_every_construct(f10) -> None:
    assert sorted(f10) == sorted(F10_CASES)


@pytest.mark.parametrize("case", F10_CASES)
def test_remote_content_is_refused_by_lint_and_render(tmp_path: Path, contexts, f10, case: str) -> None:
    """F10 (a08, a08b): refused at lint (exit 2) and at render, each message one line naming the part."""
    data, words = f10[case]
    path = tmp_path / f"{case}.docx"
    path.write_bytes(data)
    with pytest.raises(PiaError) as err:
        lint_template(path, contexts[:1])
    text = str(err.value)
    assert words in text, text
    assert all(("word/" in p.path) and "\n" not in str(p) for p in err.value.problems), text
    ex = load_example(ANSWERS[0])
    with pytest.raises(PiaError, match=re.escape(words)):
        render(ex.q, ex.answers, "docx", template=path, generated="2026-11-26")


def test_field_code_made_by_rendering_is_refused(tmp_path: Path, contexts) -> None:
    """F10: a field that only becomes INCLUDEPICTURE once Jinja removes paragraphs is caught in the output."""
    from pia.report.ooxml_safety import problems_in_docx

    body = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
            '</w:instrText></w:r></w:p>'
            '<w:p><w:r><w:t>{%p if false %}</w:t></w:r></w:p>'
            '<w:p><w:r><w:instrText xml:space="preserve">QUOTE x</w:instrText></w:r></w:p>'
            '<w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>'
            '<w:p><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "http://127.0.0.1:9/x.png" '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    data = docx_with("{{ title }}", body=body)
    assert list(problems_in_docx(data, "t.docx")) == [], "the template alone reads as a QUOTE field"
    path = tmp_path / "synth.docx"
    path.write_bytes(data)
    with pytest.raises(PiaError, match="report rendered from the template.*INCLUDEPICTURE|INCLUDEPICTURE.*rendered"):
        lint_template(path, contexts[:1])
    ex = load_example(ANSWERS[0])
    with pytest.raises(PiaError, match="field code INCLUDEPICTURE; a report rendered from the template"):
        render(ex.q, ex.answers, "docx", template=path, generated="2026-11-26")


def test_hyperlinks_and_page_fields_stay_allowed(tmp_path: Path, contexts) -> None:
    """Refusing remote content must not refuse what reports need: clickable links, PAGE/NUMPAGES fields."""
    from .ooxmlkit import R_NS, external_rel

    body = (f'<w:p><w:hyperlink xmlns:r="{R_NS}" r:id="rIdH"><w:r><w:t>site</w:t></w:r></w:hyperlink></w:p>'
            + field(" PAGE ") + '<w:p><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
            + field(' HYPERLINK "https://example.org/link" '))
    path = tmp_path / "links.docx"
    path.write_bytes(docx_with("{{ title }}", body=body,
                               rels=external_rel("rIdH", "https://example.org/", R_NS + "/hyperlink")))
    assert lint_template(path, contexts[:1]) == []
