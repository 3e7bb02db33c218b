"""The whole sign-off at store level: draft, review, fix, records, approval, signed report, verification.

Author olivia drafts; reviewer rita marks a section to correct and asks a
question; approval is refused until olivia fixes the answer and resolves the
thread and rita marks the section acceptable; the DPO's advice and the
consultation are recorded; approver paul approves and pia signs. The signed
Word and JSON reports verify; after one answer is edited inside either (with
the embedded SHA-256 recomputed, the deliberate edit of review finding F5)
verification fails and names the answer. A later save makes the sign-off stale.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from lxml import etree

from pia.assess import assess
from pia.cli import main as cli
from pia.embedded import NAMESPACE, read_embedded
from pia.errors import PiaError
from pia.intake import open_assessment
from pia.report import render
from pia.report.json_export import with_audit_log_json
from pia.signoff.audit import as_text
from pia.signoff.records import ATTESTATIONS
from pia.signoff.verify import verify_report

FIXED = "Reduce night-time assaults; police figures for 2025 attached as annex B."


def edit_part(data: bytes, change) -> bytes:  # noqa: ANN001 - change(root) edits pia's answers part in place
    """The .docx with pia's answers part rewritten by `change`, every other entry kept as it was."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename.startswith("customXml/item") and NAMESPACE.encode() in blob[:400]:
                root = etree.fromstring(blob)
                change(root)
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, blob)
    return out.getvalue()


def edit_docx_answer(data: bytes, old: str, new: str) -> bytes:
    """Change text inside the embedded answers and recompute their SHA-256, as a deliberate forger would."""

    def change(root) -> None:  # noqa: ANN001
        text = base64.b64decode(root.text).decode()
        assert old in text
        raw = text.replace(old, new).encode()
        root.text = base64.b64encode(raw).decode()
        root.set("sha256", hashlib.sha256(raw).hexdigest())

    return edit_part(data, change)


def run_flow(store, mini, complete):
    """The flow up to the signed approval; returns the draft id."""
    olivia, rita, paul = store.as_user("olivia"), store.as_user("rita"), store.as_user("paul")
    d = olivia.create(complete, author="Olivia Author", q=mini).id
    olivia.grant(d, "rita", "reviewer")
    olivia.grant(d, "paul", "approver")
    olivia.grant(d, "reed", "reader")

    rita.mark_section(d, "screening", "acceptable", q=mini)
    rita.mark_section(d, "description", "to_correct", "The purpose cites no source for the figures.", q=mini)
    thread = rita.comment(d, "purpose", "Where do the 40 assaults come from?", q=mini)
    assert {r.section: r.status for r in rita.review_status(d, mini)}["description"] == "to_correct"
    with pytest.raises(PiaError, match="description are marked to correct"):
        paul.approve(d, mini, assess(mini, complete), list(ATTESTATIONS))

    fixed = complete.with_answer("purpose", FIXED)
    olivia.save(d, fixed, base=1, author="Olivia Author", q=mini)
    olivia.comment(d, "purpose", "Source added: police figures, annex B.", thread=thread)
    review = {r.section: r for r in olivia.review_status(d, mini)}
    assert review["description"].changed_since and not review["screening"].changed_since
    rita.mark_section(d, "description", "acceptable", q=mini)
    with pytest.raises(PiaError, match=r"1 comment thread\(s\) are open \(on purpose\)"):
        paul.approve(d, mini, assess(mini, fixed), list(ATTESTATIONS))
    olivia.resolve(d, thread, "Fixed in revision 2")
    assert olivia.threads(d)[0].resolved and [e.kind for e in olivia.threads(d)[0].entries] == [
        "comment", "comment", "resolved"]

    advice = rita.record_dpo_advice(d, "Dana Example (DPO)", "Mask the school gate during school hours.")
    olivia.respond_to_dpo_advice(d, advice, "followed")
    olivia.record_consultation(d, "Market traders' association", "2026-12-01",
                               "Worried the cameras deter shoppers.", "Signs and a public camera map added.")
    with pytest.raises(PiaError, match="not attested: authority_to_decide"):
        paul.approve(d, mini, assess(mini, fixed), list(ATTESTATIONS[:-1]))
    paul.approve(d, mini, assess(mini, fixed), list(ATTESTATIONS))
    return d, fixed


@pytest.fixture
def public_pem(tmp_path, signing_key):
    path = tmp_path / "municipality.pub"
    path.write_bytes(signing_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo))
    return path


