"""A row's life (issue 19 item 1, issue 23 item 4): where a row stands, and what a run does
with it, for every pair of standing and options, as one table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ecf_autolink.journal import RowState
from ecf_autolink.outcome import Outcome
from ecf_autolink.row_life import (
    MAY_BE_IN_FLIGHT,
    SENDER_RUNNING,
    Action,
    Stage,
    Standing,
    decide,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
MARKED = NOW - timedelta(seconds=30)
FINAL = {Outcome.LINKED, Outcome.ALREADY_LINKED}

# Every standing a row can have: each stage, each recorded outcome, with and without a
# Submit that may have been sent, and for a sent one its time on the wire over or not.
STANDINGS = [
    *(
        Standing(
            stage, None, sent, 4242 if sent else None, MARKED if sent else None, window if sent else None
        )
        for stage in Stage
        if stage != Stage.RECORDED
        for sent in (False, True)
        for window in ((10.0, 90.0) if sent else (None,))
        if sent or stage != Stage.SUBMIT_HANDED_OVER
    ),
    *(
        Standing(Stage.RECORDED, outcome, sent, 4242 if sent else None, MARKED if sent else None, window)
        for outcome in Outcome
        if outcome != Outcome.NOT_STARTED
        for sent in (False, True)
        for window in ((10.0, 90.0) if sent else (None,))
    ),
    # A mark written before the window was kept (a migrated journal).
    Standing(Stage.SUBMIT_HANDED_OVER, None, True, 4242, None, None),
]


def _expected(standing: Standing, recheck: bool, alive: bool) -> tuple[Action, bool, str | None]:
    """The rules, written out once more as plainly as they can be."""
    if standing.outcome in FINAL:
        return Action.SKIP, False, None
    sent = (
        standing.submit_sent
        or standing.stage == Stage.SUBMIT_HANDED_OVER
        or standing.outcome == Outcome.UNCONFIRMED
    )
    if not sent:
        return (Action.LEAVE if recheck else Action.RUN_FRESH), False, None
    if recheck:
        return Action.LOOK_ONLY, False, None
    if alive:
        return Action.LOOK_FIRST, False, SENDER_RUNNING
    window = standing.submit_window_s
    if (
        standing.submit_at is not None
        and window is not None
        and standing.submit_at + timedelta(seconds=window) > NOW
    ):
        return Action.LOOK_FIRST, False, MAY_BE_IN_FLIGHT
    return Action.LOOK_FIRST, True, None


@pytest.mark.parametrize(
    ("standing", "recheck", "alive"),
    list(itertools.product(STANDINGS, (False, True), (False, True))),
    ids=lambda v: (
        f"{v.stage}/{v.outcome}/sent={v.submit_sent}/window={v.submit_window_s}"
        if isinstance(v, Standing)
        else str(v)
    ),
)
def test_what_a_run_does_with_every_standing_under_every_option(
    standing: Standing, recheck: bool, alive: bool
) -> None:
    choice = decide(standing, recheck=recheck, sender_alive=alive, now=NOW)
    assert (choice.action, choice.may_resend, choice.why_not) == _expected(standing, recheck, alive)
    if choice.why_not == MAY_BE_IN_FLIGHT:
        assert choice.look_again_after == standing.on_the_wire_until


def test_the_table_covers_every_stage_and_outcome() -> None:
    assert {s.stage for s in STANDINGS} == set(Stage)
    assert {s.outcome for s in STANDINGS if s.outcome} == set(Outcome) - {Outcome.NOT_STARTED}


def _state(state: str, step: str | None = None, **facts: object) -> RowState:
    values: dict[str, object] = dict.fromkeys(
        ("message", "name", "cmecf_name", "pacer_name", "started", "finished", "evidence")
    )
    values.update(key="canb/jdoe/jdoe_ecf", label="jdoe at canb", state=state, step=step, attempts=1)
    values.setdefault("submit_sent", False)
    values.update(facts)
    return RowState(**values)  # type: ignore[arg-type]


def test_where_a_row_stands_is_read_from_the_journal() -> None:
    assert Standing.of(None).stage == Stage.PLANNED
    assert Standing.of(_state("pending")).stage == Stage.PLANNED
    assert Standing.of(_state("running", "start")).stage == Stage.STARTED
    assert Standing.of(_state("running", "link form")).stage == Stage.SIGNED_IN
    assert Standing.of(_state("running", "confirm names")).stage == Stage.AT_CONFIRMATION
    marked = Standing.of(
        _state("submitting", "submit", submit_sent=True, submit_at=MARKED.isoformat(), submit_window_s=90.0)
    )
    assert marked.stage == Stage.SUBMIT_HANDED_OVER and marked.on_the_wire_until == MARKED + timedelta(
        seconds=90
    )
    recorded = Standing.of(_state("linked", "verify"))
    assert recorded.stage == Stage.RECORDED and recorded.outcome == Outcome.LINKED
