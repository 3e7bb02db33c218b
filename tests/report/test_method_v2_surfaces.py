"""Method v2 on every report surface: open outcomes, established or assumed, red-flag evidence and law,
dated duties, accuracy, what it would take, and the derivation annex an auditor can redo by hand."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pia import wording
from pia.assess import assess
from pia.cli import main as cli
from pia.report import context_for, render
from pia.rules_model import DIMENSIONS

from .reportkit import (
    GENERATED,
    ROOT,
    RULE_ID_SHAPE,
    Example,
    docx_text,
    example_files,
    load_example,
    md_text,
)

EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
SEVERITY = ("scale", "scope", "irremediability")


def _ex(name: str) -> Example:
    return load_example(EXAMPLES / f"{name}.yaml")


def _surfaces(ex: Example, **kw: object) -> dict[str, str]:
    """The full report and the brief, in Word and Markdown, as the text a reader sees."""
    out = {}
    for brief in (False, True):
        kind = "brief" if brief else "full"
        out[f"docx-{kind}"] = docx_text(render(ex.q, ex.answers, "docx", brief=brief, generated=GENERATED, **kw))
        out[f"md-{kind}"] = md_text(render(ex.q, ex.answers, "md", brief=brief, generated=GENERATED, **kw))
    return out


def _cli(path: Path) -> str:
    result = CliRunner().invoke(cli, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


# --- 4. the derivation annex ---------------------------------------------------------------


def _cell(ctx: dict, severity: int, likelihood: int) -> str:
    row = next(r for r in ctx["matrix"]["rows"] if r["severity"] == severity)
    return next(c["level"] for c in row["cells"] if c["likelihood"] == likelihood)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)
def test_annex_numbers_give_every_rating_through_the_matrix(path: Path) -> None:
    """From the annex's own numbers alone, redo each harm, each right's residual dimensions and its level."""
    ex = load_example(path)
    ctx = context_for(ex.q, ex.answers, generated=GENERATED)
    d = ctx["derivation"]
    cap = d["reduction_cap"]
    rank = {lv["id"]: i for i, lv in enumerate(ctx["matrix"]["levels"])}
    label = {lv["id"]: lv["label"] for lv in ctx["matrix"]["levels"]}
    assert len(d["rights"]) == len(ctx["rights"])
    for dr, shown in zip(d["rights"], ctx["rights"], strict=True):
        assert dr["name"] == shown["name"]
        for h in dr["harms"]:
            for dim in DIMENSIONS:
                taken = sum(x["reduction"] for x in h["reductions"] if x["dimension"] == dim)
                assert h["residual"][dim] == h["inherent"][dim] - taken, (dr["id"], h["id"], dim)
                assert taken <= cap and h["residual"][dim] >= h["hard_floor"][dim], (dr["id"], h["id"], dim)
        inherent = {}
        for row in dr["dimensions"]:
            assert row["floor"] >= row["baseline"]
            assert row["inherent"] == min(4, row["floor"] + row["uplift"]), (dr["id"], row)
            inherent[row["dimension"]] = row["inherent"]
        core = [h["residual"] for h in dr["harms"] if not h["uplift"]]
        ups = [h["residual"] for h in dr["harms"] if h["uplift"]]
        residual = {dim: min(4, max([c[dim] for c in core] or [dr["baseline"][dim]]) + max([u[dim] for u in ups] or [0]))
                    for dim in DIMENSIONS}
        assert residual == dr["residual"], dr["id"]
        assert [shown["scale"], shown["scope"], shown["irremediability"]] == \
            [inherent[dim] for dim in ("scale", "scope", "irremediability")]
        # The likelihood shown is the one of the matrix cell (the worst harm's when harms are placed one by one).
        assert shown["likelihood"] == dr["inherent_likelihood"]
        step = d["scope_above_scale"]

        def severity(dims: dict[str, int], step: int | None = step) -> int:
            scope = dims["scope"] if step is None else min(dims["scope"], dims["scale"] + step)
            return max(dims["scale"], scope, dims["irremediability"])

        def worst(which: str, right_dims: dict[str, int], dr: dict = dr, core: list = core) -> str:
            # Each harm placed on its own dimensions (uplift added; a harm rating no likelihood takes the right's).
            if not (d["place_each_harm"] and core):
                return _cell(ctx, severity(right_dims), right_dims["likelihood"])
            up = {x: max([u[which][x] for u in dr["harms"] if u["uplift"]] or [0]) for x in DIMENSIONS}
            cells = []
            for h in dr["harms"]:
                if h["uplift"]:
                    continue
                placed = {x: min(4, h[which][x] + up[x]) for x in DIMENSIONS}
                if not h["rates_likelihood"]:
                    placed["likelihood"] = right_dims["likelihood"]
                cells.append(_cell(ctx, severity(placed), placed["likelihood"]))
            return max(cells, key=lambda lv: rank[lv])

        before = worst("inherent", inherent)
        after = worst("residual", residual)
        after = min(after, before, key=lambda lv: rank[lv])  # never above the level before safeguards
        assert label[before] == shown["inherent"]["label"], dr["id"]
        assert label[after] == shown["residual"]["label"], dr["id"]


def test_annex_is_in_the_full_report_in_markdown_and_word_but_not_the_brief() -> None:
    ex = _ex("town_centre_cctv_large")
    ctx = context_for(ex.q, ex.answers, generated=GENERATED)
    a = assess(ex.q, ex.answers)
    text = _surfaces(ex)
    for kind in ("docx-full", "md-full"):
        t = text[kind]
        assert "derivation of every rating" in t.lower()
        for line in ctx["derivation"]["method"]:
            assert line in t, (kind, line)
        assert f"reduction_cap = {a.reduction_cap}" in t
        assert a.answers_sha256 in t and a.questionnaire_sha256 in t
        for r in ctx["derivation"]["rights"]:
            for step in r["steps"]:
                assert step in t, (kind, step)
            for h in r["harms"]:
                assert h["reductions_text"] in t and h["rules"] in t, (kind, h["id"])
            for rule in r["rules"]:
                assert rule["answers"] in t, (kind, rule["id"])
    for kind in ("docx-brief", "md-brief"):
        assert not any(line in text[kind] for line in ctx["derivation"]["method"]), kind


def test_annex_names_the_safeguard_that_lowered_a_harm_and_by_how_much() -> None:
    """town_centre_cctv_large: the verified complaints route takes one step off the retention harm."""
    ex = _ex("town_centre_cctv_large")
    privacy = next(r for r in context_for(ex.q, ex.answers)["derivation"]["rights"] if r["id"] == "privacy")
    retention = next(h for h in privacy["harms"] if h["id"] == "H-PRIV-RETENTION")
    assert retention["inherent"]["irremediability"] == 2 and retention["residual"]["irremediability"] == 1
    assert "M-COMPLAINTS-REDRESS irremediability −1" in retention["reductions_text"]
    scale = next(x for x in privacy["dimensions"] if x["dimension"] == "scale")
    assert (scale["baseline"], scale["floor"], scale["uplift"], scale["inherent"]) == (1, 2, 1, 3)
    assert scale["residual_how"] == "highest harm residual 2 + uplift left 1 = 3"


# --- 1. decided or open -------------------------------------------------------------------


def test_open_outcome_shows_its_range_gaps_and_what_is_established_on_every_surface() -> None:
    ex = _ex("live_fr_missing_child_authorised")
    a = assess(ex.q, ex.answers)
    assert not a.decided
    ctx = context_for(ex.q, ex.answers)
    o = ctx["outcome"]
    gap = ex.q.question(a.decisive_gaps[0]).label
    assert o["turns_on"].endswith(f"\u201c{gap}\u201d.") and wording.outcome_label(a.outcome_best) in o["established"]
    text = _surfaces(ex)
    for kind, t in text.items():
        assert a.headline in t, kind
        assert o["established"] in t, kind
        assert gap in t, kind
    # The brief words the open and established reasons plainly: no rule or question ids.
    for r in context_for(ex.q, ex.answers, brief=True)["outcome"]["plain_reasons"]:
        assert re.findall(RULE_ID_SHAPE, r) == [] and "fr_group_rates" not in r, r
    out = _cli(EXAMPLES / "live_fr_missing_child_authorised.yaml")
    assert f"decisive gaps: fr_group_rates ({gap})" in out
    assert f"best (what the known answers establish): {wording.outcome_label(a.outcome_best)}" in out


def test_decided_outcome_says_so_and_shows_no_range() -> None:
    ex = _ex("town_centre_cctv_large")
    text = _surfaces(ex)
    note = wording.label("outcome.decided.note")
    assert note in text["docx-full"] and note in text["md-full"]
    assert "Open between" not in "".join(text.values())
    assert note in _cli(EXAMPLES / "town_centre_cctv_large.yaml")


# --- 2. established or assumed ------------------------------------------------------------


def test_assumed_ratings_are_marked_in_the_rights_tables_and_the_cli() -> None:
    ex = _ex("live_fr_missing_child_authorised")
    a = assess(ex.q, ex.answers)
    ctx = context_for(ex.q, ex.answers)
    assumed = {r.id for r in a.rights if "assumed" in (r.inherent_basis, r.residual_basis)}
    assert assumed == {"non_discrimination", "due_process_remedy"}
    for r in ctx["rights"]:
        assert r["basis"].startswith("Assumed" if r["id"] in assumed else "Established"), r["basis"]
    nd = next(r for r in ctx["rights"] if r["id"] == "due_process_remedy")
    assert nd["basis"] == "Assumed (after safeguards)"
    doc = Document(io.BytesIO(render(ex.q, ex.answers, "docx", generated=GENERATED)))
    table = next(t for t in doc.tables if "Right" in [c.text for c in t.rows[0].cells][:2]
                 and wording.label("basis.heading") in [c.text for c in t.rows[0].cells])
    head = [c.text for c in table.rows[0].cells]
    got = {row.cells[head.index("Right")].text: row.cells[head.index(wording.label("basis.heading"))].text
           for row in table.rows[1:]}
    assert got == {r["name"]: r["basis"] for r in ctx["rights"]}
    md = md_text(render(ex.q, ex.answers, "md", generated=GENERATED))
    for r in ctx["rights"]:
        assert re.search(rf"\| {re.escape(r['name'])} \|.*\| {re.escape(r['basis'])} \|", md), r["name"]
    # The brief marks the assumed rating itself: "High (assumed)", in the Word table and the Markdown.
    brief = context_for(ex.q, ex.answers, brief=True)
    mark = f" ({wording.label('basis.assumed.short')})"
    doc = Document(io.BytesIO(render(ex.q, ex.answers, "docx", brief=True, generated=GENERATED)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Right")
    md = md_text(render(ex.q, ex.answers, "md", brief=True, generated=GENERATED))
    for row, r in zip(table.rows[1:], brief["rights"], strict=True):
        after = r["residual"]["label"] + (mark if r["residual_assumed"] else "")
        assert row.cells[3].text == after and r["residual_assumed"] is (r["id"] in assumed and "after" in r["basis"])
        assert re.search(rf"\| {re.escape(r['name'])} \|[^|]*\| {re.escape(after)} \|", md), r["name"]
    out = _cli(EXAMPLES / "live_fr_missing_child_authorised.yaml")
    row = next(line for line in out.splitlines() if line.startswith("  Liberty, fair trial"))
    assert "assumed (residual)" in row
    row = next(line for line in out.splitlines() if line.startswith("  Privacy and data protection  "))
    assert "established" in row


# --- 3. red flags: evidence missing and law -----------------------------------------------


def test_red_flags_show_the_evidence_still_missing_for_a_clearing_answer() -> None:
    ex = _ex("retrospective_fr_central_square")
    a = assess(ex.q, ex.answers)
    flag = next(f for f in a.red_flags if f.evidence_missing)
    labels = [ex.q.question(q).label for q in flag.evidence_missing]
    text = _surfaces(ex)
    for kind, t in text.items():
        assert wording.label("evidence.missing") in t, kind
        for lab in labels:
            assert f"{lab}: no evidence recorded" in t, (kind, lab)
    out = _cli(EXAMPLES / "retrospective_fr_central_square.yaml")
    for qid in flag.evidence_missing:
        assert f"evidence needed for {qid}: no evidence recorded" in out


def test_red_flags_show_each_anchor_with_its_status_and_dates() -> None:
    ex = _ex("live_fr_police_unauthorised")
    a = assess(ex.q, ex.answers)
    dated = next(st for st in a.law if st.applies_from and st.in_force)
    soft = next(st for st in a.law if st.status == "soft_law")
    since = wording.label("anchor.applied_since").format(date=wording.long_date(dated.applies_from))
    text = _surfaces(ex)
    for kind, t in text.items():  # the full report in a table; the brief "cite (applies since ...)", binding unsaid
        if "brief" in kind:
            assert re.search(re.escape(dated.cite) + r" \(" + re.escape(since), t), kind
            assert re.search(re.escape(soft.cite) + r" \(" + wording.label("law.soft_law"), t), kind
            assert "binding unless marked" in t, kind
            continue
        assert re.search(re.escape(dated.cite) + r"[\s|(]+Binding[\s|,]+" + re.escape(since), t), kind
        assert re.search(re.escape(soft.cite) + r"[\s|(]+Soft law", t), kind
    out = _cli(EXAMPLES / "live_fr_police_unauthorised.yaml")
    assert f"{dated.cite} (Binding, " in out and wording.long_date(dated.applies_from) in out


# --- 5. dated obligations and accuracy ----------------------------------------------------


def test_dated_duties_and_accuracy_are_in_the_word_reports_too() -> None:
    ex = _ex("live_fr_police_unauthorised")
    ctx = context_for(ex.q, ex.answers)
    assert ctx["dated_obligations"] and ctx["accuracy"]["present"]
    text = _surfaces(ex)
    for kind, t in text.items():  # the brief lists a dated red flag among the red flags, its status saying when
        heading = wording.label("flag_basis.dated").split(":")[0] if "brief" in kind else wording.label("dated.heading")
        assert heading in t, kind
        for d in ctx["dated_obligations"]:
            assert d["title"] in t and d["when"] in t, kind
        assert ctx["accuracy"]["reason"] in t, kind


def test_expected_false_alerts_and_their_derivation_are_shown_when_worked_out() -> None:
    """An accuracy result with figures (here built from the engine's result) prints each derivation line."""
    ex = _ex("live_fr_missing_child_authorised")
    a = assess(ex.q, ex.answers)
    lines = [wording.accuracy_sentence("per_10000", value="3.2"), wording.accuracy_sentence(
        "per_day", value="16", people="50,000", fpir="0.00032")]
    acc = a.accuracy.model_copy(update={"derivation": lines, "false_alerts_per_10000": 3.2})
    b = a.model_copy(update={"accuracy": acc})
    for brief in (False, True):
        for fmt, read in (("docx", docx_text), ("md", md_text)):
            t = read(render(ex.q, ex.answers, fmt, brief=brief, generated=GENERATED, assessment=b))
            for line in lines:
                assert line in t, (fmt, brief, line)


# --- 6. what it would take ----------------------------------------------------------------


REMEDY = {
    "target_outcome": "proceed_with_conditions",
    "basis": "search",
    "sets": [
        [{"kind": "safeguard", "id": "M-ACCESS-AUDIT", "from": "planned", "to": "verified"},
         {"kind": "answer", "id": "coverage_extent", "from": "district", "to": "few_sites"}],
        [{"kind": "safeguard", "id": "M-SECURITY", "from": None, "to": "verified"}],
    ],
    "reaches": ["proceed_with_conditions", "proceed_with_conditions"],
    "flags": {},
}


def test_remedy_is_shown_from_its_data_shape_alone() -> None:
    """Whatever the search does inside, the reports word {target_outcome, basis, sets, reaches, flags}."""
    ex = _ex("town_centre_cctv_large")
    a = assess(ex.q, ex.answers).model_copy(update={"remedy": REMEDY})
    titles = {m.id: m.title for m in ex.q.rules.mitigations}
    coverage = ex.q.question("coverage_extent")
    opts = {o.value: o.label for o in coverage.options}
    first = [
        wording.label("remedy.plain_safeguard").format(title=titles["M-ACCESS-AUDIT"], was="Planned"),
        wording.label("remedy.plain_answer").format(question=coverage.label, was=opts["district"],
                                                    to=opts["few_sites"]),
    ]
    second = wording.label("remedy.plain_safeguard").format(title=titles["M-SECURITY"],
                                                            was=wording.label("remedy.not_in_plan"))
    heading = wording.label("remedy.set_first").format(n="2 changes", target="Proceed with conditions")
    for brief in (False, True):
        for fmt, read in (("docx", docx_text), ("md", md_text)):
            t = read(render(ex.q, ex.answers, fmt, brief=brief, generated=GENERATED, assessment=a))
            assert wording.label("remedy.heading") in t and heading in t, (fmt, brief)
            assert all(line in t for line in first), (fmt, brief)
            assert (second in t) is (not brief), (fmt, brief)  # the brief shows the smallest set only
            if brief:
                assert re.findall(RULE_ID_SHAPE, t) == [], (fmt, t)
    plain = _surfaces(ex)  # not worked out: the full report leaves it out, the brief (page 1) says so
    assert all((wording.label("remedy.heading") in t) is ("brief" in kind) for kind, t in plain.items())
    assert all(wording.label("remedy.none_asked") in t for kind, t in plain.items() if "brief" in kind)
    stopped = a.model_copy(update={"remedy": {**REMEDY, "exhaustive": False}})
    t = md_text(render(ex.q, ex.answers, "md", generated=GENERATED, assessment=stopped))
    assert wording.label("remedy.not_exhaustive") in t


def test_render_works_out_the_remedy_when_asked() -> None:
    ex = _ex("town_centre_cctv_large")
    a = assess(ex.q, ex.answers, remedy=True)
    ctx = context_for(ex.q, ex.answers, remedy=True)
    assert ctx["remedy"]["present"] and ctx["remedy"]["target_label"] == wording.outcome_label(
        a.remedy["target_outcome"])
    t = docx_text(render(ex.q, ex.answers, "docx", generated=GENERATED, remedy=True))
    for change in ctx["remedy"]["sets"][0]["changes"]:
        assert change in t


def test_the_brief_names_in_one_line_the_potential_flags_that_cannot_change_the_outcome() -> None:
    """Como is open between 'Legally prohibited' and 'Do not proceed': a potential flag whose own outcome is
    'Do not proceed' or milder cannot move the decision, so the brief names it in one line and keeps its rows
    for the flags that decide; the full report keeps every row."""
    ex = load_example(ROOT / "tests" / "cases" / "como-park-fr.yaml")
    a = assess(ex.q, ex.answers)
    assert (a.outcome_worst, a.outcome_best) == ("prohibited", "do_not_proceed")
    ctx = context_for(ex.q, ex.answers, brief=True, generated=GENERATED, assessment=a)
    council, flags = ctx["council"], ctx["red_flags"]
    rows = {f["title"] for f in council["flags"]}
    decisive = [f for f in flags if f["status"] == "potential" and f["outcome"] == "prohibited"]
    milder = [f for f in flags if f["status"] == "potential" and f["outcome"] != "prohibited"]
    assert decisive and milder
    assert all(f["title"] in rows for f in decisive)
    assert all(f["title"] in rows for f in flags if f["status"] == "triggered")
    assert not any(f["title"] in rows for f in milder)
    assert all(f["title"] in council["moot_flags"] for f in milder)
    assert "\u2018Do not proceed\u2019 or worse" in council["moot_flags"]
    surfaces = _surfaces(ex)
    for name in ("docx-brief", "md-brief"):
        assert "none of these can change the outcome" in " ".join(surfaces[name].split()), name
    for name in ("docx-full", "md-full"):
        assert all(f["title"] in surfaces[name] for f in milder), name
    # A decided case with no such flag has no line.
    town = _ex("town_centre_cctv_large")
    assert context_for(town.q, town.answers, brief=True, generated=GENERATED)["council"]["moot_flags"] == ""
