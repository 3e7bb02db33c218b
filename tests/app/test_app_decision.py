"""The decision bar, the auditor's trace and the assumed/established marks, in Streamlit's AppTest.

On the mini fixture instrument and a real SQLite store: what each shows is
compared with the engine's Assessment and with the full report's own trace
(pia.report.trace), so the app cannot word a finding its own way.
"""

from __future__ import annotations

import html
import re

import pytest

from pia.answers import AnswerSet
from pia.assess import assess
from pia.report.trace import trace

from .test_app_flow import env, goto, ok, start  # noqa: F401  (env is a fixture)

pytestmark = pytest.mark.usefixtures("env")


def _screen(at, **answers):  # noqa: ANN001, ANN202
    for key, value in answers.items():
        widget = at.pills(key=f"w_{key}") if isinstance(value, list) else at.radio(key=f"w_{key}")
        widget.set_value(value).run()
    return ok(at)


def _assessment(at):  # noqa: ANN001, ANN202
    from pia.loader import load_cached

    q = load_cached(at.session_state["qpath"])
    return q, assess(q, AnswerSet(q.id, q.version, {}, dict(at.session_state["answers"])))


def _bar(at) -> str:  # noqa: ANN001
    return next(h.proto.body for h in at.get("html") if "pia-outcome" in h.proto.body)


def test_bar_shows_the_decision_its_flags_and_gaps_and_links_them():
    at = _screen(start(), jurisdiction="eu", technologies=["live_fr"], law_enforcement="no", at_assemblies="yes")
    q, a = _assessment(at)
    assert a.decided and a.outcome == "do_not_proceed"
    bar = _bar(at)
    assert html.escape(a.headline) in bar and "Decided" in bar and 'role="status"' in bar and "pia-bad" in bar
    flag = at.button(key="bar_assessment_RF-10")
    assert flag.label.replace("\\", "") == "RF-10: Face recognition at assemblies"
    # The flag links to the first answer that decides it: the wizard opens that question's section, pointed at it.
    first = next(iter(a.red_flag("RF-10").answers))
    ok(flag.click().run())
    assert at.session_state["section"] == q.section_of(first).id
    assert any("This is the question you selected." in i.value for i in at.info)

    # An open outcome says so and counts its gaps, the decisive ones first in the list.
    at = _screen(start("Open one"), jurisdiction="eu", technologies=["cctv"], law_enforcement="unknown")
    q, a = _assessment(at)
    assert not a.decided
    bar = _bar(at)
    assert "Decided" not in bar and html.escape(a.headline) in bar and "pia-warn" in bar
    gaps = [p.proto.popover.label for p in at.get("popover") if re.match(r"\d+ gaps?", p.proto.popover.label)]
    assert len(gaps) == 1 and gaps[0].startswith(f"{len(a.evidence_gaps)} gap")
    keys = [b.key for b in at.button if (b.key or "").startswith("jump_bar_assessment_gap_")]
    assert keys[: len(a.decisive_gaps)] == [f"jump_bar_assessment_gap_{x}" for x in a.decisive_gaps]


