"""Check a report's signed decision: what was signed, by which key, and whether anything changed since.

A report (Word or JSON) of an approved assessment carries the signed decision
envelope beside its answers. Verifying it means three checks, each reported:

1. the envelope's signature is valid for the public key given (the record
   itself is unaltered, and was signed by the holder of the private key);
2. the answers the report carries are the answers in the signed record
   (question by question, so the message names what changed);
3. for a JSON report, its outcome, answers digest, questionnaire digest and
   engine version are the signed ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import wording
from ..answers import AnswerSet, loads
from ..embedded import read_embedded
from ..errors import PiaError
from ..safefile import read_regular
from .signing import Checked, check, parse_envelope

MAX_REPORT_BYTES = 64 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Verification:
    """Everything `pia verify` says, as data."""

    source: str
    kind: str                                   # docx / json
    signed: bool
    checked: Checked | None
    changed: tuple[str, ...] = ()               # question ids / meta.<key> whose values differ from the signed ones
    mismatches: tuple[str, ...] = ()            # other report facts that differ from the signed record
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.signed and self.checked is not None and self.checked.valid and not self.changed \
            and not self.mismatches

    def lines(self) -> list[str]:
        """The verdict first, then what was signed, then what changed."""
        if not self.signed:
            return [f"{self.source}: NOT SIGNED: this report carries no signed decision (only a report of an "
                    "approved assessment made after the approval is signed)"]
        c = self.checked
        assert c is not None
        if not c.valid:
            head = f"{self.source}: SIGNATURE INVALID: {c.reason}"
        elif self.changed or self.mismatches:
            head = f"{self.source}: ALTERED: the signature is valid, but the report differs from what was signed"
        else:
            head = f"{self.source}: VERIFIED: signature valid and the report's answers are the ones signed"
        out = [head]
        if c.record:
            out += describe(c.record, c.key_id)
        if self.changed:
            out.append(f"changed since signing: {', '.join(self.changed)}")
        out += [f"differs from the signed record: {m}" for m in self.mismatches]
        out += list(self.notes)
        return out


def describe(record: dict[str, Any], key_id: str) -> list[str]:
    """What was signed, in plain lines (values come from the record, which may be forged when invalid)."""
    q = record.get("questionnaire") or {}
    outcome = str(record.get("outcome", ""))
    lines = [
        f"signed: {record.get('decision', '?')} of draft {record.get('draft_id', '?')} revision "
        f"{record.get('revision', '?')} ({record.get('title') or 'untitled'})",
        f"  decided by {record.get('decided_by', '?')} at {record.get('decided_at', '?')}",
        f"  outcome: {wording.outcome_label(outcome)} ({outcome})" + (
            f", open between {wording.outcome_label(str(record.get('outcome_worst')))} and "
            f"{wording.outcome_label(str(record.get('outcome_best')))} on "
            f"{', '.join(map(str, record.get('decisive_gaps') or [])) or 'several answers'}"
            if record.get("decided") is False else ""),
        f"  questionnaire {q.get('id', '?')} {q.get('version', '?')}, SHA-256 {q.get('sha256') or 'not recorded'}",
        f"  engine {record.get('engine_version', '?')}; answers SHA-256 {record.get('answers_sha256', '?')}",
        f"  key id {key_id}",
    ]
    if record.get("audit_head"):
        lines.append(f"  audit log up to the decision: SHA-256 {record['audit_head']} (the store's verify_audit "
                     "checks the log against it)")
    if record.get("mode") == "single-user":
        lines.append(f"  {wording.label('signoff.single_user')}")
    if record.get("attestations"):
        lines.append(f"  attested: {', '.join(map(str, record['attestations']))}")
    if record.get("reasons"):
        lines.append(f"  reasons: {' '.join(str(record['reasons']).split())}")
    if record.get("open_reasons"):
        lines.append(f"  approved while open, because: {' '.join(str(record['open_reasons']).split())}")
    for r in record.get("reviews") or []:
        if isinstance(r, dict):
            lines.append(f"  review: section {r.get('section')} {r.get('mark')} by {r.get('by')} "
                         f"(revision {r.get('revision')})")
    for r in record.get("records") or []:
        if isinstance(r, dict):
            lines.append(f"  record: {r.get('kind')} #{r.get('id')} by {r.get('by')} (revision {r.get('revision')}, "
                         f"SHA-256 {str(r.get('sha256', ''))[:16]})")
    return lines


def _signed_answers(record: dict[str, Any]) -> AnswerSet | None:
    a = record.get("answers")
    if not isinstance(a, dict):
        return None
    try:
        return AnswerSet(str(a["questionnaire"]), str(a["questionnaire_version"]), dict(a.get("meta") or {}),
                         dict(a.get("answers") or {}))
    except (KeyError, TypeError, ValueError):
        return None


def diff_answers(signed: AnswerSet, now: AnswerSet) -> tuple[str, ...]:
    out = []
    if (signed.questionnaire, signed.questionnaire_version) != (now.questionnaire, now.questionnaire_version):
        out.append("questionnaire")
    for k in sorted(set(signed.answers) | set(now.answers)):
        if signed.answers.get(k) != now.answers.get(k):
            out.append(k)
    for k in sorted(set(signed.meta) | set(now.meta)):
        if signed.meta.get(k) != now.meta.get(k):
            out.append(f"meta.{k}")
    return tuple(out)


def verify_report(path: Path, public: Any) -> Verification:
    """Verify one report file against the municipality's public key (PiaError for an unreadable file)."""
    name = str(path)
    data = read_regular(path, MAX_REPORT_BYTES)
    notes: list[str] = []
    mismatches: list[str] = []
    if data[:4] == ZIP_MAGIC or name.lower().endswith(".docx"):
        kind = "docx"
        emb = read_embedded(data, name, check_hash=False)
        if not emb.hash_ok:
            notes.append("note: the embedded answers no longer match the SHA-256 recorded beside them")
        envelope_text, answers_text = emb.signoff, emb.answers
        report: dict[str, Any] = {}
    else:
        kind = "json"
        try:
            report = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PiaError(f"{name}: neither a Word report nor a JSON report made by pia") from exc
        if not isinstance(report, dict) or report.get("format") != "pia-report":
            raise PiaError(f"{name}: not a JSON report made by pia (no \"format\": \"pia-report\")")
        env = report.get("signoff")
        envelope_text = json.dumps(env) if env is not None else ""
        answers_text = json.dumps(report.get("answers"))
    if not envelope_text:
        return Verification(name, kind, False, None, notes=tuple(notes))
    checked = check(parse_envelope(envelope_text, name), public)
    now, _ = loads(answers_text, f"{name} (embedded answers)")
    signed = _signed_answers(checked.record)
    changed = diff_answers(signed, now) if signed is not None else ("answers (the signed record holds none)",)
    if kind == "json":
        rec = checked.record
        facts = [
            ("outcome", (report.get("outcome") or {}).get("id"), rec.get("outcome")),
            ("answers SHA-256", report.get("answers_sha256"), rec.get("answers_sha256")),
            ("questionnaire SHA-256", (report.get("questionnaire") or {}).get("sha256"),
             (rec.get("questionnaire") or {}).get("sha256")),
            ("engine version", report.get("engine_version"), rec.get("engine_version")),
        ]
        mismatches = [f"{what}: report says {a!r}, signed {b!r}" for what, a, b in facts if a != b]
    return Verification(name, kind, True, checked, changed, tuple(mismatches), tuple(notes))
