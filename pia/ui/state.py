"""The session's domain record and how it reaches the draft store.

`st.session_state["answers"]` is the assessment; widgets are only views of it.
Every change goes through :func:`set_answer` (or :func:`set_answers`), which
updates the record and autosaves a new revision, so a refresh or a crash loses
nothing already typed. Saves carry the revision they were based on; when
another tab saved first the store raises Conflict and the page shows a banner
with explicit choices instead of overwriting anything.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import streamlit as st

from pia.answers import AnswerSet
from pia.errors import PiaError
from pia.loader import list_questionnaires, load_cached
from pia.model import Questionnaire
from pia.signoff.roles import may
from pia.store import Conflict, Store, StoreError, default_url

from . import focus, identity
from .safe import md, problem_lines, store_failure

ss = st.session_state

# Keys of the domain record in session state.
ANSWERS, META, QPATH, DRAFT, BASE, SECTION, WHO = "answers", "meta", "qpath", "draft_id", "base", "section", "who"
EVIDENCE = "evidence"   # question id -> evidence record of an answer that clears a legal stop
CONFLICT, SAVE_ERROR, FLASH = "conflict", "save_error", "flash"
# The save this session started and has not yet recorded as its base, {"base": n, "sha256": ...} (see autosave),
# and whether the record in this window holds a change not yet saved.
PENDING, DIRTY = "_pending_save", "_dirty"
SHOWN = "_shown"   # widget key -> the value this session last put in that widget (see user_changed)
# Start form -> the id of the draft its next submit makes (see intent), and the draft id a creation announced
# and this session has not yet recorded as open (see new_draft).
INTENTS, CREATING = "_intents", "_creating"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store | None:
    """The shared store, or None (with the reason in session state) when the database is unusable."""
    try:
        return identity.scoped(_store(default_url()))   # acting as this session's login (pia.ui.identity)
    except (PiaError, OSError) as exc:   # the URL, host, user and path stay in the server log, not on the page
        ss[SAVE_ERROR] = store_failure("", exc)
        return None


def instruments() -> list[tuple[str, Path]]:
    """(id, path) of every questionnaire on the search path (PIA_PATH, then the bundled ones)."""
    return list_questionnaires()


def derived(kind: str, q: Questionnaire, compute: Any) -> Any:
    """Compute something from the answers once per change, not once per widget that asks.

    A rerun asks for completeness and the assessment several times; keyed by a
    fingerprint of the answers and meta, the work is redone only when they change.
    """
    fingerprint = json.dumps([ss.get(ANSWERS), ss.get(META), ss.get(EVIDENCE)], sort_keys=True, default=str)
    key = (q.id, q.version, id(q), fingerprint)
    memo = ss.setdefault("_derived", {})
    hit = memo.get(kind)
    if hit is None or hit[0] != key:
        hit = (key, compute())
        memo[kind] = hit
    return hit[1]


def questionnaire() -> Questionnaire | None:
    path = ss.get(QPATH)
    return load_cached(path) if path else None


def resolve(qid: str) -> Questionnaire | None:
    for found, path in instruments():
        if found == qid:
            return load_cached(path)
    return None


def has_open() -> bool:
    return bool(ss.get(QPATH)) and ANSWERS in ss


def answer_set() -> AnswerSet:
    q = questionnaire()
    assert q is not None
    meta = {k: v for k, v in (ss.get(META) or {}).items() if v}
    evidence = {k: dict(v) for k, v in (ss.get(EVIDENCE) or {}).items() if v}
    return AnswerSet(q.id, q.version, meta, dict(ss[ANSWERS]), evidence)


def who() -> str:
    if identity.acting().user is not None:
        return identity.acting().user   # a login: the history records who really saved, not a typed name
    return (ss.get(WHO) or "").strip() or (ss.get(META) or {}).get("prepared_by", "") or "anonymous"


def open_answers(answers: AnswerSet, qpath: str | Path, draft_id: str | None, base: int | None) -> None:
    """Make an assessment the session's current one (every page reads this)."""
    ss[ANSWERS] = dict(answers.answers)
    ss[META] = dict(answers.meta)
    ss[EVIDENCE] = {k: dict(v) for k, v in answers.evidence.items()}
    ss[QPATH] = str(qpath)
    ss[DRAFT] = draft_id
    ss[BASE] = base
    ss[CONFLICT] = None
    ss[SAVE_ERROR] = None
    ss[PENDING] = None
    ss[DIRTY] = False
    ss[CREATING] = None   # whatever creation was announced, the session has now opened what it holds
    q = load_cached(qpath)
    ss[SECTION] = q.sections[0].id if q.sections else None
    if draft_id:
        st.query_params["draft"] = draft_id


