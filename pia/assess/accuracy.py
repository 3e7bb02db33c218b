"""Accuracy weighed: independent test results turned into expected false alerts and a disparity verdict.

Why: a tick saying "tested independently" credited bias testing whatever the
test found (legal review C-01). Here the figures themselves decide.

Inputs (where the instrument's `accuracy:` settings point):
- provenance of the test (only the credited choices, e.g. an independent lab, count);
- per demographic group, the false-match rate at the operating threshold, as
  false matches per million comparisons: FMR x 10^6, FMR in the NIST FRTE 1:1
  sense (the share of comparisons of two different people scoring above the
  threshold);
- the watchlist size N, the people scanned per day and the planned deployments.

Formulas (pure arithmetic, no code from the instrument is evaluated):
- FPIR(N) = 1 - (1 - FMR)^N: the chance that one search of a person who is not
  on the list returns at least one false candidate above the threshold (the
  NIST FRTE 1:N false-positive identification rate, assuming independent
  comparisons). For small N x FMR it is about N x FMR.
- expected false alerts = people scanned x FPIR(N), per day and per deployment
  (the share of passers who are really on the list is negligible). The rate is
  the worst-served group's, so the figure is an upper estimate for a crowd of
  any composition.
- disparity ratio = highest group FMR / lowest group FMR; the acceptance rule
  passes when it is at most `max_disparity_ratio`. A zero rate against a
  non-zero one fails (no bound); RATIO_CAP stands in for that ratio.

Untested counts as worst: a provenance that is not credited gives `untested`,
which rules treat like a failed test. Results not given (too few groups, an
unknown rate) give `unknown`, injected as an unknown answer so the engine rates
it at its worst and lists the missing inputs as evidence gaps. A known subset
of groups that already fails decides `fail`: more groups can only widen the
ratio.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..conditions import UNKNOWN, evaluate
from ..rules_model import AccuracySettings
from ..wording import accuracy_sentence
from .models import AccuracyResult, DeploymentAlerts, GroupRate

PER_MILLION = 1_000_000
RATIO_CAP = 1_000_000.0


def fpir(fmr_per_million: float, watchlist_size: float) -> float:
    """False-positive identification rate of one search against a list of N: 1 - (1 - FMR)^N."""
    fmr = min(max(fmr_per_million, 0.0), PER_MILLION) / PER_MILLION
    n = max(watchlist_size, 0.0)
    if fmr >= 1.0:
        return 1.0 if n > 0 else 0.0
    # -expm1(N log1p(-FMR)) is 1 - (1 - FMR)^N without losing the digits of a tiny FMR.
    return -math.expm1(n * math.log1p(-fmr))


def expected_false_alerts(people: float, fmr_per_million: float, watchlist_size: float) -> float:
    """People scanned x FPIR(N): the false alerts expected among people not on the list."""
    return max(people, 0.0) * fpir(fmr_per_million, watchlist_size)


def disparity_ratio(rates: list[float]) -> float:
    """Highest rate / lowest rate; 1.0 when all are zero, RATIO_CAP when only the lowest is zero."""
    hi, lo = max(rates), min(rates)
    if hi <= 0:
        return 1.0
    if lo <= 0:
        return RATIO_CAP
    return hi / lo


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _sig(x: float) -> float:
    """Four significant digits: stable, readable figures in the JSON record."""
    return float(f"{x:.4g}")


def _show(x: float) -> str:
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}".removesuffix(".0")
    return f"{x:.3g}"


class Weighed:
    """The outcome of weighing: the record for the Assessment and the values conditions read.

    `computed` maps each declared computed id to its value (a number, a result
    word, or "unknown"); `derived_from` maps a computed id whose value is
    unknown to the questions whose unknown answers make it so.
    """

    def __init__(self, result: AccuracyResult | None, computed: dict[str, Any], derived_from: dict[str, list[str]]):
        self.result, self.computed, self.derived_from = result, computed, derived_from


def weigh(settings: AccuracySettings | None, values: Mapping[str, Any]) -> Weighed:
    """Weigh the accuracy answers in `values` (the engine's working answers) as `settings` declare."""
    if settings is None or evaluate(settings.when, values, missing=False) is False:
        return Weighed(None, {}, {})
    ids = settings.computed
    computed: dict[str, Any] = {}
    derived: dict[str, list[str]] = {}
    inputs: dict[str, Any] = {}

    def put(kind: str, value: Any, unknown_from: list[str] | None = None) -> None:
        if kind not in ids:
            return
        computed[ids[kind]] = value
        if value == UNKNOWN and unknown_from:
            derived[ids[kind]] = unknown_from

    limit, source = settings.max_disparity_ratio, settings.acceptance_source
    pq = settings.provenance_question
    provenance = values.get(pq)
    inputs[pq] = provenance
    credited = provenance in settings.credited_provenance

    # Per-group rates (read only when the provenance is credited: vendor claims count for nothing).
    groups: list[GroupRate] = []
    unknown_groups: list[str] = []
    rows = values.get(settings.group_rates_question) if credited else None
    if credited:
        inputs[settings.group_rates_question] = rows
    if isinstance(rows, list):
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                continue
            name = row.get(settings.group_field)
            name = name if isinstance(name, str) and name.strip() and name != UNKNOWN else f"entry {i}"
            rate = _num(row.get(settings.rate_field))
            groups.append(GroupRate(group=name, fmr_per_million=rate))
            if rate is None:
                unknown_groups.append(name)
    known = [(g.group, g.fmr_per_million) for g in groups if g.fmr_per_million is not None]

    ratio: float | None = None
    worst: tuple[str, float] | None = max(known, key=lambda kv: kv[1]) if known else None
    if len(known) >= 2:
        ratio = disparity_ratio([r for _, r in known])
    rates_q = [settings.group_rates_question]
    if provenance == UNKNOWN or (provenance is None and pq in values):
        result, reason, from_q = "unknown", accuracy_sentence("result.unknown", min_groups=settings.min_groups), [pq]
    elif not credited:
        result, reason, from_q = "untested", accuracy_sentence("result.untested"), []
    elif ratio is not None and ratio > limit:
        result, from_q = "fail", []
        key = "result.fail_zero" if ratio >= RATIO_CAP else "result.fail"
        reason = accuracy_sentence(key, worst=worst[0] if worst else "", ratio=_show(ratio), limit=_show(limit),
                                   source=source)
    elif unknown_groups or len(known) < settings.min_groups:
        result, from_q = "unknown", rates_q
        reason = accuracy_sentence("result.unknown", min_groups=settings.min_groups)
    else:
        result, from_q = "pass", []
        reason = accuracy_sentence("result.pass", ratio=_show(ratio or 1.0), limit=_show(limit), source=source)
    put("test_result", UNKNOWN if result == "unknown" else result, from_q)
    complete = credited and not unknown_groups and len(known) >= settings.min_groups
    if ratio is not None and complete:
        put("disparity_ratio", _sig(ratio))
    elif credited:
        put("disparity_ratio", UNKNOWN, rates_q)

    # Expected false alerts, at the worst-served group's rate; only from credited, complete results.
    out = AccuracyResult(
        provenance=provenance if isinstance(provenance, str) else None,
        credited=credited,
        groups=groups,
        unknown_groups=unknown_groups,
        disparity_ratio=_sig(ratio) if ratio is not None else None,
        max_disparity_ratio=limit,
        acceptance_source=source,
        result=result,  # type: ignore[arg-type]
        reason=reason,
    )
    if not credited:
        return Weighed(out.model_copy(update={"computed": dict(computed), "inputs": inputs}), computed, derived)

    wq = settings.watchlist_size_question
    n_raw = values.get(wq)
    inputs[wq] = n_raw
    n = _num(n_raw)
    missing = ([] if complete else rates_q) + ([] if n is not None else [wq])
    fmr = worst[1] if (worst is not None and complete) else None
    lines: list[str] = []
    update: dict[str, Any] = {"watchlist_size": n}
    if fmr is not None:
        update |= {"fmr_per_million": fmr, "worst_group": worst[0] if worst else None}
    if fmr is not None and n is not None:
        p = fpir(fmr, n)
        per10k = _sig(10_000 * p)
        update |= {"fpir": _sig(p), "false_alerts_per_10000": per10k}
        put("false_alerts_per_10000", per10k)
        lines.append(accuracy_sentence("fpir", fmr=_show(fmr), n=_show(n), fpir=f"{p:.4g}",
                                       group=worst[0] if worst else ""))
        lines.append(accuracy_sentence("per_10000", value=_show(per10k)))
    else:
        p = None
        put("false_alerts_per_10000", UNKNOWN, missing)

    live = settings.live_when is None or evaluate(settings.live_when, values, missing=False) is not False
    if live and settings.people_per_day_question is not None and settings.people_per_day_question in values:
        dq = settings.people_per_day_question
        people = _num(values.get(dq))
        inputs[dq] = values.get(dq)
        update["people_per_day"] = people
        if p is not None and people is not None:
            per_day = _sig(people * p)
            update["false_alerts_per_day"] = per_day
            put("false_alerts_per_day", per_day)
            lines.append(accuracy_sentence("per_day", value=_show(per_day), people=_show(people), fpir=f"{p:.4g}"))
        else:
            put("false_alerts_per_day", UNKNOWN, missing + ([] if people is not None else [dq]))
    depq = settings.deployments_question
    if live and depq is not None and isinstance(values.get(depq), list):
        inputs[depq] = values.get(depq)
        deployments: list[DeploymentAlerts] = []
        unknown_row = False
        unknown_from = list(missing)
        for i, row in enumerate(values[depq], start=1):
            if not isinstance(row, Mapping):
                continue
            people = _num(row.get(settings.deployment_people_field))
            n_row = _num(row.get(settings.deployment_watchlist_field))
            n_row = n_row if n_row is not None else n
            place = row.get("place") if isinstance(row.get("place"), str) and row.get("place") != UNKNOWN else None
            d = DeploymentAlerts(row=i, place=place, people=people, watchlist_size=n_row)
            if fmr is not None and people is not None and n_row is not None:
                dp = fpir(fmr, n_row)
                d = d.model_copy(update={"fpir": _sig(dp), "false_alerts": _sig(people * dp)})
                lines.append(accuracy_sentence("per_deployment", value=_show(people * dp), row=i,
                                               place=place or "-", people=_show(people), fpir=f"{dp:.4g}",
                                               n=_show(n_row)))
            else:
                unknown_row = True
                if people is None and depq not in unknown_from:
                    unknown_from.append(depq)
                if n_row is None and wq not in unknown_from:
                    unknown_from.append(wq)
            deployments.append(d)
        update["deployments"] = deployments
        if deployments and not unknown_row:
            worst_d = max(d.false_alerts or 0.0 for d in deployments)
            update["false_alerts_per_deployment"] = worst_d
            put("false_alerts_per_deployment", worst_d)
        elif deployments:
            put("false_alerts_per_deployment", UNKNOWN, unknown_from)
    update |= {"derivation": lines, "computed": dict(computed), "inputs": inputs}
    return Weighed(out.model_copy(update=update), computed, derived)


__all__ = ["RATIO_CAP", "Weighed", "disparity_ratio", "expected_false_alerts", "fpir", "weigh"]
