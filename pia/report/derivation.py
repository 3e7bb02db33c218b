"""The derivation annex: every rating of the full report, reproducible by hand.

The engine records, per right and per harm, what it did (`RightResult.dimensions`
and `harm_ratings`); this module lays those numbers out as plain data in the
order an auditor redoes them: baseline -> floor -> uplift -> reductions ->
residual -> matrix cell. It only copies and words the engine's numbers; a test
recomputes every right's residual level from them, so the annex cannot drift
from what the engine decided.
"""

from __future__ import annotations

from typing import Any

from .. import wording
from ..assess.engine import LEVEL_OUTCOMES, outcome_for_rank
from ..assess.models import Assessment, HarmRating, RightResult
from ..rules_model import DIMENSIONS
from ..text import text
from ..wording import basis_label, dimension_label, state_label


def method(cap: int, scope_above_scale: int | None = None, place_each_harm: bool = False) -> list[str]:
    """The method box: the rules every number in the annex follows."""
    extra = []
    if scope_above_scale is not None:
        extra.append(f"Scope counts in severity at most {scope_above_scale} step(s) above scale: severity = "
                     f"max(scale, min(scope, scale + {scope_above_scale}), irremediability) (breadth alone does "
                     "not make a slight harm grave).")
    if place_each_harm:
        extra.append("Each harm is placed in the matrix on its own dimensions (with the right's vulnerability "
                     "uplift added; a harm whose rules rate no likelihood takes the right's likelihood); the "
                     "right's level is the level of its worst harm.")
    return extra + [
        "Each right is rated on four dimensions, 1 (low) to 4 (very high): scale, scope, irremediability "
        "and likelihood. Severity = max(scale, scope, irremediability).",
        "Every dimension starts at the right's baseline. Each risk rule that holds raises it to its floor; "
        "floors take the highest, they never add up.",
        "A vulnerability uplift then raises it by the largest uplift only (uplifts never stack), capped at 4.",
        f"Safeguards lower each harm on its own: per harm and dimension at most {cap} in total "
        f"(reduction_cap = {cap}), never below 1, never below the floor of a rule that is irreducible in law, "
        "and never below the likelihood of an interference (certain by design). Only verified safeguards "
        "with their evidence record, and governance answers that act as safeguards, count; planned ones are "
        "projected only.",
        "A right's residual dimension = the highest residual of its harms, plus the uplift the targeted "
        "safeguards leave (capped at 4).",
        "Level = the risk matrix cell (severity x likelihood); the residual level is never above the level "
        "before safeguards.",
        "An unknown answer is read at its worst: a rule that may hold counts as holding, and the rating is "
        "marked assumed.",
        "Outcome ladder, when no red flag decides: the worst right's residual level gives "
        + ", ".join(f"{lv} '{wording.outcome_label(o)}'" for lv, o in zip(
            ("low", "medium", "high", "very high"), LEVEL_OUTCOMES, strict=True))
        + f"; a right that is high only through harms the design makes by itself (rules marked by_design, "
        f"which nothing but dropping the technology ends) counts as '{wording.outcome_label(LEVEL_OUTCOMES[1])}', "
        "the obligations of a high level being its conditions.",
    ]


def _scores(values: dict[str, int]) -> dict[str, int]:
    return {d: int(values.get(d, 1)) for d in DIMENSIONS}


def _slash(values: dict[str, int]) -> str:
    return "/".join(str(values[d]) for d in DIMENSIONS)


def _harm(h: HarmRating, r: RightResult, lang: str) -> dict[str, Any]:
    hits = {x.id: x for x in r.rule_hits}
    floors = []
    for rid in h.rules:
        hit = hits.get(rid)
        if hit is None:
            continue
        steps = hit.uplift if h.uplift else hit.floors
        what = ", ".join(f"{d} {'+' if h.uplift else ''}{v}" for d, v in steps.items() if d in DIMENSIONS)
        status = "" if hit.status == "holds" else " (may hold: rests on an unknown answer)"
        floors.append(f"{rid}{status}: {what}" if what else f"{rid}{status}")
    reductions = []
    for red in h.reductions:
        line = f"{red.safeguard} {red.dimension} −{red.reduction}"
        if red.projected_reduction != red.reduction:
            line += f" (−{red.projected_reduction} once planned safeguards are verified)"
        reductions.append({"safeguard": red.safeguard, "dimension": red.dimension, "reduction": red.reduction,
                           "projected_reduction": red.projected_reduction, "text": line})
    hard = _scores(h.hard_floor or {d: 0 if h.uplift else 1 for d in DIMENSIONS})
    kind = "vulnerability uplift" if h.uplift else h.kind
    return {
        "id": h.id,
        "harm": text(h.harm, lang),
        "kind": kind,
        "uplift": h.uplift,
        "status": h.status,
        "rules": "; ".join(floors) or "baseline of the right (no rule)",
        "irreducible": (f"Irreducible ({', '.join(h.irreducible_rules)}): {text(h.irreducible, lang)}"
                        if h.irreducible is not None else ""),
        "inherent": _scores(h.inherent),
        "hard_floor": hard,
        "reductions": reductions,
        "reductions_text": "; ".join(x["text"] for x in reductions if x["reduction"] or x["projected_reduction"])
        or "none",
        "residual": _scores(h.residual),
        "projected": _scores(h.projected),
        "rates_likelihood": h.rates_likelihood,
        "inherent_cell": "",
        "residual_cell": "",
        "line": f"{_slash(_scores(h.inherent))} -> {_slash(_scores(h.residual))}",
    }


