"""Examples shipped with a questionnaire show what they claim: a publication check that needs the engine.

Kept apart from pia/checks.py because it assesses each example, and the core
layer never imports the engine (tests/test_layers.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..checks import publication_problems
from ..errors import PiaError, Problem
from ..model import Questionnaire

EXAMPLE_META = ("title", "organisation", "prepared_by", "date")
_INTENDED = re.compile(r"Intended outcome: ([a-z_]+)\.")


def example_files(q: Questionnaire) -> list[Path]:
    """The answers files in the `examples/` folder next to the core file."""
    folder = Path(q.source_files[0]).parent / "examples"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def example_problems(q: Questionnaire, paths: list[Path] | None = None) -> list[Problem]:
    """An example is valid, complete, answers no hidden question, and shows the outcome its first line claims."""
    from ..answers import completeness, load, validate, visible_questions
    from . import assess

    paths = example_files(q) if paths is None else paths
    readme = paths[0].parent / "README.md" if paths else None
    listed = readme.read_text(encoding="utf-8") if readme is not None and readme.is_file() else None
    out: list[Problem] = []
    for path in paths:
        try:
            answers, doc = load(path)
        except PiaError as exc:
            out += exc.problems
            continue
        found = validate(answers, q, doc)
        if found:
            out += found
            continue
        for qid in completeness(q, answers.answers).missing_required:
            out.append(doc.problem(("answers",), f"required question {qid!r} is not answered; an example must be "
                                                 f"complete: add `{qid}:` (`pia new-answers` shows its choices)"))
        shown = set(visible_questions(q, answers.answers))
        for qid in [k for k in answers.answers if k not in shown]:
            out.append(doc.problem(("answers", qid), f"answers question {qid!r}, which these answers hide; an "
                                                     "example answers only what it shows: remove it"))
        for key in EXAMPLE_META:
            if not answers.meta.get(key):
                out.append(doc.problem(("meta",), f"meta.{key} is empty; an example fills in {', '.join(EXAMPLE_META)}"))
        header = path.read_text(encoding="utf-8").splitlines()[:1]
        claim = _INTENDED.search(header[0]) if header else None
        outcome = assess(q, answers).outcome
        if claim is None:
            out.append(Problem(str(path), 1, 1, "", f"the first line must say what the example shows: "
                                                    f"'# Example: <what>. Intended outcome: {outcome}.'"))
        elif claim.group(1) != outcome:
            out.append(Problem(str(path), 1, 1, "", f"says 'Intended outcome: {claim.group(1)}.' but pia assess "
                                                    f"gives {outcome}; fix the answers or the first line"))
        if listed is not None and path.name not in listed:
            out.append(Problem(str(readme), 0, 0, "", f"{path.name} has no row in this table; add one with what it "
                                                      "shows, its jurisdiction and its outcome"))
    return out


def instrument_problems(q: Questionnaire) -> list[Problem]:
    """What `pia validate` reports beyond loading: the publication checks and the examples, at once."""
    out = publication_problems(q) + example_problems(q)
    return sorted(set(out), key=lambda p: (p.file, p.line, p.col, p.message))
