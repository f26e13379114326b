"""A row's life, in one place: where a row stands, and what a run does with a row it finds.

A row is planned, started, signed in, at the confirmation page, its final Submit handed
over to the wire, and at last its outcome recorded (`Stage`). The journal keeps the facts
(`journal.RowState`); `Standing.of` reads them as a stage plus the two facts that decide
a resumed run: the recorded outcome, and whether the final Submit may have been sent.

`decide` is the one place a run chooses what to do with a row it finds (`Action`):

* a confirmed link (`linked`, `already_linked`) is never attempted again: SKIP;
* a row whose final Submit was never handed over runs from the start: RUN_FRESH
  (under ``--recheck``, which promises to look and never to link: LEAVE);
* a row whose Submit may have been sent is never run blind: LOOK_ONLY under
  ``--recheck``, else LOOK_FIRST: sign in, look at the court's link page, and send once
  more only when the court shows the account not linked AND that Submit can no longer
  be on its way: the process that sent it is gone and its time on the wire (the marked
  time plus the Submit's timeout and a margin, recorded with the mark) has ended. A
  process gone proves nothing about a request a proxy still holds; the clock does.

It is pure (the caller says whether the sender is alive, and what time it is), so the
table test in tests/test_row_life.py covers every pair of standing and options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .journal import PENDING, SUBMITTING, RowState
from .outcome import Outcome

# Steps the flow names (flow.attempt.LinkAttempt.enter) from which a row stands signed in,
# and at the confirmation page; only for telling where a row stopped.
_SIGNED_IN_STEPS = frozenset({"wait for account", "Utilities", "link form", "CM/ECF login"})
_CONFIRMATION_STEPS = frozenset({"confirm names", "submit"})


class Stage(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    SIGNED_IN = "signed in"
    AT_CONFIRMATION = "at the confirmation"
    SUBMIT_HANDED_OVER = "submit handed over"
    RECORDED = "outcome recorded"


class Action(StrEnum):
    SKIP = "skip"
    RUN_FRESH = "run fresh"
    LOOK_FIRST = "look first"
    LOOK_ONLY = "look only"
    LEAVE = "leave"


@dataclass(frozen=True)
class Standing:
    stage: Stage
    outcome: Outcome | None = None
    # The final Submit may have been sent in this or any earlier attempt (sticky).
    submit_sent: bool = False
    submit_pid: int | None = None
    # When the last Submit was handed over and how long it may stay on its way.
    submit_at: datetime | None = None
    submit_window_s: float | None = None

    @classmethod
    def of(cls, state: RowState | None) -> Standing:
        if state is None:
            return cls(Stage.PLANNED)
        outcome = state.outcome
        if outcome is not None:
            stage = Stage.RECORDED
        elif state.state == PENDING:
            stage = Stage.PLANNED
        elif state.state == SUBMITTING:
            stage = Stage.SUBMIT_HANDED_OVER
        elif state.step in _CONFIRMATION_STEPS:
            stage = Stage.AT_CONFIRMATION
        elif state.step in _SIGNED_IN_STEPS:
            stage = Stage.SIGNED_IN
        else:
            stage = Stage.STARTED
        at = None
        if state.submit_at:
            try:
                at = datetime.fromisoformat(state.submit_at)
            except ValueError:
                at = None
        return cls(stage, outcome, state.submit_sent, state.submit_pid, at, state.submit_window_s)

    @property
    def may_have_sent(self) -> bool:
        return (
            self.submit_sent or self.stage == Stage.SUBMIT_HANDED_OVER or self.outcome == Outcome.UNCONFIRMED
        )

    @property
    def on_the_wire_until(self) -> datetime | None:
        """When the last Submit can certainly no longer be on its way (None: not recorded,
        a mark written before the window was kept)."""
        if self.submit_at is None or self.submit_window_s is None:
            return None
        return self.submit_at + timedelta(seconds=self.submit_window_s)


# Why a row that may have sent is looked at but not sent again (words.py phrases each).
SENDER_RUNNING = "sender_running"
MAY_BE_IN_FLIGHT = "may_be_in_flight"


@dataclass(frozen=True)
class Choice:
    action: Action
    # LOOK_FIRST: whether a Submit may be sent once more if the court shows no link.
    may_resend: bool = False
    # Why not (SENDER_RUNNING, MAY_BE_IN_FLIGHT), with the sender's id or when to look again.
    why_not: str | None = None
    sender_pid: int | None = None
    look_again_after: datetime | None = None


def decide(standing: Standing, *, recheck: bool, sender_alive: bool, now: datetime) -> Choice:
    """What this run does with a row it finds; see the module docstring for why."""
    if standing.outcome is not None and standing.outcome.is_final:
        return Choice(Action.SKIP)
    if not standing.may_have_sent:
        return Choice(Action.LEAVE if recheck else Action.RUN_FRESH)
    if recheck:
        return Choice(Action.LOOK_ONLY)
    if sender_alive:
        return Choice(Action.LOOK_FIRST, why_not=SENDER_RUNNING, sender_pid=standing.submit_pid)
    until = standing.on_the_wire_until
    if until is not None and now < until:
        return Choice(Action.LOOK_FIRST, why_not=MAY_BE_IN_FLIGHT, look_again_after=until)
    return Choice(Action.LOOK_FIRST, may_resend=True)


# What this run did with a row, as reports show it beside the recorded outcome
# (words.THIS_RUN phrases each; "not_reached": the run stopped before the row began).
RUN_ACTION: dict[Action, str] = {
    Action.SKIP: "recorded_earlier",
    Action.RUN_FRESH: "attempted",
    Action.LOOK_FIRST: "looked_first",
    Action.LOOK_ONLY: "looked_only",
    Action.LEAVE: "recheck_leaves",
}
NOT_REACHED = "not_reached"
