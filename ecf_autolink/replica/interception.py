"""The replica inside a Playwright context: requests to its two origins are answered in-process.

Every other request from the context is aborted, so nothing leaves the machine.
Faults a route cannot act out (a hang, a half-sent body) become the nearest abort.

Redirects: Playwright does not route the request that follows a fulfilled 3xx (it
goes to the real network, where `*.replica.test` does not resolve), so a redirect
is delivered as a tiny page that refreshes to the target at once. Its cookies are
kept, and the browser ends on the target URL as after a real redirect.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable

from playwright.async_api import BrowserContext, Page, Route
from playwright.async_api import Request as PlaywrightRequest

from ..court_urls import origin_of
from ..submit_once import AnswerLost, Probe, Sender
from .court import ReplicaCourt
from .wire import Action, HostKind, Reply, Request

DEFAULT_LOGIN_URL = "https://pacer-login.replica.test"

_ABORT_CODES = {
    Action.RESET: "connectionreset",
    Action.REFUSE: "connectionrefused",
    Action.HANG: "timedout",
    Action.TRUNCATE: "connectionclosed",
    # Chromium's own answer to a redirect loop (ERR_TOO_MANY_REDIRECTS) is not an abort code.
    Action.LOOP: "failed",
}
_CATCH_ALL_MARK = "_ecf_autolink_replica_catch_all"


class ConnectionLost(ConnectionError):
    """The replica dropped the answer (a fault); `action` says how."""

    def __init__(self, action: Action, url: str) -> None:
        super().__init__(f"replica dropped the answer ({action}) for {origin_of(url)}")
        self.action = action


def default_court_url(court: ReplicaCourt) -> str:
    return f"https://ecf.{court.court_id}.replica.test"


async def install(
    context: BrowserContext,
    court: ReplicaCourt,
    court_url: str | None = None,
    login_url: str = DEFAULT_LOGIN_URL,
) -> None:
    """Serve `court` at `court_url` and its login host at `login_url` inside `context`.

    Several courts may be installed on one context; they share the login origin and
    each answers only the login requests that belong to it.
    """
    court_url = (court_url or default_court_url(court)).rstrip("/")
    login_url = login_url.rstrip("/")
    court.set_bases(court_url, login_url)
    if not getattr(context, _CATCH_ALL_MARK, False):
        # Registered first, so it runs last: only what no replica claims reaches it.
        await context.route("**/*", _refuse)
        setattr(context, _CATCH_ALL_MARK, True)
    await context.route(_same_origin(court_url), _handler(court, "court"))
    await context.route(_same_origin(login_url), _handler(court, "login"))


async def _refuse(route: Route) -> None:
    await route.abort("blockedbyclient")


def _same_origin(base: str) -> Callable[[str], bool]:
    origin = origin_of(base)
    return lambda url: origin_of(url) == origin


def _handler(court: ReplicaCourt, host_kind: HostKind) -> Callable[[Route, PlaywrightRequest], object]:
    async def handle(route: Route, request: PlaywrightRequest) -> None:
        req = Request.build(
            request.method,
            host_kind,
            request.url,
            await request.all_headers(),
            request.post_data_buffer or b"",
        )
        if host_kind == "login" and not court.owns_login_request(req):
            await route.fallback()
            return
        reply = court.handle(req)
        if reply.directive.delay:
            await asyncio.sleep(reply.directive.delay)
        code = _ABORT_CODES.get(reply.directive.action)
        if code is not None:
            await route.abort(code)
            return
        reply = as_refresh_page(reply)
        await route.fulfill(status=reply.status, headers=fulfil_headers(reply), body=reply.body)

    return handle


def as_refresh_page(reply: Reply) -> Reply:
    """A redirect as a page that navigates to its target; any other reply unchanged."""
    location = reply.header("Location")
    if not (300 <= reply.status < 400) or location is None:
        return reply
    target = html.escape(location, quote=True)
    body = (
        '<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url='
        f'{target}"><title>Redirecting</title></head><body></body></html>'
    ).encode()
    keep = [(k, v) for k, v in reply.headers if k.lower() in ("set-cookie", "cache-control")]
    return Reply(200, [("Content-Type", "text/html; charset=utf-8"), *keep], body, reply.directive)


def fulfil_headers(reply: Reply) -> dict[str, str]:
    """Reply headers as `route.fulfill` wants them: one key each, Set-Cookie lines joined by \\n."""
    merged: dict[str, str] = {}
    for name, value in reply.headers:
        key = name.lower()
        if key in merged:
            merged[key] += ("\n" if key == "set-cookie" else ", ") + value
        else:
            merged[key] = value
    return merged


async def fetch(
    court: ReplicaCourt,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Reply:
    """Send one request straight to the replica, no browser; raises ConnectionLost on a dropped answer.

    The URL must be on the court's or its login host's base (see `set_bases`).
    """
    kind = court.host_kind_of(url)
    if kind is None:
        raise ValueError(f"{origin_of(url)} is neither the replica court nor its login host")
    req = Request.build(method, kind, url, headers, body)  # type: ignore[arg-type]
    reply = court.handle(req)
    if reply.directive.delay:
        await asyncio.sleep(reply.directive.delay)
    if reply.directive.action not in (Action.REPLY, Action.LOOP):
        raise ConnectionLost(reply.directive.action, url)
    return reply


def replica_sender(court: ReplicaCourt) -> Sender:
    """A `submit_once` sender for interception mode: one request to the replica, never retried.

    `route.fetch` (the wire sender) goes around context routes to the real network,
    where the replica's hosts do not exist; this hands the request to the replica.
    """

    async def send(route: Route, timeout_ms: float) -> None:
        request = route.request
        try:
            reply = await asyncio.wait_for(
                fetch(
                    court,
                    request.method,
                    request.url,
                    await request.all_headers(),
                    request.post_data_buffer or b"",
                ),
                timeout_ms / 1000,
            )
        except (ConnectionLost, TimeoutError) as exc:
            raise AnswerLost(f"no answer from {origin_of(request.url)} ({type(exc).__name__})") from None
        reply = as_refresh_page(reply)
        await route.fulfill(status=reply.status, headers=fulfil_headers(reply), body=reply.body)

    return send


def replica_probe(court: ReplicaCourt) -> Probe:
    """The pre-Submit reachability check for interception mode: the GET goes to the
    replica in-process, as `replica_sender` sends the Submit."""

    async def probe(page: Page, url: str, timeout_ms: float) -> str | None:
        try:
            reply = await asyncio.wait_for(fetch(court, "GET", url), timeout_ms / 1000)
        except (ConnectionLost, TimeoutError) as exc:
            return f"no answer from {origin_of(url)} ({type(exc).__name__})"
        return f"HTTP {reply.status}" if reply.status >= 500 else None

    return probe
