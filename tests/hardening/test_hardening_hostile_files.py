"""Damaged and hostile answers files, through every door a user has.

Doors: the app's upload path (pia.intake.open_assessment), pia.answers.loads, and
the command line (`pia validate`, `pia assess`, `pia report`, `pia diff`). Whatever arrives
— a randomly edited example, an alias bomb, a deeply nested document, an
oversized file — the answer is the project's own error (PiaError) with a
location, or on the command line one-line messages and exit status 2; never a
traceback. The command line runs with PIA_DEBUG=1 so an internal error would
show its traceback instead of being softened into "internal error".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia.answers import loads
from pia.errors import PiaError
from pia.intake import MAX_UPLOAD_BYTES, open_assessment
from pia.yamlio import MAX_DEPTH

ROOT = Path(__file__).resolve().parents[2]

EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
EXAMPLE_TEXT = (EXAMPLES / "school_cctv.yaml").read_text()


def read_answers(data: bytes, name: str):  # noqa: ANN201
    opened = open_assessment(data, name)
    return opened.answers, opened.questionnaire


def RESOLVE(qid: str):  # noqa: ANN201, N802
    from pia.loader import find_questionnaire, load_cached

    return load_cached(find_questionnaire(qid))


HEADER = "questionnaire: camera_hria\nquestionnaire_version: 1.0.0\n"


def scaled(n: int) -> int:
    """Example counts sized for the suite; PIA_FUZZ_SCALE=20 explores further (e.g. nightly)."""
    return n * int(os.environ.get("PIA_FUZZ_SCALE", "1"))


def _assert_located(exc: PiaError, name: str) -> None:
    assert exc.problems
    for p in exc.problems:
        assert p.file.startswith(name), p
        assert p.message and "\n" not in str(p) and "Traceback" not in p.message


# --- random edits of a real example --------------------------------------------------

# Edits that matter to YAML: structure characters, indentation, quotes, tags, anchors.
YAML_BITS = st.sampled_from([":", " ", "  ", "\n", "- ", "'", '"', "{", "}", "[", "]", ",", "&a ", "*a", "!!python/name:os.system ",
                              "!!binary ", "? ", "|", ">", "#", "\t", "\x00", "\ufeff", "~", "null", "yes", "1e9999",
                              "unknown", "-1", "2026-13-45", "\\u0000", "%YAML 1.1\n", "---\n", "...\n"])
edit_text = st.one_of(YAML_BITS, st.text(max_size=6))
edits = st.lists(st.tuples(st.integers(0, len(EXAMPLE_TEXT)), st.integers(0, 12), edit_text), min_size=1, max_size=6)


def mutate(text: str, changes: list[tuple[int, int, str]]) -> str:
    for pos, cut, insert in changes:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut:]
    return text


@settings(max_examples=scaled(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_mutated_example_upload_gives_located_errors_only(changes):
    data = mutate(EXAMPLE_TEXT, changes).encode("utf-8", "surrogatepass")
    try:
        answers, q = read_answers(data, "upload.yaml")
    except PiaError as exc:
        _assert_located(exc, "upload.yaml")
    else:  # an edit that kept the file valid: it must really be valid answers
        assert answers.questionnaire == q.id


@settings(max_examples=scaled(200), deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_upload_gives_located_errors_only(data):
    try:
        read_answers(data, "upload.yaml")
    except PiaError as exc:
        _assert_located(exc, "upload.yaml")


def _report_docx() -> bytes:
    from pia.answers import loads as load_answers
    from pia.report import render

    answers, _ = load_answers(EXAMPLE_TEXT)
    return render(RESOLVE(answers.questionnaire), answers, "docx", generated="2026-11-26")


DOCX = _report_docx()


def _answers_member_span() -> tuple[int, int]:
    """Where the embedded answers part sits in the zip, so damage can be aimed at it."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(DOCX)) as z:
        infos = sorted(z.infolist(), key=lambda i: i.header_offset)
        for n, info in enumerate(infos):
            if info.filename.startswith("customXml/") and b"urn:pia:answers" in z.read(info)[:400]:
                end = infos[n + 1].header_offset if n + 1 < len(infos) else len(DOCX)
                return info.header_offset, end - 1
    raise AssertionError("the report has no embedded answers")


LO, HI = _answers_member_span()
# Aim at the answers part, at the zip's central directory (the end), or anywhere.
positions = st.one_of(st.integers(LO, HI), st.integers(len(DOCX) - 3000, len(DOCX) - 1), st.integers(0, len(DOCX) - 1))


@settings(max_examples=scaled(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(positions, st.binary(min_size=1, max_size=4)), min_size=1, max_size=8),
       st.one_of(st.just(len(DOCX)), st.integers(0, len(DOCX))))
def test_damaged_report_upload_gives_located_errors_only(patches, keep):
    """A returned .docx report with flipped bytes or cut short: refused with a message, or read exactly."""
    from pia.embedded import answers_from_docx

    data = bytearray(DOCX[:max(keep, 4)])
    for pos, new in patches:
        data[pos:pos + len(new)] = new
    data = bytes(data)
    try:
        read_answers(data, "report.docx")
    except PiaError as exc:
        _assert_located(exc, "report.docx")
    # The library function behind `pia validate/report/diff x.docx` is held to the same standard.
    try:
        answers_from_docx(data)
    except PiaError as exc:
        assert all(p.message and "\n" not in str(p) for p in exc.problems)


