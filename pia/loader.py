"""Load a questionnaire (core file plus modules), validate it, and assemble it.

Every problem in every file is collected and raised at once as a PiaError
whose lines read `file:line:col: path: message`: an author fixes the whole
file in one pass instead of meeting errors one by one.
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .conditions import leaves
from .errors import PiaError, Problem
from .model import Group, ModuleFile, Number, Option, Questionnaire, Section, SingleChoice, check_leaf
from .rules_model import MITIGATION_STATES, Rulebook
from .safefile import read_head, read_regular
from .text import text
from .yamlio import MAX_YAML_BYTES, Located, load_text, paused_gc

REPO_QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
MAX_MODULES = 100  # the bundled questionnaire has a handful; more is a mistake or an attack


def pydantic_problems(exc: ValidationError, doc: Located, prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """Turn pydantic's errors into located problems, one per error."""
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(err["loc"])
        clean = data_path(doc.data, loc)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            near = difflib.get_close_matches(str(loc[-1]), _field_names(), n=1, cutoff=0.75)
            msg = f"unknown field {loc[-1]!r}" + (f"; did you mean {near[0]!r}?" if near else " (misspelt?)")
            clean = clean if clean and clean[-1] == loc[-1] else clean + (loc[-1],)
        elif err["type"] == "missing":
            msg = f"required field {loc[-1]!r} is missing"
        elif err["type"] == "union_tag_invalid":
            msg = f"unknown type {err['ctx']['tag']!r}; expected one of {err['ctx']['expected_tags']}"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        line, col = doc.locate(clean)
        shown = clean + ((loc[-1],) if err["type"] == "missing" else ())
        out.append(Problem(doc.source, line, col, ".".join(map(str, shown)), msg))
    return out


@functools.cache
def _field_names() -> list[str]:
    """Every field name a questionnaire file may use, for 'did you mean' on a misspelt one."""
    from pydantic import BaseModel

    from . import conditions, model, rules_model

    names: set[str] = set()
    for mod in (model, rules_model, conditions):
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
                for name, f in obj.model_fields.items():
                    names.add(f.alias or name)
    return sorted(names)


