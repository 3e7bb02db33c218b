"""Plain-language findings for the council brief.

The engine's outcome reasons name rule and red-flag ids so an auditor can trace
every conclusion; the full assessment prints them. A councillor needs the same
conclusions without the ids: these functions rebuild them from the structured
assessment (levels, red flags, harms, unknown answers), never by editing the
engine's sentences, so nothing is lost when the engine's wording changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..assess.models import Assessment, DimensionResult
from ..assess.naming import end_sentence, named
from ..rules_model import DIMENSIONS
from ..text import text
from ..wording import flag_effect, label, outcome_label

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def rights_phrase(names: list[str]) -> str:
    """'privacy' or 'three rights: privacy and data protection; expression; and health'.

    Right names contain commas and 'and' themselves, so a list of them is
    separated by semicolons and announced by its count.
    """
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    count = NUMBER_WORDS.get(len(names), str(len(names)))
    return f"{count} rights: " + "; ".join(names[:-1]) + "; and " + names[-1]


def _questions(labels: list[str]) -> str:
    """Question wordings, quoted and capped as in the engine's reasons, as the end of a sentence."""
    return end_sentence(named(labels))


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:] if label else label


def turns_on(questions: list[str]) -> str:
    """What an open outcome turns on, by question wording (no ids)."""
    if not questions:
        return label("outcome.open.together")
    return label("outcome.open.turns_on").format(questions=_questions(questions))


def established(
    a: Assessment,
    rights: list[dict[str, Any]],
    red_flags: list[dict[str, Any]],
    levels: Mapping[str, Mapping[str, Any]],
) -> str:
    """What the known answers alone already establish, in plain words (from the engine's `established` reason)."""
    best = a.outcome_best or a.outcome
    sentence = label("outcome.open.established").format(best=outcome_label(best))
    reason = next((r for r in a.reasons if r.kind == "established"), None)
    if reason is None:
        return sentence
    flags = {f["id"]: f for f in red_flags}
    names = {r["id"]: r for r in rights}
    raw = {r.id: r for r in a.rights}
    if reason.flags and reason.flags[0] in flags:
        why = f"a legal red flag applies on the known answers alone ({flags[reason.flags[0]]['title']})"
    elif reason.rights and reason.rights[0] in names:
        rid = reason.rights[0]
        known = raw[rid].residual_known_only or raw[rid].residual
        level = _lower(str(levels[known]["label"])) if known in levels else ""
        why = f"the remaining risk to {_lower(names[rid]['name'])} is already {level} on the known answers alone"
        if reason.by_design:
            why += (", only through the interference the system makes by design, which no safeguard lowers "
                    "(its obligations are the conditions)")
    else:
        return sentence
    return sentence.rstrip(".") + f", because {why}."


def main_reason(dimensions: Mapping[str, DimensionResult], harm: Mapping[str, str], *, note_gap: bool = True) -> str:
    """The harm behind a right's highest-rated dimension, in a few words.

    Dimensions are taken from the highest value down (ties in the usual order),
    and the first harm a rule names is the main reason; the count of further
    factors tells the reader there is more in the full assessment.
    """
    order = sorted(DIMENSIONS, key=lambda d: (-dimensions[d].value, DIMENSIONS.index(d)))
    harms: list[str] = []
    gap = False
    for d in order:
        dr = dimensions[d]
        gap = gap or dr.evidence_gap
        for rid in [*dr.rules, *dr.uplift_rules]:
            h = harm.get(rid, "")
            if h and h not in harms:
                harms.append(h)
    if not harms:
        text = "No factor in the answers raises it"
    else:
        text = harms[0]
        more = len(harms) - 1
        if more:
            text += f" (and {more} other factor{'s' if more > 1 else ''})"
    if gap and note_gap:  # the brief marks an assumed rating in its own cell instead
        text += "; assumed at its worst because an answer is unknown"
    return text + "."


