"""Every role against every action, at store level: allowed ones succeed, the rest are refused in one line.

The expected matrix is written out here, by hand, as the specification; the
store's own table (pia.signoff.roles.ACTIONS) is not consulted, so a change
to that table that loosens a permission fails here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from pia.assess import assess
from pia.errors import PiaError
from pia.signoff.records import ATTESTATIONS
from pia.signoff.roles import Forbidden

OWNER, AUTHOR, REVIEWER, APPROVER, READER, NOBODY = "olivia", "ada", "rita", "paul", "reed", "nina"
WHO = {"owner": OWNER, "author": AUTHOR, "reviewer": REVIEWER, "approver": APPROVER, "reader": READER,
       "no role": NOBODY}

# role -> the actions it may take; every other action must be refused.
ALLOWED: dict[str, set[str]] = {
    "owner": {"read", "history", "export", "edit", "restore", "archive", "delete", "grant", "revoke", "comment",
              "resolve", "dpo_response", "consultation"},
    "author": {"read", "history", "export", "edit", "restore", "comment", "resolve", "dpo_response",
               "consultation"},
    "reviewer": {"read", "history", "export", "mark", "comment", "dpo_advice"},
    "approver": {"read", "history", "export", "comment", "dpo_response", "approve", "reject"},
    "reader": {"read", "history", "export"},
    "no role": set(),
}


class Case:
    """A fresh draft owned by olivia, with one identity per role, and what each action needs."""

    def __init__(self, base: Any, mini: Any, complete: Any):
        self.base, self.mini, self.complete = base, mini, complete
        self.owner = base.as_user(OWNER)
        self.d = self.owner.create(complete, author="Olivia", q=mini).id
        for ident, role in ((AUTHOR, "author"), (REVIEWER, "reviewer"), (APPROVER, "approver"),
                            (READER, "reader")):
            self.owner.grant(self.d, ident, role)
        self.thread = self.advice = 0

    def head(self) -> int:
        return self.owner.draft(self.d).head


def _edited(c: Case) -> Any:
    return c.complete.with_answer("purpose", "Edited purpose.")


ACTIONS: dict[str, tuple[Callable[[Case], None] | None, Callable[[Any, Case], Any]]] = {
    # action: (setup as the owner or a reviewer, the action itself as the identity under test)
    "read": (None, lambda s, c: s.load(c.d)),
    "history": (None, lambda s, c: (s.history(c.d), s.audit_log(c.d), s.review_status(c.d, c.mini),
                                    s.threads(c.d), s.records(c.d), s.signoff_state(c.d), s.roles(c.d))),
    "export": (None, lambda s, c: s.export_actions(c.d, c.mini, "csv", dt.date(2027, 1, 1))),
    "edit": (None, lambda s, c: s.save(c.d, _edited(c), base=c.head(), q=c.mini)),
    "restore": (lambda c: c.owner.save(c.d, _edited(c), base=1, q=c.mini), lambda s, c: s.restore(c.d, 1, 2)),
    "archive": (None, lambda s, c: s.archive(c.d)),
    "delete": (lambda c: c.owner.archive(c.d), lambda s, c: s.delete(c.d)),
    "grant": (None, lambda s, c: s.grant(c.d, "newcomer", "reader")),
    "revoke": (None, lambda s, c: s.revoke(c.d, READER, "reader")),
    "mark": (None, lambda s, c: s.mark_section(c.d, "description", "improvable", q=c.mini)),
    "comment": (None, lambda s, c: s.comment(c.d, "purpose", "Which police figures?", q=c.mini)),
    "resolve": (lambda c: setattr(c, "thread", c.base.as_user(REVIEWER).comment(c.d, "purpose", "Source?")),
                lambda s, c: s.resolve(c.d, c.thread, "Source added")),
    "dpo_advice": (None, lambda s, c: s.record_dpo_advice(c.d, "Dana (DPO)", "Mask the school gate")),
    "dpo_response": (lambda c: setattr(c, "advice", c.base.as_user(REVIEWER).record_dpo_advice(
        c.d, "Dana (DPO)", "Mask the school gate")),
        lambda s, c: s.respond_to_dpo_advice(c.d, c.advice, "followed")),
    "consultation": (None, lambda s, c: s.record_consultation(c.d, "Market traders' association", "2026-12-01",
                                                               "Worried about footfall", "Signs added")),
    "approve": (None, lambda s, c: s.approve(c.d, c.mini, assess(c.mini, c.complete), list(ATTESTATIONS))),
    "reject": (None, lambda s, c: s.reject(c.d, c.mini, assess(c.mini, c.complete), "Evidence too thin")),
}


def _fingerprint(c: Case) -> tuple[Any, ...]:
    """Everything a refused action could have changed."""
    rows = c.base.drafts(include_archived=True)
    if c.d not in {r.id for r in rows}:
        return ("gone",)
    return (c.base.draft(c.d), c.base.history(c.d), c.base.roles(c.d), c.base.review_status(c.d, c.mini),
            c.base.threads(c.d), c.base.records(c.d), len(c.base.audit_log(c.d)))


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", list(WHO))
def test_permission_matrix(store, mini, complete, role, action):
    c = Case(store, mini, complete)
    setup, act = ACTIONS[action]
    if setup is not None:
        setup(c)
    actor = store.as_user(WHO[role])
    before = _fingerprint(c)
    if action in ALLOWED[role]:
        act(actor, c)
        if action not in ("read", "history", "delete"):          # every change and export is in the log
            entry = store.audit_log(c.d)[-1]
            assert entry.actor == WHO[role] and entry.mode == "login" and len(store.audit_log(c.d)) > before[-1]
        return
    with pytest.raises(Forbidden) as err:
        act(actor, c)
    message = str(err.value)
    assert "\n" not in message and WHO[role] in message, message
    assert "that needs the" in message and ("no role" in message if role == "no role" else role in message)
    assert _fingerprint(c) == before          # a refusal changes nothing, not even the audit log


def test_delete_is_logged_and_the_log_outlives_the_draft(store, mini, complete):
    c = Case(store, mini, complete)
    c.owner.archive(c.d)
    c.owner.delete(c.d)
    assert [e.action for e in store.audit_log(c.d)][-2:] == ["archived", "deleted"]
    assert store.audit_log(c.d)[-1].actor == OWNER


def test_login_list_shows_only_drafts_with_a_role(store, mini, complete):
    c = Case(store, mini, complete)
    other = store.as_user("someone-else").create(complete, q=mini)
    assert {d.id for d in store.as_user(READER).drafts()} == {c.d}
    assert {d.id for d in store.as_user(NOBODY).drafts()} == set()
    assert {d.id for d in store.drafts()} == {c.d, other.id}           # single-user mode sees everything
    assert store.as_user(READER).count() == 1


def test_an_author_who_wrote_a_revision_stays_barred_from_approving(store, mini, complete):
    """Dropping the author role after writing does not make someone a fit approver of their own work."""
    c = Case(store, mini, complete)
    store.as_user(AUTHOR).save(c.d, _edited(c), base=1, q=mini)
    c.owner.revoke(c.d, AUTHOR, "author")
    with pytest.raises(Forbidden, match="ada is an author of it, and an author cannot approve"):
        c.owner.grant(c.d, AUTHOR, "approver")
    with pytest.raises(Forbidden, match="paul is its approver"):
        c.owner.grant(c.d, APPROVER, "author")


def test_an_author_given_the_approver_role_behind_pias_back_still_cannot_decide(store, mini, complete):
    """Defence in depth: even with an approver row written straight into the database, an author is refused."""
    from pia.dbschema import RoleRow

    c = Case(store, mini, complete)
    with store._session() as s, s.begin():
        s.add(RoleRow(draft_id=c.d, identity=AUTHOR, role="approver", granted_by="dba",
                      granted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    store.as_user(AUTHOR).save(c.d, _edited(c), base=1, q=mini)
    for decide in (ACTIONS["approve"][1], ACTIONS["reject"][1]):
        with pytest.raises(Forbidden, match="ada is an author of it, and an author cannot approve their own"):
            decide(store.as_user(AUTHOR), c)
    with pytest.raises(Forbidden, match="olivia is an author of it"):     # the owner, likewise
        with store._session() as s, s.begin():
            s.add(RoleRow(draft_id=c.d, identity=OWNER, role="approver", granted_by="dba",
                          granted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
        ACTIONS["reject"][1](c.owner, c)
    assert store.records(c.d, "decision") == []


def test_single_user_mode_holds_every_role_and_says_so(store, mini, complete):
    d = store.create(complete, author="Sam", q=mini).id
    assert store.my_roles(d) == {"owner", "author", "reviewer", "approver", "reader"}
    store.mark_section(d, "description", "acceptable", q=mini)
    store.approve(d, mini, assess(mini, complete), list(ATTESTATIONS))
    decision = store.records(d, "decision")[0]
    assert decision.fields["mode"] == "single-user" and decision.fields["decided_by"] == "local"
    assert {e.mode for e in store.audit_log(d)} == {"single-user"}


@pytest.mark.parametrize("bad", ["", "  ", "local", "two\nlines", "x" * 201])
def test_unusable_identities_are_refused(store, bad):
    with pytest.raises(PiaError, match="identity"):
        store.as_user(bad)


def test_legacy_drafts_are_handed_over_in_single_user_mode(store, mini, complete):
    d = store.create(complete, q=mini).id                 # owned by 'local', as every 0.1.0 draft is
    with pytest.raises(Forbidden):
        store.as_user(OWNER).load(d)
    store.transfer_owner(d, OWNER)
    assert store.as_user(OWNER).my_roles(d) == {"owner", "author"}
    assert store.audit_log(d)[-1].action == "owner_changed"
