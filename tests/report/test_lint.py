"""`pia lint-template`: unknown variables, Jinja errors and sandbox escapes, each with its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pia.cli import main
from pia.errors import PiaError
from pia.report import render
from pia.report.docx import default_template
from pia.report.lint import example_contexts, lint_template

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
    problems = lint_template(path, contexts)
    assert any("Python internals" in p.message for p in problems), problems


def test_sandbox_escape_is_refused_by_render(tmp_path: Path) -> None:
    ex = load_example(ANSWERS[0])
    path = _template(tmp_path, "{{ title.__class__.__mro__ }}")
    with pytest.raises(PiaError, match="tries to reach Python internals"):
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
