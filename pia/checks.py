"""Publication checks: what a questionnaire needs beyond loading, before officials rely on it.

The loader refuses what cannot work (unknown ids, conditions that look ahead).
These checks refuse what works but misleads: a question that does not say why
it is asked, a rating no safeguard can ever lower, an abbreviation nobody
explains, a framework element no question covers, an example that does not
show what it claims (that one assesses, so it lives with the engine:
pia/assess/examples.py). `pia validate` runs them on every questionnaire and the
tests call the same functions, so an author learns every rule from the
command, never from reading the tests. Each problem names the file and line,
the item, and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .model import Group, Questionnaire
from .text import text
from .yamlio import Located, load_file

MIN_GUIDANCE_WORDS = 8
DIMENSIONS_EVERY_RIGHT_REACHES = ("scale", "scope", "likelihood")
# Country abbreviations everybody reads; Roman numerals (Annex III) are not acronyms.
ALLOWED_ABBREVIATIONS = frozenset({"EU", "UK", "US"})
_ROMAN = re.compile(r"^[IVXL]+$")
_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]{1,}\b")
_EXPLAINED = re.compile(r"\(([A-Z][A-Z0-9]+)\b")

# Which list of a questionnaire file holds each kind of item, and how a message names it.
_KINDS = {
    "rights": "right", "red_flags": "red flag", "risk_rules": "risk rule", "mitigations": "safeguard",
    "answer_safeguards": "answer safeguard", "frameworks": "framework", "anchors": "anchor",
    "jurisdictions": "jurisdiction profile", "legality_limbs": "legality limb",
}


@dataclass
class Where:
    """Where each item of an assembled questionnaire was written, so a finding can point at its line."""

    items: dict[tuple[str, str], tuple[Located, tuple[Any, ...]]]
    docs: list[Located]

    @classmethod
    def of(cls, q: Questionnaire) -> Where:
        items: dict[tuple[str, str], tuple[Located, tuple[Any, ...]]] = {}
        docs = []
        for source in q.source_files:
            doc = load_file(source)
            docs.append(doc)
            data = doc.data if isinstance(doc.data, dict) else {}
            for i, s in enumerate(_dicts(data.get("sections"))):
                items[("sections", str(s.get("id")))] = (doc, ("sections", i))
                for j, qq in enumerate(_dicts(s.get("questions"))):
                    items[("questions", str(qq.get("id")))] = (doc, ("sections", i, "questions", j))
            for key in _KINDS:
                for i, item in enumerate(_dicts(data.get(key))):
                    items.setdefault((key, str(item.get("id"))), (doc, (key, i)))
            for i, fw in enumerate(_dicts(data.get("frameworks"))):
                for j, el in enumerate(_dicts(fw.get("elements"))):
                    items[("elements", str(el.get("id")))] = (doc, ("frameworks", i, "elements", j))
            for i, ob in enumerate(_dicts(data.get("obligations"))):
                items.setdefault(("obligations", str(ob.get("level"))), (doc, ("obligations", i)))
        return cls(items, docs)

    def problem(self, kind: str, item_id: str, field: str | None, message: str) -> Problem:
        """`file:line:col: path: <kind> '<id>': message`, at the field when it is written, else at the item."""
        label = {"questions": "question", "sections": "section", "elements": "framework element",
                 "obligations": "obligation for level"}.get(kind) or _KINDS.get(kind, kind)
        found = self.items.get((kind, item_id))
        if found is None:
            core = self.docs[0]
            return core.problem((), f"{label} {item_id!r}: {message}")
        doc, path = found
        if field is not None and doc.locate(path + (field,)) != doc.locate(path):
            path = path + (field,)
        return doc.problem(path, f"{label} {item_id!r}: {message}")


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- questions --------------------------------------------------------------------------


def question_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Every question says what it asks, why, under which law, and which framework elements it answers."""
    out = []
    for section in q.sections:
        for question in section.questions:
            qid = question.id
            if not text(question.label).strip():
                out.append(where.problem("questions", qid, "label", "no label; add `label:` with the question"))
            if len(text(question.guidance).split()) < MIN_GUIDANCE_WORDS:
                out.append(where.problem("questions", qid, "guidance",
                                         f"guidance must say why the question is asked, in {MIN_GUIDANCE_WORDS} "
                                         "words or more; add or extend `guidance:`"))
            if not question.legal_refs:
                out.append(where.problem("questions", qid, "legal_refs",
                                         "no legal reference; add `legal_refs: [...]` citing the law that makes "
                                         "the answer matter"))
            if not question.elements:
                out.append(where.problem("questions", qid, "elements",
                                         "no framework element; add `elements: [...]` with the ids of the framework "
                                         "elements it answers (`pia crosswalk` lists them)"))
            if isinstance(question, Group):
                for f in question.fields:
                    if not text(f.label).strip():
                        out.append(where.problem("questions", qid, "fields",
                                                 f"field {f.id!r} has no label; add `label:` to it"))
    return out


