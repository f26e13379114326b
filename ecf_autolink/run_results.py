"""The rows a run reports: each row's recorded outcome, and what this run did with it.

The journal keeps each row's outcome across runs; this run adds what it alone knows
(what it did with each row, what signing in cost, outcomes the journal refused to take,
why rows never started) so the reports tell the whole of it even when the journal gave
out. Each row's Result is built here once, from those facts; nothing is parsed back.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import words
from .journal import WRITE_ERRORS, Journal, RowState, result_of
from .outcome import Outcome, Result
from .plan import Row
from .row_life import NOT_REACHED, RUN_ACTION, Action

LEFT_BY_RECHECK = RUN_ACTION[Action.LEAVE]


def not_started(row: Row, reason: str, this_run: str | None = NOT_REACHED) -> Result:
    """The one builder of a row that never began (words.not_started says why)."""
    attorney = row.attorney
    return Result(
        court=attorney.court,
        name=attorney.name or attorney.label(),
        pacer_username=attorney.pacer_username,
        outcome=Outcome.NOT_STARTED,
        message=words.not_started(attorney.label(), reason),
        court_url=row.court_url,
        court_url_source=row.court_url_source,
        this_run=this_run,
    )


def row_result(state: RowState | None, row: Row, this_run: str) -> Result:
    """A row this run met but did not attempt, as recorded (progress shows it)."""
    if state is None or (state.outcome is None and this_run == LEFT_BY_RECHECK):
        return not_started(row, _why_never_begun(this_run, None), this_run)
    return result_of(state).with_(this_run=this_run)


def _why_never_begun(this_run: str | None, journal_failure: str | None) -> str:
    """The reason a row no run began is reported with, from what this run did."""
    if this_run == LEFT_BY_RECHECK:
        return "recheck"
    return "journal_lost" if journal_failure is not None else "stopped"


def run_results(
    journal: Journal,
    rows: list[Row],
    *,
    kept: Mapping[str, Result],
    used: Mapping[str, Result],
    did: Mapping[str, str],
    journal_failure: str | None,
) -> list[Result]:
    """Every row's result by journal key: `kept` outcomes the journal refused, `used` this
    run's results (for what signing in cost), `did` what this run did with each row,
    `journal_failure` why the run stopped."""
    ours = {journal.row_key(r.attorney): r for r in rows}
    try:
        keyed = [(s.key, kept.get(s.key) or result_of(s)) for s in journal.states()]
        sites = journal.sites()
    except WRITE_ERRORS:
        keyed = [(k, kept.get(k) or not_started(r, "journal_lost")) for k, r in ours.items()]
        sites = {}
    for row in rows:
        sites.setdefault(row.attorney.court, (row.court_url, row.court_url_source))
    results = []
    for key, result in keyed:
        changes: dict[str, object] = {}
        spent = used.get(key)
        if spent is not None:
            # What signing in cost this row (the journal keeps outcomes, not counts).
            changes.update(
                sign_ins=spent.sign_ins,
                passcodes=spent.passcodes,
                redaction_acknowledged=spent.redaction_acknowledged,
            )
        changes["court_url"], changes["court_url_source"] = sites.get(result.court, (None, None))
        changes["this_run"] = done = did.get(key, NOT_REACHED if key in ours else None)
        if result.outcome == Outcome.NOT_STARTED and key in ours:
            # Why it never began, from this run's facts (not fail-fast or Ctrl-C, as the
            # journal's own wording would guess, when the journal gave out or --recheck left it).
            why = _why_never_begun(done, journal_failure)
            changes["message"] = words.not_started(ours[key].attorney.label(), why)
        results.append(result.with_(**changes))
    return results
