"""The assessment engine: `assess(questionnaire, answers) -> Assessment`.

See engine.py for the method, models.py for the record it returns and
remedy.py for what it would take to reach a better outcome.
"""

from __future__ import annotations

from ..answers import AnswerSet
from ..model import Questionnaire
from .engine import (
    DEFAULT_MATRIX,
    HIGH_RANK,
    LEVEL_OUTCOMES,
    outcome_for_rank,
    outcome_index,
)
from .engine import assess as _assess
from .models import (
    AppliedMitigation,
    Assessment,
    CompletenessResult,
    DimensionResult,
    EvidenceGap,
    MitigationResult,
    ObligationResult,
    OutcomeReason,
    RedFlagResult,
    RightResult,
    RuleHit,
)
from .remedy import what_it_would_take


def assess(questionnaire: Questionnaire, answers: AnswerSet, *, remedy: bool = False) -> Assessment:
    """Assess one answer set against its questionnaire. Pure and deterministic.

    With `remedy=True` the result also says what it would take to reach the next
    better outcome (`Assessment.remedy`). That runs the engine again on changed
    answers (up to `remedy.MAX_EVALUATIONS` times), so it is asked for by the
    surfaces that show it, not paid for on every call.
    """
    result = _assess(questionnaire, answers)
    if not remedy:
        return result
    return result.model_copy(update={"remedy": what_it_would_take(questionnaire, answers, result)})


__all__ = [
    "DEFAULT_MATRIX",
    "HIGH_RANK",
    "LEVEL_OUTCOMES",
    "AppliedMitigation",
    "Assessment",
    "CompletenessResult",
    "DimensionResult",
    "EvidenceGap",
    "MitigationResult",
    "ObligationResult",
    "OutcomeReason",
    "RedFlagResult",
    "RightResult",
    "RuleHit",
    "assess",
    "outcome_for_rank",
    "outcome_index",
    "what_it_would_take",
]
