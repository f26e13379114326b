"""The permanent final Submit, sent at most once on the wire.

Chromium re-sends a POST by itself when a reused keep-alive connection closes
before any answer arrives. For the confirmation POST that would link twice, so
the browser never sends it: the request is intercepted, sent once by Playwright's
request API with retries off, and its answer (if any) handed to the page. Any
second POST navigation from the page while this guard is armed is aborted.

`on_send` runs at the moment of hand-over, inside the intercepted route, with no await
between it and the send: the journal's "submitting" mark therefore means "handed to the
wire", never "about to click" (a click that never sent would leave a row stranded).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, Request, Route

from .network import mask_text
from .web.net import network_reason


class AnswerLost(Exception):
    """The request went out (or may have) but no usable answer came back."""


class SendRefused(Exception):
    """`on_send` failed (the journal could not record the hand-over): nothing was sent."""


# Sends one intercepted request exactly once and fulfils the route with the answer.
# It must not retry; it raises AnswerLost when the answer is lost.
Sender = Callable[[Route, float], Awaitable[None]]

# Asks the court for a harmless page through the path the Sender uses; returns None when
# the court answered, else why it could not be reached.
Probe = Callable[[Page, str, float], Awaitable[str | None]]


async def wire_sender(route: Route, timeout_ms: float) -> None:
    try:
        response = await route.fetch(max_retries=0, timeout=timeout_ms)
    except PlaywrightError as exc:
        raise AnswerLost(network_reason(exc, route.request.url)) from None
    await route.fulfill(response=response)


async def wire_probe(page: Page, url: str, timeout_ms: float) -> str | None:
    """One GET through the page's context request API: the same driver, proxy and
    certificates `route.fetch` will use for the Submit, so a proxy that lets the browser
    through but not the driver shows here, before anything permanent is sent. It asks
    as a stranger would: the court's front page, no session."""
    try:
        # Without the session's cookies (an explicit header keeps the jar's out): the check
        # must not touch the signed-in session the Submit is about to use.
        response = await page.context.request.get(
            url, headers={"cookie": ""}, max_retries=0, timeout=timeout_ms
        )
    except PlaywrightError as exc:
        return driver_reason(exc)
    try:
        return status_trouble(response.status)
    finally:
        with contextlib.suppress(PlaywrightError):
            await response.dispose()


def status_trouble(status: int) -> str | None:
    """Why an answer's status means the court was not really reached; None when it was."""
    if status == 407:
        return "the proxy asks for a user name and password (HTTP 407)"
    if status == 403:
        return "HTTP 403 (a proxy refusing the court, or the court refusing this address)"
    if status == 401:
        # The court's front page is public: a login asked for there is something in between.
        return "HTTP 401 (a proxy or gateway asking for a login the court's front page never asks)"
    if status >= 500:
        return f"HTTP {status} (from the court or the proxy)"
    return None


_CERTIFICATE_WORDS = ("certificate", "cert_", "ssl", "tls", "issuer")


def driver_reason(exc: PlaywrightError) -> str:
    """A short reason from a request-API error: its first line, without the call log,
    any credentials masked; certificate trouble called by its name."""
    text = str(exc.message if hasattr(exc, "message") else exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if first.lower().startswith("apirequestcontext.") and ": " in first:
        first = first.split(": ", 1)[1]
    first = mask_text(first)[:200]
    if any(word in first.lower() for word in _CERTIFICATE_WORDS):
        return f"a certificate problem: {first}"
    return first


@dataclass
class SubmitReport:
    sent: int = 0
    blocked: int = 0
    lost_reason: str | None = None
    refused: BaseException | None = None


def _nothing() -> None:
    return None


async def click_once(
    page: Page,
    button: Locator,
    *,
    timeout_ms: float,
    sender: Sender = wire_sender,
    on_send: Callable[[], None] = _nothing,
) -> SubmitReport:
    """Click the final Submit; return once its answer is on the page or known lost.

    The guard stays on the page for the rest of its life. Removing a route while
    its handler still waits for the court makes Playwright hand the request back
    to Chromium, which then sends it a second time: the one thing this must never do.
    """
    report = SubmitReport()
    answered = asyncio.Event()

    async def guard(route: Route, request: Request) -> None:
        if request.method != "POST":
            await route.fallback()
            return
        if report.sent or report.refused is not None or not request.is_navigation_request():
            report.blocked += 1
            with contextlib.suppress(PlaywrightError):
                await route.abort("blockedbyclient")
            return
        try:
            on_send()
        except Exception as exc:
            report.refused = exc
            with contextlib.suppress(PlaywrightError):
                await route.abort("blockedbyclient")
            answered.set()
            return
        # The mark and the hand-over share one step of the event loop: a Ctrl-C (a task
        # cancellation) cannot fall between them, so a row marked is a row handed over.
        report.sent += 1
        try:
            await sender(route, timeout_ms)
        except AnswerLost as exc:
            report.lost_reason = str(exc)
            with contextlib.suppress(PlaywrightError):
                await route.abort("connectionreset")
        finally:
            answered.set()

    await page.route("**/*", guard)
    try:
        async with page.expect_navigation(wait_until="domcontentloaded", timeout=timeout_ms * 2):
            await button.click(timeout=timeout_ms, no_wait_after=True)
    except PlaywrightError as exc:
        if report.refused is not None:
            raise SendRefused(str(report.refused)) from None
        if not report.sent:
            raise
        if report.lost_reason is None:
            report.lost_reason = network_reason(exc, page.url)
    if report.refused is not None:
        raise SendRefused(str(report.refused))
    if report.sent:
        # The navigation can give up before the sender does; its verdict decides.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(answered.wait(), timeout_ms / 1000 + 5)
    return report
