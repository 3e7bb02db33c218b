"""Review, formal records, decisions, the action plan and the audit log: the store's sign-off half.

A mixin of :class:`pia.store.Store`, kept apart so each file holds one
concern; every method runs in one transaction, checks the acting identity's
roles first (pia.signoff.roles) and writes its audit entry with the change.

The sequence it supports, after CNIL's PIA tool: the author drafts; reviewers
mark each section acceptable / improvable / to correct and comment per
question; the author answers, fixes and resolves; the DPO's advice and the
consultation are recorded; an approver (never an author of the draft) approves
against attestations, and pia signs that decision with the municipality's key,
or rejects it with reasons. A later change to the answers leaves the signed
decision as it was and makes the sign-off *stale* until a new decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..answers import AnswerSet
from ..dbschema import AuditRow, CommentRow, DraftRow, RecordRow, ReviewRow
from ..errors import PiaError
from ..fingerprint import questionnaire_digest
from ..model import Questionnaire
from . import actions as plan
from .audit import AuditEntry, ChainCheck, check_chain
from .records import (
    APPROVED,
    ATTESTATIONS,
    COMMENT,
    CONSULTATION,
    DECISION,
    DPO_ADVICE,
    DPO_RESPONSE,
    DPO_RESPONSES,
    FOLLOWED,
    MARKS,
    MAX_TEXT,
    NOT_REVIEWED,
    RECORD_KINDS,
    REJECTED,
    REOPENED,
    RESOLVED,
    SIGNED,
    STALE,
    TO_CORRECT,
    UNSIGNED,
    Entry,
    Mark,
    Record,
    SectionReview,
    SignoffState,
    Thread,
)
from .roles import AUTHOR, OWNER, SINGLE_USER, Forbidden
from .signing import ALGORITHM, ENVELOPE_FORMAT, canonical, sign

DECISION_FORMAT = "pia-decision"


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _text(value: str, what: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PiaError(f"{what} must be given")
    if len(value) > limit:
        raise PiaError(f"{what} is longer than {limit:,} characters")
    return value


def _range(assessment: Any) -> dict[str, Any]:
    """Whether the decided-on outcome was decided or open, and if open its two ends and decisive gaps (ids)."""
    decided = bool(getattr(assessment, "decided", True))
    out: dict[str, Any] = {"decided": decided}
    if not decided:
        out["outcome_worst"] = str(getattr(assessment, "outcome_worst", ""))
        out["outcome_best"] = str(getattr(assessment, "outcome_best", ""))
        out["decisive_gaps"] = [str(x) for x in getattr(assessment, "decisive_gaps", [])]
    return out


def _changed(before: AnswerSet, after: AnswerSet) -> tuple[str, ...]:
    """Question ids (and meta.<key>) whose value differs between two answer sets."""
    keys = sorted(set(before.answers) | set(after.answers))
    out = [k for k in keys if before.answers.get(k) != after.answers.get(k)]
    meta = sorted(set(before.meta) | set(after.meta))
    out += [f"meta.{k}" for k in meta if before.meta.get(k) != after.meta.get(k)]
    return tuple(out)


def _entry(r: AuditRow) -> AuditEntry:
    return AuditEntry(r.id, _aware(r.at), r.draft_id, r.actor, r.mode, r.action, r.revision,
                      json.loads(r.detail or "{}"), r.prev, r.sha256)


class SignoffMixin:
    """Methods Store gains for review and sign-off (see the module docstring)."""

    # Provided by Store; listed so readers know what this mixin relies on.
    identity: str
    mode: str
    signing_key: Any
    clock: Any

    # --- review marks --------------------------------------------------------------------

    def mark_section(self, draft_id: str, section: str, mark: str, comment: str = "",
                     q: Questionnaire | None = None) -> None:
        """A reviewer marks a section acceptable, improvable or to correct (at the current revision)."""
        if mark not in MARKS:
            raise PiaError(f"unknown review mark {mark!r}; use one of {', '.join(MARKS)}")
        if q is not None and section not in {s.id for s in q.sections}:
            raise PiaError(f"{q.id} has no section {section!r}")
        body = _text(comment, "a comment on a section marked to correct", required=mark == TO_CORRECT)
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "mark")  # type: ignore[attr-defined]
            now = self.clock()
            s.add(ReviewRow(draft_id=draft_id, section=_text(section, "the section", limit=80), mark=mark,
                            comment=body, revision=row.head, at=now, actor=self.identity))
            self._audit(s, draft_id, "marked", row.head, {"section": section, "mark": mark},  # type: ignore[attr-defined]
                        at=now)

    def review_status(self, draft_id: str, q: Questionnaire) -> list[SectionReview]:
        """Every section of `q` with its newest mark, and whether its answers changed since that mark."""
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            rows = s.execute(select(ReviewRow).where(ReviewRow.draft_id == draft_id)
                             .order_by(ReviewRow.id)).scalars().all()
            head, head_rev = self._load_in(s, draft_id)  # type: ignore[attr-defined]
            cache: dict[int, AnswerSet] = {head_rev.number: head}
            out = []
            for section in q.sections:
                marks = tuple(Mark(r.section, r.mark, r.comment, r.revision, _aware(r.at), r.actor)
                              for r in rows if r.section == section.id)
                if not marks:
                    out.append(SectionReview(section.id, NOT_REVIEWED, None, False, ()))
                    continue
                last = marks[-1]
                if last.revision not in cache:
                    cache[last.revision] = self._load_in(s, draft_id, last.revision)[0]  # type: ignore[attr-defined]
                ids = {qq.id for qq in section.questions}
                before = cache[last.revision].answers
                changed = any(before.get(i) != head.answers.get(i) for i in ids)
                out.append(SectionReview(section.id, last.mark, last, changed, marks))
            return out

    # --- comment threads -------------------------------------------------------------------

    def comment(self, draft_id: str, question: str, body: str, thread: int | None = None,
                q: Questionnaire | None = None) -> int:
        """Start a thread on a question (thread=None) or reply in one; returns the thread id."""
        text = _text(body, "the comment")
        if q is not None and thread is None and q.question(question) is None:
            raise PiaError(f"{q.id} has no question {question!r}")
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "comment")  # type: ignore[attr-defined]
            if thread is not None:
                question = self._thread_root(s, draft_id, thread).question
            now = self.clock()
            entry = CommentRow(draft_id=draft_id, thread=thread, question=_text(question, "the question", limit=80),
                               kind=COMMENT, body=text, revision=row.head, at=now, actor=self.identity)
            s.add(entry)
            s.flush()
            tid = thread if thread is not None else entry.id
            self._audit(s, draft_id, "commented", row.head, {"thread": tid, "question": question},  # type: ignore[attr-defined]
                        at=now)
            return tid

    def resolve(self, draft_id: str, thread: int, note: str = "") -> None:
        """An author closes a thread (after fixing the answer, or saying why not)."""
        self._thread_event(draft_id, thread, RESOLVED, note)

    def reopen(self, draft_id: str, thread: int, note: str = "") -> None:
        self._thread_event(draft_id, thread, REOPENED, note)

    def _thread_event(self, draft_id: str, thread: int, kind: str, note: str) -> None:
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "resolve")  # type: ignore[attr-defined]
            root = self._thread_root(s, draft_id, thread)
            last = s.execute(select(CommentRow.kind).where(CommentRow.draft_id == draft_id, (
                (CommentRow.id == thread) | (CommentRow.thread == thread))).order_by(CommentRow.id.desc())
                .limit(1)).scalar_one()
            if (last == RESOLVED) == (kind == RESOLVED):
                raise PiaError(f"thread {thread} is already {'resolved' if last == RESOLVED else 'open'}")
            now = self.clock()
            s.add(CommentRow(draft_id=draft_id, thread=thread, question=root.question, kind=kind,
                             body=_text(note, "the note", required=False), revision=row.head, at=now,
                             actor=self.identity))
            self._audit(s, draft_id, kind, row.head, {"thread": thread, "question": root.question},  # type: ignore[attr-defined]
                        at=now)

    @staticmethod
    def _thread_root(s: Session, draft_id: str, thread: int) -> CommentRow:
        root = s.get(CommentRow, thread)
        if root is None or root.draft_id != draft_id or root.thread is not None:
            raise PiaError(f"no comment thread {thread} on draft {draft_id}")
        return root

    def threads(self, draft_id: str, question: str | None = None) -> list[Thread]:
        """Comment threads, oldest first (optionally of one question)."""
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            return self._threads_in(s, draft_id, question)

    @staticmethod
    def _threads_in(s: Session, draft_id: str, question: str | None = None) -> list[Thread]:
        stmt = select(CommentRow).where(CommentRow.draft_id == draft_id).order_by(CommentRow.id)
        if question is not None:
            stmt = stmt.where(CommentRow.question == question)
        grouped: dict[int, list[Entry]] = {}
        questions: dict[int, str] = {}
        for r in s.execute(stmt).scalars():
            tid = r.thread if r.thread is not None else r.id
            questions.setdefault(tid, r.question)
            grouped.setdefault(tid, []).append(Entry(r.id, r.kind, r.body, r.revision, _aware(r.at), r.actor))
        return [Thread(tid, questions[tid], tuple(es)) for tid, es in grouped.items()]

    # --- formal records ---------------------------------------------------------------------

    def _add_record(self, s: Session, draft_id: str, kind: str, revision: int, fields: dict[str, Any],
                    envelope: dict[str, Any] | None = None, at: dt.datetime | None = None) -> int:
        body = canonical(fields).decode("utf-8")
        sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
        at = at or self.clock()
        row = RecordRow(draft_id=draft_id, kind=kind, revision=revision, at=at, actor=self.identity,
                        body=body, sha256=sha, signature=envelope["signature"] if envelope else "",
                        key_id=envelope["key_id"] if envelope else "")
        s.add(row)
        s.flush()
        detail = {"record": row.id, "sha256": sha}
        if kind == DECISION:
            detail.update({"decision": fields["decision"], "outcome": fields["outcome"],
                           "signed": bool(envelope), **({"key_id": envelope["key_id"][:16]} if envelope else {})})
        if kind == DPO_RESPONSE:
            detail["response"] = fields["response"]
        self._audit(s, draft_id, kind, revision, detail, at=at)  # type: ignore[attr-defined]
        return row.id

    def record_dpo_advice(self, draft_id: str, dpo: str, advice: str) -> int:
        """The data protection officer's advice, as given (recorded by a reviewer; locked once written)."""
        fields = {"dpo": _text(dpo, "the DPO's name", limit=200), "advice": _text(advice, "the advice")}
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "dpo_advice")  # type: ignore[attr-defined]
            return self._add_record(s, draft_id, DPO_ADVICE, row.head, fields)

    def respond_to_dpo_advice(self, draft_id: str, advice_id: int, response: str, reasons: str = "") -> int:
        """Whether the advice was followed; reasons are required when it was not (fully) followed."""
        if response not in DPO_RESPONSES:
            raise PiaError(f"unknown response {response!r}; use one of {', '.join(DPO_RESPONSES)}")
        why = _text(reasons, "the reasons for not following the DPO's advice", required=response != FOLLOWED)
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "dpo_response")  # type: ignore[attr-defined]
            advice = s.get(RecordRow, advice_id)
            if advice is None or advice.draft_id != draft_id or advice.kind != DPO_ADVICE:
                raise PiaError(f"no DPO advice {advice_id} on draft {draft_id}")
            fields = {"advice": advice_id, "advice_sha256": advice.sha256, "response": response, "reasons": why}
            return self._add_record(s, draft_id, DPO_RESPONSE, row.head, fields)

    def record_consultation(self, draft_id: str, who: str, when: str, said: str, changed: str) -> int:
        """Who was consulted, when (YYYY-MM-DD), what they said and what changed because of it."""
        try:
            day = dt.date.fromisoformat((when or "").strip()).isoformat()
        except ValueError:
            raise PiaError(f"the consultation date must be YYYY-MM-DD, not {when!r}") from None
        fields = {"who": _text(who, "who was consulted", limit=500), "when": day,
                  "said": _text(said, "what they said"), "changed": _text(changed, "what changed (or 'nothing')")}
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "consultation")  # type: ignore[attr-defined]
            return self._add_record(s, draft_id, CONSULTATION, row.head, fields)

    def records(self, draft_id: str, kind: str | None = None) -> list[Record]:
        """The formal records, oldest first."""
        if kind is not None and kind not in RECORD_KINDS:
            raise PiaError(f"unknown record kind {kind!r}; use one of {', '.join(RECORD_KINDS)}")
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            return self._records_in(s, draft_id, kind)

    @staticmethod
    def _records_in(s: Session, draft_id: str, kind: str | None = None) -> list[Record]:
        stmt = select(RecordRow).where(RecordRow.draft_id == draft_id).order_by(RecordRow.id)
        if kind is not None:
            stmt = stmt.where(RecordRow.kind == kind)
        return [Record(r.id, r.kind, r.revision, _aware(r.at), r.actor, json.loads(r.body), r.sha256,
                       r.signature, r.key_id) for r in s.execute(stmt).scalars()]

    # --- decisions -----------------------------------------------------------------------------

    def approve(self, draft_id: str, q: Questionnaire, assessment: Any, attestations: list[str],
                open_reasons: str = "") -> int:
        """Approve the current revision, against every attestation, and sign the decision record.

        A legal prohibition the assessment establishes cannot be approved: a council may decide more
        strictly than the assessment, never against the law (scoring-methodology 6.2 E). An outcome that is
        still open is approved only with the approver's reasons for deciding before its open questions are
        answered (`open_reasons`); the signed record names both ends and the decisive gaps either way.
        """
        missing = [a for a in ATTESTATIONS if a not in set(attestations)]
        unknown = sorted(set(attestations) - set(ATTESTATIONS))
        if unknown:
            raise PiaError(f"unknown attestation {unknown[0]!r}; the attestations are {', '.join(ATTESTATIONS)}")
        if missing:
            raise PiaError(f"approval needs every attestation; not attested: {', '.join(missing)}")
        if str(getattr(assessment, "outcome", "")) == "prohibited":
            raise PiaError("cannot approve: the assessment finds this use legally prohibited, and no decision can "
                           "override a legal prohibition; reject it, or change the proposal and assess it again")
        extra: dict[str, Any] = {"attestations": list(ATTESTATIONS)}
        if not getattr(assessment, "decided", True):
            extra["open_reasons"] = _text(open_reasons, "the reasons for approving while the outcome is still open")
        if self.signing_key is None:
            raise PiaError("approval needs the municipality's signing key: set PIA_SIGNING_KEY to the private "
                           "key file made by `pia keygen`")
        return self._decide(draft_id, q, assessment, APPROVED, extra)

    def reject(self, draft_id: str, q: Questionnaire, assessment: Any, reasons: str) -> int:
        """Reject the current revision with reasons (signed too when a key is configured)."""
        return self._decide(draft_id, q, assessment, REJECTED, {"reasons": _text(reasons, "the reasons for the rejection")})

    def _decide(self, draft_id: str, q: Questionnaire, assessment: Any, decision: str,
                extra: dict[str, Any]) -> int:
        now = self.clock()   # one time for the signed record, its row and its audit entry
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            self._require(s, draft_id, "decide")  # type: ignore[attr-defined]
            if self.mode != SINGLE_USER:
                theirs = self._roles_in(s, draft_id)  # type: ignore[attr-defined]
                if theirs & {OWNER, AUTHOR} or self._wrote(s, draft_id, self.identity):  # type: ignore[attr-defined]
                    raise Forbidden(f"{self.identity} may not approve or reject draft {draft_id}: "
                                    f"{self.identity} is an author of it, and an author cannot approve their "
                                    "own assessment")
            answers, rev = self._load_in(s, draft_id)  # type: ignore[attr-defined]
            if (answers.questionnaire, answers.questionnaire_version) != (q.id, q.version):
                raise PiaError(f"the draft is for {answers.questionnaire} {answers.questionnaire_version}, "
                               f"not {q.id} {q.version}")
            sha = answers.sha256(q)
            if getattr(assessment, "answers_sha256", None) != sha:
                raise PiaError("the assessment given was not made from the draft's current answers; "
                               "assess the newest revision and decide again")
            if decision == APPROVED:
                self._check_ready(s, draft_id, q)
            others = [{"id": r.id, "kind": r.kind, "revision": r.revision, "by": r.by, "sha256": r.sha256}
                      for r in self._records_in(s, draft_id) if r.kind != DECISION]
            marks = {}
            for r in s.execute(select(ReviewRow).where(ReviewRow.draft_id == draft_id)
                               .order_by(ReviewRow.id)).scalars():
                marks[r.section] = {"section": r.section, "mark": r.mark, "by": r.actor, "revision": r.revision}
            record = {
                "format": DECISION_FORMAT, "format_version": 1, "decision": decision,
                "draft_id": draft_id, "revision": rev.number,
                "title": answers.meta.get("title", ""),
                "answers": answers.to_dict(q), "answers_sha256": sha,
                "questionnaire": {"id": q.id, "version": q.version, "sha256": questionnaire_digest(q)},
                "engine_version": str(assessment.engine_version), "outcome": str(assessment.outcome),
                **_range(assessment),
                "decided_by": self.identity, "mode": self.mode,
                "decided_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
                "reviews": [marks[k] for k in sorted(marks)], "records": others,
                "audit_head": self._chain_head(s, draft_id),  # type: ignore[attr-defined]
                **extra,
            }
            envelope = sign(record, self.signing_key) if self.signing_key is not None else None
            return self._add_record(s, draft_id, DECISION, rev.number, record, envelope, at=now)

    def _check_ready(self, s: Session, draft_id: str, q: Questionnaire) -> None:
        """Nothing marked 'to correct' and no open thread: what a reviewer raised has been dealt with."""
        latest: dict[str, str] = {}
        for r in s.execute(select(ReviewRow).where(ReviewRow.draft_id == draft_id).order_by(ReviewRow.id)).scalars():
            latest[r.section] = r.mark
        bad = [sec for sec, m in latest.items() if m == TO_CORRECT]
        if bad:
            raise PiaError(f"cannot approve: section(s) {', '.join(bad)} are marked to correct; the reviewer "
                           "must mark them again after the author's fix")
        open_ = [t for t in self._threads_in(s, draft_id) if not t.resolved]
        if open_:
            raise PiaError(f"cannot approve: {len(open_)} comment thread(s) are open (on "
                           f"{', '.join(sorted({t.question for t in open_}))}); the author resolves them first")

    def signoff_state(self, draft_id: str) -> SignoffState:
        """Approved, rejected, stale (answers changed after the decision) or none, for the newest revision."""
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            head, rev = self._load_in(s, draft_id)  # type: ignore[attr-defined]
            decisions = self._records_in(s, draft_id, DECISION)
            open_threads = sum(1 for t in self._threads_in(s, draft_id) if not t.resolved)
            latest: dict[str, str] = {}
            for r in s.execute(select(ReviewRow).where(ReviewRow.draft_id == draft_id)
                               .order_by(ReviewRow.id)).scalars():
                latest[r.section] = r.mark
            to_correct = tuple(sorted(k for k, m in latest.items() if m == TO_CORRECT))
            if not decisions:
                return SignoffState(UNSIGNED, rev.number, None, (), open_threads, to_correct)
            last = decisions[-1]
            if last.fields["answers_sha256"] == rev.sha256:
                status = SIGNED if last.fields["decision"] == APPROVED else REJECTED
                return SignoffState(status, rev.number, last, (), open_threads, to_correct)
            signed = AnswerSet(**{k: last.fields["answers"][k] for k in
                                  ("questionnaire", "questionnaire_version", "meta", "answers")})
            return SignoffState(STALE, rev.number, last, _changed(signed, head), open_threads, to_correct,
                                (f"decided on revision {last.revision}; the answers changed since",))

    def signed_decision(self, draft_id: str, revision: int | None = None) -> str | None:
        """The signed approval (envelope JSON) that covers this revision's answers, for the report; else None."""
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            _, rev = self._load_in(s, draft_id, revision)  # type: ignore[attr-defined]
            for r in reversed(self._records_in(s, draft_id, DECISION)):
                if r.fields["answers_sha256"] != rev.sha256:
                    continue
                if r.fields["decision"] != APPROVED or not r.signature:
                    return None
                return json.dumps({"format": ENVELOPE_FORMAT, "algorithm": ALGORITHM, "key_id": r.key_id,
                                   "record": r.fields, "signature": r.signature}, sort_keys=True,
                                  ensure_ascii=False)
            return None

    # --- action plan, schedule, exports --------------------------------------------------------------

    def action_plan(self, draft_id: str, q: Questionnaire, revision: int | None = None) -> list[plan.ActionItem]:
        """The safeguards of the plan, derived from the answers (not stored a second time)."""
        answers, _ = self.load(draft_id, revision)  # type: ignore[attr-defined]
        return plan.action_plan(q, answers.answers)

    def export_actions(self, draft_id: str, q: Questionnaire, fmt: str, today: dt.date) -> bytes:
        """The action plan as CSV or iCalendar; the export is written to the audit log."""
        if fmt not in ("csv", "ics"):
            raise PiaError(f"unknown action plan format {fmt!r}; use csv or ics")
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            self._require(s, draft_id, "export")  # type: ignore[attr-defined]
            answers, rev = self._load_in(s, draft_id)  # type: ignore[attr-defined]
            items = plan.action_plan(q, answers.answers)
            if fmt == "csv":
                data = plan.to_csv(items, today)
            else:
                data = plan.to_ics(draft_id, answers.meta.get("title") or draft_id, items, self.clock(),
                                   plan.schedule(answers.answers))
            self._audit(s, draft_id, "exported", rev.number,  # type: ignore[attr-defined]
                        {"what": f"action plan {fmt}", "sha256": hashlib.sha256(data).hexdigest()})
        return data

    def record_export(self, draft_id: str, what: str, revision: int | None = None, sha256: str = "") -> None:
        """Write a report download (or any export made elsewhere) to the audit log."""
        with self._session() as s, s.begin():  # type: ignore[attr-defined]
            row = self._require(s, draft_id, "export")  # type: ignore[attr-defined]
            detail = {"what": _text(what, "what was exported", limit=80)}
            if sha256:
                detail["sha256"] = sha256
            self._audit(s, draft_id, "exported", revision or row.head, detail)  # type: ignore[attr-defined]

    def due_for_review(self, today: dt.date) -> list[tuple[str, str, plan.Schedule]]:
        """(draft id, title, schedule) of live drafts whose review or sunset date is today or past."""
        out = []
        for d in self.drafts():  # type: ignore[attr-defined]
            answers, _ = self.load(d.id)  # type: ignore[attr-defined]
            sched = plan.schedule(answers.answers)
            if sched.due(today):
                out.append((d.id, d.title, sched))
        return out

    # --- audit log ---------------------------------------------------------------------------------

    def audit_log(self, draft_id: str | None = None) -> list[AuditEntry]:
        """Every entry, oldest first: of one draft (any role may read it), or of all (single-user mode only)."""
        with self._session() as s:  # type: ignore[attr-defined]
            stmt = select(AuditRow).order_by(AuditRow.id)
            if draft_id is None:
                if self.mode != SINGLE_USER:
                    raise Forbidden(f"{self.identity} may not read the whole audit log; ask for one draft's")
            else:
                if s.get(DraftRow, draft_id) is not None:
                    self._require(s, draft_id, "read")  # type: ignore[attr-defined]
                elif self.mode != SINGLE_USER:
                    raise PiaError(f"no saved draft {draft_id!r}")
                stmt = stmt.where(AuditRow.draft_id == draft_id)
            return [_entry(r) for r in s.execute(stmt).scalars()]

    def verify_audit(self, draft_id: str) -> ChainCheck:
        """Is the draft's audit log the chain it was written as, through every head a decision signed?"""
        with self._session() as s:  # type: ignore[attr-defined]
            self._require(s, draft_id, "read")  # type: ignore[attr-defined]
            rows = s.execute(select(AuditRow).where(AuditRow.draft_id == draft_id).order_by(AuditRow.id)).scalars().all()
            heads = [r.fields.get("audit_head", "") for r in self._records_in(s, draft_id, DECISION)]
            return check_chain([_entry(r) for r in rows], [r.detail for r in rows], [h for h in heads if h])

    def audit_data(self, draft_id: str) -> list[dict[str, Any]]:
        """One draft's audit log as plain JSON-ready data (for the full report and archives)."""
        return [e.as_dict() for e in self.audit_log(draft_id)]