def test_whole_flow_signs_a_report_that_verifies_and_catches_an_edit(store, mini, complete, tmp_path, public_pem,
                                                                     signing_key):
    d, fixed = run_flow(store, mini, complete)
    state = store.signoff_state(d)
    assert state.status == "approved" and state.decision.by == "paul" and state.open_threads == 0
    signoff = store.as_user("reed").signed_decision(d)
    assert signoff is not None

    docx = render(mini, fixed, "docx", generated="2026-12-02", signoff=signoff)
    as_json = render(mini, fixed, "json", generated="2026-12-02", signoff=signoff)
    store.as_user("reed").record_export(d, "full report docx", sha256=hashlib.sha256(docx).hexdigest())
    assert read_embedded(docx).signoff == signoff
    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(json.loads(as_json), schema)                  # the signed JSON report keeps its schema
    (tmp_path / "signed.docx").write_bytes(docx)
    (tmp_path / "signed.json").write_bytes(as_json)

    assert open_assessment(tmp_path / "signed.docx", questionnaire=mini).answers == fixed   # still a report to reopen
    key = signing_key.public_key()
    for name in ("signed.docx", "signed.json"):
        v = verify_report(tmp_path / name, key)
        assert v.ok, v.lines()
        text = "\n".join(v.lines())
        assert "VERIFIED" in text and "decided by paul" in text and "attested: read_full_assessment" in text
        assert "revision 2 (Market square cameras)" in text and "review: section description acceptable by rita" in text

    # One answer edited inside the Word report, hash recomputed: the signature catches it and names it.
    forged = edit_docx_answer(docx, "camera_count: 120", "camera_count: 12")
    (tmp_path / "forged.docx").write_bytes(forged)
    v = verify_report(tmp_path / "forged.docx", key)
    assert not v.ok and v.checked.valid and v.changed == ("camera_count",)
    assert "ALTERED" in v.lines()[0]

    # The same in the JSON report, and a forged record (outcome changed) breaks the signature itself.
    doc = json.loads(as_json)
    doc["answers"]["answers"]["camera_count"] = 12
    (tmp_path / "forged.json").write_text(json.dumps(doc))
    v = verify_report(tmp_path / "forged.json", key)
    assert not v.ok and v.changed == ("camera_count",)
    doc = json.loads(as_json)
    doc["signoff"]["record"]["outcome"] = "proceed"
    doc["outcome"]["id"] = "proceed"
    (tmp_path / "forged-record.json").write_text(json.dumps(doc))
    v = verify_report(tmp_path / "forged-record.json", key)
    assert not v.ok and not v.checked.valid and "record was altered" in v.lines()[0]

    # The CLI, with its documented exit codes.
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", str(tmp_path / "signed.docx"), str(tmp_path / "signed.json"),
                             "--public-key", str(public_pem)])
    assert ok.exit_code == 0 and ok.output.count("VERIFIED") == 2, ok.output
    bad = runner.invoke(cli, ["verify", str(tmp_path / "forged.docx"), "--public-key", str(public_pem)])
    assert bad.exit_code == 1 and "changed since signing: camera_count" in bad.output
    other = tmp_path / "other.pub"
    other.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    wrong = runner.invoke(cli, ["verify", str(tmp_path / "signed.json"), "--public-key", str(other)])
    assert wrong.exit_code == 1 and "signed with another key" in wrong.output
    unsigned = tmp_path / "unsigned.json"
    unsigned.write_bytes(render(mini, fixed, "json", generated="2026-12-02"))
    assert runner.invoke(cli, ["verify", str(unsigned), "--public-key", str(public_pem)]).exit_code == 1
    missing = runner.invoke(cli, ["verify", str(tmp_path / "nope.docx"), "--public-key", str(public_pem)])
    assert missing.exit_code == 2 and "Traceback" not in missing.output

    # A later change leaves the decision as signed but marks the sign-off stale, naming what changed.
    store.as_user("olivia").save(d, fixed.with_answer("camera_count", 140), base=2, q=mini)
    state = store.signoff_state(d)
    assert state.status == "stale" and state.changed == ("camera_count",) and state.decision.revision == 2
    assert store.signed_decision(d) is None and store.signed_decision(d, 2) == signoff

    log = store.audit_log(d)
    assert [(e.actor, e.action) for e in log] == [
        ("olivia", "created"), ("olivia", "granted"), ("olivia", "granted"), ("olivia", "granted"),
        ("rita", "marked"), ("rita", "marked"), ("rita", "commented"),
        ("olivia", "saved"), ("olivia", "commented"), ("rita", "marked"), ("olivia", "resolved"),
        ("rita", "dpo_advice"), ("olivia", "dpo_response"), ("olivia", "consultation"),
        ("paul", "decision"), ("reed", "exported"), ("olivia", "saved")]
    assert log[14].detail["signed"] is True and log[14].detail["decision"] == "approved"
    decision = store.records(d, "decision")[0]           # one time for the signed record, its row and its entry
    assert decision.at == log[14].at and decision.fields["decided_at"] == log[14].at.isoformat(timespec="seconds")
    assert store.history(d)[-1].created_at == log[0].at
    description = {r.section: r for r in store.review_status(d, mini)}["description"]
    assert description.mark.at == log[9].at and store.threads(d)[0].entries[-1].at == log[10].at
    assert decision.fields["audit_head"] == log[13].sha256 and log[14].prev == log[13].sha256
    check = store.verify_audit(d)
    assert check.ok and check.entries == len(log) and check.signed_heads_found == 1
    data = store.audit_data(d)
    assert json.loads(json.dumps(data)) == data and data[14]["actor"] == "paul" and data[14]["revision"] == 2
    text = as_text(log)
    assert len(text.splitlines()) == len(log) and re.search(r"paul\s+decision\s+r2 ", text)

    # The full JSON report carries the same log and its chain check, within its schema, and still verifies.
    signed = store.signed_decision(d, 2)
    as_json = with_audit_log_json(render(mini, store.load(d, 2)[0], "json", generated="2026-12-02",
                                         signoff=signed), log, check)
    doc = json.loads(as_json)
    schema = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["audit_log"]["chain"] == {"ok": True, "entries": len(log), "problem": ""}
    assert [(e["actor"], e["action"], e["sha256"], e["prev"]) for e in doc["audit_log"]["entries"]] == [
        (e.actor, e.action, e.sha256, e.prev) for e in log]
    assert FIXED not in json.dumps(doc["audit_log"])
    (tmp_path / "with-log.json").write_bytes(as_json)
    assert verify_report(tmp_path / "with-log.json", signing_key.public_key()).ok
    assert FIXED not in text and "Olivia Author" not in text          # no answer text, no typed names