def module_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Only the core file is versioned; a module's sections say when they are asked."""
    out = []
    for doc in where.docs[1:]:
        data = doc.data if isinstance(doc.data, dict) else {}
        if "version" in data:
            out.append(doc.problem(("version",), f"module {data.get('id')!r}: only the core file carries a version; "
                                                 "remove it here and raise the core file's version instead"))
        for i, s in enumerate(_dicts(data.get("sections"))):
            if "when" not in s:
                out.append(doc.problem(("sections", i), f"section {s.get('id')!r}: a module's section must say "
                                       "when it is asked; add `when:` (e.g. {question: technologies, op: "
                                       "contains, value: <your technology option>})"))
    return out


# --- rules and catalogues ---------------------------------------------------------------


def catalogue_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Rights, red flags, rules, safeguards and obligations carry what a report and an auditor show."""
    rb = q.rules
    out = []

    def need(kind: str, item_id: str, field: str, value: Any, fix: str) -> None:
        if not (text(value).strip() if not isinstance(value, list) else value):
            out.append(where.problem(kind, item_id, field, fix))

    for r in rb.rights:
        need("rights", r.id, "anchors", r.anchors, "no legal anchor; add `anchors: [...]` (ids or citations of law.yaml)")
        need("rights", r.id, "description", r.description, "no description; add `description:` in plain words")
    for f in rb.red_flags:
        need("red_flags", f.id, "anchors", f.anchors, "no legal anchor; add `anchors: [...]` naming the law it applies")
        need("red_flags", f.id, "clears", f.clears, "does not say what would clear it; add `clears:`")
        need("red_flags", f.id, "explanation", f.explanation, "no explanation; add `explanation:`")
        need("red_flags", f.id, "rights", f.rights, "names no right; add `rights: [...]`")
    for rule in rb.risk_rules:
        need("risk_rules", rule.id, "anchors", rule.anchors, "no legal anchor; add `anchors: [...]`")
        need("risk_rules", rule.id, "rationale", rule.rationale, "no rationale; add `rationale:` saying why it rates")
        if rule.harm_id is None:
            out.append(where.problem("risk_rules", rule.id, "id",
                                     "names no harm; add `harm_id: H-...` (one id per harm; safeguards name it in "
                                     "their `reduces:`)"))
    for r in rb.rights:
        raised = {d for rule in rb.risk_rules if rule.right == r.id for d in rule.floors}
        for d in DIMENSIONS_EVERY_RIGHT_REACHES:
            if d not in raised:
                out.append(where.problem("rights", r.id, None,
                                         f"no risk rule raises its {d}; add a rule with `right: {r.id}` and "
                                         f"`floors: {{{d}: ...}}`"))
    for m in rb.mitigations:
        need("mitigations", m.id, "evidence", m.evidence, "does not say what evidence verifies it; add `evidence:`")
        for right in dict.fromkeys(red.right for red in m.reduces if red.right is not None):
            out.append(where.problem("mitigations", m.id, "reduces",
                                     f"reduces the whole right {right!r}; name each harm it treats instead: "
                                     f"`reduces: [{{harm: H-..., dimension: ...}}]` ({_harms_of(rb, right)})"))
    if rb.matrix is not None:
        generic = {o.level for o in rb.obligations if not o.jurisdictions}
        for level in [lv.id for lv in rb.matrix.levels] + ["red_flag"]:
            if level not in generic:
                out.append(where.problem("obligations", level, None,
                                         f"no obligation for level {level!r} that applies everywhere; add an "
                                         f"`obligations:` entry with `level: {level}` and no `jurisdictions:`"))
    return out


def _harms_of(rb: Any, right: str) -> str:
    """The harm ids of a right, named in full when few, else the ones with an explicit harm_id counted."""
    harms = sorted({r.harm_key for r in rb.risk_rules if r.right == right})
    if len(harms) <= 12:
        return f"harms of {right}: {', '.join(harms) or 'none'}"
    return f"{len(harms)} harms of {right}, e.g. {', '.join(harms[:6])}; each risk rule's harm_id names one"


def reducibility_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Every rating can be lowered by a safeguard, or says in law why not and what design change ends it (M-01)."""
    from .conditions import evaluate

    rb = q.rules
    can: dict[tuple[str, str], list[str]] = {}
    for item in [*rb.mitigations, *rb.answer_safeguards]:
        for red in item.reduces:
            if red.harm is not None:
                can.setdefault((red.harm, red.dimension), []).append(item.id)
    out = []
    for rule in rb.risk_rules:
        if rule.irreducible is None:
            rated = {d for d, v in rule.floors.items() if v > 1} | set(rule.uplift)
            if rule.kind == "interference":
                rated.discard("likelihood")
            if rated and not any(can.get((rule.harm_key, d)) for d in rated):
                harm = rule.harm_id or "<its harm_id>"
                out.append(where.problem(
                    "risk_rules", rule.id, None,
                    f"no safeguard lowers its harm ({', '.join(sorted(rated))}) and the rule does not declare itself "
                    f"irreducible; add a safeguard with `reduces: [{{harm: {harm}, dimension: {sorted(rated)[0]}}}]`, "
                    "or `irreducible:` giving the legal reason"))
        else:
            reason = text(rule.irreducible)
            if "Art." not in reason and " v " not in reason:
                out.append(where.problem("risk_rules", rule.id, "irreducible",
                                         "`irreducible:` must cite the law (an article, 'Art.') or the case ('X v Y')"))
            if "only" not in reason:
                out.append(where.problem("risk_rules", rule.id, "irreducible",
                                         "`irreducible:` must say what change of design alone lowers it ('only ...')"))
            if not rule.lowered_by:
                out.append(where.problem("risk_rules", rule.id, "irreducible",
                                         "an irreducible rule needs `lowered_by: {question: answer}`, the answers "
                                         "under which it no longer applies"))
        if rule.lowered_by:
            out += _lowered_by_problems(q, where, rule, evaluate)
    return out


