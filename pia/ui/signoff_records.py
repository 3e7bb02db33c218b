"""Formal records in the app: the DPO's advice and whether it was followed, consultations, the decision.

Each record is written once by the person named in it, at the current
revision, with its SHA-256, and is locked from then on (the database refuses
any change). The approver decides on the newest answers: approval against
every attestation, signed with the municipality's key, or rejection with
reasons. A later change to the answers leaves the decision as signed and the
status line says the sign-off is out of date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import streamlit as st

from pia import wording
from pia.assess import assess
from pia.errors import PiaError
from pia.model import Questionnaire
from pia.signoff.records import (
    ATTESTATIONS,
    CONSULTATION,
    DECISION,
    DPO_ADVICE,
    DPO_RESPONSE,
    DPO_RESPONSES,
    Record,
)
from pia.store import Store

from . import identity, panel, state
from .safe import md
from .signoff_common import attempt, can, cannot

ss = st.session_state


def _locked(r: Record) -> str:
    return (f"Locked record #{r.id}: written by {md(r.by)} on revision {r.revision}, "
            f"{r.at:%Y-%m-%d %H:%M} UTC, SHA-256 {r.sha256[:16]}…")


def _advice(s: Store, draft_id: str) -> None:
    attempt(s.record_dpo_advice, draft_id, ss.get("so_dpo_name") or "", ss.get("so_dpo_advice") or "",
            done="The DPO's advice is recorded and locked.")


def _respond(s: Store, draft_id: str, advice_id: int) -> None:
    attempt(s.respond_to_dpo_advice, draft_id, advice_id, ss.get(f"so_dpo_resp_{advice_id}") or "",
            ss.get(f"so_dpo_why_{advice_id}") or "", done="The response to the DPO's advice is recorded and locked.")


def _consult(s: Store, draft_id: str) -> None:
    when = ss.get("so_cons_when")
    attempt(s.record_consultation, draft_id, ss.get("so_cons_who") or "", when.isoformat() if when else "",
            ss.get("so_cons_said") or "", ss.get("so_cons_changed") or "",
            done="The consultation is recorded and locked.")


def _current(s: Store, draft_id: str, q: Questionnaire):  # noqa: ANN202
    answers, _ = s.load(draft_id)
    return assess(q, answers)


def _approve(s: Store, draft_id: str, q: Questionnaire) -> None:
    ticked = [a for a in ATTESTATIONS if ss.get(f"so_attest_{a}")]
    try:
        a = _current(s, draft_id, q)
    except PiaError as exc:
        state.flash("error", f"Not approved: {md(exc)}")
        return
    attempt(s.approve, draft_id, q, a, ticked, ss.get("so_open_why") or "",
            done="Approved and signed with the municipality's key.")


def _reject(s: Store, draft_id: str, q: Questionnaire) -> None:
    try:
        a = _current(s, draft_id, q)
    except PiaError as exc:
        state.flash("error", f"Not rejected: {md(exc)}")
        return
    attempt(s.reject, draft_id, q, a, ss.get("so_reject_why") or "", done="The rejection is recorded.")


def _new_record(roles: frozenset[str], action: str, form: str, title: str, fields: Sequence[Callable[[], object]],
                save: tuple[str, str], on_save: Callable[[], None]) -> None:
    """The form that writes one new locked record (its `fields` drawn in order, `save` the button's label and
    key), or why this user may not: the DPO's advice and a consultation share it, so both offer and refuse alike."""
    if not can(action, roles):
        st.caption(cannot(action, roles))
        return
    with st.form(form, border=True):
        st.markdown(title)
        for field in fields:
            field()
        st.form_submit_button(save[0], key=save[1], on_click=on_save)


def _dpo(s: Store, draft_id: str, roles: frozenset[str], records: list[Record]) -> None:
    st.subheader("Data protection officer's advice")
    advices = [r for r in records if r.kind == DPO_ADVICE]
    responses = {r.fields.get("advice"): r for r in records if r.kind == DPO_RESPONSE}
    for r in advices:
        with st.container(border=True, key=f"so_advice_{r.id}"):
            st.markdown(f"**{md(r.fields.get('dpo'))}** advised: {md(r.fields.get('advice'))}")
            st.caption(_locked(r))
            resp = responses.get(r.id)
            if resp is not None:
                word = wording.label(f"dpo.{resp.fields.get('response')}")
                why = f" Reasons: {md(resp.fields.get('reasons'))}" if resp.fields.get("reasons") else ""
                st.markdown(f"Response: **{word}**.{why}")
                st.caption(_locked(resp))
            elif can("dpo_response", roles):
                with st.form(f"so_dpo_respond_{r.id}", border=False):
                    st.radio("Was the advice followed?", DPO_RESPONSES, key=f"so_dpo_resp_{r.id}", index=None,
                             horizontal=True, format_func=lambda x: wording.label(f"dpo.{x}"))
                    st.text_area("Reasons (required unless followed)", key=f"so_dpo_why_{r.id}", max_chars=5000,
                                 height=80)
                    st.form_submit_button("Record the response", key=f"so_dpo_resp_save_{r.id}", on_click=_respond, args=(s, draft_id, r.id))
            else:
                st.caption("Not answered yet. " + cannot("dpo_response", roles))
    if not advices:
        st.caption("No advice recorded yet.")
    _new_record(roles, "dpo_advice", "so_dpo_form",
                "**Record the DPO's advice** (as given; it cannot be changed afterwards)",
                [partial(st.text_input, "Data protection officer", key="so_dpo_name", max_chars=200),
                 partial(st.text_area, "Advice", key="so_dpo_advice", max_chars=20000, height=120)],
                ("Record the advice", "so_dpo_save"), partial(_advice, s, draft_id))


