"""Answers files: the single source of truth for CLI, app, storage and reports.

```yaml
questionnaire: <id>
questionnaire_version: <semver>
meta: {title, organisation, prepared_by, date, ...}
answers: {<question id>: <value>}      # "unknown" is a first-class value
evidence:                               # only for answers that clear a legal stop
  <question id>: {document: <citation or document>, confirmed_by: <who>, date: YYYY-MM-DD}
```

Answers to hidden questions are kept (a user who toggles a question off and on
loses nothing) but the *effective* answers, which the engine and reports use,
contain only what is visible.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .conditions import UNKNOWN, is_visible
from .errors import PiaError, Problem
from .model import Group, Questionnaire
from .text import text
from .yamlio import MAX_ANSWERS_BYTES, Located, dump, load_file, load_text

TOP_KEYS = ("questionnaire", "questionnaire_version", "meta", "answers", "evidence")
EVIDENCE_KEYS = ("document", "confirmed_by", "date")
META_KEYS = ("title", "organisation", "prepared_by", "date", "reference", "contact")
MAX_META_LENGTH = 500
MAX_META_KEYS = 100        # title, organisation, reference ... and a municipality's own few


@dataclass(frozen=True)
class AnswerSet:
    """One assessment's answers plus who/what they are for. Values are plain data."""

    questionnaire: str
    questionnaire_version: str
    meta: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per question id, the record that backs an answer which clears a legal stop (`EVIDENCE_KEYS`)."""

    def with_answer(self, qid: str, value: Any) -> AnswerSet:
        """A copy with one answer set (None removes it)."""
        new = dict(self.answers)
        if value is None:
            new.pop(qid, None)
        else:
            new[qid] = value
        return AnswerSet(self.questionnaire, self.questionnaire_version, dict(self.meta), new,
                         {k: dict(v) for k, v in self.evidence.items()})

    def with_evidence(self, qid: str, record: dict[str, str] | None) -> AnswerSet:
        """A copy with one evidence record set (None or an empty record removes it)."""
        new = {k: dict(v) for k, v in self.evidence.items()}
        kept = {k: str(v).strip() for k, v in (record or {}).items() if k in EVIDENCE_KEYS and str(v or "").strip()}
        if kept:
            new[qid] = kept
        else:
            new.pop(qid, None)
        return AnswerSet(self.questionnaire, self.questionnaire_version, dict(self.meta), dict(self.answers), new)

    def to_dict(self, q: Questionnaire | None = None) -> dict[str, Any]:
        """Canonical order: top keys fixed, meta known keys first, answers in questionnaire order."""
        meta = {k: self.meta[k] for k in META_KEYS if k in self.meta}
        meta.update({k: self.meta[k] for k in sorted(self.meta) if k not in meta})
        if q is not None:
            order = {qq.id: i for i, qq in enumerate(q.questions())}
            keys = sorted(self.answers, key=lambda k: (order.get(k, len(order)), k))
        else:
            keys = list(self.answers)
        answers = {k: _canonical_value(self.answers[k], q.question(k) if q else None) for k in keys}
        out = {
            "questionnaire": self.questionnaire,
            "questionnaire_version": self.questionnaire_version,
            "meta": meta,
            "answers": answers,
        }
        if self.evidence:
            # Left out when empty, so files (and their hashes) without evidence are as before.
            ekeys = sorted(self.evidence, key=lambda k: (order.get(k, len(order)), k)) if q is not None \
                else list(self.evidence)
            out["evidence"] = {k: {f: self.evidence[k][f] for f in EVIDENCE_KEYS if f in self.evidence[k]}
                               for k in ekeys}
        return out

    def sha256(self, q: Questionnaire | None = None) -> str:
        """Hash of the canonical JSON form: the reproducibility stamp in every report."""
        blob = json.dumps(self.to_dict(q), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _canonical_value(value: Any, q: Any) -> Any:
    """Group rows keep their field order as declared; everything else as given."""
    if isinstance(q, Group) and isinstance(value, list):
        order = [f.id for f in q.fields]
        return [
            {k: row[k] for k in sorted(row, key=lambda k: (order.index(k) if k in order else len(order), k))}
            if isinstance(row, dict)
            else row
            for row in value
        ]
    return value


def new_answers(q: Questionnaire, meta: dict[str, str] | None = None) -> AnswerSet:
    return AnswerSet(q.id, q.version, dict(meta or {}), {})


def dumps(answers: AnswerSet, q: Questionnaire | None = None) -> str:
    """The YAML text of an answers file; save(load(x)) gives x back byte for byte."""
    return dump(answers.to_dict(q))


def save(answers: AnswerSet, path: str | Path, q: Questionnaire | None = None) -> None:
    """Write atomically: a crash or a full disk never leaves half a file, nor a temporary one, behind."""
    write_atomic(Path(path), dumps(answers, q).encode("utf-8"))


def parse(doc: Located) -> AnswerSet:
    """Check the envelope of an answers file (not yet the answers themselves)."""
    data = doc.data
    if not isinstance(data, dict):
        raise PiaError(doc.problem((), "an answers file is a mapping with questionnaire, questionnaire_version, meta, answers"))
    problems = []
    # The loader refuses keys that are not text in answers files; a document
    # from elsewhere (a test, a library caller) gets the same check here, so
    # sorting and matching keys can never meet a number or null.
    for key in data:
        if not isinstance(key, str):
            problems.append(doc.problem((), f"top-level keys must be text, not {key!r}"))
        elif key not in TOP_KEYS:
            problems.append(doc.problem((key,), f"unknown top-level key {key!r}; expected {', '.join(TOP_KEYS)}"))
    for key in ("questionnaire", "questionnaire_version"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(doc.problem((key,) if key in data else (), f"{key} must be given as text"))
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        problems.append(doc.problem(("meta",), "meta must be a mapping"))
        meta = {}
    if len(meta) > MAX_META_KEYS:
        # Every meta entry is shown on the report's cover and in every draft list row.
        problems.append(doc.problem(("meta",), f"{len(meta):,} meta entries; at most {MAX_META_KEYS} are allowed"))
        meta = {}
    for k, v in meta.items():
        if not isinstance(k, str):
            problems.append(doc.problem(("meta",), f"meta keys must be text, not {_short(k)}"))
        elif not isinstance(v, str):
            problems.append(doc.problem(("meta", k), "meta values must be text (quote numbers and dates)"))
        elif len(v) > MAX_META_LENGTH:
            problems.append(doc.problem(("meta", k), f"longer than {MAX_META_LENGTH} characters"))
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        problems.append(doc.problem(("answers",), "answers must be a mapping of question id: value"))
        answers = {}
    for k in answers:
        if not isinstance(k, str):
            problems.append(doc.problem(("answers",), f"question ids must be text, not {_short(k)}"))
    evidence = data.get("evidence") or {}
    records: dict[str, dict[str, str]] = {}
    if not isinstance(evidence, dict):
        problems.append(doc.problem(("evidence",), "evidence must be a mapping of question id: "
                                                   "{document, confirmed_by, date}"))
        evidence = {}
    for k, rec in evidence.items():
        if not isinstance(k, str):
            problems.append(doc.problem(("evidence",), f"question ids must be text, not {_short(k)}"))
            continue
        if not isinstance(rec, dict):
            problems.append(doc.problem(("evidence", k), "an evidence record is a mapping with document, "
                                                          "confirmed_by and date"))
            continue
        for f, v in rec.items():
            if f not in EVIDENCE_KEYS:
                problems.append(doc.problem(("evidence", k, f) if isinstance(f, str) else ("evidence", k),
                                            f"unknown field {_short(f)}; an evidence record has "
                                            f"{', '.join(EVIDENCE_KEYS)}"))
            elif not isinstance(v, str):
                problems.append(doc.problem(("evidence", k, f), "must be text (quote dates)"))
            elif len(v) > MAX_META_LENGTH:
                problems.append(doc.problem(("evidence", k, f), f"longer than {MAX_META_LENGTH} characters"))
        records[k] = {f: v for f, v in rec.items() if f in EVIDENCE_KEYS and isinstance(v, str)}
    if problems:
        raise PiaError(problems)
    return AnswerSet(data["questionnaire"], data["questionnaire_version"], dict(meta), dict(answers), records)


def evidence_problem(record: dict[str, str] | None) -> str | None:
    """Why an evidence record does not count (None when it does): all three parts, a real date."""
    if not record:
        return "no evidence recorded"
    missing = [f for f in EVIDENCE_KEYS if not (record.get(f) or "").strip()]
    if missing:
        return f"evidence record lacks {', '.join(missing)}"
    try:
        date.fromisoformat(record["date"].strip())
    except ValueError:
        return f"evidence date {record['date']!r} is not a YYYY-MM-DD date"
    return None


def _short(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:40] + "..."


def load(path: str | Path) -> tuple[AnswerSet, Located]:
    doc = load_file(path, max_bytes=MAX_ANSWERS_BYTES, collect=True, data_only=True)
    return parse(doc), doc


def loads(text: str | bytes, source: str = "<answers>") -> tuple[AnswerSet, Located]:
    doc = load_text(text, source, max_bytes=MAX_ANSWERS_BYTES, collect=True, data_only=True)
    return parse(doc), doc


def check_compatible(answers: AnswerSet, q: Questionnaire, doc: Located | None = None) -> list[Problem]:
    """Refuse answers written for another instrument or a newer major version."""
    def prob(key: str, msg: str) -> Problem:
        return doc.problem((key,), msg) if doc else Problem("<answers>", 0, 0, key, msg)

    if answers.questionnaire != q.id:
        return [prob("questionnaire", f"written for questionnaire {answers.questionnaire!r}, not {q.id!r}")]
    try:
        major = int(answers.questionnaire_version.split(".")[0])
    except ValueError:
        return [prob("questionnaire_version", f"not a version number: {answers.questionnaire_version!r}")]
    if major > q.major:
        return [prob(
            "questionnaire_version",
            f"written for version {answers.questionnaire_version}, newer than the installed {q.version}; "
            "update pia's questionnaires",
        )]
    if major < q.major:
        return [prob(
            "questionnaire_version",
            f"written for version {answers.questionnaire_version}; version {q.version} changed the meaning "
            "of some questions (major version). Start from `pia new-answers` and copy the answers across",
        )]
    return []


def validate(answers: AnswerSet, q: Questionnaire, doc: Located | None = None) -> list[Problem]:
    """Every problem with the answers, one message each, all at once."""
    problems = list(doc.problems) if doc is not None else []
    compat = check_compatible(answers, q, doc)
    if compat:
        return problems + compat

    def prob(path: tuple[Any, ...], msg: str) -> Problem:
        if doc is not None:
            return doc.problem(("answers",) + path, msg)
        return Problem("<answers>", 0, 0, ".".join(map(str, ("answers",) + path)), msg)

    for qid, value in answers.answers.items():
        question = q.question(str(qid))
        if question is None:
            problems.append(prob((qid,), f"no question {qid!r} in {q.id} {q.version}"))
            continue
        if value == UNKNOWN:
            if not question.allow_unknown:
                problems.append(prob((qid,), "this question needs an answer; 'unknown' is not allowed here"))
            continue
        if value is None:
            problems.append(prob((qid,), "empty answer; remove the line or write unknown"))
            continue
        if _holds_placeholder(value):
            problems.append(prob((qid,), f"still the placeholder {PLACEHOLDER} from `pia new-answers`; write the "
                                         "answer, write unknown, or comment the line out again"))
            continue
        if isinstance(question, Group):
            for sub, msg in question.row_problems(value):
                problems.append(prob((qid,) + sub, msg))
            continue
        msg = question.check_value(value)
        if msg:
            problems.append(prob((qid,), msg))
    for qid, record in answers.evidence.items():
        path: tuple[Any, ...] = ("evidence", qid)

        def eprob(msg: str, path: tuple[Any, ...] = path) -> Problem:
            if doc is not None:
                return doc.problem(path, msg)
            return Problem("<answers>", 0, 0, ".".join(map(str, path)), msg)

        question = q.question(qid)
        if question is None:
            problems.append(eprob(f"no question {qid!r} in {q.id} {q.version}"))
        elif not question.needs_evidence:
            asks = [x.id for x in q.questions() if x.needs_evidence]
            problems.append(eprob(f"{qid} takes no evidence record; questions that do: {', '.join(asks) or 'none'}"))
        elif record.get("date"):
            try:
                date.fromisoformat(record["date"].strip())
            except ValueError:
                problems.append(eprob(f"{record['date']!r} is not a YYYY-MM-DD date", path + ("date",)))
    return sorted(problems, key=lambda p: (p.file, p.line, p.col))


def _holds_placeholder(value: Any) -> bool:
    if isinstance(value, list):
        return any(_holds_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_placeholder(v) for v in value.values())
    return value == PLACEHOLDER


def load_validated(path: str | Path, q: Questionnaire) -> AnswerSet:
    """Load and validate, raising a PiaError with every problem."""
    answers, doc = load(path)
    problems = validate(answers, q, doc)
    if problems:
        raise PiaError(problems)
    return answers


# --- visibility, effective answers and completeness ------------------------------------


def effective_answers(q: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions that are visible; hidden ones are kept but ignored.

    One pass suffices because conditions only look back to earlier questions.
    """
    effective: dict[str, Any] = {}
    for section in q.sections:
        if not is_visible(section.when, effective):
            continue
        for question in section.questions:
            if is_visible(question.when, effective) and question.id in answers:
                value = answers[question.id]
                if value is not None and value != "" and value != []:
                    effective[question.id] = value
    return effective


