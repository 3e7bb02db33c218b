"""The council brief's first page as data: the decision (and the system already in use), the three reasons,
the red flags by status, the one completeness figure and what it would take."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pia import wording
from pia.answers import AnswerSet, completeness
from pia.assess import assess
from pia.assess.summary import completeness_figure
from pia.report import context_for
from pia.report.council import DECISION, decision_for, in_use

from .reportkit import GENERATED, ROOT, load_example

EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
CASES = ROOT / "tests" / "cases"


def _with(answers: AnswerSet, **changes: object) -> AnswerSet:
    for qid, value in changes.items():
        answers = answers.with_answer(qid, value)
    return answers


def _council(path, remedy: bool = False, **changes):
    ex = load_example(path)
    answers = _with(ex.answers, **changes) if changes else ex.answers
    return context_for(ex.q, answers, brief=True, generated=GENERATED, remedy=remedy)


def test_every_outcome_asks_one_decision_and_a_running_system_is_never_refused() -> None:
    for outcome in wording.OUTCOMES:
        assert decision_for(outcome, False) == DECISION[outcome]
        assert decision_for(outcome, None) == DECISION[outcome]
        assert decision_for(outcome, True) != "refuse"
    assert decision_for("prohibited", True) == "stop" and decision_for("do_not_proceed", True) == "suspend"
    assert decision_for("proceed_with_conditions", True) == "approve_conditions"
    assert decision_for("revise", False) == "send_back" and decision_for("proceed", False) == "approve"


def test_a_prohibited_proposal_is_refused_and_a_prohibited_running_system_stopped() -> None:
    path = EXAMPLES / "live_fr_police_unauthorised.yaml"
    new = _council(path)["council"]["decision"]
    assert (new["id"], new["label"], new["running"]) == ("refuse", "Refuse", False)
    assert new["options"] == ["Approve", "Approve with conditions", "Send back", "Refuse"]
    assert new["running_text"] == wording.label("decision.not_running")
    for change in ({"change_type": "existing_review"}, {"assessment_timing": "in_use"}):
        ctx = _council(path, **change)
        running = ctx["council"]["decision"]
        assert ctx["outcome"]["id"] == "prohibited", change
        assert (running["id"], running["label"], running["running"]) == ("stop", "Stop", True)
        assert "Refuse" not in running["options"] and {"Suspend", "Stop"} <= set(running["options"])
        assert running["sentence"] == wording.label("decision.stop.sentence_running")
        assert ctx["outcome"]["decision_requested"] == running["sentence"]
        assert "reject" not in running["sentence"]


def test_running_comes_from_the_answers_and_is_unsaid_when_they_are_silent() -> None:
    ex = load_example(EXAMPLES / "school_cctv.yaml")
    effective = dict(ex.answers.answers)
    assert in_use(ex.q, effective) is False
    assert in_use(ex.q, {**effective, "assessment_timing": "in_use"}) is True
    assert in_use(ex.q, {k: v for k, v in effective.items() if k not in ("change_type", "assessment_timing")}) is None
    assert in_use(ex.q, {"change_type": "unknown"}) is None
    mini = load_example(ROOT / "tests" / "fixtures" / "mini" / "answers_complete.yaml")
    ctx = context_for(mini.q, mini.answers, brief=True)
    assert ctx["council"]["decision"]["running_text"] == ""  # the mini questionnaire does not ask


def test_a_case_already_in_use_is_suspended_not_refused() -> None:
    """Detroit's face searches were reviewed while running: at best 'do not proceed' (open towards a state ban),
    so suspend now, whichever way the open answers go; King's Cross, decided 'do not proceed' while running, is
    suspended with no such note."""
    ctx = _council(CASES / "detroit-fr-pre-2024.yaml")
    d = ctx["council"]["decision"]
    assert ctx["outcome"]["decided"] is False and ctx["outcome"]["best"] == "do_not_proceed"
    assert (d["id"], d["running"]) == ("suspend", True)
    assert d["sentence"] == wording.label("decision.suspend.sentence_running")
    assert d["note"] == wording.label("decision.either_way").format(best=wording.outcome_label("do_not_proceed"))
    decided = _council(CASES / "kings-cross-lfr.yaml")
    assert decided["outcome"]["decided"] is True and decided["outcome"]["best"] == "do_not_proceed"
    assert (decided["council"]["decision"]["id"], decided["council"]["decision"]["running"]) == ("suspend", True)
    assert not decided["council"]["decision"]["note"]


def test_an_open_outcome_that_could_still_go_ahead_is_sent_back_between_its_two_decisions() -> None:
    ctx = _council(CASES / "london-road-charging-anpr.yaml", remedy=True)
    o, d = ctx["outcome"], ctx["council"]["decision"]
    assert (o["worst"], o["best"]) == ("do_not_proceed", "proceed_with_conditions")
    assert d["id"] == "send_back"
    assert d["sentence"] == wording.label("decision.send_back.sentence_open").format(
        worst="refuse", best="approve with conditions")
    # The three reasons: what the known answers establish, what it turns on, then a finding.
    reasons = ctx["council"]["reasons"]
    assert len(reasons) == 3 and reasons[0] == o["established"]
    # Page 1 names five of the questions it turns on, and says how many more the full assessment lists.
    assert len(o["decisive_gaps"]) > 5 and all(q in reasons[1] for q in o["decisive_gaps"][:5])
    assert o["decisive_gaps"][5] not in reasons[1]
    assert reasons[1].endswith(wording.label("outcome.open.more").format(n=len(o["decisive_gaps"]) - 5))
    assert ctx["council"]["remedy"]["intro"] == wording.label("remedy.brief_gaps")
    assert ctx["council"]["remedy"]["changes"] == []


def test_red_flags_are_listed_established_then_potential_then_dated_with_reason_and_law() -> None:
    ctx = _council(CASES / "como-park-fr.yaml")
    flags = ctx["council"]["flags"]
    order = [f["status"].split(":")[0] for f in flags]
    assert order == sorted(order, key=["Established", "Potential", "Dated"].index)
    assert {"Established", "Potential", "Dated"} == set(order)
    # Every flag names its legal basis; an established one also says why it applies (a flag that only may apply,
    # or a duty due only later, leaves the why to the full report, so a case with many open questions fits three
    # pages).
    assert all(f["law"] for f in flags)
    assert all(f["reason"] for f in flags if f["status"].startswith("Established"))
    assert all(not f["reason"] and f["clears"] for f in flags if not f["status"].startswith("Established"))
    dated = [f for f in flags if f["status"].startswith("Dated")]
    assert all("applies from" in f["law"] for f in dated)
    soft = next(f for f in flags if f["title"].startswith("Face recognition at or on images"))
    assert soft["law"].count("(soft law)") == 2
    # A potential flag that cannot change the outcome (Como is at least 'Do not proceed' on its known answers)
    # is named in one line instead of a row.
    assert "Precautionary policy" not in " ".join(f["title"] for f in flags)
    assert "Precautionary policy against biometric identification" in ctx["council"]["moot_flags"]


@dataclass
class Counts:
    visible: int
    answered: int
    unknown: int
    missing_required: list[str] = field(default_factory=list)


@pytest.mark.parametrize(("counts", "percent", "text"), [
    (Counts(140, 34, 4, ["x"] * 91), 24, "34 of 140 questions answered (24%); 4 answered \u201cunknown\u201d and "
                                          "102 not answered (91 of them required)."),
    (Counts(200, 199, 1), 99, "199 of 200 questions answered (99%); 1 answered \u201cunknown\u201d."),
    (Counts(10, 10, 0), 100, "10 of 10 questions answered (100%)."),
    (Counts(0, 0, 0), 100, "0 of 0 questions answered (100%)."),
])
def test_completeness_figure_counts_only_known_answers(counts: Counts, percent: int, text: str) -> None:
    figure = completeness_figure(counts)
    assert (figure.percent, figure.text) == (percent, text)
    assert figure.answered + figure.unknown + figure.unanswered == figure.shown


def test_one_completeness_figure_for_brief_full_report_json_and_the_app_counts() -> None:
    """The live count (pia.answers.completeness, as the app reads it) and the Assessment's give one figure."""
    import json

    from pia.report import render

    ex = load_example(CASES / "como-park-fr.yaml")
    live = completeness_figure(completeness(ex.q, ex.answers.answers))
    assert live == completeness_figure(assess(ex.q, ex.answers).completeness)
    brief = context_for(ex.q, ex.answers, brief=True)
    full = context_for(ex.q, ex.answers)
    assert brief["completeness"]["phrase"] == full["completeness"]["phrase"] == live.text
    assert brief["council"]["completeness"]["figure"] == live.text
    assert brief["completeness"]["percent"] == live.percent == (100 * live.answered) // live.shown   # rounded down
    doc = json.loads(render(ex.q, ex.answers, "json"))
    assert doc["completeness"]["text"] == live.text and doc["completeness"]["percent"] == live.percent