def _consultations(s: Store, draft_id: str, roles: frozenset[str], records: list[Record]) -> None:
    st.subheader("Consultation")
    cons = [r for r in records if r.kind == CONSULTATION]
    for r in cons:
        f = r.fields
        with st.container(border=True, key=f"so_cons_{r.id}"):
            st.markdown(f"**{md(f.get('who'))}**, {md(f.get('when'))}: {md(f.get('said'))}")
            st.markdown(f"What changed: {md(f.get('changed'))}")
            st.caption(_locked(r))
    if not cons:
        st.caption("No consultation recorded yet.")
    _new_record(roles, "consultation", "so_cons_form", "**Record a consultation**",
                [partial(st.text_input, "Who was consulted", key="so_cons_who", max_chars=500),
                 partial(st.date_input, "When", key="so_cons_when", value=None),
                 partial(st.text_area, "What they said", key="so_cons_said", max_chars=20000, height=100),
                 partial(st.text_area, "What changed because of it (or “nothing”, and why)", key="so_cons_changed",
                         max_chars=20000, height=80)],
                ("Record the consultation", "so_cons_save"), partial(_consult, s, draft_id))


def _decisions(s: Store, draft_id: str, q: Questionnaire, roles: frozenset[str], records: list[Record]) -> None:
    st.subheader("Decision")
    for r in (r for r in records if r.kind == DECISION):
        f = r.fields
        word = wording.label("signoff.approved" if f.get("decision") == "approved" else "signoff.rejected")
        with st.container(border=True, key=f"so_decision_{r.id}"):
            outcome = (wording.headline("incomplete", str(f.get("outcome_worst")), str(f.get("outcome_best")))
                       if f.get("decided") is False else wording.outcome_label(str(f.get("outcome"))))
            st.markdown(f"**{word}** by {md(f.get('decided_by'))} on revision {f.get('revision')}, "
                        f"outcome {md(outcome)}")
            if f.get("open_reasons"):
                st.markdown(f"Approved while open, because: {md(f['open_reasons'])}")
            if f.get("attestations"):
                st.markdown("\n".join(f"- {md(wording.label(f'attest.{a}'))}" for a in f["attestations"]
                                      if f"attest.{a}" in wording.EN))
            if f.get("reasons"):
                st.markdown(f"Reasons: {md(f['reasons'])}")
            st.caption(_locked(r) + (f" Signed, key id {r.key_id[:16]}." if r.signature else " Not signed."))
    if not can("decide", roles):
        st.caption(cannot("decide", roles))
        return
    if s.signing_key is None:
        st.warning("Approval needs the municipality's signing key, and this server has none: whoever runs pia "
                   "sets PIA\\_SIGNING\\_KEY to the private key file made by `pia keygen`. A rejection can still "
                   "be recorded (unsigned).")
    if identity.acting().user is None:
        st.caption(wording.label("signoff.single_user") + ": the decision will say so.")
    # The page's own assessment of these answers (the decision bar's, computed once per change); the approval
    # itself assesses the store's newest revision again (`_approve`).
    now, _why = panel.current_assessment(q)
    prohibited = now is not None and now.outcome == "prohibited"
    still_open = now is not None and not now.decided
    if prohibited:
        st.error("The assessment finds this use **legally prohibited**. No decision can override a legal "
                 "prohibition, so it cannot be approved: reject it, or change the proposal and assess it again.")
    elif still_open:
        st.warning(f"The outcome is still open: {md(now.headline)}. Approving now needs your reasons for deciding "
                   "before the open questions are answered; the signed record names both ends and the questions.")
    with st.form("so_approve_form", border=True):
        st.markdown("**Approve the newest revision**: attest each of these")
        for a in ATTESTATIONS:
            st.checkbox(wording.label(f"attest.{a}"), key=f"so_attest_{a}")
        if still_open:
            st.text_area("Why approve while the outcome is still open", key="so_open_why", max_chars=20000,
                         height=80)
        st.form_submit_button("Approve and sign", key="so_approve", type="primary", on_click=_approve, args=(s, draft_id, q),
                              disabled=s.signing_key is None or prohibited)
    with st.form("so_reject_form", border=True):
        st.markdown("**Or reject it**, with reasons")
        st.text_area("Reasons for the rejection", key="so_reject_why", max_chars=20000, height=100)
        st.form_submit_button("Reject", key="so_reject", on_click=_reject, args=(s, draft_id, q))


def show(s: Store, draft_id: str, q: Questionnaire, roles: frozenset[str]) -> None:
    try:
        records = s.records(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    _dpo(s, draft_id, roles, records)
    _consultations(s, draft_id, roles, records)
    _decisions(s, draft_id, q, roles, records)
