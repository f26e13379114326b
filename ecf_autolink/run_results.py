"""The rows a run reports: the journal's, with what this run knows but could not write.

The journal keeps each row's outcome across runs; this run adds what it alone knows
(what signing in cost each row, outcomes the journal refused to take, why rows never
started) so the reports tell the whole of it even when the journal gave out.
"""

from __future__ import annotations

from collections.abc import Mapping

from .journal import WRITE_ERRORS, Journal, result_of
from .outcome import Outcome, Result
from .plan import Row


def not_started(row: Row) -> Result:
    result = Result.for_attorney(
        row.attorney, Outcome.NOT_STARTED, f"{row.attorney.label()}: not started; nothing was attempted"
    )
    result.name = row.attorney.name or row.attorney.label()
    return result


def run_results(
    journal: Journal,
    rows: list[Row],
    *,
    kept: Mapping[str, Result],
    used: Mapping[str, Result],
    journal_failure: str | None,
) -> list[Result]:
    """Every row's result by journal key: `kept` outcomes the journal refused, `used` this
    run's results (for what signing in cost), `journal_failure` why the run stopped."""
    try:
        keyed = [(s.key, kept.get(s.key) or result_of(s)) for s in journal.states()]
        sites = journal.sites()
    except WRITE_ERRORS:
        keys = [journal.row_key(r.attorney) for r in rows]
        keyed = [(k, kept.get(k) or not_started(r)) for k, r in zip(keys, rows, strict=True)]
        sites = {}
    for row in rows:
        sites.setdefault(row.attorney.court, (row.court_url, row.court_url_source))
    for key, result in keyed:
        spent = used.get(key)
        if spent is not None:
            # What signing in cost this row (the journal keeps outcomes, not counts).
            result.sign_ins, result.passcodes = spent.sign_ins, spent.passcodes
            result.redaction_acknowledged = spent.redaction_acknowledged
        result.court_url, result.court_url_source = sites.get(result.court, (None, None))
        if journal_failure is not None and result.outcome == Outcome.NOT_STARTED:
            # Not --fail-fast or Ctrl-C, as the journal's own wording would guess.
            who = result.message.split(": not started", 1)[0]
            result.message = (
                f"{who}: not started: the run stopped when its journal could no longer be"
                " written; nothing was attempted; run again to start it"
            )
    return [result for _, result in keyed]
