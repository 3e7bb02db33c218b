"""The provider: discovery, JWKS, an HTML login form at /authorize, /token and /userinfo.

Authlib's AuthorizationServer does the protocol (request validation, client
authentication, codes, PKCE, the ID token); this module only adapts it to
Python's http.server and keeps clients, codes and tokens in memory.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from authlib.oidc.core.models import AuthorizationCodeMixin
from joserfc.jwk import KeySet, RSAKey


@dataclass(frozen=True)
class User:
    username: str
    password: str
    email: str
    name: str

    def get_user_id(self) -> str:
        return self.username


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post") if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return "0"

    def get_amr(self) -> list[str]:
        return ["pwd"]


class _Payload(OAuth2Payload):
    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    @property
    def data(self) -> dict[str, str]:
        return dict(self._pairs)

    @property
    def datalist(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k, v in self._pairs:
            out.setdefault(k, []).append(v)
        return out


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: dict[str, str], query: list, form: list):
        super().__init__(method, uri, headers=headers)
        self._query, self._form = dict(query), dict(form)
        self.payload = _Payload(query + form)

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class Provider:
    """Start with `Provider(users).start()`; `issuer` is its base URL; `register(...)` adds a client."""

    def __init__(self, users: list[User]):
        self.users = {u.username: u for u in users}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "pia-test", "use": "sig", "alg": "RS256"})
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, tuple[User, str]] = {}
        self.logins: list[str] = []            # user names that logged in, in order (what the tests check)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.server = self._authorization_server()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> Provider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def register(self, redirect_uri: str) -> tuple[str, str]:
        """A confidential client for one redirect URI: (client_id, client_secret)."""
        cid, secret = f"pia-{generate_token(8)}", generate_token(32)
        self.clients[cid] = Client(cid, secret, [redirect_uri])
        return cid, secret

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    # --- Authlib's server, adapted --------------------------------------------------

    def _claims(self, user: User, scope: str) -> UserInfo:
        info = UserInfo(sub=user.username)
        if "email" in scope.split():
            info.update(email=user.email, email_verified=True)
        if "profile" in scope.split():
            info["name"] = user.name
        return info

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id: str) -> Client | None:
                return provider.clients.get(client_id)

            def save_token(self, token: dict, request: OAuth2Request) -> None:
                with provider.lock:
                    provider.tokens[token["access_token"]] = (request.user, token.get("scope", ""))

            def create_oauth2_request(self, request: _Request) -> _Request:
                return request

            def create_json_request(self, request: _Request) -> _Request:
                return request

            def handle_response(self, status: int, body: Any, headers: list) -> tuple[int, Any, list]:
                return status, body, headers

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                return None

        class CodeGrant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                data = request.payload.data
                with provider.lock:
                    provider.codes[code] = Code(code, request.client.get_client_id(), request.payload.redirect_uri,
                                                request.payload.scope, request.user, data.get("nonce"),
                                                data.get("code_challenge"), data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                item = provider.codes.get(code)
                return item if item is not None and item.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                with provider.lock:
                    provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return authorization_code.user

        class OpenID(OpenIDCode):
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.get_client_id()]}

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "pia-test"}

            def generate_user_info(self, user: User, scope: str) -> UserInfo:
                return provider._claims(user, scope)

        server = Server(scopes_supported=["openid", "email", "profile"])
        server.register_token_generator("default", BearerTokenGenerator(lambda *a, **k: generate_token(42)))
        server.register_grant(CodeGrant, [CodeChallenge(required=True), OpenID(require_nonce=False)])
        return server

    # --- HTTP --------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:   # quiet: pytest shows failures
                return None

            def _request(self) -> _Request:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                form = parse_qsl(body, keep_blank_values=True) if self.command == "POST" else []
                return _Request(self.command, f"{provider.issuer}{self.path}", dict(self.headers),
                                parse_qsl(parts.query, keep_blank_values=True), form)

            def _send(self, status: int, body: Any, headers: list | None = None,
                      content_type: str = "application/json") -> None:
                data = body if isinstance(body, bytes) else (
                    json.dumps(body) if isinstance(body, dict) else str(body or "")).encode("utf-8")
                self.send_response(status)
                names = {k.lower() for k, _ in headers or []}
                for k, v in headers or []:
                    self.send_header(k, v)
                if "content-type" not in names:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._send(200, provider.metadata())
                elif path == "/jwks":
                    self._send(200, KeySet([provider.key]).as_dict(private=False))
                elif path == "/authorize":
                    self._authorize(self._request(), None)
                elif path == "/userinfo":
                    self._userinfo()
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                req = self._request()
                if path == "/authorize":
                    self._authorize(req, req.form)
                elif path == "/token":
                    status, body, headers = provider.server.create_token_response(req)
                    self._send(status, body, headers)
                else:
                    self._send(404, {"error": "not_found"})

            def _authorize(self, req: _Request, form: dict[str, str] | None) -> None:
                try:
                    grant = provider.server.get_consent_grant(req)
                except OAuth2Error as exc:
                    self._send(400, f"<p>Bad request: {html.escape(exc.error)}</p>", content_type="text/html")
                    return
                problem = ""
                if form is not None:
                    user = provider.users.get(form.get("username", ""))
                    if user is not None and secrets.compare_digest(user.password, form.get("password", "")):
                        with provider.lock:
                            provider.logins.append(user.username)
                        status, body, headers = provider.server.create_authorization_response(
                            req, grant_user=user, grant=grant)
                        self._send(status, body, headers)
                        return
                    problem = "<p role='alert'>Wrong user name or password.</p>"
                query = html.escape(urlsplit(self.path).query, quote=True)
                page = (f"<!doctype html><html lang='en'><head><title>Test identity provider</title></head><body>"
                        f"<h1>Sign in to the test identity provider</h1>{problem}"
                        f"<form method='post' action='/authorize?{query}'>"
                        "<label>User name <input name='username' autocomplete='username'></label>"
                        "<label>Password <input name='password' type='password'></label>"
                        "<button type='submit'>Sign in</button></form></body></html>")
                self._send(200, page, content_type="text/html; charset=utf-8")

            def _userinfo(self) -> None:
                auth = self.headers.get("Authorization") or ""
                token = auth[7:] if auth.lower().startswith("bearer ") else ""
                found = provider.tokens.get(token)
                if found is None:
                    self._send(401, {"error": "invalid_token"}, [("WWW-Authenticate", "Bearer")])
                    return
                user, scope = found
                self._send(200, dict(provider._claims(user, scope)))

        return Handler
