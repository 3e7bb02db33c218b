"""A real OpenID Connect provider on loopback for the login tests (Authlib's authorization server).

Not a mock: Authlib's own AuthorizationServer with the authorization-code
grant, PKCE (RFC 7636) and OpenID Connect's ID token (RS256, keys published
at jwks_uri), served over HTTP on 127.0.0.1. The browser logs in through its
HTML form with a user name and password; Streamlit's st.login (Authlib's
client) does the rest. Only the users it is started with exist.
"""

from .server import Provider, User

__all__ = ["Provider", "User"]