def right(r: RightResult, a: Assessment, fmt: Any, levels: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    """One right's derivation: dimensions before safeguards, each harm, then the residual and its cell."""
    harms = [_harm(h, r, lang) for h in r.harm_ratings]
    core_rows = [h for h in harms if not h["uplift"]]
    up_rows = [h for h in harms if h["uplift"]]
    baseline = {d: r.dimensions[d].baseline for d in DIMENSIONS}
    core = {d: max([h["residual"][d] for h in core_rows] or [baseline[d]]) for d in DIMENSIONS}
    uplift = {d: max([h["residual"][d] for h in up_rows] or [0]) for d in DIMENSIONS}
    dims = []
    for d in DIMENSIONS:
        dr = r.dimensions[d]
        dims.append({
            "dimension": d,
            "name": dimension_label(d),
            "baseline": dr.baseline,
            "floor": dr.floor,
            "floor_rules": ", ".join(dr.rules) or "none",
            "uplift": dr.uplift,
            "uplift_rules": ", ".join(dr.uplift_rules) or "none",
            "inherent": dr.value,
            "residual": r.residual_dimensions[d],
            "residual_how": f"highest harm residual {core[d]}" + (f" + uplift left {uplift[d]}" if uplift[d] else "")
            + f" = {r.residual_dimensions[d]}",
            "assumed": dr.evidence_gap,
        })
    each = a.matrix.place_each_harm
    for h in core_rows:
        for which, (sev_h, lik_h) in r.harm_cells.get(h["id"], {}).items():
            level_h = a.matrix.level(sev_h, lik_h)
            h[f"{which}_cell"] = f"severity {sev_h}, likelihood {lik_h}: {levels.get(level_h, {'label': level_h})['label']}"
    sev = r.residual_severity
    lik = getattr(r, "residual_likelihood", None) or r.residual_dimensions["likelihood"]
    cell = a.matrix.level(sev, lik)
    lvl = levels.get(cell, {"label": cell})["label"]
    inherent_label = levels.get(r.inherent, {"label": r.inherent})["label"]
    residual_label = levels.get(r.residual, {"label": r.residual})["label"]
    res = r.residual_dimensions
    how = "worst harm's cell" if each and core_rows else "severity from the right's dimensions"
    steps = [
        f"Before safeguards ({how}): severity {r.severity}; likelihood {r.likelihood}; "
        f"matrix cell ({r.severity}, {r.likelihood}) = {inherent_label} ({basis_label(r.inherent_basis)}).",
        f"After verified safeguards ({how}): severity {sev}; likelihood {lik}; matrix cell ({sev}, {lik}) = {lvl}"
        + (f", not above the level before safeguards: {residual_label}" if lvl != residual_label else "")
        + f" ({basis_label(r.residual_basis)}).",
    ]
    if r.ladder_rank is not None and r.ladder_rank < r.residual_rank:
        steps.append(f"On the outcome ladder: {residual_label} only through the design's own interference "
                     f"({', '.join(r.by_design_rules)}), so it counts as "
                     f"'{wording.outcome_label(outcome_for_rank(r.ladder_rank))}'.")
    if r.residual_basis == "assumed" and r.residual_known_only:
        known = levels.get(r.residual_known_only, {"label": r.residual_known_only})["label"]
        steps.append(f"On the known answers alone (every unknown at its most favourable) it would be {known}.")
    rules = []
    for hit in r.rule_hits:
        answers = "; ".join(f"{x['question']} = {x['answer']}" for x in fmt.traced(hit.answers)) or "none"
        rules.append({
            "id": hit.id,
            "harm": text(hit.harm, lang),
            "status": "holds" if hit.status == "holds" else "may hold (unknown answer)",
            "answers": answers,
        })
    return {
        "id": r.id,
        "name": text(r.name, lang),
        "baseline": baseline,
        "dimensions": dims,
        "harms": harms,
        "core": core,
        "uplift": uplift,
        "residual": {d: res[d] for d in DIMENSIONS},
        "severity": sev,
        "likelihood": lik,
        "cell": lvl,
        "inherent_severity": r.severity,
        "inherent_likelihood": r.likelihood,
        "steps": steps,
        "rules": rules,
        "safeguards": "; ".join(
            f"{m.id} ({state_label(m.state)}{', counted' if m.counted else ''}): {dimension_label(m.dimension)} "
            f"−{m.reduction}" for m in r.mitigations) or "none",
    }


def annex(a: Assessment, fmt: Any, levels: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    """The whole annex: method box, fingerprints and one block per right."""
    return {
        "method": method(a.reduction_cap, a.matrix.scope_above_scale, a.matrix.place_each_harm),
        "reduction_cap": a.reduction_cap,
        "scope_above_scale": a.matrix.scope_above_scale,
        "place_each_harm": a.matrix.place_each_harm,
        "questionnaire_sha256": a.questionnaire_sha256 or wording.label("answer.not_stated"),
        "answers_sha256": a.answers_sha256,
        "rights": [right(r, a, fmt, levels, lang) for r in a.rights],
    }
