"""One PACER account spelled two ways is one account for the whole run.

PACER compares usernames without regard to case, and a spreadsheet cell may carry spaces,
so `jdoe` at one court and `JDoe` at another are one attorney's one account: the runner
takes its rows in turn, so the second rides the first's single sign-on, and PACER sees
one password and one passcode however the roster spelled the name.
Real Chromium, two replica courts behind one PACER login host.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import EventLog, _passcodes, attorney_for

from ecf_autolink.locators import load_selectors
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan import Row
from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import courts_sharing_signon, make_attorney
from ecf_autolink.runner import Runner, RunOptions

pytestmark = pytest.mark.browser

COURTS = ("canb", "cacb")


@pytest.mark.parametrize("other", ["JDoe", "JDOE", " jdoe ", "JDoe\t"])
@pytest.mark.parametrize("mode", ["page", "api"])
async def test_one_account_spelled_two_ways_at_two_courts_signs_in_once(
    chromium: Browser, tmp_path: Path, other: str, mode: str
) -> None:
    forget_used_windows()
    sample = make_attorney("jdoe")
    courts = courts_sharing_signon(COURTS, [sample], login_style="inpage")
    with serve_courts(courts) as running:
        rows = [
            Row(
                attorney_for(sample, court=court, pacer_username=name),
                running.court_urls[court],
                None,
                load_selectors(court),
            )
            for court, name in zip(COURTS, ("jdoe", other), strict=True)
        ]
        runner = Runner(
            RunOptions(out_dir=tmp_path, timeout_ms=10_000, sign_in=mode, concurrency=4),
            EventLog(),
            passcodes=_passcodes,
            acknowledge_redaction=lambda notice: True,
        )
        results = await runner.run(rows, chromium)
    seen = courts[0].signon.seen
    # One password and one passcode reached PACER, under whichever spelling.
    assert sum(seen.login_posts.values()) == 1, dict(seen.login_posts)
    assert sum(seen.passcode_posts.values()) == 1, dict(seen.passcode_posts)
    assert sorted((r.sign_ins, r.passcodes) for r in results) == [(0, 0), (1, 1)]
    assert [r.outcome for r in results] == [Outcome.LINKED, Outcome.LINKED], [r.message for r in results]