def problem_message(lead: str, exc: PiaError, action: str, limit: int = 10) -> str:
    """`lead` plus the problems as an escaped list; a database failure says only that (details are logged)."""
    if isinstance(exc, StoreError):
        return store_failure(action, exc)
    return "\n\n".join([lead, "\n".join(problem_lines(exc.problems, limit))])


def open_draft(draft_id: str, from_address: bool = False) -> bool:
    """Load the newest revision of a saved draft; False (with a message) when impossible.

    `from_address`: the id came from the address bar, so the message never repeats it
    (a crafted link must not put its own text on the page).
    """
    s = store()
    if s is None:
        return False
    try:
        exists = s.draft(draft_id) is not None
    except StoreError as exc:
        flash("error", store_failure("opening a draft", exc))
        return False
    except PiaError:
        exists = False
    if not exists:
        flash("error", "The draft named in the address does not exist (it may have been deleted)." if from_address
              else "That draft does not exist any more (it may have been deleted).")
        return False
    try:
        answers, rev = s.load(draft_id)
    except PiaError as exc:
        flash("error", problem_message("**The saved draft cannot be opened.**", exc, "opening a draft"))
        return False
    path = next((p for qid, p in instruments() if qid == answers.questionnaire), None)
    if path is None:
        flash("error", f"The draft was made with questionnaire {md(answers.questionnaire)}, which is not installed "
                       "here (set PIA\\_PATH to its folder).")
        return False
    open_answers(answers, path, draft_id, rev.number)
    return True


READ_ONLY = "_pia_read_only"


def check_rights() -> None:
    """Whether the visitor may change the open draft's answers, asked of the store once per run of the wizard.

    A reviewer, approver or reader sees the answers as disabled inputs instead of fields whose saves the store
    would refuse; the store still decides (it refuses any save without the right). Unsaved work and single-user
    mode hold every role.
    """
    ss[READ_ONLY] = False
    s, draft = store(), ss.get(DRAFT)
    if s is None or not draft:
        return
    try:
        ss[READ_ONLY] = not may("edit", s.my_roles(draft))
    except PiaError:
        ss[READ_ONLY] = False   # the store answers the save itself, with its message


def read_only() -> bool:
    return bool(ss.get(READ_ONLY))


def intent(form: str) -> str:
    """The id of the draft that start form `form` makes, drawn into its submit button as the callback's argument.

    Streamlit keeps a button's callback, with the arguments of its last drawing,
    after the page moves on, and runs it again for every click a browser still
    showing the form sends (a double click, a click again on a page that looks
    stuck). Each such submit carries the intent the form was last drawn with,
    so the repeats find the draft it made (:func:`new_draft`). Once a draft
    made from it is open, the intent is spent: the next drawing of the form
    (the user came back to start another assessment) gets a new one.
    """
    intents = ss.setdefault(INTENTS, {})
    if form not in intents:
        intents[form] = str(uuid.uuid4())
    return intents[form]


def _spend(draft_id: str) -> None:
    ss[INTENTS] = {form: did for form, did in (ss.get(INTENTS) or {}).items() if did != draft_id}


