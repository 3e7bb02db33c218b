"""Every user-facing label pia prints, in one place, each under a stable key.

The CLI, the app and every report read their words from here, so a council
member reading the brief and an auditor reading the app see the same decision
in the same words. Keys are dotted and stable (``outcome.prohibited.label``) so
a language pack can later replace the English catalogue without touching code.

Level names (Low ... Very high) are not here: they belong to the instrument's
risk matrix, which may rename them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

OUTCOMES: tuple[str, ...] = (
    "prohibited", "do_not_proceed", "incomplete", "revise", "proceed_with_conditions", "proceed",
)
DIMENSIONS: tuple[str, ...] = ("scale", "scope", "irremediability", "likelihood")

EN: Mapping[str, str] = {
    # The decision, as a label (app, CLI, every report) ...
    "outcome.prohibited.label": "Legally prohibited",
    "outcome.do_not_proceed.label": "Do not proceed",
    "outcome.incomplete.label": "Incomplete: evidence needed before a decision",
    "outcome.revise.label": "Revise: proceed only after remediation",
    "outcome.proceed_with_conditions.label": "Proceed with conditions",
    "outcome.proceed.label": "Proceed (monitor)",
    # ... as one sentence (reports) ...
    "outcome.prohibited.sentence": "The proposed use is prohibited by law and cannot go ahead in any form.",
    "outcome.do_not_proceed.sentence": "The proposal should not go ahead as it stands: a legal red flag applies "
    "that no safeguard can lift.",
    # do_not_proceed reached by the risk level, with no red flag behind it.
    "outcome.do_not_proceed.risk_sentence": "The proposal should not go ahead as it stands: the remaining risk to "
    "rights is very high even with the safeguards in place.",
    "outcome.incomplete.sentence": "No conclusion can be drawn yet: information that decides the outcome is missing.",
    "outcome.revise.sentence": "The proposal should be revised: the remaining risk to rights is too high "
    "with the safeguards now in place.",
    "outcome.proceed_with_conditions.sentence": "The proposal can go ahead only with the conditions listed, "
    "each with an owner and a date.",
    "outcome.proceed.sentence": "The proposal can go ahead; the remaining risk to rights is low.",
    # ... and as the decision the council is asked to take (reports).
    "outcome.prohibited.decision": "The council is asked to note that the proposal cannot lawfully proceed and "
    "to stop it.",
    "outcome.do_not_proceed.decision": "The council is asked to reject the proposal in its current form.",
    "outcome.incomplete.decision": "The council is asked to defer its decision until the missing information "
    "listed in this report has been provided and the assessment repeated.",
    "outcome.revise.decision": "The council is asked to send the proposal back for revision, so that the risks "
    "listed are reduced before it is decided.",
    "outcome.proceed_with_conditions.decision": "The council is asked to approve the proposal subject to the "
    "conditions below, and to require a report back on each of them by its due date.",
    "outcome.proceed.decision": "The council is asked to approve the proposal and the review date below.",
    # How a triggered red flag acts on the proposal, by the outcome it forces (plain language).
    "flag_effect.prohibited": "makes the use prohibited by law",
    "flag_effect.do_not_proceed": "stops the proposal as it stands",
    "flag_effect.incomplete": "means a step the law requires before any decision has not been taken",
    "flag_effect.revise": "requires the proposal to be revised",
    "flag_effect.proceed_with_conditions": "attaches conditions to the proposal",
    "flag_effect.proceed": "does not change the outcome",
    # Red-flag status.
    "status.triggered": "Applies",
    "status.potential": "May apply (depends on an unknown answer)",
    "status.triggered.short": "Applies",
    "status.potential.short": "May apply: an answer is unknown",
    # Mitigation state.
    "state.proposed": "Proposed",
    "state.planned": "Planned",
    "state.implemented": "Implemented",
    "state.verified": "Verified",
    # Rating dimensions and their meaning.
    "dimension.scale": "Scale",
    "dimension.scope": "Scope",
    "dimension.irremediability": "Irremediability",
    "dimension.likelihood": "Likelihood",
    "dimension.severity": "Severity",
    "dimension.scale.help": "how grave the harm is for the person affected",
    "dimension.scope.help": "how many people are affected",
    "dimension.irremediability.help": "how hard the harm is to undo",
    "dimension.likelihood.help": "how likely the harm is",
    # Scores 1-4 of a dimension.
    "score.1": "low",
    "score.2": "moderate",
    "score.3": "high",
    "score.4": "very high",
    # Answers.
    "answer.answered": "Answered",
    "answer.unknown": "Unknown",
    "answer.missing": "Not answered",
    "answer.not_applicable": "Not applicable to this proposal",
    "answer.not_stated": "Not stated",
    "level.none": "Not rated",
    "level.red_flag": "Red flag",
    # Obligations: why one applies (plain language) and how often to review.
    "obligation.because_red_flag": "Because a legal red flag applies",
    "obligation.because_red_flags": "Because legal red flags apply",
    "obligation.because_level": "Because the highest remaining risk is {level}",
    "obligation.review_every": "Every {months} months",
    "obligation.no_review": "Not applicable",
    # Mitigation plan rows.
    "mitigation.no_owner": "Not assigned",
    "mitigation.no_date": "No date",
    "mitigation.condition_fails": "counts only when its condition on {questions} holds, and it does not; it "
    "lowers no rating",
    "mitigation.condition_unknown": "counts only when its condition on {questions} holds, which is not known yet; "
    "counted in the projection only",
    "mitigation.counted": "Yes",
    "mitigation.not_counted": "Not yet",
    # What it would take (pia.assess.remedy), as `pia assess` prints it.
    "remedy.heading": "What it would take",
    "remedy.prohibited": "Nothing: a prohibition cannot be lifted by safeguards. Each flag below says what "
    "would have to change in the proposal itself.",
    "remedy.none_needed": "Nothing: this is already the best outcome.",
    "remedy.gaps": "Answer the questions that decide the outcome; the assessment then says what else it "
    "would take:",
    "remedy.none_found": "No set of up to three changes per finding reaches '{target}'.",
    "remedy.set_first": "Smallest set ({n}), reaching '{target}':",
    "remedy.set_other": "Or, as small ({n}), reaching '{target}':",
    "remedy.one_change": "1 change",
    "remedy.n_changes": "{n} changes",
    "remedy.safeguard": "verify {id} ({title}) with its evidence record (now: {was})",
    "remedy.not_in_plan": "not in the plan",
    "remedy.answer": "change {id} from {was} to {to}",
    "remedy.answer_gap": "answer {id}",
    # ... and as the reports word it (question and safeguard titles, no ids).
    "remedy.plain_safeguard": "Verify \u201c{title}\u201d with its evidence record (now: {was})",
    "remedy.plain_answer": "Change \u201c{question}\u201d from {was} to {to}",
    "remedy.plain_list": "Change \u201c{question}\u201d: {what}",
    "remedy.plain_evidence": "Record who confirmed, and when, the answer to “{question}” ({answer})",
    "remedy.list_remove": "remove {items}",
    "remedy.list_add": "add {items}",
    "remedy.plain_answer_gap": "Answer \u201c{question}\u201d",
    "remedy.none_asked": "Not worked out for this report.",
    "remedy.not_exhaustive": "The search stopped at its limit; a smaller set may exist.",
    "remedy.flag": "Red flag {id}",
    "remedy.flag_clears": "clears when: {text}",
    "remedy.flag_answers": "answers that clear it: {changes}",
    "remedy.flag_evidence": "needs an evidence record for: {ids}",
    "remedy.flag_evidence_missing": "the answer to {id} counts only with its evidence record: {why}",
    "remedy.flag_gaps": "depends on unknown answers: {ids}",
    "remedy.flag_facts": "also reads facts, which are not changed here: {ids}",
    "remedy.evidence": "record the evidence (document, who confirmed it, date) for {id} (answered {was})",
    "remedy.answer_gap_better": " ({values} would give '{target}')",
    "remedy.lowers": " (the design change {rule} names)",
    # Crosswalk.
    "crosswalk.required": "Required",
    "crosswalk.optional": "Optional",
    "crosswalk.not_covered": "Not covered",
    "crosswalk.applies": "Applies",
    "crosswalk.for_reference": "For reference",
    "crosswalk.jurisdiction_unknown": "Jurisdiction not known",
    # Decided or open (method v2).
    "outcome.open.label": "Open between {worst} and {best}",
    "outcome.open.short": "Open",
    "outcome.decided.short": "Decided",
    "basis.established": "established",
    "basis.assumed": "assumed (rests on unknown answers)",
    "basis.assumed.short": "assumed",
    "basis.heading": "Established or assumed",
    "basis.note": "Assumed: the rating rests on unknown answers read at their worst; established: the known "
    "answers alone give it.",
    "outcome.open.turns_on": "It turns on answers not known yet (or claimed without their evidence record): {questions}",
    "outcome.open.together": "Several unknown answers together decide it; none settles it alone.",
    "outcome.open.established": "What the known answers already establish: the outcome can be no better than "
    "\u2018{best}\u2019.",
    "outcome.decided.note": "Decided: the unknown answers, if any, cannot change it.",
    # Law in time: the status of a legal anchor and when a duty binds.
    "anchor_status.binding": "Binding",
    "anchor_status.soft_law": "Soft law",
    "anchor_status.local_policy": "Local policy",
    "anchor.applies_from": "applies from {date}",
    "anchor.applied_since": "applies since {date}",
    "anchor.applies_until": "applies until {date}",
    "anchor.applied_until": "ceased to apply after {date}",
    "anchor.in_force": "in force on the assessment date",
    "anchor.not_in_force": "not in force on the assessment date",
    "anchor.in_force_unknown": "in force not known (the assessment has no date)",
    # References shown per jurisdiction (pia/references.py): every one cited applies elsewhere only.
    "references.none_apply": "No cited source applies in this jurisdiction (each is limited to another).",
    "references.if_echr_party": " (if the state is a party to the ECHR)",
    # Red flags: an answer that would clear a flag but lacks its evidence record.
    "evidence.missing": "Evidence still missing for a clearing answer (read as unknown until its record is added)",
    "evidence.missing_item": "{question}: {why}",
    "dated.heading": "Duties that apply from a later date",
    "dated.intro": "Assessment date: {date}. The law behind these duties does not yet apply on that date, so "
    "they do not stop the proposal now; each must be met by the date shown.",
    "timing.later": "Due by {date}",
    "timing.after_period": "Applies from {date}, after the planned end of operation",
    "timing.unknown": "Applies from {date}; the assessment has no date, so it is also treated as applying now",
    "timing.lapsed": "No longer applies",
    "timing.no_date": "Not dated",
    "timing.what.flag": "Red flag {id} ({title}) would force '{outcome}'",
    "timing.what.obligation": "The obligation '{title}' ({because})",
    "timing.reason.later": "{what}, but its binding basis ({basis}) applies only from {from}, after the assessment "
    "date of {on}. It is not a stop now: it is an obligation due by {from}, within the planned operation.",
    "timing.reason.before_start": "{what}, but its binding basis ({basis}) applies only from {from}, after the "
    "assessment date of {on}. Operation is planned to start on {start}, when it already applies: it must be met "
    "before the start.",
    "timing.reason.after_period": "{what}, but its binding basis ({basis}) applies only from {from}, after the "
    "planned end of operation on {end}. It binds only if operation is extended beyond that date.",
    "timing.reason.unknown": "{what}. Its binding basis ({basis}) applies from {from}, and the answers give no "
    "assessment date (meta.date): it is kept as a current stop, and it would be an obligation due by {from} "
    "instead if the assessment is dated before then.",
    "timing.reason.unknown_until": "{what}. Its basis ({basis}) applies only for a limited time, and the answers "
    "give no assessment date (meta.date): it is kept as a current stop.",
    "timing.reason.lapsed": "{what}, but its basis ({basis}) ceased to apply after {until}, before the assessment "
    "date of {on}. It is not a stop.",
    # Accuracy weighed (pia/assess/accuracy.py): the heading, the test result against the acceptance rule ...
    "accuracy.heading": "Accuracy weighed (independent test results per group)",
    "accuracy.result.pass": "Passes: the highest group false-match rate is {ratio} times the lowest "
    "(acceptance rule: at most {limit}, {source}).",
    "accuracy.result.fail": "Fails: the highest group false-match rate ({worst}) is {ratio} times the lowest "
    "(acceptance rule: at most {limit}, {source}).",
    "accuracy.result.fail_zero": "Fails: group {worst} has false matches while another group has none, so the "
    "ratio has no bound (acceptance rule: at most {limit}, {source}).",
    "accuracy.result.untested": "Untested: no independent test at the operating threshold; counted as failing.",
    "accuracy.result.unknown": "Not known: the independent test's results per group are not given (at least "
    "{min_groups} groups with a rate are needed); counted as failing until they are.",
    # ... and the expected false alerts with their derivation.
    "accuracy.fpir": "False alert chance per person scanned: 1 - (1 - {fmr} per million)^{n} = {fpir} "
    "(false-match rate of the worst-served group, {group}, against a list of {n}).",
    "accuracy.per_10000": "Expected false alerts: {value} per 10,000 people scanned.",
    "accuracy.per_day": "Expected false alerts: {value} per day ({people} people scanned a day x {fpir}).",
    "accuracy.per_deployment": "Expected false alerts: {value} in deployment {row} ({place}: {people} faces x "
    "{fpir} at a list of {n}).",
    # The council brief: the decision asked of the council, for a proposal and for a system already in use.
    "decision.approve": "Approve",
    "decision.approve_conditions": "Approve with conditions",
    "decision.send_back": "Send back",
    "decision.refuse": "Refuse",
    "decision.suspend": "Suspend",
    "decision.stop": "Stop",
    "decision.heading": "Decision requested",
    "decision.recommended": "Recommended on this assessment: {decision}.",
    "decision.options": "Options open to the council: {options}.",
    "decision.running": "The system is already in use, so refusing is no longer open: the choice is whether it "
    "continues, with or without conditions, or is suspended or stopped.",
    "decision.not_running": "The system is not yet in use.",
    "decision.running_unknown": "The answers do not say whether the system is already in use; the options are "
    "those for a new proposal.",
    "decision.approve.sentence": "The council is asked to approve the proposal and the review date below.",
    "decision.approve.sentence_running": "The council is asked to approve the system's continued use and the "
    "review date below.",
    "decision.approve_conditions.sentence": "The council is asked to approve the proposal subject to the "
    "conditions below, and to require a report back on each of them by its due date.",
    "decision.approve_conditions.sentence_running": "The council is asked to approve the system's continued use "
    "subject to the conditions below, and to require a report back on each of them by its due date.",
    "decision.send_back.sentence": "The council is asked to send the proposal back, to be revised and assessed "
    "again before it is decided.",
    "decision.send_back.sentence_running": "The council is asked to send the assessment back: the system is to be "
    "revised and assessed again, and the council decides then whether it may continue.",
    "decision.send_back.sentence_open": "The council is asked to send the proposal back until the open questions "
    "below are answered; the decision would then be to {worst} or to {best}, depending on the answers.",
    "decision.refuse.sentence": "The council is asked to refuse the proposal in its current form.",
    "decision.refuse.sentence_prohibited": "The council is asked to note that the proposal cannot lawfully "
    "proceed and to refuse it.",
    "decision.suspend.sentence_running": "The council is asked to suspend the system, which is already in use, "
    "until it has been redesigned and assessed again.",
    "decision.stop.sentence_running": "The council is asked to stop the system, which is already in use: it "
    "cannot lawfully continue in any form.",
    "decision.either_way": "The open answers cannot change this decision: at best the outcome is \u2018{best}\u2019.",
    # The council brief: red flags by status, what the open gaps could change, what it would take.
    "flag_basis.established": "Established",
    "flag_basis.potential": "Potential: depends on an unknown answer",
    "flag_basis.dated": "Dated: {when}",
    "law.soft_law": "soft law",
    "law.local_policy": "local policy",
    "gaps.assumed": "{n} of {total} rights are rated on unknown answers read at their worst (marked "
    "\u201cassumed\u201d below); answering them could lower those ratings.",
    "gaps.established": "Every rating rests on known answers.",
    "gaps.open": "Answering the open questions above decides the outcome between \u2018{worst}\u2019 and "
    "\u2018{best}\u2019.",
    "flags.moot": "Also possible, but none of these can change the outcome, which the known answers already make "
    "\u2018{outcome}\u2019 or worse: {titles}. Their legal basis and what would clear them are in the full report.",
    "gaps.potential_flags": "{n} red flag{s} may apply or fall away once the unknown answers are known.",
    "remedy.see_flags": "What would clear each red flag is in its row below.",
    "remedy.brief_gaps": "Answer the open questions the outcome turns on (above); the assessment then says what "
    "else it would take.",
    "outcome.open.more": "; and {n} more, listed in the full assessment.",
    "questions.more": " and {n} more",
    # How complete the assessment is (pia.assess.summary.completeness_figure): one figure on every surface.
    "completeness.figure": "{answered} of {shown} questions answered ({percent}%)",
    "completeness.unknown": "{n} answered \u201cunknown\u201d",
    "completeness.unanswered": "{n} not answered",
    "completeness.required": " ({n} of them required)",
    "completeness.and": " and ",
    # Review of a section (pia.signoff.records.MARKS).
    "review.acceptable": "Acceptable",
    "review.improvable": "Improvable",
    "review.to_correct": "To correct",
    "review.not_reviewed": "Not reviewed",
    # Sign-off of the whole assessment (pia.signoff.records.SignoffState.status).
    "signoff.none": "Not signed off",
    "signoff.approved": "Approved and signed",
    "signoff.rejected": "Rejected",
    "signoff.stale": "Sign-off out of date: the answers changed after the decision",
    "signoff.single_user": "Single-user mode: no login, so who decided was not checked",
    # The DPO's advice, as followed or not.
    "dpo.followed": "Followed",
    "dpo.partly_followed": "Partly followed",
    "dpo.overruled": "Not followed",
    # Roles on a draft.
    "role.owner": "Owner",
    "role.author": "Author",
    "role.reviewer": "Reviewer",
    "role.approver": "Approver",
    "role.reader": "Reader",
    # What an approver attests (pia.signoff.records.ATTESTATIONS).
    "attest.read_full_assessment": "I have read the whole assessment and the evidence it names",
    "attest.dpo_advice_considered": "The data protection officer's advice is recorded and was considered",
    "attest.consultation_considered": "What the people consulted said is recorded and was considered",
    "attest.safeguards_owned": "Each safeguard in the action plan has an owner and a due date",
    "attest.authority_to_decide": "I have the authority to take this decision",
    # Thread state on a question.
    "thread.open": "Open",
    "thread.resolved": "Resolved",
    # Action plan export columns and flags; schedule events.
    "actions.column.row": "Row",
    "actions.column.id": "Safeguard id",
    "actions.column.safeguard": "Safeguard",
    "actions.column.state": "State",
    "actions.column.owner": "Owner",
    "actions.column.due": "Due date",
    "actions.column.overdue": "Overdue",
    "actions.column.evidence": "Evidence",
    "actions.overdue": "Overdue",
    "actions.not_overdue": "No",
    "schedule.review": "Review of the assessment due",
    "schedule.sunset": "Sunset: the system stops unless renewed",
}

MONTHS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(value: date | str | None) -> str:
    """A date as the reports write it, e.g. `2 Dec 2027` (an ISO text is accepted); None as 'Not dated'."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if value is None:
        return EN["timing.no_date"]
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def anchor_status_label(status: str) -> str:
    return EN.get(f"anchor_status.{status}", status)