@settings(max_examples=scaled(100), deadline=None)
@given(edits)
def test_report_with_edited_embedded_answers(changes):
    """Someone edits the answers inside a returned report: the checksum or validation catches it."""
    import base64
    import io
    import zipfile

    from pia.embedded import answers_part_xml

    source = io.BytesIO(DOCX)
    out = io.BytesIO()
    text = mutate(EXAMPLE_TEXT, changes)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            blob = zin.read(info)
            if info.filename.startswith("customXml/") and b"urn:pia:answers" in blob[:400]:
                blob = answers_part_xml(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
                assert base64.b64encode(text.encode("utf-8", "replace"))[:10] in blob or text == ""
            zout.writestr(info, blob)
    try:
        answers, q = read_answers(out.getvalue(), "report.docx")
    except PiaError as exc:
        _assert_located(exc, "report.docx")
    else:
        assert answers.questionnaire == q.id


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIA_DEBUG": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pia", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def _assert_refused(proc: subprocess.CompletedProcess[str], name: str | tuple[str, ...], words: str = "") -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines[-1].endswith(("problem found", "problems found"))
    assert all(ln.startswith(name) for ln in lines[:-1]), lines
    if words:
        assert words in proc.stderr, proc.stderr


# A handful of fixed, seeded mutations for the (slower) command-line runs.
CLI_MUTANTS = {
    "indent.yaml": EXAMPLE_TEXT.replace("\n  jurisdiction:", "\n jurisdiction:", 1),
    "unclosed.yaml": EXAMPLE_TEXT.replace("technologies:\n  - cctv", "technologies: [cctv", 1),
    "tagged.yaml": EXAMPLE_TEXT.replace("jurisdiction: eu", "jurisdiction: !!python/object/apply:os.system [id]", 1),
    "wrongtype.yaml": EXAMPLE_TEXT.replace("camera_count: 5", "camera_count: [5, {a: 1}]", 1),
    "dupkey.yaml": EXAMPLE_TEXT.replace("  camera_count: 5\n", "  camera_count: 5\n  camera_count: 6\n", 1),
    "truncated.yaml": EXAMPLE_TEXT[: len(EXAMPLE_TEXT) // 3] + "\n  - '",
}


def _cli_refuses(tmp_path: Path, command: str, files: dict[str, tuple[str, str]]) -> None:
    """`pia validate` takes every file at once (each named in the output); the others one by one."""
    paths = []
    for name, (text, _) in files.items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    if command == "validate":
        proc = _run("validate", *paths, cwd=tmp_path)
        _assert_refused(proc, tuple(paths))
        for path, (_, words) in zip(paths, files.values(), strict=True):
            assert path in proc.stderr and words in proc.stderr
        return
    good = str(EXAMPLES / "school_cctv.yaml")
    for path, (_, words) in zip(paths, files.values(), strict=True):
        extra = {"report": ["-o", str(tmp_path / "out.md")], "diff": [good]}.get(command, [])
        _assert_refused(_run(command, path, *extra, cwd=tmp_path), path, words)
        assert not (tmp_path / "out.md").exists()


@pytest.mark.parametrize("command", ["validate", "assess", "report"])
def test_cli_mutated_examples_exit_2_with_locations(tmp_path, command):
    mutants = {name: (text, "") for name, text in CLI_MUTANTS.items()}
    if command != "validate":  # each run is a process start; three kinds of damage are enough here
        mutants = {k: mutants[k] for k in ("unclosed.yaml", "tagged.yaml", "wrongtype.yaml")}
    _cli_refuses(tmp_path, command, mutants)


# --- alias bombs, deep nesting, oversized files -------------------------------------


def alias_bomb() -> str:
    text = HEADER + "meta: {}\nanswers:\n  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        text += f"  x{i}: &a{i} [{', '.join([prev] * 9)}]\n"
    return text


def deep_block() -> str:
    text = HEADER + "meta: {}\nanswers:\n  system_name:\n"
    for depth in range(MAX_DEPTH + 20):
        text += "  " * (depth + 2) + f"k{depth}:\n"
    return text + "  " * (MAX_DEPTH + 22) + "end\n"


def deep_flow() -> str:
    return HEADER + "meta: {}\nanswers: {system_name: " + "[" * 5000 + "]" * 5000 + "}\n"


def oversized() -> str:
    filler = "  # " + "padding " * 12 + "\n"
    text = EXAMPLE_TEXT
    return text + filler * (MAX_UPLOAD_BYTES // len(filler) + 10)


HOSTILE = {
    "bomb.yaml": (alias_bomb, "alias bomb"),
    "deep.yaml": (deep_block, "nesting deeper"),
    "flow.yaml": (deep_flow, "nesting deeper"),
    "huge.yaml": (oversized, "limit"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_documents_refused_by_loads_and_upload(name):
    make, words = HOSTILE[name]
    text = make()
    with pytest.raises(PiaError, match=words) as err:
        loads(text, name)
    _assert_located(err.value, name)
    with pytest.raises(PiaError, match=words) as err:
        read_answers(text.encode(), name)
    _assert_located(err.value, name)


@pytest.mark.parametrize("command", ["validate", "assess", "report", "diff"])
def test_cli_refuses_hostile_documents(tmp_path, command):
    _cli_refuses(tmp_path, command, {name: (make(), words) for name, (make, words) in HOSTILE.items()})


def test_cli_refuses_damaged_report(tmp_path):
    """Found by the fuzzing above: a report whose answers part is damaged was an 'internal error' (exit 3)."""
    data = bytearray(DOCX)
    data[LO + 40:LO + 44] = b"\x00\x00\x00\x00"       # inside the answers part's local header name
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    _assert_refused(_run("validate", str(path), cwd=tmp_path), str(path), "damaged")
    _assert_refused(_run("report", str(path), "-o", str(tmp_path / "r.md"), cwd=tmp_path), str(path), "damaged")
