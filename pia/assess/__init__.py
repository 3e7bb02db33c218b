"""The assessment engine: `assess(questionnaire, answers) -> Assessment`.

See engine.py for the method and models.py for the record it returns.
"""

from .engine import (
    DEFAULT_MATRIX,
    HIGH_RANK,
    LEVEL_OUTCOMES,
    assess,
    outcome_for_rank,
    outcome_index,
)
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
]
