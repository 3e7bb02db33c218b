"""What every sign-off screen shares: the acting store, refusals as messages, the status line.

The store decides who may do what (pia.signoff.roles); the screens ask it
(`my_roles`) only to choose what to offer, and every refusal the store still
raises becomes one clear message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from pia import wording
from pia.errors import PiaError
from pia.signoff.records import SignoffState
from pia.signoff.roles import ACTIONS, ROLES, may
from pia.store import Store, StoreError

from . import identity, state
from .safe import md, store_failure

ss = st.session_state


def context() -> tuple[Store, str, frozenset[str]] | None:
    """(store, draft id, my roles) for the open draft, or None after saying why not."""
    if not state.has_open() or not ss.get(state.DRAFT):
        st.info("Open a saved draft first.")
        st.button("Go to the start page", key="so_to_start", on_click=state.request_page, args=("start",))
        return None
    s = state.store()
    if s is None:
        st.warning("Saved drafts are unavailable.")
        return None
    try:
        return s, ss[state.DRAFT], s.my_roles(ss[state.DRAFT])
    except StoreError as exc:
        st.error(store_failure("reading the draft", exc))
    except PiaError as exc:
        st.error(md(exc))
    return None


def attempt(action: Callable[..., Any], *args: Any, done: str = "", **kwargs: Any) -> bool:
    """Run a store method from a callback: its refusal or failure is flashed as one line, never raised."""
    try:
        action(*args, **kwargs)
    except StoreError as exc:
        state.flash("error", store_failure("saving the sign-off", exc))
        return False
    except PiaError as exc:
        state.flash("error", f"Not done: {md(exc)}")
        return False
    if done:
        state.flash("success", done)
    return True


def roles_line(roles: frozenset[str]) -> str:
    names = [wording.label(f"role.{r}") for r in ROLES if r in roles]
    return ", ".join(names) if names else "no role"


def can(action: str, roles: frozenset[str]) -> bool:
    return may(action, roles)


def cannot(action: str, roles: frozenset[str]) -> str:
    """Why the form for `action` is not offered, in the words the store would refuse with."""
    allowed, words = ACTIONS[action]
    needed = " or ".join(wording.label(f"role.{r}").lower() for r in ROLES if r in allowed)
    return f"Only the {needed} may {words}; you are {roles_line(roles).lower()} on this draft."


def _changed_words(q: Any, changed: tuple[str, ...]) -> str:
    """The questions changed since the decision, by their labels (ids for meta fields and unknown ids)."""
    from pia.text import text

    out = []
    for qid in changed[:12]:
        question = q.question(qid) if q is not None and not qid.startswith("meta.") else None
        out.append(f"“{md(text(question.label))}”" if question is not None else md(qid))
    more = f" and {len(changed) - 12} more" if len(changed) > 12 else ""
    return ", ".join(out) + more


def status_badge(sig: SignoffState, q: Any = None) -> None:
    """The sign-off state of the newest revision, loud when the signed decision is out of date."""
    label = wording.label(f"signoff.{sig.status}")
    extra = []
    if sig.decision is not None:
        extra.append(f"decision by {md(sig.decision.by)} on revision {sig.decision.revision}")
    if sig.to_correct:
        extra.append(f"{len(sig.to_correct)} section(s) marked {wording.label('review.to_correct').lower()}")
    if sig.open_threads:
        extra.append(f"{sig.open_threads} open comment thread(s)")
    head = label if label.lower().startswith("sign-off") else f"Sign-off: {label}"
    line = f"**{head}**" + (" — " + "; ".join(extra) if extra else "")
    if sig.status == "stale":
        st.error(f"{line}\n\nChanged since the decision: {_changed_words(q, sig.changed)}. An approver must "
                 f"decide again on revision {sig.head}.", icon=":material/warning:")
    elif sig.status == "approved":
        st.success(line, icon=":material/verified:")
    elif sig.status == "rejected":
        st.warning(line, icon=":material/block:")
    else:
        st.info(line)
    if identity.acting().user is None:
        st.caption(wording.label("signoff.single_user") + ".")


def signed_envelope() -> str:
    """The signed approval covering the open draft's newest answers, for the reports ("" when none)."""
    s = state.store()
    draft_id = ss.get(state.DRAFT)
    if s is None or not draft_id:
        return ""
    try:
        return s.signed_decision(draft_id) or ""
    except PiaError:
        return ""


def audited(offer: Any, what: str) -> Any:
    """The same download, written to the draft's audit log (with the file's SHA-256) when it is made."""
    import contextlib
    import dataclasses
    import hashlib

    s, draft_id, base = state.store(), ss.get(state.DRAFT), ss.get(state.BASE)
    if s is None or not draft_id:
        return offer
    make = offer.make

    def made() -> bytes:   # runs on click, on another thread: only what was captured above
        data = make()
        # The entry is refused only when the draft is gone; the file is still the user's.
        with contextlib.suppress(PiaError):
            s.record_export(draft_id, what, base, hashlib.sha256(data).hexdigest())
        return data

    return dataclasses.replace(offer, make=made)


def audit_now() -> tuple[Any, Any] | None:
    """(entries, chain check) of the open draft's audit log, for the full report's annex; None when unreadable."""
    s, draft_id = state.store(), ss.get(state.DRAFT)
    if s is None or not draft_id:
        return None
    try:
        return s.audit_log(draft_id), s.verify_audit(draft_id)
    except PiaError:
        return None
