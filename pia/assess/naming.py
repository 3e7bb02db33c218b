"""Questions named for people: by their wording, a few at most.

Reasons for an outcome reach the app, the CLI, the reports and the council brief, and people read them; a
question id such as `sharing_basis` means nothing to a councillor, and a list of twenty questions hides the
point. The ids stay in the Assessment's structured fields and in the report's trace, where an auditor needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Questionnaire
from ..text import text
from ..wording import label

MAX_NAMED = 5
"""How many questions a reason names before it says how many more there are."""


def named(wordings: Sequence[str], limit: int = MAX_NAMED) -> str:
    """'“A?”; “B?” and 3 more': question wordings in quotes (a wording may hold commas), capped at `limit`."""
    shown = [f"\u201c{w.strip()}\u201d" for w in wordings[:limit] if w]
    rest = len(wordings) - len(shown)
    if rest > 0:
        return "; ".join(shown) + label("questions.more").format(n=rest)
    return "; ".join(shown)


def wording_of(q: Questionnaire, qid: str, lang: str | None = None) -> str:
    """A question's wording (its label), or its id when the questionnaire has no such question."""
    question = q.question(qid)
    if question is None:
        return qid
    return text(question.label, lang) if lang else text(question.label)


def named_questions(q: Questionnaire, qids: Sequence[str], limit: int = MAX_NAMED) -> str:
    """`named` for question ids."""
    return named([wording_of(q, x) for x in qids], limit)


def end_sentence(words: str) -> str:
    """Close a sentence that may end in a quoted question: '“With whom?”' needs no further full stop."""
    return words if words.endswith(("?\u201d", ".\u201d", "!\u201d", ".", "?", "!")) else words + "."


__all__ = ["MAX_NAMED", "end_sentence", "named", "named_questions", "wording_of"]
