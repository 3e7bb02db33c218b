"""JSON output: the answers and the full assessment, for other systems and archives.

The shape is described by schemas/report.schema.json (a test keeps it fresh and
validates every example against it). Keys are sorted and text is UTF-8, so the
same input gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..answers import AnswerSet
from ..assess import Assessment
from ..assess.summary import completeness_figure
from ..model import Questionnaire
from ..schemas import AnswersFile

FORMAT_ID = "pia-report"
FORMAT_VERSION = 1


def report_document(ctx: dict[str, Any], q: Questionnaire, answers: AnswerSet, assessment: Any,
                    signoff: str = "") -> dict[str, Any]:
    """The report as plain data; `signoff` (the signed decision envelope, JSON text) is added as `signoff`."""
    a = assessment.model_dump(mode="json") if hasattr(assessment, "model_dump") else dict(assessment)
    doc = {
        "format": FORMAT_ID,
        "format_version": FORMAT_VERSION,
        "kind": "brief" if ctx["brief"] else "full",
        "title": ctx["title"],
        "generated": ctx["generated"],
        "questionnaire": {"id": q.id, "version": q.version, "title": ctx["questionnaire"]["title"],
                          "sha256": ctx["reproducibility"]["questionnaire_sha256"],
                          "files": {f["name"]: f["sha256"] for f in ctx["reproducibility"]["questionnaire_files"]}},
        "engine_version": ctx["reproducibility"]["engine_version"],
        "answers_sha256": ctx["reproducibility"]["answers_sha256"],
        "outcome": {"id": ctx["outcome"]["id"], "label": ctx["outcome"]["label"],
                    "sentence": ctx["outcome"]["sentence"]},
        "completeness": _completeness(assessment),
        "answers": answers.to_dict(q),
        "assessment": a,
    }
    if signoff:
        doc["signoff"] = json.loads(signoff)
    return doc


def _completeness(assessment: Any) -> dict[str, Any]:
    """The one completeness figure (pia.assess.summary.completeness_figure), as the brief and full report show it."""
    from ..assess.models import CompletenessResult

    c = assessment.completeness if hasattr(assessment, "completeness") else CompletenessResult(
        **assessment["completeness"])
    f = completeness_figure(c)
    return {"answered": f.answered, "shown": f.shown, "unknown": f.unknown, "unanswered": f.unanswered,
            "required_unanswered": f.required_unanswered, "percent": f.percent, "text": f.text}


def render_json(ctx: dict[str, Any], q: Questionnaire, answers: AnswerSet, assessment: Any,
                signoff: str = "") -> bytes:
    return dump_json(report_document(ctx, q, answers, assessment, signoff))


def with_audit_log_json(data: bytes, entries: list[Any], chain: Any = None) -> bytes:
    """A rendered JSON report with the draft's audit log (pia.signoff.audit entries and chain check) added as
    `audit_log`: the store's knowledge, added after rendering as the Word and Markdown annex is."""
    doc = json.loads(data)
    doc["audit_log"] = {
        "chain": None if chain is None else {"ok": chain.ok, "entries": chain.entries, "problem": chain.problem},
        "entries": [{**e.as_dict(), "prev": e.prev} for e in entries],
    }
    return dump_json(doc)


def dump_json(doc: dict[str, Any]) -> bytes:
    """The one serialisation of a report document: sorted keys, UTF-8, so the same input gives the same bytes."""
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report document (assessment part from the engine's model)."""
    assessment_schema = Assessment

    class QuestionnaireRef(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        version: str
        title: str
        sha256: str = Field(pattern="^([0-9a-f]{64})?$",
                            description="Digest of the questionnaire source files (empty if not loaded from files)")
        files: dict[str, str] = Field(description="SHA-256 of each questionnaire source file, by name")

    class Outcome(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str
        label: str
        sentence: str

    class Completeness(BaseModel):
        """How complete the assessment is: the one figure every surface shows."""

        model_config = ConfigDict(extra="forbid")
        answered: int = Field(ge=0, description="Questions shown with a known answer (not unknown)")
        shown: int = Field(ge=0, description="Questions shown for these answers")
        unknown: int = Field(ge=0, description="Answered unknown")
        unanswered: int = Field(ge=0, description="Left blank")
        required_unanswered: int = Field(ge=0, description="Of those left blank, the required ones")
        percent: int = Field(ge=0, le=100, description="answered / shown, rounded down")
        text: str = Field(description="The figure in words, as the reports print it")

    class SignedDecision(BaseModel):
        """A signed decision envelope: the record (canonical JSON is what was signed), the signature, the key."""

        model_config = ConfigDict(extra="forbid")
        format: str = Field(pattern="^pia-signed-decision$")
        algorithm: str = Field(pattern="^Ed25519$")
        key_id: str = Field(pattern="^[0-9a-f]{64}$", description="SHA-256 of the raw public key")
        record: dict[str, Any] = Field(description="The decision record: answers, questionnaire digest, engine "
                                                   "version, outcome, who decided, when, attestations")
        signature: str = Field(description="Base64 Ed25519 signature over the record's canonical JSON")

    class AuditChain(BaseModel):
        model_config = ConfigDict(extra="forbid")
        ok: bool = Field(description="Whether every entry links to the one before it, as written")
        entries: int = Field(ge=0)
        problem: str = Field(description="The first break, in words; empty when intact")

    class AuditLogEntry(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: int
        at: str = Field(description="UTC time, ISO 8601")
        draft_id: str
        actor: str
        mode: str = Field(description="How the actor was identified (single-user, login, header)")
        action: str
        revision: int | None
        detail: dict[str, Any] = Field(description="Ids, marks and digests; never answer text")
        prev: str = Field(description="SHA-256 of the entry before (empty for the first)")
        sha256: str = Field(description="SHA-256 of this entry, chained to prev")

    class AuditLog(BaseModel):
        """Who did what to the draft, as the store wrote it, with the chain check made when exported."""

        model_config = ConfigDict(extra="forbid")
        chain: AuditChain | None
        entries: list[AuditLogEntry]

    class ReportDocument(BaseModel):
        """A pia report in JSON: the answers and the assessment made from them."""

        model_config = ConfigDict(extra="forbid", title="pia report (JSON)")
        format: str = Field(pattern=f"^{FORMAT_ID}$")
        format_version: int = Field(ge=1)
        kind: str = Field(pattern="^(brief|full)$")
        title: str
        generated: str = Field(description="Generation date given as input (YYYY-MM-DD), or 'not stated'")
        questionnaire: QuestionnaireRef
        engine_version: str
        answers_sha256: str = Field(pattern="^[0-9a-f]{64}$")
        outcome: Outcome
        completeness: Completeness
        answers: AnswersFile
        assessment: assessment_schema  # type: ignore[valid-type]
        signoff: SignedDecision | None = Field(
            None, description="The approver's decision record, signed with the municipality's Ed25519 key; "
                              "check it with `pia verify REPORT --public-key KEY`")
        audit_log: AuditLog | None = Field(
            None, description="The draft's audit log, added to a full report exported from the app's store")

    schema = ReportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