def _made(s: Store, draft_id: str) -> bool:
    """Whether the draft exists (a database failure is raised, not taken for "no")."""
    try:
        s.draft(draft_id)
    except StoreError:
        raise
    except PiaError:
        return False
    return True


def new_draft(answers: AnswerSet, qpath: str | Path, note: str, source: str = "", made_as: str | None = None) -> bool:
    """Save `answers` as a new draft and open it. Nothing existing is touched.

    `source` names the uploaded file the answers came from, for the message when saving fails.
    `made_as` is the submit's intent (:func:`intent`), used as the new draft's id: a submit
    whose draft already exists is a repeat of one already made, and opens that draft instead.
    Like a save, the creation is announced (CREATING) before its commit: a newer click can
    end this callback at its next session-state access, after the commit but before the
    session records the draft, and the next run then opens it (:func:`_settle_creation`).
    """
    s = store()
    q = load_cached(qpath)
    if s is None:
        open_answers(answers, qpath, None, None)
        flash("warning", "Drafts cannot be saved (see the message above); download the answers file to keep your work.")
        return True
    author = who()
    try:
        if made_as and _made(s, made_as):
            return _take_up(made_as)
        ss[CREATING] = made_as
        d = s.create(answers, author=author, note=note, q=q, draft_id=made_as)
    except PiaError as exc:   # the announcement stays: the next run asks the store whether the draft was made
        lead = f"**{md(source)} could not be saved as a new draft.**" if source else "**Could not save a new draft.**"
        flash("error", problem_message(lead + " Nothing was saved.", exc, "saving a new draft"))
        return False
    open_answers(answers, qpath, d.id, d.head)
    _spend(d.id)
    return True


def _take_up(draft_id: str) -> bool:
    """Open a draft this session made but has not (or not any more) open; the one already open stays as it is."""
    if ss.get(DRAFT) == draft_id and has_open():
        ss[CREATING] = None
    elif not open_draft(draft_id):
        return False
    _spend(draft_id)
    return True


def _settle_creation() -> None:
    """Open the draft a creation announced but never recorded (cut short after its commit; see new_draft).

    Called at the start of every run. A creation cut short before its commit
    left nothing in the store: the announcement is dropped, and the form, still
    holding the same intent, makes the draft on its next submit.
    """
    draft_id = ss.get(CREATING)
    if not draft_id:
        return
    s = store()
    if s is None:
        return
    try:
        made = _made(s, draft_id)
    except StoreError:
        return   # asked again on the next run; the store's message appears where the store is used
    ss[CREATING] = None   # asked once: a draft that cannot be opened gives its message once, not every run
    if made and _take_up(draft_id):
        request_page("wizard")


def ensure_from_url() -> None:
    """After a refresh (a new session), reopen the draft named in the address bar.

    First, every run takes up a creation an interrupted callback left unrecorded (see new_draft).
    """
    _settle_creation()
    if has_open():
        if ss.get(DRAFT) and st.query_params.get("draft") != ss[DRAFT]:
            st.query_params["draft"] = ss[DRAFT]
        return
    draft_id = st.query_params.get("draft")
    if draft_id and not open_draft(draft_id, from_address=True):
        del st.query_params["draft"]
        return
    section = st.query_params.get("section")
    q = questionnaire()
    if draft_id and q is not None and section in {s.id for s in q.sections}:
        ss[SECTION] = section


# --- widgets as views of the record ------------------------------------------------


def show(key: str, value: Any) -> None:
    """Seed widget `key` with `value` before drawing it, and remember what the page shows."""
    ss[key] = value
    ss.setdefault(SHOWN, {})[key] = value


