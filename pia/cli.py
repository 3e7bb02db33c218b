"""The `pia` command: a thin layer of click over the library.

Exit codes: 0 success, 1 a finding the user asked about, 2 bad input (with
one line per problem, never a traceback).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import PiaError, Problem

EXIT_OK, EXIT_FINDING, EXIT_BAD_INPUT = 0, 1, 2


def _fail(problems: list[Problem]) -> None:
    for p in problems:
        click.echo(str(p), err=True)
    n = len(problems)
    click.echo(f"{n} problem{'s' if n != 1 else ''} found", err=True)
    sys.exit(EXIT_BAD_INPUT)


def safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Every command: PiaError -> messages and exit 2; anything else -> one line, exit 3."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PiaError as exc:
            _fail(exc.problems)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            sys.exit(EXIT_OK)
        except Exception as exc:  # pragma: no cover - last line of defence
            if os.environ.get("PIA_DEBUG"):
                raise
            click.echo(f"pia: internal error: {type(exc).__name__}: {exc} (set PIA_DEBUG=1 for details)", err=True)
            sys.exit(3)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pia")
def main() -> None:
    """pia: human-rights impact assessment of public camera systems."""


# --- shared helpers for commands -----------------------------------------------------------


def resolve_questionnaire(ref: str) -> Any:
    """A questionnaire given as a file path or as an id on the search path."""
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .loader import find_questionnaire, load_cached

    p = Path(ref)
    if p.exists():
        return load_cached(p)
    found = find_questionnaire(ref)
    if found is None:
        raise PiaError(Problem(ref, 0, 0, "", "no such file, and no questionnaire with that id"))
    return load_cached(found)


QUESTIONNAIRE_OPTION = click.option(
    "-q",
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Questionnaire file to check answers against (default: the one whose id the answers name, on PIA_PATH "
         "or among the bundled questionnaires; never a file next to the answers).",
)
STRICT_OPTION = click.option(
    "--strict-questionnaire",
    "strict",
    is_flag=True,
    help="Refuse a .docx report made with other questionnaire files than the ones found now "
         "(default: say so in one line and go on).",
)


def _note(opened: Any) -> None:
    if opened.note:
        click.echo(opened.note, err=True)


# --- commands -------------------------------------------------------------------------------


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@QUESTIONNAIRE_OPTION
@STRICT_OPTION
@click.option("--complete", is_flag=True,
              help="Refuse what is otherwise a warning: in answers files, required answers still missing and "
                   "answers to hidden questions; in questionnaires, the publication checks.")
@safe
def validate(paths: tuple[Path, ...], questionnaire_path: Path | None, strict: bool, complete: bool) -> None:
    """Check questionnaires, answers files and reports (.docx); print every problem with its line.

    A questionnaire also gets the publication checks (guidance, legal references,
    framework elements, abbreviations, ratings a safeguard can lower, its
    examples); a module file is checked with the core file that lists it. An
    answers file also lists the required answers still missing and answers to
    hidden questions. These are warnings (exit 0), or problems with --complete.
    """
    files, problems = _expand(paths)
    warnings: list[Problem] = []
    for path, parsed in files:
        try:
            warnings += _validate_one(path, questionnaire_path, strict, parsed, complete)
        except PiaError as exc:
            problems += exc.problems
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    if warnings:
        click.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} (use --complete to refuse them)",
                   err=True)
    if problems:
        _fail(problems)


Parsed = tuple[bytes, Any]   # a file's bytes and its parsed YAML (pia.yamlio.Located)


def _validate_one(path: Path, questionnaire_path: Path | None, strict: bool, parsed: Parsed | None = None,
                  complete: bool = False) -> list[Problem]:
    """Read the file once, parse it once (or use what _expand parsed), then check it as what it is.

    Returns the warnings (incomplete answers); raises PiaError with the problems.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .answers import completeness_problems
    from .intake import is_docx, looks_like_answers, open_parsed, parse_source
    from .safefile import read_regular
    from .yamlio import MAX_YAML_BYTES

    name = str(path)
    data = parsed[0] if parsed else read_regular(path, MAX_YAML_BYTES)
    if is_docx(data, name):
        doc, _, claimed = parse_source(data, name)
        opened = open_parsed(doc, name, questionnaire=questionnaire_path, from_docx=True, claimed_sha256=claimed,
                             require_same_questionnaire=strict)
        _note(opened)
        q = opened.questionnaire
        click.echo(f"{path}: ok (report with answers for {q.id} {q.version})")
        return []
    if looks_like_answers(data) or _flow_answers(data, name):
        doc, _, _ = parse_source(data, name)   # the answers rules: size, no anchors, text keys
        opened = open_parsed(doc, name, questionnaire=questionnaire_path)
        q = opened.questionnaire
        gaps = completeness_problems(q, opened.answers, doc) + _newer_minor(opened, doc)
        if complete and gaps:
            raise PiaError(gaps)
        state = "complete" if not gaps else f"{len(gaps)} warning{'s' if len(gaps) != 1 else ''}"
        click.echo(f"{path}: ok (answers for {q.id} {q.version}, {len(opened.answers.answers)} answers, {state})")
        return gaps
    core = _core_listing(path, parsed[1] if parsed else None)
    if core is not None:
        click.echo(f"{path}: a module of {core}; checking it with its core file")
    return _validate_questionnaire(core or path, complete)


