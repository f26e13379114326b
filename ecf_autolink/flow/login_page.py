"""Reaching PACER's login page from the court, and learning which host to trust with it.

Loading the page sends nothing, so it is repeatable. The first hop away from the court
(where its Document Filing System link leads) becomes the login host trusted for this
row; a court whose link stays on its own site is not on NextGen CM/ECF yet.
"""

from __future__ import annotations

from .. import words
from ..court_urls import origin_of
from ..outcome import Outcome
from ..pages import pacer_login
from ..pages.base import PageKit
from ..web.net import first_hop_away
from ..web.stops import FlowStop, SiteChanged
from .attempt import LinkAttempt


async def open_login(attempt: LinkAttempt, kit: PageKit, login_url: str) -> str:
    """Load the login page (repeatable: nothing is sent); ALREADY_IN or LOGIN_FORM."""
    page = kit.page

    async def load() -> str:
        response = await kit.goto(login_url)
        try:
            arrived = await pacer_login.arrived(kit)
        except SiteChanged as changed:
            if origin_of(page.url) != attempt.court_origin:
                raise
            # Courts not yet on NextGen keep their own CM/ECF login page.
            raise FlowStop(
                Outcome.COURT_NOT_READY,
                words.sign_in_stopped(
                    "court_not_ready", court=attempt.attorney.court, url=page.url, what=changed.what
                ),
            ) from None
        if arrived != pacer_login.ALREADY_IN:
            _learn_login_origin(attempt, first_hop_away(login_url, response, page.url, attempt.court_origin))
        return arrived

    return await attempt.repeat(load)


def _learn_login_origin(attempt: LinkAttempt, first_hop: str) -> None:
    if attempt.login_origin is None:
        attempt.login_origin = origin_of(first_hop)
        attempt.deps.notes.append(
            f"trusting {attempt.login_origin} as the login host of {attempt.court_origin}"
            " (where its Document Filing System link leads)"
        )