def label(key: str) -> str:
    """The words for a key; an unknown key is a programming error, so it raises."""
    return EN[key]


def outcome_label(outcome: str) -> str:
    return EN.get(f"outcome.{outcome}.label", outcome.replace("_", " "))


def headline(outcome: str, worst: str = "", best: str = "") -> str:
    """The outcome as every surface heads it: a decided outcome's label, or the open range."""
    if outcome == "incomplete" and worst and best and worst != best:
        return EN["outcome.open.label"].format(worst=outcome_label(worst), best=outcome_label(best))
    return outcome_label(outcome)


def basis_label(basis: str, *, short: bool = False) -> str:
    return EN.get(f"basis.{basis}" + (".short" if short and basis == "assumed" else ""), basis)


def outcome_sentence(outcome: str, *, by_red_flag: bool) -> str:
    """'Do not proceed' names its real cause: a red flag, or the risk level alone."""
    if outcome == "do_not_proceed" and not by_red_flag:
        return EN["outcome.do_not_proceed.risk_sentence"]
    return EN.get(f"outcome.{outcome}.sentence", "")


def decision_requested(outcome: str) -> str:
    return EN.get(f"outcome.{outcome}.decision", "")


def flag_effect(outcome: str) -> str:
    return EN.get(f"flag_effect.{outcome}", f"leads to '{outcome_label(outcome)}'")


