"""A row's state as the journal keeps it, and how reports show it. What a resumed run does
with it is decided in row_life.py; the package docstring says why a row that may have
sent is never run blind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import words
from ..attorney import Attorney
from ..outcome import Outcome, Result
from .schema import key_of, split_key

PENDING = "pending"
RUNNING = "running"
SUBMITTING = "submitting"

COLUMNS = (
    "key",
    "label",
    "state",
    "step",
    "message",
    "name",
    "cmecf_name",
    "pacer_name",
    "started",
    "finished",
    "evidence",
    "attempts",
    "submit_sent",
    "submit_pid",
    "pacer_username",
    "submit_at",
    "submit_window_s",
)


def row_key(attorney: Attorney) -> str:
    """Stable across runs: the PACER account by `account_key`, so `JDoe` and `jdoe` are one row."""
    return key_of(attorney.court, attorney.pacer_username, attorney.cmecf_username)


def key_parts(key: str) -> tuple[str, str, str]:
    return split_key(key)


@dataclass(frozen=True)
class RowState:
    key: str
    label: str
    # "pending", "running", "submitting", or an `Outcome` value once finished.
    state: str
    step: str | None
    message: str | None
    name: str | None
    cmecf_name: str | None
    pacer_name: str | None
    started: str | None
    finished: str | None
    evidence: str | None
    attempts: int
    # The final Submit may have been sent in this or any earlier attempt.
    submit_sent: bool
    # The process that last handed the final Submit to the wire (None in older journals).
    submit_pid: int | None = None
    # The PACER username as the roster first wrote it (the key holds its account_key).
    pacer_username: str | None = None
    # When the final Submit was handed to the wire (UTC, ISO) and how long, from then, it
    # may still be on its way (its timeout plus a margin): see submit_gate.
    submit_at: str | None = None
    submit_window_s: float | None = None

    @property
    def outcome(self) -> Outcome | None:
        try:
            return Outcome(self.state)
        except ValueError:
            return None


def row_state(row: tuple[object, ...]) -> RowState:
    values = dict(zip(COLUMNS, row, strict=True))
    values["submit_sent"] = bool(values["submit_sent"])
    return RowState(**values)  # type: ignore[arg-type]


def result_of(state: RowState, sites: Mapping[str, tuple[str, str | None]] | None = None) -> Result:
    """A row as the journal recorded it, finished or not, for the reports; `sites`:
    court -> (address, where it came from), as `Journal.sites` gives them."""
    outcome = state.outcome
    if outcome is not None:
        return _result(state, outcome, state.message or "", sites)
    if state.state == PENDING:
        return _result(state, Outcome.NOT_STARTED, words.not_started(state.label, "stopped"), sites)
    # A row caught mid-attempt: say plainly whether the Submit may have gone out.
    return _result(
        state,
        Outcome.UNCONFIRMED if state.submit_sent else Outcome.ERROR,
        words.stopped_mid_attempt(state.label, state.step, state.submit_sent),
        sites,
    )


def _result(
    state: RowState, outcome: Outcome, message: str, sites: Mapping[str, tuple[str, str | None]] | None
) -> Result:
    court, key_username, _ = key_parts(state.key)
    court_url, court_url_source = (sites or {}).get(court, (None, None))
    pacer_username = state.pacer_username or key_username
    return Result(
        court=court,
        name=state.name if state.name is not None else state.label,
        pacer_username=pacer_username,
        outcome=outcome,
        message=message,
        cmecf_name=state.cmecf_name,
        pacer_name=state.pacer_name,
        started=state.started,
        finished=state.finished,
        evidence=state.evidence,
        court_url=court_url,
        court_url_source=court_url_source,
    )