def _lowered_by_problems(q: Questionnaire, where: Where, rule: Any, evaluate: Callable[..., Any]) -> list[Problem]:
    out = []
    for qid, value in rule.lowered_by.items():
        question = q.question(qid)
        if question is None:
            continue   # the loader reports an unknown question
        if isinstance(question, Group):
            out.append(where.problem("risk_rules", rule.id, "lowered_by",
                                     f"{qid} is a group question; `lowered_by` needs a question with one answer"))
        elif question.type in ("yes_no", "single_choice", "multi_choice"):
            offered = ["yes", "no"] if question.type == "yes_no" else question.values()
            wanted = value if question.type == "multi_choice" and isinstance(value, list) else [value]
            bad = [v for v in wanted if v not in offered]
            if bad:
                out.append(where.problem("risk_rules", rule.id, "lowered_by",
                                         f"{qid} offers no choice {bad[0]!r}; choices: {', '.join(offered)}"))
    if not out and evaluate(rule.when, dict(rule.lowered_by), missing=None) is not False:
        out.append(where.problem("risk_rules", rule.id, "lowered_by",
                                 "these answers do not switch the rule off whatever else is answered; name answers "
                                 "that make its `when` false"))
    return out


# --- plain language ---------------------------------------------------------------------


def public_texts(q: Questionnaire) -> list[tuple[str, str, str]]:
    """(kind, id, text) of everything a report or the app shows the public (legal citations excluded)."""
    out = [("core", q.id, text(q.title)), ("core", q.id, text(q.description))]
    for section in q.sections:
        out += [("sections", section.id, text(section.title)), ("sections", section.id, text(section.intro))]
        for question in section.questions:
            items = [question] + (list(question.fields) if isinstance(question, Group) else [])
            for attr in ("help", "guidance"):
                out.append(("questions", question.id, text(getattr(question, attr))))
            for item in items:
                out.append(("questions", question.id, text(item.label)))
                out += [("questions", question.id, text(o.label)) for o in getattr(item, "options", [])]
                if getattr(item, "unit", None):
                    out.append(("questions", question.id, text(item.unit)))
    rb = q.rules
    out += [("rights", r.id, text(r.name) + " " + text(r.description)) for r in rb.rights]
    out += [("jurisdictions", p.id, text(p.name) + " " + text(p.description)) for p in rb.jurisdictions]
    out += [("red_flags", f.id, " ".join(text(x) for x in (f.title, f.explanation, f.clears))) for f in rb.red_flags]
    out += [("risk_rules", r.id, text(r.harm) + " " + text(r.rationale)) for r in rb.risk_rules]
    out += [("mitigations", m.id, " ".join(text(x) for x in (m.title, m.description, m.evidence)))
            for m in rb.mitigations]
    for o in rb.obligations:
        out += [("obligations", o.level, text(getattr(o, a)))
                for a in ("approver", "consultation", "independent_review", "publication")]
    for fw in rb.frameworks:
        out.append(("frameworks", fw.id, text(fw.name)))
        out += [("elements", e.id, text(e.title)) for e in fw.elements]
    return out


