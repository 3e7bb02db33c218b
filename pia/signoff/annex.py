"""The audit log as the last annex of a full report (Word and Markdown; PDF via Word).

The report module renders what the answers say; who did what to the draft is
the store's knowledge, so the annex is added to the rendered report here,
after the fact: a heading, one sentence on what the log is, and the log's
lines as `pia.signoff.audit.as_text` writes them (the History page shows the
same text). The answers and any signature embedded in a Word report are
untouched, so `pia verify` reads the annexed report as it read the original.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from ..errors import PiaError
from .audit import AuditEntry, ChainCheck, as_text

HEADING = "Annex: audit log"


def _intro(chain: ChainCheck | None) -> str:
    text = ("Every change to the draft, review mark, comment, formal record, decision and export, as the draft "
            "store wrote it with the change: time (UTC), who, what, on which revision, and ids, marks and digests "
            "(never answer text).")
    if chain is not None:
        text += (f" Hash chain checked when this report was made: intact, {chain.entries} entries." if chain.ok
                 else f" Hash chain checked when this report was made: BROKEN: {chain.problem}.")
    return text


def with_audit_log(data: bytes, fmt: str, entries: list[AuditEntry], chain: ChainCheck | None = None) -> bytes:
    """`data` (a rendered full report in `fmt`) with the audit log annexed."""
    lines = as_text(entries).splitlines()
    if fmt == "md":
        fence = "````" if any("```" in line for line in lines) else "```"
        block = "\n".join([fence, *lines, fence])
        return data + f"\n\n## {HEADING}\n\n{_intro(chain)}\n\n{block}\n".encode()
    if fmt != "docx":
        raise PiaError(f"the audit log is annexed to Word and Markdown reports, not {fmt}")
    doc = Document(io.BytesIO(data))
    doc.add_page_break()
    doc.add_heading(HEADING, level=1)
    doc.add_paragraph(_intro(chain))
    for line in lines or ["(empty)"]:
        run = doc.add_paragraph().add_run(line)
        run.font.name = "Courier New"
        run.font.size = Pt(7)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