def visible_questions(q: Questionnaire, answers: dict[str, Any]) -> list[str]:
    """Ids of the questions a user should see now, in order."""
    effective = effective_answers(q, answers)
    out = []
    for section in q.sections:
        if not is_visible(section.when, effective):
            continue
        out += [qq.id for qq in section.questions if is_visible(qq.when, effective)]
    return out


@dataclass(frozen=True)
class SectionProgress:
    section: str
    visible: bool
    questions: int
    answered: int
    unknown: int
    required_missing: list[str]


@dataclass(frozen=True)
class Completeness:
    """How far an assessment is: what is answered, unknown, and still required."""

    visible: int
    answered: int
    unknown: int
    required: int
    required_answered: int
    missing_required: list[str]
    unknown_ids: list[str]
    sections: list[SectionProgress]

    @property
    def complete(self) -> bool:
        return not self.missing_required

    @property
    def fraction(self) -> float:
        return 1.0 if not self.visible else (self.answered + self.unknown) / self.visible


def completeness(q: Questionnaire, answers: dict[str, Any]) -> Completeness:
    effective = effective_answers(q, answers)
    sections: list[SectionProgress] = []
    visible = answered = unknown = required = required_answered = 0
    missing: list[str] = []
    unknown_ids: list[str] = []
    for section in q.sections:
        shown = is_visible(section.when, effective)
        s_q = s_a = s_u = 0
        s_missing: list[str] = []
        if shown:
            for question in section.questions:
                if not is_visible(question.when, effective):
                    continue
                s_q += 1
                value = effective.get(question.id)
                if value == UNKNOWN:
                    s_u += 1
                    unknown_ids.append(question.id)
                elif value is not None:
                    s_a += 1
                if question.required:
                    required += 1
                    if value is None:
                        s_missing.append(question.id)
                    else:
                        required_answered += 1
        sections.append(SectionProgress(section.id, shown, s_q, s_a, s_u, s_missing))
        visible += s_q
        answered += s_a
        unknown += s_u
        missing += s_missing
    return Completeness(visible, answered, unknown, required, required_answered, missing, unknown_ids, sections)


