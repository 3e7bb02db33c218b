"""Who is using the app: an OIDC login, a trusted reverse proxy's header, or single-user mode.

The store enforces what an identity may do (pia.signoff.roles); proving who
someone is is this module's job. Three modes, chosen by the operator, in this
order:

1. **Login** (OIDC): `.streamlit/secrets.toml` has an ``[auth]`` section (see
   docs/signoff.md). Streamlit's own ``st.login`` sends the visitor to the
   identity provider and keeps the verified claims in a signed cookie; the
   identity is the ``email`` claim (unless the provider says it is not
   verified), else the issuer's ``sub``. Anyone not logged in sees only the
   login page.
2. **Proxy**: ``PIA_TRUSTED_USER_HEADER`` names a header that the operator's
   reverse proxy sets after its own login (e.g. ``X-Forwarded-User``). pia
   believes it only because the operator said so; a request without it sees
   only a refusal. The proxy must be the only way to reach the app and must
   drop the header from what visitors send.
3. **Single-user**: neither is configured. One person on their own machine:
   the store acts as ``local`` with every role, and every record says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from pia.errors import PiaError
from pia.signoff.roles import LOGIN, SINGLE_USER, check_identity

from .safe import log, md

OIDC, PROXY = "oidc", "proxy"
HEADER_ENV = "PIA_TRUSTED_USER_HEADER"
PROVIDER_ENV = "PIA_OIDC_PROVIDER"     # a named provider in [auth.NAME]; unset: the default [auth] provider


@dataclass(frozen=True)
class Identity:
    """The visitor as the store will see them: `user` None means single-user mode."""

    how: str              # oidc / proxy / single-user
    user: str | None
    name: str = ""        # a display name from the provider, if any

    @property
    def mode(self) -> str:
        return SINGLE_USER if self.user is None else LOGIN


BROKEN = "broken"   # a secrets file is there but unusable: refuse, never fall back to single-user


def _secrets_present() -> bool:
    """Does any secrets file or folder Streamlit reads exist (so a failure to read it is an error)?"""
    try:
        paths = st.get_option("secrets.files") or []
    except Exception:   # an unknown option in an older Streamlit: nothing to find
        return False
    return any(os.path.exists(p) for p in paths)


def _auth_section() -> dict | str | None:
    """The [auth] section of the secrets when login is configured, BROKEN when they cannot be read, else None."""
    try:
        if "auth" not in st.secrets:
            return None
        auth = dict(st.secrets["auth"] or {})
    except FileNotFoundError:          # Streamlit's "no secrets", and also its "cannot parse them"
        if _secrets_present():
            log.error("the secrets file cannot be read, so logins cannot be checked; refusing every visitor")
            return BROKEN
        return None
    except Exception:   # any other failure to read them: fail closed as well
        log.exception("the secrets file cannot be read; refusing every visitor")
        return BROKEN
    if not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        log.error("the [auth] secrets lack redirect_uri or cookie_secret; refusing every visitor")
        return BROKEN
    return auth


def how() -> str:
    """Which identity mode the operator configured (see the module docstring); BROKEN refuses everyone."""
    auth = _auth_section()
    if auth == BROKEN:
        return BROKEN
    if auth is not None:
        return OIDC
    if os.environ.get(HEADER_ENV, "").strip():
        return PROXY
    return SINGLE_USER


def _from_claims(claims: dict) -> str:
    email = str(claims.get("email") or "").strip()
    if email and claims.get("email_verified", True) is not False:
        return email
    sub = str(claims.get("sub") or "").strip()
    return sub


def current() -> Identity | None:
    """The visitor's identity, or None when this mode needs a login the visitor does not have."""
    mode = how()
    if mode == BROKEN:
        return None
    if mode == SINGLE_USER:
        return Identity(SINGLE_USER, None)
    if mode == PROXY:
        header = os.environ[HEADER_ENV].strip()
        value = (st.context.headers.get(header) or "").strip()
        if not value:
            return None
        try:
            return Identity(PROXY, check_identity(value), value)
        except PiaError as exc:
            log.warning("refused the user header %s: %s", header, exc)
            return None
    if not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    try:
        user = check_identity(_from_claims(claims))
    except PiaError as exc:
        log.warning("refused a login without a usable email or sub claim: %s", exc)
        return None
    return Identity(OIDC, user, str(claims.get("name") or ""))


