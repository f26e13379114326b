"""Later rows at a court go straight to the addresses the first row found there
(issue 21): fewer pages per link, and every way a remembered address can go wrong still
ends the same as the whole way would."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import attorney_for, replica_court, run_on_replica

from ecf_autolink.flow.court_memory import CourtAddresses, CourtMemory
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.scenarios import SampleAttorney, make_attorney
from ecf_autolink.replica.site import COURT_LOGIN, LINK_PAGE, LOGIN_PAGE, MAIN_PAGE, MENU_PAGE

pytestmark = pytest.mark.browser

SECRETS = [
    "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
]
PEOPLE = [
    make_attorney(f"firm{i}", pacer_name=f"Robin Lawyer{i}", cmecf_name=f"Robin Lawyer{i}", totp_secret=s)
    for i, s in enumerate(SECRETS)
]


def _gets(court, path: str) -> int:  # type: ignore[no-untyped-def]
    return Counter(p for method, _, p in court.requests if method == "GET")[path]


async def _together(
    chromium: Browser, tmp_path: Path, people: list[SampleAttorney], sign_in: str, **court_options: object
) -> tuple[ReplicaCourt, list[Result]]:
    """`people` at one replica court, all started at once."""
    court = replica_court(*people, **court_options)
    results = await run_on_replica(
        chromium,
        court,
        [attorney_for(p) for p in people],
        tmp_path,
        sign_in=sign_in,
        concurrency=len(people),
        per_court=len(people),
    )
    return court, results


@pytest.fixture(autouse=True)
def _fresh_windows() -> None:
    forget_used_windows()


async def test_rows_started_together_take_the_whole_way_once(chromium: Browser, tmp_path: Path) -> None:
    court, results = await _together(chromium, tmp_path, PEOPLE, "api")
    assert [r.outcome for r in results] == [Outcome.LINKED] * 4, [r.message for r in results]
    # The first row alone loaded the front page, the login page before the API, the
    # court's login link and Utilities; the others landed on the link page from the API.
    # (Each Submit's reachability check asks for the front page too, as a stranger.)
    assert _gets(court, "/") == 1 + len(court.final_submits) == 5
    assert _gets(court, LOGIN_PAGE) == 1
    assert _gets(court, COURT_LOGIN) == 2  # on to the login page, and back signed in
    assert _gets(court, MENU_PAGE) == 1
    assert _gets(court, LINK_PAGE) == 4
    assert court.signon.seen.api_calls == Counter({p.pacer_username: 1 for p in PEOPLE})
    assert sorted(court.final_submits) == sorted(p.pacer_username for p in PEOPLE)


async def test_the_page_sign_in_still_loads_its_login_page_for_every_row(
    chromium: Browser, tmp_path: Path
) -> None:
    court, results = await _together(chromium, tmp_path, PEOPLE[:2], "page")
    assert [r.outcome for r in results] == [Outcome.LINKED] * 2, [r.message for r in results]
    assert _gets(court, "/") == 1 + len(court.final_submits) == 3
    assert _gets(court, MENU_PAGE) == 1
    assert _gets(court, LOGIN_PAGE) >= 2


async def test_a_remembered_link_page_that_shows_no_form_is_forgotten(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = PEOPLE[0]
    court = replica_court(sample)
    memory: list[CourtAddresses] = []

    def moved(courts: CourtMemory, court_url: str) -> None:
        # As if an earlier row had found the link page where the main menu now is.
        courts.of(court_url).link_page = court_url + MAIN_PAGE
        memory.append(courts.of(court_url))

    [result] = await run_on_replica(
        chromium, court, [attorney_for(sample)], tmp_path, sign_in="api", prime=moved
    )
    assert result.outcome == Outcome.LINKED, result.message
    assert _gets(court, MENU_PAGE) == 1
    [known] = memory
    assert known.link_page is not None and known.link_page.endswith(LINK_PAGE)


async def test_a_court_not_on_nextgen_fails_every_row_without_a_queue(
    chromium: Browser, tmp_path: Path
) -> None:
    court, results = await _together(chromium, tmp_path, PEOPLE[:3], "api", nextgen=False)
    assert [r.outcome for r in results] == [Outcome.COURT_NOT_READY] * 3, [r.message for r in results]
    assert court.final_submits == []


async def test_a_court_that_ignores_the_api_cookie_signs_later_rows_in_on_the_page(
    chromium: Browser, tmp_path: Path
) -> None:
    court, results = await _together(chromium, tmp_path, PEOPLE[:2], "auto", court_ignores_cso_cookie=True)
    assert [r.outcome for r in results] == [Outcome.LINKED] * 2, [r.message for r in results]
    for p in PEOPLE[:2]:
        assert court.signon.seen.api_calls[p.pacer_username] == 1
    assert [r.sign_ins for r in results] == [2, 2]