def completeness_problems(q: Questionnaire, answers: AnswerSet, doc: Located | None = None) -> list[Problem]:
    """Required answers still missing, and answers to questions these answers hide: one line each, with the fix.

    `pia validate` prints them as warnings (errors with --complete), so it never
    calls a file fine that `pia assess` would call incomplete.
    """
    def prob(path: tuple[Any, ...], msg: str) -> Problem:
        if doc is not None:
            return doc.problem(path, msg)
        return Problem("<answers>", 0, 0, ".".join(map(str, path)), msg)

    out = []
    titles = {s.id: text(s.title) for s in q.sections}
    effective = effective_answers(q, answers.answers)
    for section in completeness(q, answers.answers).sections:
        title = titles.get(section.section, section.section)
        for qid in section.required_missing:
            cond = q.question(qid).when
            why = f", asked because {when_text(cond)}" if cond is not None else ""
            out.append(prob(("answers",), f"required question {qid!r} (section {title!r}{why}) is not answered; "
                                          f"add `{qid}: ...`, or `{qid}: unknown` while you find out"))
    shown = set(visible_questions(q, answers.answers))
    for qid in answers.answers:
        question = q.question(str(qid))
        if question is None or qid in shown:
            continue
        section = q.section_of(str(qid))
        cond = section.when if section is not None and not is_visible(section.when, effective) else question.when
        why = f"asked only when {when_text(cond)}" if cond is not None else "not asked with these answers"
        out.append(prob(("answers", qid), f"answers question {qid!r}, which is {why}; the answer is kept but not "
                                          "used: remove it, or change the answer that hides it"))
    return out


