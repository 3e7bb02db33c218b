"""Who may do what to a draft: the roles, the actions, and the one table joining them.

The table is data, so the store enforces it, the tests walk it as a matrix and
the UI can ask it what to show. The store trusts the identity it is given:
proving who someone is (a login) is the app's job; deciding what that
identity may do is the store's.

Single-user mode (no login configured) acts as the identity ``local``, which
holds every role on every draft. In that mode nothing is separated: the one
user drafts, reviews and approves, and every record and signature says
"single-user mode" so no reader mistakes it for a checked approval.
"""

from __future__ import annotations

from ..errors import PiaError

LOCAL = "local"                # the identity of single-user mode
SINGLE_USER, LOGIN = "single-user", "login"

OWNER, AUTHOR, REVIEWER, APPROVER, READER = "owner", "author", "reviewer", "approver", "reader"
ROLES: tuple[str, ...] = (OWNER, AUTHOR, REVIEWER, APPROVER, READER)
GRANTABLE: tuple[str, ...] = (AUTHOR, REVIEWER, APPROVER, READER)   # ownership is the creator's

# action: (roles that may do it, words for the refusal)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "read": (frozenset(ROLES), "read it"),
    "export": (frozenset(ROLES), "export it"),
    "edit": (frozenset({OWNER, AUTHOR}), "change its answers"),
    "archive": (frozenset({OWNER}), "archive it"),
    "delete": (frozenset({OWNER}), "delete it"),
    "grant": (frozenset({OWNER}), "grant or revoke roles on it"),
    "mark": (frozenset({REVIEWER}), "mark its sections"),
    "comment": (frozenset({OWNER, AUTHOR, REVIEWER, APPROVER}), "comment on it"),
    "resolve": (frozenset({OWNER, AUTHOR}), "resolve or reopen its comments"),
    "dpo_advice": (frozenset({REVIEWER}), "record the data protection officer's advice"),
    "dpo_response": (frozenset({OWNER, AUTHOR, APPROVER}), "record whether the DPO's advice was followed"),
    "consultation": (frozenset({OWNER, AUTHOR}), "record a consultation"),
    "decide": (frozenset({APPROVER}), "approve or reject it"),
}


class Forbidden(PiaError):
    """An identity tried something its roles on the draft do not allow."""


def may(action: str, roles: frozenset[str] | set[str]) -> bool:
    """True when any of `roles` allows `action` (before the rule that authors do not approve)."""
    allowed, _ = ACTIONS[action]
    return bool(allowed & set(roles))


def refusal(identity: str, action: str, roles: frozenset[str] | set[str], draft: str) -> Forbidden:
    allowed, words = ACTIONS[action]
    needed = " or ".join(sorted(allowed))
    has = ", ".join(sorted(roles)) if roles else "no role"
    return Forbidden(f"{identity} may not {words} (draft {draft}): that needs the {needed} role, "
                     f"and {identity} has {has}")


def check_identity(identity: str) -> str:
    """A login identity as stored: trimmed, one line, not empty and not the reserved single-user name."""
    ident = (identity or "").strip()
    if not ident or len(ident) > 200 or any(c in ident for c in "\r\n\t"):
        raise PiaError(f"not a usable identity: {identity!r} (one line of at most 200 characters)")
    if ident == LOCAL:
        raise PiaError(f"the identity {LOCAL!r} is reserved for single-user mode; a login cannot use it")
    return ident