def unexplained_abbreviations(texts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(kind, id, ABBR) for each abbreviation never spelt out as 'Full name (ABBR)' anywhere."""
    explained = set(_EXPLAINED.findall(" ".join(t for _, _, t in texts)))
    found = {(kind, item, tok) for kind, item, t in texts for tok in _TOKEN.findall(t)
             if tok not in ALLOWED_ABBREVIATIONS and tok not in explained and not _ROMAN.match(tok)}
    return sorted(found)


def wording_problems(q: Questionnaire, where: Where) -> list[Problem]:
    return [where.problem(kind, item, None, f"abbreviation {tok!r} is not explained anywhere; write it out once as "
                                            f"'Full name ({tok})', or use the words instead")
            for kind, item, tok in unexplained_abbreviations(public_texts(q))]


# --- crosswalk --------------------------------------------------------------------------


def crosswalk_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Every framework element of the catalogue is answered by some question."""
    from .crosswalk import element_index

    index = element_index(q)
    return [where.problem("elements", e.id, None,
                          f"of {fw.id} ({'required' if e.required else 'optional'}) has no question; add "
                          f"{e.id} to the `elements:` of the questions that answer it")
            for fw in q.rules.frameworks for e in fw.elements if e.id not in index]


# --- reachability -----------------------------------------------------------------------

REACH_TRIES = 400


def _random_value(q: Any, rng: Any) -> Any:
    kind = q.type
    if kind == "yes_no":
        return rng.choice(["yes", "no"])
    if kind == "single_choice":
        return rng.choice(q.values())
    if kind == "multi_choice":
        return rng.sample(q.values(), rng.randint(max(1, q.min_selected), len(q.values())))
    if kind == "number":
        return int(q.min or 0) + rng.randint(0, 100)
    if kind == "date":
        return "2027-01-01"
    if kind == "group":
        return [{f.id: _random_value(f, rng) for f in q.fields}]
    return "text"


def reachability_problems(q: Questionnaire, where: Where) -> list[Problem]:
    """Every question is shown for some answers: a seeded walk of random answer sets, stopping once all were.

    A question never shown in REACH_TRIES tries has a `when` (or a section `when`) that almost certainly
    cannot hold together with the conditions before it.
    """
    import random

    from .answers import visible_questions, when_text

    rng = random.Random(20261126)
    remaining = {qq.id for qq in q.questions()}
    for _ in range(REACH_TRIES):
        answers = {qq.id: _random_value(qq, rng) for qq in q.questions()}
        remaining -= set(visible_questions(q, answers))
        if not remaining:
            return []
    out = []
    for qid in sorted(remaining):
        section = q.section_of(qid)
        conds = [c for c in (section.when if section else None, q.question(qid).when) if c is not None]
        shown = " and ".join(f"({when_text(c)})" for c in conds) or "always"
        out.append(where.problem("questions", qid, "when",
                                 f"never shown in {REACH_TRIES} random assessments (asked only when {shown}); fix "
                                 "its `when`, or its section's, so that some answers make it hold"))
    return out


# --- all of them ------------------------------------------------------------------------

CHECKS: dict[str, Callable[[Questionnaire, Where], list[Problem]]] = {
    "questions": question_problems,
    "modules": module_problems,
    "catalogues": catalogue_problems,
    "reducibility": reducibility_problems,
    "wording": wording_problems,
    "crosswalk": crosswalk_problems,
    "reachability": reachability_problems,
}


def publication_problems(q: Questionnaire) -> list[Problem]:
    """Every publication check of the questionnaire itself, at once (its examples: pia.assess.examples)."""
    where = Where.of(q)
    out = [p for check in CHECKS.values() for p in check(q, where)]
    return sorted(set(out), key=lambda p: (p.file, p.line, p.col, p.message))