def status_label(status: str, *, short: bool = False) -> str:
    return EN.get(f"status.{status}" + (".short" if short else ""), status)


def state_label(state: str) -> str:
    return EN.get(f"state.{state}", state)


def dimension_label(dimension: str) -> str:
    return EN.get(f"dimension.{dimension}", dimension)


def dimension_help(dimension: str) -> str:
    return EN.get(f"dimension.{dimension}.help", "")


def score_word(score: int | None) -> str:
    return EN.get(f"score.{score}", "")


SCORES: tuple[int, ...] = (1, 2, 3, 4)


def obligation_because(level: str, level_label: str, flags: int) -> str:
    """Why an obligation applies, without red-flag ids."""
    if level == "red_flag":
        return EN["obligation.because_red_flag" if flags <= 1 else "obligation.because_red_flags"]
    low = level_label[:1].lower() + level_label[1:]
    return EN["obligation.because_level"].format(level=low)


def review_interval(months: int | None) -> str:
    return EN["obligation.review_every"].format(months=months) if months else EN["obligation.no_review"]


def answered_phrase(answered: int, visible: int, unknown: int) -> str:
    """How far the answers are, in the words every surface uses after "Answered".

    `answered` excludes "unknown" answers, which are counted apart; the Word
    templates spell the same phrase out with the same three numbers.
    """
    return f"{answered} of {visible} questions shown ({unknown} unknown)"


def accuracy_sentence(key: str, **values: object) -> str:
    """One line of the accuracy derivation (key without the `accuracy.` prefix), numbers filled in."""
    return EN[f"accuracy.{key}"].format(**values)
