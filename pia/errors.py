"""One error type for every bad input, carrying locations instead of tracebacks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about an input file: where it is and what is wrong."""

    file: str
    line: int
    col: int
    path: str
    message: str

    def __str__(self) -> str:
        """Always one line: a newline in a key or message must not split a report."""
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        parts = [x for x in (where, self.path, self.message) if x]   # no leading ": " when nothing is located
        text = ": ".join(parts)
        return text.replace("\r", "\\r").replace("\n", "\\n")


class PiaError(Exception):
    """Raised for bad input; holds every problem found so all can be shown at once."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
