"""One PACER account however a roster spells it (issue 19 item 3): the journal, the lock,
the contexts and the roster's duplicate check all compare `account_key`."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import attorney_for, replica_court, run_on_replica

from ecf_autolink.account_key import account_key
from ecf_autolink.journal import Journal
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica.scenarios import make_attorney


def test_the_key_is_the_username_as_pacer_compares_it() -> None:
    assert account_key(" JDoe ") == account_key("jdoe") == "jdoe"
    assert account_key("j.doe") != account_key("jdoe")


@pytest.mark.browser
async def test_a_roster_spelling_an_account_another_way_meets_the_same_row_reported_linked(
    chromium: Browser, tmp_path: Path
) -> None:
    person = make_attorney("JDoe")
    court = replica_court(person)
    [first] = await run_on_replica(chromium, court, [attorney_for(person)], tmp_path, mode="interception")
    assert first.outcome == Outcome.LINKED, first.message
    # The same roster, the username now typed in lower case.
    again = attorney_for(person, pacer_username="jdoe")
    [second] = await run_on_replica(chromium, court, [again], tmp_path, mode="interception")
    assert second.outcome == Outcome.LINKED, second.message
    assert court.final_submits == ["JDoe"]
    with Journal.open(tmp_path) as journal:
        states = journal.states()
    assert len(states) == 1 and states[0].outcome == Outcome.LINKED