def authlib_installed() -> bool:
    """st.login needs Authlib 1.3.2 or later (Streamlit's "auth" extra, pia's "login" extra)."""
    try:
        import authlib
    except ImportError:
        return False
    try:
        return tuple(int(p) for p in authlib.__version__.split(".")[:3]) >= (1, 3, 2)
    except ValueError:
        return True


def _login() -> None:
    provider = os.environ.get(PROVIDER_ENV, "").strip() or None
    st.login(provider)


def gate() -> Identity | None:
    """The identity, or None after drawing what a visitor without one may see (the caller stops)."""
    ident = current()
    if ident is not None:
        return ident
    st.title("Camera impact assessment")
    mode = how()
    if mode == BROKEN:
        st.error("Logins are configured, but their settings cannot be read (the secrets file, or its [auth] "
                 "section lacks redirect\\_uri or cookie\\_secret), so nobody can be let in. Whoever runs pia "
                 "finds the reason in the server log.")
        return None
    if mode == OIDC:
        if not authlib_installed():
            st.error("Logins are configured (the [auth] section of the secrets file), but this server lacks the "
                     "library they need. Whoever runs pia installs it with `pip install 'pia[login]'`.")
            return None
        if st.user.is_logged_in:   # logged in, but the provider gave no usable email or subject
            st.error("Your login gave pia no e-mail address or user id to record, so it cannot be used here. "
                     "Ask whoever runs pia to check the identity provider's claims.")
            st.button("Log out", key="logout_refused", on_click=st.logout)
            return None
        st.markdown("This pia server keeps its drafts for named people only. Log in to see the assessments "
                    "you were given a role on.")
        st.button("Log in", key="login", type="primary", on_click=_login, icon=":material/login:")
    else:
        st.error(f"This pia server expects its reverse proxy to say who you are (header "
                 f"{md(os.environ.get(HEADER_ENV, ''))}), and this request did not. Open pia through the "
                 "address your organisation gave you.")
    return None


def sidebar(ident: Identity) -> None:
    """Who is acting, in the sidebar, with a log-out button for OIDC logins."""
    with st.sidebar:
        if ident.user is None:
            st.caption("Single-user mode: no login is configured, so everything is recorded as **local** "
                       "and one person holds every role.")
            return
        shown = f"{md(ident.name)} ({md(ident.user)})" if ident.name and ident.name != ident.user else md(ident.user)
        st.markdown(f"Signed in as **{shown}**")
        if ident.how == OIDC:
            st.button("Log out", key="logout", on_click=st.logout, icon=":material/logout:")


# --- the store as this visitor -------------------------------------------------------

KEY = "_identity"


def remember(ident: Identity) -> None:
    st.session_state[KEY] = ident


def acting() -> Identity:
    """The identity this session acts as (single-user until the frame has checked a login)."""
    return st.session_state.get(KEY) or Identity(SINGLE_USER, None)


@st.cache_resource(show_spinner=False)
def _signing_key(path: str):  # noqa: ANN202 - an Ed25519PrivateKey or None
    from pia.signoff.signing import load_private_key

    try:
        return load_private_key(path)
    except PiaError as exc:
        log.error("the signing key named by PIA_SIGNING_KEY cannot be used: %s", exc)
        return None


def signing_key():  # noqa: ANN201
    """The municipality's private key (PIA_SIGNING_KEY), or None: then nothing can be approved here."""
    path = os.environ.get("PIA_SIGNING_KEY", "").strip()
    return _signing_key(path) if path else None


def scoped(base):  # noqa: ANN001, ANN201 - Store -> Store
    """The shared store acting as this session's identity, holding the signing key."""
    import copy

    ident = acting()
    s = base.as_user(ident.user) if ident.user is not None else copy.copy(base)
    s.signing_key = signing_key()
    return s