def data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Keep the steps of a pydantic loc that exist in the data (drop union tags)."""
    out: list[Any] = []
    current = data
    for step in loc:
        if isinstance(current, dict) and step in current or isinstance(current, list) and isinstance(step, int) and 0 <= step < len(current):
            out.append(step)
            current = current[step]
    return tuple(out)


def hint(value: Any, valid: Any, kind: str, where: str = "") -> str:
    """'; did you mean X?' when a valid id is close, else the valid ids (or where to find them when many).

    An author who misspells an id should never have to read the source or the tests to learn the right one.
    """
    names = sorted({str(v) for v in valid})
    near = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
    if not near:   # 'gunshot' for 'gunshot_detection': the one id it begins
        near = [n for n in names if n.startswith(str(value))][:2]
        near = near if len(near) == 1 else []
    if not near:   # 'non-discrimination' for 'non_discrimination': compare without separators too
        squash = {re.sub(r"[-_ ]", "", n).lower(): n for n in names}
        near = [squash[k] for k in difflib.get_close_matches(re.sub(r"[-_ ]", "", str(value)).lower(), list(squash),
                                                              n=1, cutoff=0.8)]
    if near:
        return f"; did you mean {near[0]!r}?"
    if not names:
        return f"; no {kind} is defined{where}"
    if len(names) <= 25:
        return f"; valid {kind} ids: {', '.join(names)}"
    return f"; {len(names)} {kind} ids are defined{where}"


@dataclass
class _Placed:
    doc: Located
    path: tuple[Any, ...]


@dataclass
class _Assembly:
    problems: list[Problem] = field(default_factory=list)
    dropped: set[str] = field(default_factory=set)  # ids of questions that failed validation
    sections: list[tuple[Section, _Placed]] = field(default_factory=list)

    def add(self, placed: _Placed, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(placed.doc.problem(placed.path + path, message))


IndexMap = dict[tuple[Any, ...], list[int]]


def _salvage(data: dict, exc: ValidationError, dropped: set[str], imap: IndexMap) -> dict | None:
    """Drop the questions, sections and rules pydantic rejected, so cross-checks can
    still run on the rest and the author sees every problem in one pass.

    `imap` records, for each list that lost items, which original index each
    remaining item had, so later messages still point at the right lines.
    """
    out = copy.deepcopy(data)
    remove: dict[tuple[str, int], set[int] | None] = {}
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(out.get(loc[0]), list):
            key = (loc[0], loc[1])
            if loc[0] == "sections" and len(loc) >= 4 and loc[2] == "questions" and isinstance(loc[3], int):
                if remove.get(key, set()) is not None:
                    remove.setdefault(key, set()).add(loc[3])  # type: ignore[union-attr]
            else:
                remove[key] = None
        else:
            return None  # a top-level field is wrong: nothing sensible to check further
    for (key, i), qs in sorted(remove.items(), key=lambda kv: -kv[0][1]):
        item = out[key][i]
        orig = imap.setdefault((key,), list(range(len(out[key]))))
        if qs is None:
            if isinstance(item, dict):   # a dropped rule or safeguard must not be reported again as missing
                dropped |= {str(item[k]) for k in ("id", "harm_id") if isinstance(item.get(k), str)}
            if key == "sections" and isinstance(item, dict):
                for q in item.get("questions") or []:
                    if isinstance(q, dict) and isinstance(q.get("id"), str):
                        dropped.add(q["id"])
            del out[key][i]
            del orig[i]
        else:
            questions = item["questions"]
            qkey = ("sections", orig[i], "questions")
            qorig = imap.setdefault(qkey, list(range(len(questions))))
            for j in sorted(qs, reverse=True):
                if isinstance(questions[j], dict) and isinstance(questions[j].get("id"), str):
                    dropped.add(questions[j]["id"])
                del questions[j]
                del qorig[j]
            if not questions:
                del out[key][i]
                del orig[i]
    return out


def _orig(imap: IndexMap, key: tuple[Any, ...], i: int) -> int:
    """The index an item had in the file before salvage removed anything."""
    m = imap.get(key)
    return m[i] if m is not None else i


def _parse_module(
    path: Path, problems: list[Problem], dropped: set[str] | None = None, imap: IndexMap | None = None
) -> tuple[ModuleFile | None, Located | None]:
    try:
        doc = _load_hashed(path)
    except PiaError as exc:
        problems.extend(exc.problems)
        return None, None
    problems.extend(doc.problems)
    if not isinstance(doc.data, dict):
        problems.append(Problem(str(path), 1, 1, "", "expected a mapping with id, title and sections"))
        return None, doc
    try:
        return ModuleFile.model_validate(doc.data), doc
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, doc))
        if dropped is None:
            return None, doc
        data: dict | None = doc.data
        for _ in range(3):  # a second pass may surface errors the first one hid
            data = _salvage(data, exc, dropped, imap if imap is not None else {}) if data is not None else None
            if data is None:
                return None, doc
            try:
                return ModuleFile.model_validate(data), doc
            except ValidationError as again:
                exc = again
        return None, doc


def _load_hashed(path: Path) -> Located:
    """Parse a questionnaire file and keep the SHA-256 of exactly the bytes parsed.

    The hash goes into every assessment and report, so a reader can tell which
    rulebook produced it; hashing the parsed bytes (not a second read) means a
    file edited meanwhile can never be credited with the old result.
    """
    raw = read_regular(path, MAX_YAML_BYTES)
    doc = load_text(raw, str(path), MAX_YAML_BYTES, collect=True)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    return doc


def _source_hashes(docs: list[Located]) -> dict[str, str]:
    """{file name relative to the core file's folder: SHA-256}, core first, then modules in order."""
    root = Path(docs[0].source).resolve().parent
    out: dict[str, str] = {}
    for doc in docs:
        p = Path(doc.source).resolve()
        name = p.relative_to(root).as_posix() if p.is_relative_to(root) else p.name
        out[name] = doc.sha256
    return out


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load, validate and assemble; raises PiaError listing every problem."""
    with paused_gc():
        return _load_questionnaire(Path(path))


def _load_questionnaire(path: Path) -> Questionnaire:
    problems: list[Problem] = []
    dropped: set[str] = set()
    core_map: IndexMap = {}
    core, core_doc = _parse_module(path, problems, dropped, core_map)
    if core is None or core_doc is None:
        raise PiaError(problems)
    if core.version is None:
        problems.append(core_doc.problem((), "the core file needs a version (semantic, e.g. 1.0.0)"))
    core_doc.index_map = core_map  # type: ignore[attr-defined]
    parts: list[tuple[ModuleFile, Located]] = [(core, core_doc)]
    if len(core.modules) > MAX_MODULES:
        problems.append(core_doc.problem(
            ("modules",), f"{len(core.modules):,} modules listed; at most {MAX_MODULES} are allowed"
        ))
    listed: dict[Path, int] = {}
    # Each distinct module is parsed once: a list naming one file thousands of
    # times must not cost thousands of parses.
    for i, rel in enumerate(core.modules[:MAX_MODULES]):
        try:
            mod_path = (path.parent / rel).resolve()
        except (OSError, ValueError):  # a NUL byte, a symlink loop
            problems.append(core_doc.problem(("modules", i), "not a usable file name"))
            continue
        if not mod_path.is_relative_to(path.parent.resolve()):
            problems.append(core_doc.problem(("modules", i), "a module must live in the questionnaire's folder"))
            continue
        if mod_path in listed:
            problems.append(core_doc.problem(
                ("modules", i), f"module {rel!r} is already listed (entry {listed[mod_path] + 1})"
            ))
            continue
        listed[mod_path] = i
        if not mod_path.is_file():
            problems.append(core_doc.problem(("modules", i), f"module file {rel!r} not found next to {path.name}"))
            continue
        mod_map: IndexMap = {}
        mod, mod_doc = _parse_module(mod_path, problems, dropped, mod_map)
        if mod is None or mod_doc is None:
            continue
        mod_doc.index_map = mod_map  # type: ignore[attr-defined]
        if mod.modules:
            problems.append(mod_doc.problem(("modules",), "modules cannot include further modules"))
        parts.append((mod, mod_doc))
    return _assemble(core, parts, problems, dropped)


def _assemble(
    core: ModuleFile, parts: list[tuple[ModuleFile, Located]], problems: list[Problem], dropped: set[str]
) -> Questionnaire:
    asm = _Assembly(problems=problems, dropped=dropped)
    # Sections: core order, each module after its `after` section (or at the end).
    def sp(doc: Located, i: int) -> _Placed:
        return _Placed(doc, ("sections", _orig(_imap(doc), ("sections",), i)))

    ordered: list[tuple[Section, _Placed]] = [(s, sp(parts[0][1], i)) for i, s in enumerate(core.sections)]
    for mod, doc in parts[1:]:
        placed = [(s, sp(doc, i)) for i, s in enumerate(mod.sections)]
        if mod.after:
            pos = next((k for k, (s, _) in enumerate(ordered) if s.id == mod.after), None)
            if pos is None:
                asm.add(_Placed(doc, ()), ("after",), f"no section {mod.after!r} to place this module after"
                        + hint(mod.after, [x.id for x, _ in ordered], "section"))
                ordered.extend(placed)
            else:
                # after the target and any module sections already placed behind it
                while pos + 1 < len(ordered) and ordered[pos + 1][1].doc is not parts[0][1] and \
                        ordered[pos + 1][1].doc is not doc:
                    pos += 1
                ordered[pos + 1 : pos + 1] = placed
        else:
            ordered.extend(placed)
    asm.sections = ordered

    # Unique ids across the assembly.
    seen_sections: dict[str, _Placed] = {}
    seen_questions: dict[str, _Placed] = {}
    position: dict[str, int] = {}
    section_start: dict[str, int] = {}
    questions: dict[str, Any] = {}
    n = 0
    for section, placed in ordered:
        if section.id in seen_sections:
            first = seen_sections[section.id]
            asm.add(placed, ("id",), f"section id {section.id!r} is already used in {_where(first, ('id',))}")
        seen_sections[section.id] = placed
        section_start[section.id] = n
        for qi, q in enumerate(section.questions):
            qp = _qplaced(placed, qi)
            if q.id in seen_questions:
                asm.add(qp, ("id",), f"question id {q.id!r} is already used in {_where(seen_questions[q.id], ('id',))}")
                continue
            seen_questions[q.id] = qp
            position[q.id] = n
            questions[q.id] = q
            n += 1

    # Visibility conditions: exist, come earlier, fit the question's type.
    for section, placed in ordered:
        start = section_start[section.id]
        _check_condition(asm, section.when, placed, ("when",), questions, position, start, "section")
        for qi, q in enumerate(section.questions):
            qp = _qplaced(placed, qi)
            _check_condition(asm, q.when, qp, ("when",), questions, position, position.get(q.id, 0), "question")

    rules = _merge_rules(asm, parts, questions, position)
    if asm.problems:
        raise PiaError(sorted(set(asm.problems), key=lambda p: (p.file, p.line, p.col)))
    return Questionnaire(
        id=core.id,
        title=core.title,
        version=core.version or "0.0.0",
        description=core.description,
        sections=[s for s, _ in ordered],
        rules=rules,
        source_files=[doc.source for _, doc in parts],
        source_sha256=_source_hashes([doc for _, doc in parts]),
    )


def _imap(doc: Located) -> IndexMap:
    return getattr(doc, "index_map", {})


def _qplaced(section: _Placed, qi: int) -> _Placed:
    """Where question qi of a placed section stands in its file."""
    key = section.path + ("questions",)
    return _Placed(section.doc, key + (_orig(_imap(section.doc), key, qi),))


def _where(placed: _Placed, path: tuple[Any, ...]) -> str:
    line, _ = placed.doc.locate(placed.path + path)
    return f"{placed.doc.source}:{line}"


def _check_condition(
    asm: _Assembly,
    cond: Any,
    placed: _Placed,
    base: tuple[Any, ...],
    questions: dict[str, Any],
    position: dict[str, int] | None,
    limit: int,
    what: str,
) -> None:
    """Static checks on one condition; `position=None` means order does not matter."""
    if cond is None:
        return
    for leaf, sub in leaves(cond):
        path = base + sub
        q = questions.get(leaf.question)
        if q is None and leaf.question in asm.dropped:
            continue  # already reported where that question is defined
        if q is None:
            asm.add(placed, path + ("question",), f"unknown question {leaf.question!r}"
                    + hint(leaf.question, questions, "question", " (`pia new-answers` lists them)"))
            continue
        if position is not None and position[leaf.question] >= limit:
            asm.add(
                placed,
                path + ("question",),
                f"{leaf.question!r} is not asked before this {what}; a condition may only look back: "
                f"condition on a question asked earlier, or move {leaf.question!r} before it",
            )
            continue
        msg = check_leaf(leaf, q)
        if msg and "offers no choice" in msg and hasattr(q, "values"):
            bad = next(v for v in (leaf.value if isinstance(leaf.value, list) else [leaf.value]) if v not in q.values())
            msg += hint(bad, q.values(), "choice")
        if msg:
            asm.add(placed, path + ("value",) if leaf.value is not None else path + ("op",), msg)


def _merge_rules(
    asm: _Assembly,
    parts: list[tuple[ModuleFile, Located]],
    questions: dict[str, Any],
    position: dict[str, int],
) -> Rulebook:
    merged: dict[str, Any] = {k: [] for k, v in Rulebook.model_fields.items() if v.annotation is not None and
                              str(v.annotation).startswith("list")}
    singles: dict[str, tuple[Any, _Placed]] = {}
    placed_items: dict[str, list[tuple[Any, _Placed]]] = {k: [] for k in merged}
    for mod, doc in parts:
        for key in merged:
            for i, item in enumerate(getattr(mod, key)):
                merged[key].append(item)
                placed_items[key].append((item, _Placed(doc, (key, _orig(_imap(doc), (key,), i)))))
        for key in ("jurisdiction_question", "matrix", "reduction_cap", "mitigation_question", "operating_period",
                    "accuracy"):
            value = getattr(mod, key)
            if value is None:
                continue
            if key in singles:
                asm.add(_Placed(doc, ()), (key,), f"{key} is already set in {singles[key][1].doc.source}")
            singles[key] = (value, _Placed(doc, ()))
    rb = Rulebook(**merged, **{k: v for k, (v, _) in singles.items()})

    # Unique ids within each catalogue.
    for key in ("rights", "jurisdictions", "red_flags", "risk_rules", "mitigations", "answer_safeguards", "frameworks",
                "legality_limbs", "anchors"):
        seen: dict[str, _Placed] = {}
        for item, placed in placed_items[key]:
            if item.id in seen:
                asm.add(placed, ("id",), f"id {item.id!r} is already used in {_where(seen[item.id], ('id',))}")
            seen[item.id] = placed

    rights = {r.id for r in rb.rights}
    profiles = {p.id for p in rb.jurisdictions}
    frameworks = {f.id for f in rb.frameworks}

    def check_rights(placed: _Placed, path: tuple[Any, ...], ids: list[str]) -> None:
        for j, r in enumerate(ids):
            if r not in rights:
                asm.add(placed, path + (j,), f"unknown right {r!r}{hint(r, rights, 'right')}")

    def check_profiles(placed: _Placed, ids: list[str]) -> None:
        if ids and rb.jurisdiction_question is None:
            # Without the question that picks a profile, a scoped rule would apply everywhere.
            asm.add(placed, ("jurisdictions",), "scoped to jurisdictions, but no jurisdiction_question is set")
            return
        for j, p in enumerate(ids):
            if p not in profiles:
                asm.add(placed, ("jurisdictions", j), f"unknown jurisdiction profile {p!r}"
                        + hint(p, profiles, "jurisdiction profile"))

    for p, placed in placed_items["jurisdictions"]:
        for j, f in enumerate(p.frameworks):
            if frameworks and f not in frameworks:
                asm.add(placed, ("frameworks", j), f"unknown framework {f!r}{hint(f, frameworks, 'framework')}")
    # Computed accuracy values (pia/assess/accuracy.py) may be read by red flags, rules and safeguards.
    readable = questions
    if rb.accuracy is not None:
        readable = {**questions, **_accuracy_computed(asm, rb.accuracy, singles["accuracy"][1], questions)}
    for rf, placed in placed_items["red_flags"]:
        _check_condition(asm, rf.when, placed, ("when",), readable, None, 0, "red flag")
        check_rights(placed, ("rights",), rf.rights)
        check_profiles(placed, rf.jurisdictions)
    for rule, placed in placed_items["risk_rules"]:
        _check_condition(asm, rule.when, placed, ("when",), readable, None, 0, "rule")
        if rule.right not in rights:
            asm.add(placed, ("right",), f"unknown right {rule.right!r}{hint(rule.right, rights, 'right')}")
        check_profiles(placed, rule.jurisdictions)
    # Harms: each harm id belongs to one right; safeguards name harms that exist, and never the likelihood of an
    # interference (what the design does to everyone in view is certain; only a change of design lowers it).
    harm_right: dict[str, str] = {}
    interference: set[str] = set()
    for rule, placed in placed_items["risk_rules"]:
        for qid in rule.lowered_by or {}:
            if qid not in questions:
                asm.add(placed, ("lowered_by", qid), f"unknown question {qid!r}" + hint(qid, questions, "question"))
        if rule.kind == "interference":
            interference.add(rule.harm_key)
        other = harm_right.setdefault(rule.harm_key, rule.right)
        if other != rule.right:
            asm.add(placed, ("harm_id",), f"harm {rule.harm_key!r} is already rated for right {other!r}; "
                                          "a harm belongs to one right")

    def check_reductions(placed: _Placed, reduces: list[Any]) -> None:
        for j, red in enumerate(reduces):
            if red.right is not None and red.right not in rights:
                asm.add(placed, ("reduces", j, "right"), f"unknown right {red.right!r}{hint(red.right, rights, 'right')}")
            if red.harm is not None:
                if red.harm not in harm_right and red.harm not in asm.dropped:
                    asm.add(placed, ("reduces", j, "harm"), f"unknown harm {red.harm!r}; name a risk rule's harm_id"
                            + hint(red.harm, harm_right, "harm"))
                elif red.harm in interference and red.dimension == "likelihood":
                    asm.add(placed, ("reduces", j, "dimension"),
                            f"harm {red.harm!r} is an interference: no safeguard lowers its likelihood")

    for m, placed in placed_items["mitigations"]:
        _check_condition(asm, m.counts_when, placed, ("counts_when",), readable, None, 0, "safeguard")
        check_reductions(placed, m.reduces)
    catalogue_ids = {m.id for m in rb.mitigations}
    for sg, placed in placed_items["answer_safeguards"]:
        _check_condition(asm, sg.when, placed, ("when",), questions, None, 0, "answer safeguard")
        check_reductions(placed, sg.reduces)
        if sg.counts_as is not None and sg.counts_as not in catalogue_ids:
            asm.add(placed, ("counts_as",), f"unknown safeguard {sg.counts_as!r}"
                    + hint(sg.counts_as, catalogue_ids, "safeguard"))
    levels = {lv.id for lv in rb.matrix.levels} if rb.matrix else set()
    for ob, placed in placed_items["obligations"]:
        if ob.level not in levels | {"red_flag"}:
            asm.add(placed, ("level",), f"unknown level {ob.level!r}; use a matrix level or red_flag")
        check_profiles(placed, ob.jurisdictions)

    for a, placed in placed_items["anchors"]:
        check_profiles(placed, a.jurisdictions)
    rb = _resolve_anchors(asm, rb, placed_items)

    # Settings that point at questions.
    op = rb.operating_period
    if op is not None:
        _, placed = singles["operating_period"]
        for key in ("start", "end"):
            qid = getattr(op, key)
            if qid is not None and getattr(questions.get(qid), "type", None) != "date":
                asm.add(placed, ("operating_period", key), f"{qid!r} must be a date question")
    jq = rb.jurisdiction_question
    if jq is not None:
        _, placed = singles["jurisdiction_question"]
        q = questions.get(jq)
        if q is None or q.type != "single_choice":
            asm.add(placed, ("jurisdiction_question",), f"{jq!r} must be a single-choice question")
        else:
            missing = [v for v in q.values() if v not in profiles]
            if missing:
                asm.add(placed, ("jurisdiction_question",), f"no jurisdiction profile for choice(s) {', '.join(missing)}")
    mq = rb.mitigation_question
    if mq is not None:
        _, placed = singles["mitigation_question"]
        offered = _offered_mitigations(questions.get(mq))
        for msg in _mitigation_question_problems(questions.get(mq), mq, {m.id for m in rb.mitigations} | asm.dropped):
            asm.add(placed, ("mitigation_question",), msg)
        if offered is not None:
            where = _question_where(asm, mq)
            for m, mplaced in placed_items["mitigations"]:
                if m.id not in offered:
                    asm.add(mplaced, ("id",), f"safeguard {m.id!r} is not offered in the safeguard plan: add "
                            f"`- {{value: {m.id}, label: ...}}` to the options of field 'mitigation' of question "
                            f"{mq!r} ({where})")

    # Legality limbs point at sections, framework elements and questions that must exist.
    known = {e.id for f in rb.frameworks for e in f.elements}
    section_ids = {s.id for s, _ in asm.sections}
    for limb, placed in placed_items["legality_limbs"]:
        for j, sid in enumerate(limb.sections):
            if sid not in section_ids:
                asm.add(placed, ("sections", j), f"unknown section {sid!r}{hint(sid, section_ids, 'section')}")
        for j, el in enumerate(limb.elements):
            if el not in known:
                asm.add(placed, ("elements", j), f"unknown framework element {el!r}"
                        + hint(el, known, "framework element", " (`pia crosswalk` lists them)"))
        for j, qid in enumerate(limb.questions):
            if qid not in questions:
                asm.add(placed, ("questions", j), f"unknown question {qid!r}{hint(qid, questions, 'question')}")

    # Framework elements named by questions must exist in the catalogue.
    if rb.frameworks:
        for section, splaced in asm.sections:
            for qi, q in enumerate(section.questions):
                for j, el in enumerate(q.elements):
                    if el not in known:
                        asm.add(_qplaced(splaced, qi), ("elements", j), f"unknown framework element {el!r}"
                                + hint(el, known, "framework element", " (`pia crosswalk` lists them)"))
    return rb


_RESULT_WORDS = ("pass", "fail", "untested")


def _accuracy_computed(asm: _Assembly, acc: Any, placed: _Placed, questions: dict[str, Any]) -> dict[str, Any]:
    """Check the accuracy settings' questions; return the computed ids as questions conditions can be checked on."""
    def need(key: str, qid: str | None, kind: str) -> Any:
        if qid is None:
            return None
        q = questions.get(qid)
        if q is None or q.type != kind:
            asm.add(placed, ("accuracy", key), f"{qid!r} must be a {kind.replace('_', '-')} question")
            return None
        return q

    def field(key: str, group: Any, fid: str, kinds: tuple[str, ...]) -> None:
        f = group.field(fid) if group is not None else None
        if group is not None and (f is None or f.type not in kinds):
            asm.add(placed, ("accuracy", key), f"group {group.id} needs a {' or '.join(kinds)} field {fid!r}")

    prov = need("provenance_question", acc.provenance_question, "single_choice")
    if prov is not None:
        for j, v in enumerate(acc.credited_provenance):
            if v not in prov.values():
                asm.add(placed, ("accuracy", "credited_provenance", j), f"{prov.id} offers no choice {v!r}")
    rates = need("group_rates_question", acc.group_rates_question, "group")
    field("group_field", rates, acc.group_field, ("text", "single_choice"))
    field("rate_field", rates, acc.rate_field, ("number",))
    need("watchlist_size_question", acc.watchlist_size_question, "number")
    need("people_per_day_question", acc.people_per_day_question, "number")
    deps = need("deployments_question", acc.deployments_question, "group")
    field("deployment_people_field", deps, acc.deployment_people_field, ("number",))
    field("deployment_watchlist_field", deps, acc.deployment_watchlist_field, ("number",))
    _check_condition(asm, acc.when, placed, ("accuracy", "when"), questions, None, 0, "setting")
    _check_condition(asm, acc.live_when, placed, ("accuracy", "live_when"), questions, None, 0, "setting")
    out: dict[str, Any] = {}
    for kind, cid in acc.computed.items():
        if cid in questions:
            asm.add(placed, ("accuracy", "computed", kind), f"computed id {cid!r} is already a question id")
            continue
        if kind == "test_result":
            out[cid] = SingleChoice(id=cid, type="single_choice", label=cid,
                                    options=[Option(value=v, label=v) for v in _RESULT_WORDS])
        else:
            out[cid] = Number(id=cid, type="number", label=cid, min=0)
    return out


# Lists whose items cite legal anchors; with a catalogue, every citation must resolve to it.
_CITING = ("rights", "red_flags", "risk_rules", "mitigations", "obligations")


def _resolve_anchors(asm: _Assembly, rb: Rulebook, placed_items: dict[str, list[tuple[Any, _Placed]]]) -> Rulebook:
    """Check every `anchors:` entry names a catalogue anchor, and write each as its citation.

    An entry may be a catalogue id (`AIA-26-10`) or the exact citation (`AI Act Art. 26(10)`);
    the assembled rulebook always holds the citation, so reports show the same words either
    way and the engine looks dates up by one key. Without a catalogue nothing is checked.
    """
    if not rb.anchors:
        return rb
    cite_of = {a.id: a.cite for a in rb.anchors}
    seen: dict[str, _Placed] = {}
    for a, placed in placed_items["anchors"]:
        if a.cite in seen:
            asm.add(placed, ("cite",), f"citation {a.cite!r} is already in {_where(seen[a.cite], ('cite',))}")
        seen[a.cite] = placed
    known = set(cite_of.values())
    names = sorted(known | set(cite_of))
    update: dict[str, list[Any]] = {}
    for key in _CITING:
        items = []
        for item, placed in placed_items[key]:
            cites = []
            for j, ref in enumerate(item.anchors):
                if ref in known or ref in cite_of:
                    cites.append(cite_of.get(ref, ref))
                    continue
                near = difflib.get_close_matches(ref, names, n=1, cutoff=0.6)
                tip = f"; did you mean {near[0]!r}?" if near else (
                    "; add it to the anchor catalogue (an `anchors:` entry with id, cite and status, in law.yaml "
                    "or in this file)")
                asm.add(placed, ("anchors", j), f"unknown anchor {ref!r}{tip}")
            items.append(item.model_copy(update={"anchors": cites}) if cites != item.anchors else item)
        update[key] = items
    return rb.model_copy(update=update)


def _offered_mitigations(q: Any) -> set[str] | None:
    """The safeguard ids the plan question offers (None when it has no usable mitigation field)."""
    mit = q.field("mitigation") if isinstance(q, Group) else None
    return set(mit.values()) if mit is not None and mit.type == "single_choice" else None


def _question_where(asm: _Assembly, qid: str) -> str:
    """file:line of a question, for a message that tells the author where to make the fix."""
    for section, placed in asm.sections:
        for qi, q in enumerate(section.questions):
            if q.id == qid:
                return _where(_qplaced(placed, qi), ("id",))
    return "not found"


def _mitigation_question_problems(q: Any, qid: str, catalogue: set[str]) -> list[str]:
    if not isinstance(q, Group):
        return [f"{qid!r} must be a group question with fields mitigation, state, owner, due, evidence, "
                "verified_by, verified_on"]
    out = []
    mit = q.field("mitigation")
    if mit is None or mit.type != "single_choice":
        out.append(f"group {qid} needs a single-choice field 'mitigation'")
    else:
        unknown = [v for v in mit.values() if v not in catalogue]
        if unknown:
            out.append(f"group {qid}: mitigation choice(s) not in the catalogue: {', '.join(unknown)}; add each to "
                       "`mitigations:` (in mitigations.yaml or a module) or remove the option")
    state = q.field("state")
    if state is None or state.type != "single_choice" or set(state.values()) != set(MITIGATION_STATES):
        out.append(f"group {qid} needs a single-choice field 'state' with {', '.join(MITIGATION_STATES)}")
    for name in ("owner", "evidence", "verified_by"):
        if q.field(name) is None:
            out.append(f"group {qid} needs a field {name!r}")
    for name in ("due", "verified_on"):
        field = q.field(name)
        if field is None or field.type != "date":
            out.append(f"group {qid} needs a date field {name!r}")
    return out


# --- finding a questionnaire by id ------------------------------------------------------
#
# Only PIA_PATH and the bundled folder are searched, never the folder of the
# answers file: a copy of the rulebook lying next to a colleague's answers
# (with its red flags deleted) must not silently decide the outcome. Anything
# else is named explicitly with `--questionnaire FILE`. Two files claiming one
# id are refused rather than ranked, so which rulebook applies is never a
# matter of folder order.

_ID_LINE = re.compile(r"^id:\s*['\"]?([a-z][a-z0-9_]*)['\"]?\s*$", re.M)
_VERSION_LINE = re.compile(r"^version:\s*['\"]?([0-9][^'\"\s]*)", re.M)


def search_path() -> list[Path]:
    """Where questionnaires are looked for: PIA_PATH (os.pathsep-separated), then the bundled folder."""
    env = os.environ.get("PIA_PATH")
    dirs = [Path(p) for p in env.split(os.pathsep) if p] if env else []
    dirs.append(REPO_QUESTIONNAIRES)
    return dirs


@dataclass
class Scan:
    """Every core file on the search path by id, and a note for each file that had to be skipped."""

    found: dict[str, list[Path]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _candidates(d: Path, notes: list[str]) -> list[Path]:
    try:
        if not d.is_dir():
            if d != REPO_QUESTIONNAIRES:
                notes.append(f"{d}: on PIA_PATH but not a folder; skipped")
            return []
        return sorted(d.glob("*.yaml")) + sorted(d.glob("*/*.yaml"))
    except OSError as exc:
        notes.append(f"{d}: cannot list the folder ({exc.strerror or exc}); skipped")
        return []


def scan_search_path() -> Scan:
    """Read the first 4 KB of every regular *.yaml file on the search path (one level deep).

    Never raises: pipes, devices, dangling links, huge and unreadable files are
    skipped with a note, so `pia list` and the app's start page always work.
    """
    scan = Scan()
    seen: set[Path] = set()
    for d in search_path():
        for c in _candidates(d, scan.notes):
            try:
                real = c.resolve()
                if real in seen:  # the same file reached twice (e.g. PIA_PATH names the bundled folder)
                    continue
                head = read_head(c, MAX_YAML_BYTES).decode("utf-8", errors="replace")
            except PiaError as exc:
                scan.notes.append(f"{c}: skipped: {exc.problems[0].message}")
                continue
            except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on older Pythons
                scan.notes.append(f"{c}: skipped: {getattr(exc, 'strerror', None) or exc}")
                continue
            seen.add(real)
            m = _ID_LINE.search(head)
            if m and _VERSION_LINE.search(head):
                scan.found.setdefault(m.group(1), []).append(c)
    return scan


def ambiguity(qid: str, paths: list[Path]) -> str:
    """The one-line refusal when several files claim one id."""
    shown = " and ".join(str(p) for p in paths[:3]) + (f" (and {len(paths) - 3} more)" if len(paths) > 3 else "")
    return (f"{len(paths)} files on the search path claim questionnaire id {qid!r}: {shown}; "
            "remove all but one from PIA_PATH, or choose one with --questionnaire FILE")


def find_questionnaire(qid: str) -> Path | None:
    """The one core file on the search path whose top-level `id:` is qid (None if there is none).

    Raises PiaError when two files claim the id.
    """
    paths = scan_search_path().found.get(qid, [])
    if len(paths) > 1:
        raise PiaError(Problem(str(paths[0]), 0, 0, "", ambiguity(qid, paths)))
    return paths[0] if paths else None


def list_questionnaires() -> list[tuple[str, Path]]:
    """(id, path) of every core file on the search path whose id only one file claims. Never raises."""
    try:
        found = scan_search_path().found
    except Exception:  # noqa: BLE001 - a listing must never take the start page down
        return []
    return sorted((qid, paths[0]) for qid, paths in found.items() if len(paths) == 1)


_LOADED: dict[str, tuple[list[Path], tuple[Any, ...], Questionnaire]] = {}
_MAX_LOADED = 16


def _stamps(files: list[Path]) -> tuple[Any, ...]:
    out: list[Any] = []
    for f in files:
        try:
            st = f.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def load_cached(path: str | Path) -> Questionnaire:
    """Load once per version of its files: the app asks for it several times a rerun.

    Only the files the questionnaire was assembled from are checked, so an
    edited module is picked up without scanning the folder each time.
    """
    key = str(Path(path).resolve())
    hit = _LOADED.get(key)
    if hit is not None and _stamps(hit[0]) == hit[1]:
        return hit[2]
    q = load_questionnaire(key)
    files = [Path(f) for f in q.source_files]
    if len(_LOADED) >= _MAX_LOADED:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = (files, _stamps(files), q)
    return q


def title_of(q: Questionnaire) -> str:
    return text(q.title)
