"""What a court's pages showed an earlier row of this run, so later rows load fewer pages.

Every attorney at a court is sent along the same addresses: the front page's Document
Filing System link, the login host it leads to, and the link page under Utilities.
Once one row has been through them, and they led where they should (a sign-in that
ended on the court's CM/ECF page, a link page that showed the form or a linked
account), later rows at that court go to them directly: no front page, no login page
before the Authentication API is called, no Utilities menu. Each page a row skips is
a document the browser need not load, about a twentieth of a CPU second (see
docs/performance.md).

Nothing here is kept past the run or read from anywhere: a first row at a court always
takes the whole way, so a court that is not on NextGen, or a Document Filing System
link that leads to an untrusted host, is still found where it shows. A remembered link
page that no longer shows the form is forgotten, and the row goes by the menu.

So that the rows started together at a court do not all take the whole way, the first
row goes alone until it has found the link page (or ended, however it ended); the others
wait for it. Only the first row is waited for: if it found nothing, the rest go their
own whole way at once, so a court that fails every row fails them side by side.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class CourtAddresses:
    # Where the court's Document Filing System link led.
    filing_system: str | None = None
    # The host that signed a row in from that link (PACER's, or a stand-in's).
    login_origin: str | None = None
    # Utilities -> "Link a CM/ECF account to my PACER account".
    link_page: str | None = None
    # Set once the first row here has found the link page, or has ended.
    _first: asyncio.Event | None = field(default=None, repr=False)

    def claim_first(self) -> bool:
        """True for the row that is the first here (it then goes at once)."""
        if self._first is not None:
            return False
        self._first = asyncio.Event()
        return True

    def is_first_through(self) -> bool:
        return self._first is not None and self._first.is_set()

    async def first_is_through(self) -> None:
        if self._first is not None:
            await self._first.wait()

    def first_through(self) -> None:
        """The first row found the link page, or ended; or a row found the link page."""
        if self._first is not None:
            self._first.set()


class CourtMemory:
    """This run's addresses, one entry per court address (`FlowSettings.court_url`)."""

    def __init__(self) -> None:
        self._courts: dict[str, CourtAddresses] = {}

    def of(self, court_url: str) -> CourtAddresses:
        return self._courts.setdefault(court_url, CourtAddresses())
