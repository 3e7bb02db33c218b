"""Who holds which role on the draft, what each role may do, and (for the owner) granting roles."""

from __future__ import annotations

import streamlit as st

from pia import wording
from pia.errors import PiaError
from pia.signoff.roles import ACTIONS, GRANTABLE, ROLES
from pia.store import Store

from . import identity
from .safe import md
from .signoff_common import attempt, can, cannot, roles_line

ss = st.session_state


def _grant(s: Store, draft_id: str) -> None:
    who, role = (ss.get("so_grant_who") or "").strip(), ss.get("so_grant_role")
    if attempt(s.grant, draft_id, who, role or "",
               done=f"{md(who)} is now {wording.label(f'role.{role}').lower() if role else ''} on this draft."):
        ss["so_grant_who"] = ""


def _revoke(s: Store, draft_id: str, who: str, role: str) -> None:
    attempt(s.revoke, draft_id, who, role, done=f"{md(who)} is no longer {wording.label(f'role.{role}').lower()}.")


def matrix(roles: frozenset[str]) -> None:
    """What each role may do; the visitor's own roles are marked, so the page explains what it offers."""
    head = "| May … | " + " | ".join(wording.label(f"role.{r}") + (" (you)" if r in roles else "")
                                     for r in ROLES) + " |"
    rows = [head, "|---|" + ":-:|" * len(ROLES)]
    for _action, (allowed, words) in ACTIONS.items():
        rows.append(f"| {words} | " + " | ".join("✓" if r in allowed else "" for r in ROLES) + " |")
    st.markdown("\n".join(rows))
    st.caption("An author never approves their own assessment: nobody who wrote a revision may decide on it.")


def show(s: Store, draft_id: str, roles: frozenset[str]) -> None:
    st.markdown(f"You are **{roles_line(roles).lower()}** on this draft.")
    if identity.acting().user is None:
        st.caption("Single-user mode: you hold every role. Roles separate people only when a login is "
                   "configured (docs/signoff.md).")
    try:
        granted = s.roles(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    rows = ["| Person | Role | Granted by | When (UTC) |", "|---|---|---|---|"]
    for who, role, by, at in granted:
        rows.append(f"| {md(who)} | {wording.label(f'role.{role}')} | {md(by)} | {at:%Y-%m-%d %H:%M} |")
    st.markdown("\n".join(rows))
    if can("grant", roles) and identity.acting().user is not None:
        with st.form("so_grant_form", border=True):
            st.markdown("**Give someone a role on this draft**")
            st.text_input("Their login (e-mail address)", key="so_grant_who", max_chars=200)
            st.selectbox("Role", GRANTABLE, key="so_grant_role",
                         format_func=lambda r: wording.label(f"role.{r}"))
            st.form_submit_button("Grant the role", on_click=_grant, args=(s, draft_id))
        revocable = [(w, r) for w, r, _, _ in granted if r in GRANTABLE and not (r == "author" and any(
            w2 == w and r2 == "owner" for w2, r2, _, _ in granted))]
        if revocable:
            with st.expander("Take a role away"):
                for i, (w, r) in enumerate(revocable):
                    st.button(f"Revoke {md(w)} as {wording.label(f'role.{r}').lower()}", key=f"so_revoke_{i}",
                              on_click=_revoke, args=(s, draft_id, w, r))
    elif identity.acting().user is not None:
        st.caption(cannot("grant", roles))
    with st.expander("What each role may do"):
        matrix(roles)