def test_every_flag_and_rating_has_the_full_reports_trace_with_links():
    at = _screen(start(), jurisdiction="eu", technologies=["live_fr"], law_enforcement="no", at_assemblies="yes")
    q, a = _assessment(at)
    t = trace(q, a)
    # A trace is drawn once its expander is open (opening one reruns the page): closed, none is sent.
    traces = [f"trace_panel_{'rf' if f['status'] == 'triggered' else 'prf'}_{f['id']}" for f in t["red_flags"]]
    traces += [f"trace_panel_r_{r['id']}" for r in t["rights"]]
    assert traces and not any(b.key.startswith("au_panel_") for b in at.button if b.key)
    for key in traces:
        assert at.session_state[key] is False   # drawn, closed
        at.session_state[key] = True
    ok(at.run())
    shown = "\n".join(m.value for m in at.markdown)
    for f in t["red_flags"]:
        if f["explanation"]:
            assert f"**Rule.** {f['explanation']}" in shown.replace("\\", "")
        if f["law_text"]:
            assert f["law_text"] in shown.replace("\\", "")
        for i, x in enumerate(f["answers"]):   # each decisive answer, linked to its question
            ctx = "panel_rf" if f["status"] == "triggered" else "panel_prf"
            button = at.button(key=f"au_{ctx}_{f['id']}_{i}_{x['id']}")
            assert x["answer"] in button.label.replace("\\", "")
    for r in t["rights"]:
        for step in r["derivation"]["steps"]:
            assert step in shown.replace("\\", "")
        for dim in r["dimensions"]:
            assert dim["reason"] in shown.replace("\\", "")
    # A link in the trace goes to its question.
    rule = next(x for r in t["rights"] for x in r["derivation"]["rules"] if x["traced"])
    right = next(r for r in t["rights"] if rule in r["derivation"]["rules"])
    qid = rule["traced"][0]["id"]
    ok(at.button(key=f"au_panel_r_{right['id']}_{rule['id']}_0_{qid}").click().run())
    assert at.session_state["section"] == q.section_of(qid).id


def test_assumed_ratings_look_different_from_established_ones():
    at = _screen(start(), jurisdiction="eu", technologies=["cctv"], law_enforcement="unknown")
    _, a = _assessment(at)
    table = next(h.proto.body for h in at.get("html") if "Rating of each right" in h.proto.body)
    assert "Established or assumed" in table
    bases = set()
    for n, r in enumerate(a.rights, start=1):
        row = re.search(rf"<tr><th scope='row'>{n}\. .*?</th>(.*?)</tr>", table).group(1)
        cells = re.findall(r'<td class="(\w+)"', row)
        assert cells[:2] == ["assumed" if b == "assumed" else "est" for b in (r.inherent_basis, r.residual_basis)]
        assert cells[3] == "basis"
        bases.add(r.residual_basis)
    assert "assumed" in bases, "the fixture must give an assumed rating for this test to mean anything"
    assert any("Hatched, dashed cells are assumed" in c.value for c in at.caption)


def test_review_leads_with_the_decision_and_the_reports():
    at = goto(_screen(start(), jurisdiction="uk", technologies=["cctv"]), "review")
    order = [h.value for h in at.header] + [h.value for h in at.title]
    assert "Reports" in order and "Still open" in order
    heads = [h.value for h in at.header]
    assert heads.index("Reports") < heads.index("Still open")
    boxes = [m.value for m in [*at.error, *at.warning, *at.success] if "Outcome:" in m.value]
    assert len(boxes) == 1


def test_possible_flags_and_gaps_are_drawn_when_opened():
    """The bar's possible flags and the panel's gap list are drawn only while open (a rerun each way):
    closed they send no links; opened, every one of them, each going to its question."""
    at = _screen(start(), jurisdiction="eu", technologies=["cctv"], law_enforcement="unknown")
    q, a = _assessment(at)
    assert a.potential and a.evidence_gaps, "the fixture must give possible flags and gaps"
    keys = {b.key for b in at.button if b.key}
    assert not any(k.startswith(("jump_bar_assessment_p_", "jump_panel_gap_")) for k in keys)
    at.session_state["bar_assessment_possible"] = True
    at.session_state["panel_gaps"] = True
    ok(at.run())
    keys = {b.key for b in at.button if b.key}
    for f in a.potential:
        assert {f"jump_bar_assessment_p_{f.id}_{x}" for x in (f.gap_questions or list(f.answers))
                if q.question(x) is not None} <= keys
    assert {f"jump_panel_gap_{g.question}" for g in a.evidence_gaps} <= keys
    qid = a.evidence_gaps[0].question
    ok(at.button(key=f"jump_panel_gap_{qid}").click().run())
    assert at.session_state["section"] == q.section_of(qid).id
