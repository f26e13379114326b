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
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CourtAddresses:
    # Where the court's Document Filing System link led.
    filing_system: str | None = None
    # The host that signed a row in from that link (PACER's, or a stand-in's).
    login_origin: str | None = None
    # Utilities -> "Link a CM/ECF account to my PACER account".
    link_page: str | None = None


class CourtMemory:
    """This run's addresses, one entry per court address (`FlowSettings.court_url`)."""

    def __init__(self) -> None:
        self._courts: dict[str, CourtAddresses] = {}

    def of(self, court_url: str) -> CourtAddresses:
        return self._courts.setdefault(court_url, CourtAddresses())