def user_changed(key: str) -> bool:
    """Whether the browser reports for widget `key` a value other than the one this session showed in it.

    Every widget callback asks this before writing. Streamlit runs a widget's
    on_change callback when the value the browser sends differs from the one it
    kept from the previous run; but after a completed run that did not draw the
    widget (another step, another page) it no longer keeps that value, while
    the callback stays registered. A browser that has not yet received the end
    of that run still holds, and sends with the user's next click, the widgets
    of the step it left, each with the value it was shown: Streamlit finds them
    all "changed" and runs their callbacks. Compared with what this session
    showed, such a report is no change, so no answer is written from it; a value
    the user really typed, emptied or unticked differs, and is written (and is
    then what the widget shows).
    """
    shown = ss.setdefault(SHOWN, {})
    value = ss.get(key)
    if key not in shown:
        # Never drawn in this session, yet reported: the browser kept the widget from an earlier session of
        # the same page (its connection dropped and a new session took over). What the user typed there is
        # kept; an empty report (an empty field, an unticked box) never erases a saved answer.
        if value in (None, "", [], False):
            return False
        shown[key] = value
        return True
    if value == shown[key]:
        return False
    shown[key] = value
    return True


# --- changing answers ---------------------------------------------------------------


def set_answer(qid: str, value: Any) -> None:
    """The one way the UI changes an answer: update the record, then autosave."""
    answers = ss[ANSWERS]
    if value is None or value == "" or value == []:
        if qid not in answers:
            return
        ss[DIRTY] = True
        answers.pop(qid)
    else:
        if answers.get(qid) == value:
            return
        ss[DIRTY] = True
        answers[qid] = value
    autosave()


def set_evidence(qid: str, field: str, value: str) -> None:
    """Change one part of an answer's evidence record (document, confirmed_by, date), then autosave."""
    evidence = ss.setdefault(EVIDENCE, {})
    record = dict(evidence.get(qid) or {})
    value = (value or "").strip()
    if record.get(field, "") == value:
        return
    ss[DIRTY] = True
    if value:
        record[field] = value
    else:
        record.pop(field, None)
    if record:
        evidence[qid] = record
    else:
        evidence.pop(qid, None)
    autosave()


def set_meta(key: str, value: str) -> None:
    meta = ss.setdefault(META, {})
    value = (value or "").strip()
    if meta.get(key, "") == value:
        return
    ss[DIRTY] = True
    if value:
        meta[key] = value
    else:
        meta.pop(key, None)
    autosave()


def autosave(note: str = "") -> None:
    """Save the record as a new revision based on the one this session last saw.

    Streamlit may end a callback at any read or write of session state (each is
    a point where a newer click interrupts the run). So the save is announced
    before it is made (PENDING: the base it starts from and the hash of what it
    writes) and the record is marked dirty until the new base is recorded. A
    save interrupted after its commit is then recognised as this session's own
    revision, not as another window's (which once blocked every later save of
    the session as a "conflict" with itself), and a change interrupted before
    its commit is saved by the next run (`flush`).
    """
    draft_id = ss.get(DRAFT)
    if not draft_id or ss.get(CONFLICT):
        return  # no draft (database unusable) or a conflict the user must resolve first
    s = store()
    if s is None:
        return
    q = questionnaire()
    try:
        _settle(s, draft_id)
        record = answer_set()
        ss[PENDING] = {"base": ss[BASE], "sha256": record.sha256(q)}
        head = s.save(draft_id, record, ss[BASE], who(), note, q)
    except Conflict as exc:
        ss[CONFLICT] = {"number": exc.current.number, "author": exc.current.author,
                        "when": f"{exc.current.created_at:%Y-%m-%d %H:%M} UTC"}
        return
    except PiaError as exc:
        ss[SAVE_ERROR] = problem_message("Your last change is kept in this window but could not be saved.", exc,
                                         "saving your last change")
        return
    ss[BASE] = head
    ss[PENDING] = None
    ss[DIRTY] = False
    ss[SAVE_ERROR] = None


