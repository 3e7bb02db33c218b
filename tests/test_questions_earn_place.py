"""Every choice and number question earns its place: it feeds a rule, a flag, a safeguard or the derivation,
or says why it is kept (`documentary:`).

Issue 13 found 52 such questions that no rule read, among them facts that decided real cases. A question
nobody reads costs the person answering time and tells the council nothing the ratings reflect; a question
kept for the record must say so, so a reader of the instrument can tell the two apart.
"""

from __future__ import annotations

from pia.conditions import referenced
from pia.model import Questionnaire

WEIGHED_TYPES = {"yes_no", "single_choice", "multi_choice", "number"}


def read_by_the_engine(q: Questionnaire) -> set[str]:
    """Ids of the questions a red flag, risk rule, safeguard, accuracy input or operating period reads,
    together with every question whose answer decides whether one of those is shown."""
    r = q.rules
    used: set[str] = set()
    for flag in r.red_flags:
        used |= referenced(flag.when)
    for rule in r.risk_rules:
        used |= referenced(rule.when)
    for m in r.mitigations:
        used |= referenced(m.counts_when)
    for a in r.answer_safeguards:
        used |= referenced(a.when)
    if r.accuracy is not None:
        acc = r.accuracy
        used |= referenced(acc.when) | referenced(acc.live_when)
        used |= {x for x in (acc.provenance_question, acc.group_rates_question, acc.watchlist_size_question,
                             acc.people_per_day_question, acc.deployments_question) if x}
    if r.operating_period is not None:
        used |= {x for x in (r.operating_period.start, r.operating_period.end) if x}
    used |= {x for x in (r.jurisdiction_question, r.mitigation_question) if x}
    # A visibility condition counts only where it decides whether a used question is asked.
    grew = True
    while grew:
        grew = False
        for section in q.sections:
            for question in section.questions:
                if question.id in used:
                    new = referenced(question.when) | referenced(section.when)
                    if not new <= used:
                        used |= new
                        grew = True
    return used


def idle_questions(q: Questionnaire) -> list[str]:
    """Choice and number questions read by nothing and not declared documentary."""
    used = read_by_the_engine(q)
    return [x.id for x in q.questions()
            if x.type in WEIGHED_TYPES and x.id not in used and not x.documentary]


def test_every_choice_and_number_question_is_read_or_documentary(camera):
    idle = idle_questions(camera)
    assert idle == [], (
        "these questions feed no rule, flag, safeguard or derivation and give no `documentary:` reason: "
        + ", ".join(idle))


def test_documentary_questions_are_few_and_give_a_reason(camera):
    documentary = [x for x in camera.questions() if x.documentary]
    weighed = [x for x in camera.questions() if x.type in WEIGHED_TYPES]
    # Most questions must drive the assessment; a documentary question is the exception.
    assert len(documentary) * 3 < len(weighed), f"{len(documentary)} of {len(weighed)} are documentary"
    for x in documentary:
        assert len(x.documentary.split()) >= 8, f"{x.id}: say why the question is kept"


def test_the_check_names_a_question_nobody_reads(camera):
    # A new yes/no question with no rule is reported; declaring it documentary clears it.
    sections = list(camera.sections)
    last = sections[-1]
    extra = camera.question("suspension_power").model_copy(update={"id": "lonely_question", "documentary": None})
    sections[-1] = last.model_copy(update={"questions": [*last.questions, extra]})
    bigger = camera.model_copy(update={"sections": sections})
    bigger.model_post_init(None)
    assert idle_questions(bigger) == ["lonely_question"]
    kept = extra.model_copy(update={"documentary": "Recorded for the council; no rule rates it."})
    sections[-1] = last.model_copy(update={"questions": [*last.questions, kept]})
    cleared = camera.model_copy(update={"sections": sections})
    cleared.model_post_init(None)
    assert idle_questions(cleared) == []


def test_a_visibility_condition_counts_only_when_it_leads_to_a_read_question(camera):
    used = read_by_the_engine(camera)
    # capability_approval is read by R-PRIV-REPURPOSE; network_capability decides whether it is asked.
    assert "capability_approval" in used and "network_capability" in used
    # fr_reference_sources decides whether the vendor-database question is asked, which RF-02 reads.
    assert camera.question("fr_vendor_scraping_free").when is not None
    assert "fr_vendor_scraping_free" in used