def _validate_questionnaire(path: Path, complete: bool) -> list[Problem]:
    """Load (structure and references), then the publication checks the tests also run."""
    from .assess.examples import instrument_problems
    from .loader import load_questionnaire

    q = load_questionnaire(path)
    found = instrument_problems(q)
    if complete and found:
        raise PiaError(found)
    state = "ready to publish" if not found else f"{len(found)} warning{'s' if len(found) != 1 else ''}"
    click.echo(f"{path}: ok ({q.id} {q.version}, {len(q.sections)} sections, {len(q.questions())} questions, "
               f"{len(q.source_files)} files, {state})")
    return found


def _core_listing(path: Path, doc: Any) -> Path | None:
    """The core file in the same folder whose `modules:` lists `path` (a module has no version of its own).

    Checked alone, a module would report every question and right of the core as unknown.
    """
    from .safefile import read_regular
    from .yamlio import MAX_YAML_BYTES, load_text

    def parse(p: Path) -> Any:
        # read_regular: a pipe or device in the folder is refused, never read (it could block)
        return load_text(read_regular(p, MAX_YAML_BYTES), str(p), MAX_YAML_BYTES, collect=True).data

    try:
        data = doc.data if doc is not None else parse(path)
    except (PiaError, OSError):
        return None   # checking it as a questionnaire reports the problem with its line
    if not isinstance(data, dict) or "version" in data or "answers" in data:
        return None
    try:
        others = sorted(path.parent.glob("*.yaml"))
    except OSError:
        others = []
    for other in others:
        try:
            if other.resolve() == path.resolve():
                continue
            core = parse(other)
        except (PiaError, OSError, RuntimeError):
            continue
        if isinstance(core, dict) and isinstance(core.get("modules"), list) and \
                any((other.parent / str(m)).resolve() == path.resolve() for m in core["modules"]):
            return other
    if "after" in data:
        raise PiaError(Problem(str(path), 1, 1, "", "a module (it has `after:` and no version) that no core file in "
                                                    "this folder lists; add it to the core file's `modules:` and "
                                                    "validate the core file"))
    return None


def _newer_minor(opened: Any, doc: Any) -> list[Problem]:
    """Answers written for a newer minor version may use choices this one lacks: say so."""
    want, have = opened.answers.questionnaire_version, opened.questionnaire.version
    try:
        newer = tuple(int(x) for x in want.split(".")[:2]) > tuple(int(x) for x in have.split(".")[:2])
    except ValueError:
        return []
    if not newer:
        return []
    return [doc.problem(("questionnaire_version",), f"written for version {want}, newer than the installed {have}; "
                                                     "update pia's questionnaires or check the answers still mean "
                                                     "the same")]


def _flow_answers(data: bytes, name: str) -> bool:
    """An answers file written as one flow mapping (`{questionnaire: ..., answers: {...}}`): rare, parsed twice."""
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .yamlio import MAX_YAML_BYTES, load_text

    if not data.lstrip().startswith(b"{"):
        return False
    try:
        doc = load_text(data, name, MAX_YAML_BYTES, collect=True)
    except PiaError:
        return False
    return isinstance(doc.data, dict) and ("answers" in doc.data or "questionnaire" in doc.data)