def when_text(cond: Any) -> str:
    """A condition in words over question ids, e.g. 'technologies includes live_fr and operator is police'."""
    from .conditions import AllOf, AnyOf, Leaf, NotOf

    def value(v: Any) -> str:
        if not isinstance(v, list):
            return str(v)
        return str(v[0]) if len(v) == 1 else f"one of ({', '.join(map(str, v))})"

    if isinstance(cond, Leaf):
        subject = f"{cond.question} has an entry whose {cond.field}" if cond.field else cond.question
        words = {
            "equals": f"is {value(cond.value)}", "not_equals": f"is not {value(cond.value)}",
            "in": f"is {value(cond.value)}", "not_in": f"is not {value(cond.value)}",
            "contains": f"includes {value(cond.value)}",
            "contains_any": f"includes {value(cond.value)}".replace("includes one of", "includes any of"),
            "answered": "is answered", "unknown": "is unknown",
            "gte": f">= {cond.value}", "lte": f"<= {cond.value}", "gt": f"> {cond.value}", "lt": f"< {cond.value}",
        }
        return f"{subject} {words.get(cond.op, cond.op)}"
    if isinstance(cond, AllOf):
        return " and ".join(_paren(c, AnyOf) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(_paren(c, AllOf) for c in cond.any)
    if isinstance(cond, NotOf):
        return f"not ({when_text(cond.not_)})"
    return "always"


def _paren(cond: Any, kind: type) -> str:
    return f"({when_text(cond)})" if isinstance(cond, kind) else when_text(cond)


# --- a commented skeleton to fill in by hand -------------------------------------------


PLACEHOLDER = "___"
"""What the skeleton writes where an answer goes: never a valid answer, so an uncommented line is never read as
a default (`pia validate` says to replace it)."""


def skeleton(q: Questionnaire, lang: str = "en") -> str:
    """An answers file with every question as a comment: its wording, type, choices and when it is asked.

    Each answer line holds the placeholder `___`, which no question accepts: a line uncommented
    but not filled in is reported, never taken as an answer. Questionnaire text (possibly from a
    third party) only ever reaches the output through `_comment`, which keeps it on its one
    comment line: a title with a line break must not become a live answer in an untouched skeleton.
    """
    lines = [
        _comment("", f"Answers for {text(q.title, lang)} ({q.id} {q.version})."),
        _comment("", "Uncomment a line and replace ___ with the answer; write unknown where you do not know yet."),
        _comment("", "A question 'asked only when ...' is answered only in that case. Check with: pia validate FILE"),
        f"questionnaire: {_one_line(q.id)}",
        f"questionnaire_version: {_one_line(q.version)}",
        "meta:",
        "  title: ''",
        "  organisation: ''",
        "  prepared_by: ''",
        "  date: ''",
        "answers:",
    ]
    for section in q.sections:
        lines.append(_comment("  ", f"== {text(section.title, lang)} =="))
        if section.when is not None:
            lines.append(_comment("  ", f"(this section is asked only when {when_text(section.when)})"))
        for question in section.questions:
            lines.append(_comment("  ", text(question.label, lang)))
            required = "required; " if question.required else ""
            lines.append(_comment("  ", f"  {required}{_type_hint(question, lang)}"))
            if question.when is not None:
                lines.append(_comment("  ", f"  (asked only when {when_text(question.when)})"))
            lines.append(_comment("  ", f"{question.id}: {_example(question)}"))
    return "\n".join(lines) + "\n"


def _comment(indent: str, content: str) -> str:
    """One comment line, whatever `content` holds."""
    return f"{indent}# {_one_line(content, keep_indent=True)}"


# Characters that end a YAML line (\n, \r, NEL, LS, PS) or that no YAML file may
# hold (other controls, surrogates, noncharacters): each becomes a space.
_FOLD = frozenset(("Cc", "Cs", "Cn", "Zl", "Zp"))


def _one_line(s: str, keep_indent: bool = False) -> str:
    """`s` on one line: line breaks and control characters become single spaces."""
    folded = "".join(" " if unicodedata.category(ch) in _FOLD else ch for ch in s)
    lead = folded[: len(folded) - len(folded.lstrip(" "))] if keep_indent else ""
    return lead + " ".join(folded.split())


def _type_hint(question: Any, lang: str) -> str:
    unknown = " or unknown" if question.allow_unknown else ""
    kind = question.type
    if kind == "yes_no":
        return f"yes / no{unknown}"
    if kind == "single_choice":
        return "one of: " + ", ".join(o.value for o in question.options) + unknown
    if kind == "multi_choice":
        return "a list of: " + ", ".join(o.value for o in question.options) + unknown
    if kind == "number":
        unit = f" {text(question.unit, lang)}" if question.unit else ""
        rng = ""
        if question.min is not None or question.max is not None:
            rng = f" between {question.min if question.min is not None else '-'} and " \
                  f"{question.max if question.max is not None else '-'}"
        return f"a {'whole ' if question.integer else ''}number{unit}{rng}{unknown}"
    if kind == "date":
        return f"a date, YYYY-MM-DD{unknown}"
    if kind == "group":
        return "a list of entries with: " + ", ".join(f.id for f in question.fields) + unknown
    return f"{'one line of ' if kind == 'text' else ''}text{unknown}"


def _example(question: Any) -> str:
    """The placeholder in the shape the answer takes (a list, a list of entries), never a real choice."""
    kind = question.type
    if kind == "multi_choice":
        return f"[{PLACEHOLDER}]"
    if kind == "group":
        return "[{" + ", ".join(f"{f.id}: {PLACEHOLDER}" for f in question.fields) + "}]"
    return PLACEHOLDER
