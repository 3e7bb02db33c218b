"""One result, one wording: every surface shows the engine's decision in the same words.

For every example, the outcome label, each right's rating before and after
verified safeguards, and the completeness counts are read back from what each
surface really shows — the `pia assess` text, the app (AppTest, after opening
the example as a draft), the Word report (python-docx), the Markdown report and
the JSON report — and compared with the engine's Assessment worded by
`pia.wording`. A surface that re-decides or re-words shows up here.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pia import wording
from pia.answers import load
from pia.assess import assess
from pia.assess.summary import completeness_figure
from pia.cli import main as cli
from pia.loader import find_questionnaire, load_cached
from pia.report import render
from pia.text import text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "questionnaires" / "camera-hria" / "examples").glob("*.yaml"))


class Expected:
    """What every surface must show for one example, from the engine and pia.wording only."""

    def __init__(self, path: Path):
        self.answers, _ = load(path)
        self.q = load_cached(find_questionnaire(self.answers.questionnaire))
        self.a = assess(self.q, self.answers)
        levels = {lv.id: text(lv.label) for lv in self.a.matrix.levels}
        self.label = self.a.headline
        self.rights = [(text(r.name), levels[r.inherent], levels[r.residual]) for r in self.a.rights]
        c = self.a.completeness
        self.answered = wording.answered_phrase(c.answered, c.visible, c.unknown)  # the app's progress bar
        self.figure = completeness_figure(c).text  # the one completeness figure (reports, JSON, CLI)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def expected(request: pytest.FixtureRequest) -> Expected:
    return Expected(request.param)


def test_every_outcome_has_one_label():
    labels = [wording.outcome_label(o) for o in wording.OUTCOMES]
    assert len(set(labels)) == len(labels) and all(labels)
    from pia.rules_model import OUTCOMES

    assert tuple(OUTCOMES) == wording.OUTCOMES


def test_cli_words_it_the_same(expected, monkeypatch):
    path = next(p for p in EXAMPLES if load(p)[0].answers == expected.answers.answers)
    result = CliRunner().invoke(cli, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"OUTCOME: {expected.label.upper()}\n" in out
    assert f"Completeness: {expected.figure}\n" in out
    for name, inherent, residual in expected.rights:
        row = next(line for line in out.splitlines() if line.startswith(f"  {name}  "))
        cells = re.split(r"\s{2,}", row.strip())
        assert cells[1].removesuffix(" (gap)") == inherent and cells[3] == residual, row


def _docx_text_and_rights(data: bytes) -> tuple[str, dict[str, list[str]], dict[str, str]]:
    doc = Document(io.BytesIO(data))
    body = "\n".join(p.text for p in doc.paragraphs)
    rights: dict[str, list[str]] = {}
    cover: dict[str, str] = {}
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:1] == ["Right"] and "After verified safeguards" in head:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                rights[cells[0]] = [cells[head.index("Before safeguards")], cells[head.index("After verified safeguards")]]
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 2:
                cover.setdefault(cells[0], cells[1])
    return body, rights, cover


def test_word_report_words_it_the_same(expected):
    body, rights, cover = _docx_text_and_rights(render(expected.q, expected.answers, "docx", generated="2026-01-01"))
    assert f"Outcome: {expected.label}" in body
    assert cover["Outcome"] == expected.label
    assert cover["Answered"] == expected.figure
    assert rights == {name: [inherent, residual] for name, inherent, residual in expected.rights}


def _md_rows(md: str, header_start: str) -> list[list[str]]:
    lines = md.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[at + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().replace("\\", "") for c in line.strip("|").split(" | ")])
    return rows


def test_markdown_report_words_it_the_same(expected):
    md = render(expected.q, expected.answers, "md", generated="2026-01-01").decode("utf-8")
    assert f"**Outcome: {expected.label}.**" in md.replace("\\", "")
    cover = dict(r[:2] for r in _md_rows(md, "| Item | Detail |"))
    assert cover["Outcome"] == expected.label and cover["Answered"] == expected.figure
    rows = _md_rows(md, "| Right | Scale |")
    assert [(r[0], r[5], r[6]) for r in rows] == expected.rights


def test_json_report_words_it_the_same(expected):
    doc = json.loads(render(expected.q, expected.answers, "json", generated="2026-01-01"))
    assert doc["outcome"]["label"] == expected.label
    assert doc["assessment"]["outcome"] == expected.a.outcome
    levels = {lv["id"]: lv["label"] for lv in doc["assessment"]["matrix"]["levels"]}
    got = [(r["name"], levels[r["inherent"]], levels[r["residual"]]) for r in doc["assessment"]["rights"]]
    assert got == expected.rights
    c = doc["assessment"]["completeness"]
    assert wording.answered_phrase(c["answered"], c["visible"], c["unknown"]) == expected.answered
    assert doc["completeness"]["text"] == expected.figure


def test_app_words_it_the_same(expected, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.delenv("PIA_PATH", raising=False)
    path = next(p for p in EXAMPLES if load(p)[0].answers == expected.answers.answers)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(path.name, path.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = [m.value for m in [*at.error, *at.warning, *at.success] if "Outcome:" in m.value]
    assert len(boxes) == 1 and expected.label in boxes[0], boxes
    # An open outcome names its two ends; no other outcome's label may appear.
    shown = {expected.a.outcome_worst, expected.a.outcome_best} if not expected.a.decided else {expected.a.outcome}
    others = [wording.outcome_label(o) for o in wording.OUTCOMES if o not in shown]
    assert not any(lab in boxes[0] for lab in others)
    progress = [p.proto.text for p in at.get("progress")]
    assert any(t.startswith(expected.figure) for t in progress), progress   # the same figure as every report
    tables = [h.proto.body for h in at.get("html") if "Rating of each right" in h.proto.body]
    assert len(tables) == 1
    for n, (name, inherent, residual) in enumerate(expected.rights, start=1):
        row = re.search(rf"<tr><th scope='row'>{n}\. (.*?)</th>(.*?)</tr>", tables[0])
        assert row is not None
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(2))
        assert html.unescape(row.group(1)) == name
        assert [html.unescape(c) for c in cells[:2]] == [inherent, residual]


def test_outcome_labels_are_written_in_one_place():
    """No module but pia/wording.py spells an outcome label, so no surface can word the decision its own way."""
    labels = [wording.outcome_label(o) for o in wording.OUTCOMES]
    found = []
    for path in (ROOT / "pia").rglob("*.py"):
        if path.name == "wording.py":
            continue
        source = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {lab!r}" for lab in labels if f'"{lab}"' in source or f"'{lab}'" in source]
    assert not found, found
