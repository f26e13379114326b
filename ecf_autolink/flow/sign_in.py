"""Signing in: the court's front page, its Document Filing System link, then PACER.

Two paths (the sign-in option): PACER's Authentication API (`sign_in_api_path.py`), and the login
page with each dialog it opens (`sign_in_page_path.py`). "auto" tries the API and falls
back to the page only when the API gave no usable answer. A definite no from PACER ends
the row on either path, never tried again: a wrong password repeated is how accounts get
locked. Nor is it tried at the attorney's next court: each refusal is handed to
`FlowDeps.refusals`, and a row whose account PACER refused before sends nothing at all
(`pacer_verdict.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page

from .. import words
from ..court_urls import origin_of
from ..outcome import Outcome
from ..pages import court_front, pacer_login
from ..pages.base import PageKit
from ..web.stops import FlowStop
from .attempt import LinkAttempt
from .login_page import open_login
from .pacer_verdict import not_refused_before
from .sign_in_api_path import api_sign_in
from .sign_in_page_path import page_sign_in
from .trust import trust


async def sign_in(attempt: LinkAttempt, page: Page) -> PageKit:
    """Front page → Document Filing System → PACER sign-in (API or page) → CM/ECF.

    Addresses an earlier row of this run found at this court are gone to directly
    (`court_memory.py`): the front page and, before the API, the login page are skipped.
    """
    kit = PageKit(page, attempt.selectors, attempt.settings.timeout_ms)
    attempt.enter("open court")
    login_url = attempt.known.filing_system
    if login_url is None:
        await attempt.repeat(lambda: kit.goto(attempt.settings.court_url))
        login_url = await court_front.filing_system_link(kit)
    attempt.enter("PACER login")
    straight = await _straight_to_api(attempt, kit)
    if not straight and await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
        # Signed in already (single sign-on from an earlier court this run).
        return _remember(attempt, kit, login_url)
    not_refused_before(attempt)
    _ready_to_sign_in(attempt)
    for path in _PATHS.get(attempt.settings.sign_in, _PATHS["page"]):
        if path is page_sign_in and origin_of(kit.page.url) != attempt.login_origin:
            # The API went first without the login page: the page path needs it.
            straight = False
            if await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
                return _remember(attempt, kit, login_url)
        if not straight:
            # Whichever path signs in, a login page on a host not trusted for this run (a
            # look-alike after a redirect) means nothing is sent anywhere. Checked before
            # each path, because the API path may have loaded the login page again before
            # handing over. Straight to the API, no page was loaded: the API's host is the
            # one an earlier row signed in at.
            await trust(kit, attempt.login_origin, "type PACER credentials", "pacer_login.login")
        if await path(attempt, kit, login_url):
            return _remember(attempt, kit, login_url)
    raise AssertionError("unreachable: the last path signs in or raises")  # pragma: no cover


async def _straight_to_api(attempt: LinkAttempt, kit: PageKit) -> bool:
    """Whether the login page can be skipped before the Authentication API: this court's
    link led an earlier row to the login host, and this context holds no cookie of that
    host (nobody signed in here, so the page would only show its form)."""
    known = attempt.known.login_origin
    if attempt.settings.sign_in == "page" or known is None:
        return False
    if attempt.login_origin not in (None, known) or await kit.page.context.cookies([known]):
        return False
    attempt.login_origin = known
    return True


def _remember(attempt: LinkAttempt, kit: PageKit, login_url: str) -> PageKit:
    """Signed in and on the court's CM/ECF page: the way here is good for later rows."""
    attempt.known.filing_system = login_url
    if attempt.login_origin is not None:
        attempt.known.login_origin = attempt.login_origin
    return kit


def _ready_to_sign_in(attempt: LinkAttempt) -> None:
    """Stops that need no credentials sent: every filer has a passcode step."""
    if attempt.deps.passcodes is None:
        raise FlowStop(Outcome.MFA_REQUIRED, words.sign_in_stopped("no_passcode_possible", who=attempt.who))


# Each path returns True once signed in, False to hand over to the next in its row.
_PATHS: dict[str, tuple[Callable[[LinkAttempt, PageKit, str], Awaitable[bool]], ...]] = {
    "api": (api_sign_in,),
    "page": (page_sign_in,),
    "auto": (api_sign_in, page_sign_in),
}