def _expand(paths: tuple[Path, ...]) -> tuple[list[tuple[Path, Parsed | None]], list[Problem]]:
    """Folders stand for every questionnaire and answers file inside them.

    Module files are checked through the core file that includes them, so a
    file named in some core's `modules:` list is not checked on its own.
    Pipes, devices, dangling links and oversized files in a folder are
    refused with one line each, never read. What is parsed here to find the
    modules is handed on, so no file is parsed twice.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .intake import looks_like_answers
    from .safefile import read_regular
    from .yamlio import MAX_YAML_BYTES, load_text

    out: list[tuple[Path, Parsed | None]] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.is_dir():
            out.append((path, None))
            continue
        try:
            found = sorted(p for p in path.rglob("*.yaml") if not any(part.startswith(".") for part in p.parts))
        except OSError as exc:
            problems.append(Problem(str(path), 0, 0, "", f"cannot list the folder: {exc.strerror or exc}"))
            continue
        files: list[tuple[Path, Parsed | None]] = []
        modules: set[Path] = set()
        for f in found:
            try:
                data = read_regular(f, MAX_YAML_BYTES)
            except PiaError as exc:
                problems += exc.problems   # a pipe, device, dangling link or huge file: never read
                continue
            if looks_like_answers(data):
                files.append((f, (data, None)))   # parsed once, as an answers file, when it is checked
                continue
            try:
                doc = load_text(data, str(f), MAX_YAML_BYTES, collect=True)
            except PiaError:
                files.append((f, (data, None)))   # checking it reports the error with its line
                continue
            files.append((f, (data, doc)))
            if isinstance(doc.data, dict) and isinstance(doc.data.get("modules"), list):
                modules |= {(f.parent / str(m)).resolve() for m in doc.data["modules"]}
        out += [(f, parsed) for f, parsed in files if f.resolve() not in modules]
    return out, problems


@main.command()
@click.option("--kind", type=click.Choice(["questionnaire", "answers", "report", "context", "templates-doc"]),
              default="questionnaire", show_default=True,
              help="report: the JSON report; context: the variables a Word template may use; templates-doc: "
                   "those variables as docs/templates.md.")
@safe
def schema(kind: str) -> None:
    """Print the JSON Schema of questionnaire, answers or report files (for editor completion and checks)."""
    if kind in ("questionnaire", "answers"):
        from .schemas import schema_for

        click.echo(json.dumps(schema_for(kind), indent=2, sort_keys=True))
        return
    # Lazy, as in every report command: the report stack is not loaded for the other kinds.
    # Lazy: the report stack (docxtpl, python-docx, lxml, Pillow) loads only for report commands.
    from .report.context_model import context_schema, templates_markdown
    from .report.json_export import report_schema

    if kind == "templates-doc":
        click.echo(templates_markdown(), nl=False)
    else:
        schema_of = report_schema() if kind == "report" else context_schema()
        click.echo(json.dumps(schema_of, indent=2, sort_keys=True, ensure_ascii=False))


@main.command("new-answers")
@click.argument("questionnaire")
@click.option("--lang", default="en", show_default=True, help="Language of the comments.")
@safe
def new_answers(questionnaire: str, lang: str) -> None:
    """Print a commented answers skeleton for QUESTIONNAIRE (a file or an id)."""
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .answers import skeleton

    click.echo(skeleton(resolve_questionnaire(questionnaire), lang), nl=False)


@main.command("list")
@safe
def list_cmd() -> None:
    """List the questionnaires pia can find (PIA_PATH, then the bundled ones)."""
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .loader import ambiguity, scan_search_path

    scan = scan_search_path()
    for qid, paths in sorted(scan.found.items()):
        if len(paths) == 1:
            click.echo(f"{qid}\t{paths[0]}")
        else:
            click.echo(f"pia: {ambiguity(qid, paths)}", err=True)
    for note in scan.notes:
        click.echo(f"pia: {note}", err=True)


@main.command("diff")
@click.argument("a", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("b", type=click.Path(path_type=Path, dir_okay=False))
@QUESTIONNAIRE_OPTION
@STRICT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@safe
def diff_cmd(a: Path, b: Path, questionnaire_path: Path | None, strict: bool, as_json: bool) -> None:
    """Compare two assessments (answers files or .docx reports): outcome, ratings, answers.

    Exit 0 when they are the same, 1 when they differ, 2 on bad input.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .diff import compare, format_text
    from .intake import open_assessment

    problems: list[Problem] = []
    opened = []
    for path in (a, b):
        try:
            opened.append(open_assessment(path, questionnaire=questionnaire_path, require_same_questionnaire=strict))
        except PiaError as exc:
            problems += exc.problems
    if problems:
        _fail(problems)
    x, y = opened
    notes = [o.note for o in opened if o.note]
    if x.from_docx and y.from_docx and x.claimed_sha256 and y.claimed_sha256 and x.claimed_sha256 != y.claimed_sha256:
        notes.append(f"note: {a} and {b} were made with different questionnaire files")
    result = compare(x.questionnaire, x.answers, y.answers, notes=notes)
    for note in notes:
        click.echo(note, err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False, default=str))
    else:
        click.echo(format_text(result, (str(a), str(b))), nl=False)
    sys.exit(EXIT_OK if result.same else EXIT_FINDING)

