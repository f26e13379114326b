"""The page's door: it handles every attorney's credentials, so it opens to this
machine's browser alone.

- loopback only (the command refuses any other address before it listens);
- the token printed at start-up, once, in the first address; it is exchanged at once for
  a session cookie (HttpOnly, SameSite=Strict) and the browser sent on to `/`, so the
  token leaves the address bar and history;
- a `Host` header other than `127.0.0.1:PORT` / `localhost:PORT` is refused (a DNS
  rebinding page would send its own name);
- every state-changing request needs an `Origin` of this server and the session's CSRF
  token in a header; no CORS header is ever sent;
- every answer: a strict Content-Security-Policy, no framing, no referrer, no caching.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "autolink_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD"})
LOOPBACK = frozenset({"127.0.0.1", "localhost"})

HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
        b" form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


class Sessions:
    """Session cookies given for the start-up token, each with its CSRF token."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_urlsafe(32)
        self._csrf: dict[str, str] = {}

    def exchange(self, offered: str) -> str | None:
        """A new session for the right token; None for any other."""
        if not hmac.compare_digest(offered.encode(), self.token.encode()):
            return None
        session = secrets.token_urlsafe(32)
        self._csrf[session] = secrets.token_urlsafe(32)
        return session

    def csrf_of(self, session: str | None) -> str | None:
        if not session:
            return None
        for known, csrf in self._csrf.items():
            if hmac.compare_digest(known.encode(), session.encode()):
                return csrf
        return None


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Gate:
    """ASGI middleware: the checks above, before the application sees a request."""

    def __init__(self, app: ASGIApp, sessions: Sessions, port: int) -> None:
        self.app = app
        self.sessions = sessions
        self.hosts = {f"{name}:{port}" for name in LOOPBACK}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if headers.get("host", "") not in self.hosts:
            await _refuse(send, 421, "This page answers only at the address autolink serve printed.")
            return
        token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        if token and scope["method"] in SAFE_METHODS and scope["path"] == "/":
            await self._exchange(token[0], send)
            return
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no session
            cookie = SimpleCookie()
        session = cookie[COOKIE].value if COOKIE in cookie else None
        csrf = self.sessions.csrf_of(session)
        if csrf is None:
            await _refuse(
                send, 403, "Open the address autolink serve printed in its window (with its token)."
            )
            return
        if scope["method"] not in SAFE_METHODS:
            if headers.get("origin") not in self.origins:
                await _refuse(send, 403, "Refused: this request did not come from this page.")
                return
            if not hmac.compare_digest(headers.get(CSRF_HEADER, "").encode(), csrf.encode()):
                await _refuse(
                    send, 403, "Refused: the page's form token is missing or wrong; reload the page."
                )
                return
        scope.setdefault("state", {})["csrf"] = csrf

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if not k.lower().startswith(b"access-control-")
                ]
                message["headers"] = [*kept, *HEADERS]
            await send(message)

        await self.app(scope, receive, guarded)

    async def _exchange(self, offered: str, send: Send) -> None:
        session = self.sessions.exchange(offered)
        if session is None:
            await _refuse(
                send, 403, "That token is not this server's; use the address autolink serve printed."
            )
            return
        cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", b"/"),
                    (b"set-cookie", cookie),
                    (b"content-length", b"0"),
                    *HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
