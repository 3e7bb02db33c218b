"""The audit log on the History page: every change, review, record, decision and export, as text.

The text is what `pia.signoff.audit.as_text` makes, so the page, an export
and an auditor's copy read the same; the chain check says whether the log is
still the one that was written (and that each signed decision signed).
"""

from __future__ import annotations

import streamlit as st

from pia.errors import PiaError
from pia.signoff.audit import as_text
from pia.store import Store

from .safe import md


def show(s: Store, draft_id: str) -> None:
    st.header("Audit log")
    try:
        entries = s.audit_log(draft_id)
        chain = s.verify_audit(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    st.caption("Who did what, on which revision, when (UTC). Written by the store with each change; nobody can "
               "edit or delete an entry. It holds ids, marks and digests, never answer text.")
    if chain.ok:
        st.success(f"The log is intact: {chain.entries} entries, an unbroken hash chain"
                   + (f", through the {chain.signed_heads_found} point(s) a signed decision recorded."
                      if chain.signed_heads_found else "."), icon=":material/link:")
    else:
        st.error(f"The log was tampered with: {md(chain.problem)}.", icon=":material/link_off:")
    text = as_text(entries)
    st.code(text or "(empty)", language=None, wrap_lines=True)
    st.download_button("Download the audit log (text)", data=text.encode("utf-8"),
                       file_name=f"draft-{draft_id[:8]}-audit.txt", mime="text/plain", key="dl_audit",
                       on_click="ignore", icon=":material/download:")