def outcome_reasons(
    a: Assessment,
    rights: list[dict[str, Any]],
    red_flags: list[dict[str, Any]],
    levels: Mapping[str, Mapping[str, Any]],
    label_of: Any,
) -> list[str]:
    """Why the outcome is what it is, in sentences a councillor can read aloud.

    `rights` and `red_flags` are the report context's rows (names and labels
    already translated); which of them to speak of, and in what order, comes
    from the engine's typed reasons; `label_of(qid)` gives a question's wording.
    """
    outcome = a.outcome
    flag_rows = {f["id"]: f for f in red_flags}
    right_rows = {r["id"]: r for r in rights}
    raw_rights = {r.id: r for r in a.rights}
    overall = a.overall_level
    overall_label = _lower(str(levels[overall]["label"])) if overall in levels else ""
    out: list[str] = []

    # The engine's reasons decide which flags and rights to speak of, in its order.
    triggered = [flag_rows[f] for r in a.reasons if r.kind == "red_flag" for f in r.flags]
    if triggered:
        worst = triggered[0]
        effect = flag_effect(worst["outcome"])
        if len(triggered) == 1:
            out.append(f"A legal red flag applies: {worst['title']}. It {effect}.")
        else:
            count = NUMBER_WORDS.get(len(triggered), str(len(triggered))).capitalize()
            out.append(f"{count} legal red flags apply (listed below). The most serious, "
                       f"\u201c{worst['title']}\u201d, {effect}.")
        out.append("No safeguard can lift a red flag; only changing the proposal or its legal footing can.")
        if overall_label:
            out.append(f"Apart from the red flags, the highest remaining risk to any right is {overall_label}.")
        return out

    if outcome == "incomplete":
        for reason in a.reasons:
            qs = [label_of(q) for q in reason.questions]
            if reason.kind == "open":
                out.append(f"{a.headline}. {turns_on(qs)}")
            elif reason.kind == "established":
                out.append(established(a, rights, red_flags, levels))
            elif reason.kind == "possible_red_flag":
                f = flag_rows[reason.flags[0]]
                known = ("an answer not known yet" if len(qs) <= 1 else "answers not known yet") + (
                    f": {_questions(qs)}" if qs else ".")
                out.append(f"A legal red flag may apply ({f['title']}); if it does, it {flag_effect(f['outcome'])}. "
                           f"It depends on {known}")
            elif reason.kind == "evidence_gap":
                r = right_rows[reason.rights[0]]
                known = raw_rights[r["id"]].known_only
                known_label = _lower(str(levels[known]["label"])) if known in levels else ""
                sentence = (f"The risk to {_lower(r['name'])} is rated {_lower(r['inherent']['label'])} only "
                            "because some answers are unknown")
                if known_label:
                    sentence += f"; on the known answers alone it would be {known_label}"
                out.append(sentence + (f". Unknown: {_questions(qs)}" if qs else "."))
        out.append("The missing information must be found and the assessment repeated before the council decides.")
        return out

    if overall is None:
        return ["The questionnaire rates no rights, and no legal red flag applies."]
    top = max(r["residual"]["rank"] for r in rights) if rights else -1
    if top <= 0:
        out.append("The remaining risk to every right is low, and no legal red flag applies.")
    else:
        worst = [r for r in rights if r["residual"]["rank"] == top]
        names = rights_phrase([_lower(r["name"]) for r in worst])
        verified = sum(1 for m in a.mitigations if m.counted)
        if verified:
            out.append(f"Even with the safeguards verified so far, the remaining risk is {overall_label} for {names}.")
        else:
            out.append(f"No safeguard has been verified yet; the risk is {overall_label} for {names}.")
        by_design = [r for r in a.reasons if r.kind == "by_design"]
        if by_design:
            harms = [text(h.harm) for r in by_design if (right := raw_rights.get(r.rights[0])) is not None
                     for h in right.harm_ratings if h.by_design]
            quoted = ", ".join(f"\u201c{h}\u201d" for h in dict.fromkeys(harms))
            what = f" ({quoted})" if harms else ""
            out.append(f"That risk is the interference the system makes by design{what}: no safeguard lowers it, "
                       "and only not using the technology would end it. No legal red flag applies, so the proposal "
                       "can go ahead with the obligations of this level of risk as its conditions.")
        else:
            out.append("No legal red flag applies, so the outcome follows from this highest remaining risk.")
    projected = a.overall_projected_level
    pending = any(not m.counted for m in a.mitigations)
    if projected in levels and overall in levels and levels[projected]["rank"] < levels[overall]["rank"]:
        out.append("If the planned safeguards are completed and verified, the highest risk would fall to "
                   f"{_lower(str(levels[projected]['label']))}.")
    elif top > 0 and pending:
        # A right held High by the design's own interference is not lowered by safeguards, and says so above.
        by_design = {r.rights[0] for r in a.reasons if r.kind == "by_design"}
        worst = [r for r in rights if r["residual"]["rank"] == top and r["id"] not in by_design]
        lowered = [_lower(r["name"]) for r in worst if r["projected"]["rank"] < r["residual"]["rank"]]
        stays = [_lower(r["name"]) for r in worst if r["projected"]["rank"] >= r["residual"]["rank"]]
        if lowered:
            out.append(f"Once verified, the planned safeguards would lower the risk for {rights_phrase(lowered)}. "
                       f"It would stay {overall_label} for {rights_phrase(stays)}.")
        elif worst:
            out.append("The safeguards now planned would not lower this risk; further safeguards or changes to the "
                       "proposal are needed.")
    return out