def test_audit_times_in_another_zone_still_chain(store, mini, complete):
    """A clock giving local time (UTC+2) is stored as UTC, so the chain reads back intact on SQLite too."""
    import datetime as dt

    store.clock = lambda: dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    d = store.create(complete, q=mini).id
    store.mark_section(d, "description", "acceptable", q=mini)
    assert store.verify_audit(d).ok
    assert store.audit_log(d)[0].at == dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


def test_records_are_locked_and_the_audit_log_is_append_only(store, mini, complete):
    """Not even SQL through pia's own connection can change a signed record or rewrite the log."""
    d, _ = run_flow(store, mini, complete)
    for sql in ("UPDATE pia_records SET body = '{}'", "UPDATE pia_audit SET actor = 'mallory'",
                "DELETE FROM pia_audit", "UPDATE pia_review SET mark = 'acceptable'",
                "UPDATE pia_comments SET body = 'x'"):
        with pytest.raises(Exception, match="append-only") as err, store.engine.begin() as c:
            c.exec_driver_sql(sql)
        assert "refused" in str(err.value)
    assert store.records(d, "decision")[0].fields["decided_by"] == "paul"
    assert {e.actor for e in store.audit_log(d)} == {"olivia", "rita", "paul"}


def _drop_audit_triggers(store) -> None:
    with store.engine.begin() as c:
        if store.engine.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER pia_audit_no_update")
            c.exec_driver_sql("DROP TRIGGER pia_audit_no_delete")
        else:
            c.exec_driver_sql("DROP TRIGGER pia_audit_append_only ON pia_audit")


@pytest.mark.parametrize("tamper", ["change", "remove", "rewrite"])
def test_a_rewritten_audit_log_is_detected_even_without_the_triggers(store, mini, complete, tamper):
    """A database administrator drops the triggers and edits the log; the chain and the signed head show it."""
    from pia.signoff.audit import digest

    d, _ = run_flow(store, mini, complete)
    assert store.verify_audit(d).ok
    log = store.audit_log(d)
    marked = next(e for e in log if e.action == "marked" and e.detail["mark"] == "to_correct")
    _drop_audit_triggers(store)
    with store.engine.begin() as c:
        if tamper == "change":          # hide that the section was ever marked to correct
            c.exec_driver_sql(f"UPDATE pia_audit SET detail = '{{\"mark\": \"acceptable\", \"section\": "
                              f"\"description\"}}' WHERE id = {marked.id}")
        elif tamper == "remove":
            c.exec_driver_sql(f"DELETE FROM pia_audit WHERE id = {marked.id}")
        else:                           # remove it and recompute every later link, as a careful forger would
            c.exec_driver_sql(f"DELETE FROM pia_audit WHERE id = {marked.id}")
            prev = ""
            for e in log:
                if e.id == marked.id:
                    continue
                detail = json.dumps(e.detail, sort_keys=True, ensure_ascii=False)
                sha = digest(prev, e.at, e.draft_id, e.actor, e.mode, e.action, e.revision, detail)
                c.exec_driver_sql(f"UPDATE pia_audit SET prev = '{prev}', sha256 = '{sha}' WHERE id = {e.id}")
                prev = sha
    check = store.verify_audit(d)
    assert not check.ok
    expected = {"change": f"entry {marked.id} (marked) was changed after it was written",
                "remove": "does not follow entry before it (an entry was removed or inserted)",
                "rewrite": "is not this log: entries before that decision were rewritten"}[tamper]
    assert expected in check.problem
