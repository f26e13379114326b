"""The court's CM/ECF pages: main menu, Utilities, the link form and its answers."""

from __future__ import annotations

from ..attorney import Attorney
from ..court_urls import origin_of
from ..web.net import signed_in_again
from ..web.stops import SessionEnded, SiteChanged, TransientFailure
from .base import PageKit
from .kinds import PageKind, mark
from .pacer_login import LOGIN_FORM, SESSION_EXPIRED

LINK_FORM = mark(PageKind.LINK_FORM)
ALREADY_LINKED = mark(PageKind.ALREADY_LINKED)
CONFIRM = mark(PageKind.LINK_CONFIRM)
BAD_LOGIN = "texts.cmecf_bad_credentials"
NOT_NEXTGEN = mark(PageKind.UTILITIES_NOT_READY)
LINK_ITEM = mark(PageKind.UTILITIES_MENU)
# The court ended the session: it says so, or PACER's login form shows where a CM/ECF page
# was expected.
SESSION_ENDED = (SESSION_EXPIRED, LOGIN_FORM)
# A court page, signed in, that is not the link page: every CM/ECF page has the menu bar.
_MENU_BAR = ("cmecf_main.logout",)
NOT_LINK_PAGE = "not the link page"


def _expired(kit: PageKit) -> SessionEnded:
    return SessionEnded(kit.page.url)


async def utilities_url(kit: PageKit) -> str:
    """Read from the main menu once, so a retry after a failed load does not look
    for the menu on the error page."""
    return await kit.href_of("cmecf_main.utilities")


class NoLinkOption(Exception):
    """Utilities has no link item; `explained` when the court says it is not on NextGen."""

    def __init__(self, explained: bool) -> None:
        super().__init__("no link option under Utilities")
        self.explained = explained


async def link_page_url(kit: PageKit, utilities: str) -> str:
    """Utilities → the link item's address; NoLinkOption when the court offers none."""
    if signed_in_again(await kit.goto(utilities)):
        raise _expired(kit)
    kind = await kit.wait_for_any(
        [LINK_ITEM, NOT_NEXTGEN, *SESSION_ENDED, "cmecf_main.logout"],
        what="the Utilities menu",
    )
    if kind in SESSION_ENDED:
        raise _expired(kit)
    if kind != LINK_ITEM:
        raise NoLinkOption(explained=kind == NOT_NEXTGEN)
    return await kit.href_of(LINK_ITEM)


async def link_page_at(kit: PageKit, link_page: str, *, remembered: bool = False) -> str:
    """Load the link page: what it shows. `remembered`: an address kept from an earlier
    row; a court page that is neither the form nor a linked account is then
    NOT_LINK_PAGE (go by the menu), not a changed site."""
    if signed_in_again(await kit.goto(link_page)):
        raise _expired(kit)
    kinds = [ALREADY_LINKED, LINK_FORM, *SESSION_ENDED]
    kind = await kit.wait_for_any([*kinds, *_MENU_BAR] if remembered else kinds, what="the link form")
    if kind in SESSION_ENDED:
        raise _expired(kit)
    return NOT_LINK_PAGE if kind in _MENU_BAR else kind


async def link_page_if_signed_in(kit: PageKit, link_page: str) -> str | None:
    """Right after a sign-in by cookie: the link page's state if the court took the
    session there and then; None when it showed anything else (sign in by the link)."""
    try:
        state = await link_page_at(kit, link_page, remembered=True)
    except (SessionEnded, SiteChanged, TransientFailure):
        return None
    return None if state == NOT_LINK_PAGE else state


async def submit_legacy_login(kit: PageKit, attorney: Attorney) -> str:
    await kit.fill("link_form.cmecf_login", attorney.cmecf_username)
    await kit.fill("link_form.cmecf_password", attorney.cmecf_password.reveal())
    if signed_in_again(await kit.submit("link_form.submit")):
        raise _expired(kit)
    kind = await kit.wait_for_any(
        [BAD_LOGIN, ALREADY_LINKED, CONFIRM, *SESSION_ENDED, LINK_FORM],
        what="the confirmation table",
    )
    if kind in SESSION_ENDED:
        raise _expired(kit)
    if kind == LINK_FORM:
        # The form came back without the court's "invalid login" text: it was not read.
        raise TransientFailure(f"the court showed the link form again at {origin_of(kit.page.url)}")
    return kind
