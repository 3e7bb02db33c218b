"""Check the signature of a signed report someone uploads, against the municipality's key.

The same check as `pia verify` (pia.signoff.verify): the verdict first, then
what was signed and what changed. The public key is the one of this server's
signing key (PIA_SIGNING_KEY), or PIA_PUBLIC_KEY on a server that only reads.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pia.errors import PiaError
from pia.signoff.signing import load_public_key
from pia.signoff.verify import verify_report

from . import identity
from .safe import file_name, log

ss = st.session_state


def public_key() -> Any:
    """The key reports are checked against, or None when this server has none."""
    private = identity.signing_key()
    if private is not None:
        return private.public_key()
    path = os.environ.get("PIA_PUBLIC_KEY", "").strip()
    if not path:
        return None
    try:
        return load_public_key(path)
    except PiaError as exc:
        log.error("PIA_PUBLIC_KEY cannot be used: %s", exc)
        return None


def _verify(data: bytes, name: str, key: Any) -> tuple[bool, bool, list[str]]:
    """(signed, verified, lines) for an uploaded report (an unreadable one: not signed, the reason)."""
    suffix = ".docx" if name.lower().endswith(".docx") else ".json"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            v = verify_report(path, key)
        except PiaError as exc:
            return False, False, [str(exc).replace(str(path), file_name(name))]
        return v.signed, v.ok, [line.replace(str(path), file_name(name)) for line in v.lines()]


def show(up: Any) -> None:
    """Under an uploaded report: whether it carries a signed decision, and whether it checks out."""
    if up is None or not up.name.lower().endswith(".docx"):
        return
    memo = ss.get("_verified")
    if memo is None or memo[0] != up.file_id:
        key = public_key()
        # Without a key the check still tells whether the report is signed (against a throwaway key).
        signed, ok, lines = _verify(up.getvalue(), up.name, key or Ed25519PrivateKey.generate().public_key())
        memo = (up.file_id, signed, ok and key is not None, lines, key is not None)
        ss["_verified"] = memo
    _, signed, ok, lines, has_key = memo
    if not signed:
        return
    if not has_key:
        st.warning("This report carries a signed decision, but this server has no key to check it against "
                   "(PIA\\_SIGNING\\_KEY or PIA\\_PUBLIC\\_KEY). Check it with `pia verify`.")
        return
    if ok:
        st.success("**Signature verified**: this is the decision as signed with the municipality's key.",
                    icon=":material/verified:")
    else:
        st.error("**This report does not match its signature**: it was changed after it was signed, or another "
                 "key signed it.", icon=":material/gpp_bad:")
    st.code("\n".join(lines), language=None, wrap_lines=True)