def _settle(s: Store, draft_id: str) -> None:
    """Take up a save this session announced but never recorded: if it reached the store (the newest
    revision is the one after its base, with its hash), that revision is this session's base."""
    pending = ss.get(PENDING)
    if not pending:
        return
    _, rev = s.load(draft_id)
    if rev.number == pending["base"] + 1 and rev.sha256 == pending["sha256"]:
        ss[BASE] = rev.number
    ss[PENDING] = None


def flush() -> None:
    """Save a change an interrupted callback left in this window's record only (see autosave)."""
    if ss.get(DIRTY):
        autosave()


def check_newer() -> None:
    """Notice, before the next edit, that another tab or person saved this draft."""
    flush()
    draft_id, s = ss.get(DRAFT), None
    if not draft_id or ss.get(CONFLICT):
        return
    s = store()
    if s is None:
        return
    try:
        head = s.draft(draft_id).head
    except (PiaError, StoreError):
        return
    if ss.get(BASE) is not None and head != ss[BASE]:
        _, rev = s.load(draft_id)
        ss[CONFLICT] = {"number": rev.number, "author": rev.author, "when": f"{rev.created_at:%Y-%m-%d %H:%M} UTC"}


def take_theirs() -> None:
    """Conflict resolution: reload the newest saved revision (this window's unsaved edits are dropped)."""
    draft_id = ss[DRAFT]
    section = ss.get(SECTION)
    if open_draft(draft_id):
        ss[SECTION] = section
        flash("info", "Loaded the newest saved version.")


def keep_mine() -> None:
    """Conflict resolution: this window's changes win, the other window's other changes stay.

    A three-way merge against the revision this window started from: every
    answer this window changed is taken from it; every other answer comes from
    the newer revision, so nobody's edits to other questions disappear.
    """
    s = store()
    conflict = ss.get(CONFLICT)
    if s is None or not conflict:
        return
    draft_id, base = ss.get(DRAFT), ss.get(BASE)
    kept_theirs = 0
    if draft_id and base is not None:
        try:
            start, _ = s.load(draft_id, base)
            newer, _ = s.load(draft_id, conflict["number"])
        except PiaError:
            start = newer = None
        if start is not None and newer is not None:
            merged, kept_theirs = _merge(start.answers, dict(ss[ANSWERS]), newer.answers)
            ss[ANSWERS] = merged
            ss[META], _ = _merge(start.meta, dict(ss.get(META) or {}), newer.meta)
            ss[EVIDENCE], _ = _merge(start.evidence, dict(ss.get(EVIDENCE) or {}), newer.evidence)
    ss[BASE] = conflict["number"]
    ss[CONFLICT] = None
    autosave(note=f"kept this window's answers over revision {conflict['number']}")
    if not ss.get(CONFLICT):
        also = (f" The other window's changes to {kept_theirs} other answer(s) are kept too."
                if kept_theirs else "")
        flash("success", f"Saved your answers as the newest revision (revision {conflict['number']} stays in "
                         f"the history).{also}")


def _merge(start: dict, mine: dict, theirs: dict) -> tuple[dict, int]:
    """Three-way merge of answer dicts: my changes since `start` win; theirs fill the rest."""
    merged = dict(theirs)
    for key in set(start) | set(mine):
        if mine.get(key) != start.get(key):
            if key in mine:
                merged[key] = mine[key]
            else:
                merged.pop(key, None)
    kept = sum(1 for key in set(theirs) | set(start)
               if theirs.get(key) != start.get(key) and mine.get(key) == start.get(key))
    return merged, kept


def flash(kind: str, message: str) -> None:
    """A message shown once at the top of the next page run, which then opens at the message."""
    ss.setdefault(FLASH, []).append((kind, message))
    focus.request(focus.FLASH)


def show_flash() -> None:
    messages = ss.pop(FLASH, [])
    if messages:
        with st.container(key="pia_flash"):
            for kind, message in messages:
                getattr(st, kind)(message)


def request_page(name: str) -> None:
    """Switch page at the start of the next run (the app frame reads the flag; callbacks cannot switch)."""
    ss["goto_page"] = name