# --- reports (issue 5) ----------------------------------------------------------------------


def _check_date(_ctx: Any, _param: Any, value: str | None) -> str | None:
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}") from exc


def _check_output_name(output: Path) -> None:
    """A line break in -o would split every one-line message that names the file."""
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    import unicodedata

    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in str(output)):
        raise PiaError(f"-o {str(output)!r}: the name contains a line break or other control character; "
                       "choose another name")


@main.command()
@click.argument("answers_paths", metavar="ANSWERS...", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, allow_dash=True),
              help="File to write ('-' writes md/json to standard output); with several ANSWERS, a folder.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "md", "json"]), default=None,
              help="Output format (default: from the output file's extension, else docx).")
@click.option("--template", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Your own Word template (check it first with `pia lint-template`).")
@click.option("--brief", is_flag=True, help="The 2-3 page council brief instead of the full assessment.")
@click.option("--date", "generated", callback=_check_date, default=None,
              help="Generation date printed in the report, YYYY-MM-DD (default: today).")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(0, 64),
              help="With several ANSWERS: processes to use (0 = every core).")
@QUESTIONNAIRE_OPTION
@STRICT_OPTION
@safe
def report(answers_paths: tuple[Path, ...], output: Path, fmt: str | None, template: Path | None, brief: bool,
           generated: str | None, jobs: int, questionnaire_path: Path | None, strict: bool) -> None:
    """Write the council brief or full assessment for ANSWERS (answers files or report .docx files).

    With several ANSWERS, -o names a folder and each report is named after its
    answers file; a bad file is reported and the others are still written.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    import datetime as dt

    from .intake import open_assessment
    from .report import SUFFIXES, render
    from .report.batch import plan, run, write_atomic

    generated = generated or dt.datetime.now(dt.UTC).date().isoformat()
    _check_output_name(output)
    if len(answers_paths) > 1 or output.is_dir():
        if str(output) == "-":
            raise PiaError("several answers files need a folder for -o, not '-'")
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PiaError(f"{output}: cannot create the folder: {exc.strerror or exc}") from exc
        results = run(plan(list(answers_paths), output, fmt or "docx", brief, generated, template,
                           questionnaire_path, strict), jobs)
        for r in results:
            for note in r.notes:
                click.echo(note, err=True)
            if r.ok:
                click.echo(f"{r.job.target}: {r.size:,} bytes", err=True)
        failed = [p for r in results for p in r.problems]
        click.echo(f"{sum(r.ok for r in results)} of {len(results)} reports written", err=True)
        if failed:
            _fail(failed)
        return
    fmt = fmt or SUFFIXES.get(output.suffix.lower(), "docx")
    if str(output) == "-" and fmt in ("docx", "pdf"):
        raise PiaError(f"{fmt} is binary; give an output file with -o")
    opened = open_assessment(answers_paths[0], questionnaire=questionnaire_path, require_same_questionnaire=strict)
    _note(opened)
    data = render(opened.questionnaire, opened.answers, fmt, brief=brief, template=template, generated=generated,
                  remedy=True)  # both say what it would take (0-4 s more); the brief on its first page
    if str(output) == "-":
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_atomic(output, data)
    click.echo(f"{output}: {'council brief' if brief else 'full assessment'} ({fmt}, {len(data):,} bytes)", err=True)


@main.command("lint-template")
@click.argument("template", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--answers", "answer_files", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Answers file(s) to render with (default: every example shipped with the questionnaires).")
@QUESTIONNAIRE_OPTION
@safe
def lint_template_cmd(template: Path, answer_files: tuple[Path, ...], questionnaire_path: Path | None) -> None:
    """Check a Word template: Jinja errors, unknown variables, unsafe access, a render per example."""
    # Lazy: the report stack (docxtpl, python-docx, lxml, Pillow) loads only for report commands.
    from .report.lint import default_examples, example_contexts, lint_template

    files = list(answer_files) or default_examples()
    contexts = example_contexts(files, questionnaire_path)
    problems = lint_template(template, contexts)
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", err=True)
        sys.exit(EXIT_FINDING)
    click.echo(f"{template}: ok (rendered against {len(files)} example answers file(s), full and brief)")


@main.command()
@click.option("-q", "--questionnaire", "questionnaire_ref", default=None,
              help="Questionnaire file or id (default: the one the answers file names, else camera_hria).")
@click.option("-f", "--framework", "frameworks", multiple=True, metavar="ID",
              help="Only this framework (repeatable), e.g. GDPR_DPIA, AIA_FRIA, CCOPS_SIR.")
@click.option("-a", "--answers", "answers_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Answers file: also show whether each element is answered, unknown, missing or not applicable.")
@click.option("--all", "show_all", is_flag=True,
              help="With --answers, also list frameworks that do not apply to the answers' jurisdiction.")
@click.option("--required-only", is_flag=True, help="List only the required elements.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@safe
def crosswalk(questionnaire_ref: str | None, frameworks: tuple[str, ...], answers_path: Path | None,
              show_all: bool, required_only: bool, as_json: bool) -> None:
    """Per framework, each element and the questions that cover it.

    Exit code 1 when a required element has no question, or (with --answers) when a
    required element of an applicable framework is still missing or unknown.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .crosswalk import crosswalk as build
    from .crosswalk import has_findings, render_text, to_dict
    from .intake import open_assessment

    if answers_path is not None:
        opened = open_assessment(answers_path, questionnaire=resolve_questionnaire(questionnaire_ref)
                                 if questionnaire_ref else None)
        q, answers = opened.questionnaire, opened.answers
    else:
        q = resolve_questionnaire(questionnaire_ref or "camera_hria")
        answers = None
    try:
        result = build(q, answers, list(frameworks) or None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--framework") from None
    if answers is not None and not frameworks and not show_all:
        result = [fw for fw in result if fw.applies is not False]
    if as_json:
        click.echo(json.dumps({"questionnaire": q.id, "version": q.version, "frameworks": to_dict(result)},
                              indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(result, answers is not None, show_optional=not required_only), nl=False)
    if has_findings(result, answers is not None):
        sys.exit(EXIT_FINDING)


@main.command("assess")
@click.argument("answers_path", metavar="ANSWERS", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the full assessment as canonical JSON.")
@click.option("--lang", default="en", show_default=True, help="Language of the summary.")
@QUESTIONNAIRE_OPTION
@safe
def assess_cmd(answers_path: Path, as_json: bool, lang: str, questionnaire_path: Path | None) -> None:
    """Assess an answers file: outcome, red flags, risk per right, evidence gaps, obligations, and what it
    would take to reach a better outcome.

    Exit 0 when the assessment ran (whatever its outcome), 2 on bad input.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    from .assess import assess
    from .assess.remedy import remedy_lines
    from .assess.summary import render_summary
    from .intake import open_assessment

    opened = open_assessment(answers_path, questionnaire=questionnaire_path)
    _note(opened)
    q, answers = opened.questionnaire, opened.answers
    result = assess(q, answers, remedy=True)
    if as_json:
        click.echo(result.to_json(), nl=False)
    else:
        summary = _name_missing(render_summary(result, q, lang, answers.answers), q,
                                result.completeness.missing_required, lang)
        click.echo(summary + "\n" + "\n".join(remedy_lines(result, q, lang)), nl=False)


def _name_missing(summary: str, q: Any, missing: list[str], lang: str) -> str:
    """Under the count of required answers still missing, name each one and its section (review: the count
    alone sent authors to `--json` to learn which)."""
    if not missing:
        return summary
    from .text import text

    section = {qq.id: text(s.title, lang) for s in q.sections for qq in s.questions}
    named = "; ".join(f"{qid} ({section.get(qid, '?')})" for qid in missing)
    lines = summary.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("Answered ")), 0)
    lines.insert(at + 1, f"  required still missing: {named}")
    return "\n".join(lines)


# --- sign-off: keys, verification, action plan ----------------------------------------------


@main.command()
@click.argument("private_key", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--public", "public_key", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the public key (default: PRIVATE_KEY with .pub added).")
@safe
def keygen(private_key: Path, public_key: Path | None) -> None:
    """Write a new Ed25519 key pair for signing approvals (private key readable by you only).

    Never overwrites an existing file. Give the private key to the pia server
    (PIA_SIGNING_KEY=PRIVATE_KEY); publish the public key so anyone can run
    `pia verify`.
    """
    # Lazy: `pia --help` and `pia --version` start without the cryptography package.
    from .signoff.signing import keygen as make

    public_key = public_key or private_key.with_name(private_key.name + ".pub")
    kid = make(private_key, public_key)
    click.echo(f"{private_key}: private key (mode 0600; keep it secret, back it up)")
    click.echo(f"{public_key}: public key (publish it; `pia verify` needs it)")
    click.echo(f"key id {kid}")


@main.command()
@click.argument("reports", metavar="REPORT...", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--public-key", "public_key", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The municipality's public key (PEM, from `pia keygen`).")
@safe
def verify(reports: tuple[Path, ...], public_key: Path) -> None:
    """Check the signed decision in reports (.docx or .json): what was signed, and whether anything changed.

    Exit 0 when every report is signed with this key and its answers are the
    signed ones; 1 when a report is not signed, its signature does not match
    (altered record, or another key), or its answers or facts differ from the
    signed record; 2 on bad input (unreadable report or key).
    """
    # Lazy: `pia --help` and `pia --version` start without the cryptography package.
    from .signoff.signing import load_public_key
    from .signoff.verify import verify_report

    key = load_public_key(public_key)
    results, problems = [], []
    for path in reports:
        try:
            results.append(verify_report(path, key))
        except PiaError as exc:
            problems += exc.problems
    for r in results:
        for line in r.lines():
            click.echo(line)
    if problems:
        _fail(problems)
    sys.exit(EXIT_OK if all(r.ok for r in results) else EXIT_FINDING)


@main.command("actions")
@click.argument("answers_path", metavar="ANSWERS", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "ics"]), default="text", show_default=True,
              help="csv: for a spreadsheet (formulas neutralised); ics: due dates for a calendar (RFC 5545).")
@click.option("-o", "--output", type=click.Path(path_type=Path, allow_dash=True), default="-", show_default=True,
              help="File to write ('-' is standard output).")
@click.option("--today", callback=_check_date, default=None,
              help="The date overdue is counted from, YYYY-MM-DD (default: today, UTC).")
@QUESTIONNAIRE_OPTION
@safe
def actions_cmd(answers_path: Path, fmt: str, output: Path, today: str | None,
                questionnaire_path: Path | None) -> None:
    """The action plan (safeguards with owner, due date and state) of an answers file or report.

    Exit 0 when no safeguard is overdue, 1 when some are (they are listed on
    standard error), 2 on bad input.
    """
    # Lazy: `pia --help` and `pia --version` start without YAML, pydantic or engine code.
    import datetime as dt

    from .intake import open_assessment
    from .report.batch import write_atomic
    from .signoff import actions as plan

    _check_output_name(output)
    day = dt.date.fromisoformat(today) if today else dt.datetime.now(dt.UTC).date()
    opened = open_assessment(answers_path, questionnaire=questionnaire_path)
    _note(opened)
    items = plan.action_plan(opened.questionnaire, opened.answers.answers)
    late = plan.overdue(items, day)
    if fmt == "csv":
        data = plan.to_csv(items, day)
    elif fmt == "ics":
        title = opened.answers.meta.get("title") or answers_path.stem
        stamp = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        data = plan.to_ics(answers_path.stem, title, items, stamp, plan.schedule(opened.answers.answers))
    else:
        from . import wording

        late_word = wording.label("actions.overdue").upper()
        data = "".join(f"{i.row}. {i.title} [{wording.state_label(i.state) if i.state else '-'}] "
                       f"{i.owner or wording.label('mitigation.no_owner')} "
                       f"{i.due or wording.label('mitigation.no_date')}"
                       f"{'  ' + late_word if i.overdue(day) else ''}\n" for i in items).encode("utf-8")
    if str(output) == "-":
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(output, data)
        click.echo(f"{output}: {len(items)} safeguard(s), {fmt}", err=True)
    for i in late:
        click.echo(f"overdue: {i.title} (row {i.row}, due {i.due}, owner {i.owner or '-'})", err=True)
    sys.exit(EXIT_FINDING if late else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
