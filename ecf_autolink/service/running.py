"""One run of rows on the runner, and the reports it leaves. Async, so the command line
runs it with `asyncio.run` and the page in the server's own event loop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..approval import Approval
from ..outcome import Result
from ..plan import Row
from ..runner import Acknowledge, Progress, Runner, RunOptions


def court_name(court_id: str) -> str:
    from ..courts import get_court

    try:
        return get_court(court_id).name
    except ValueError:
        return court_id


def new_runner(options: RunOptions, progress: Progress, **parts: Any) -> Runner:
    """The one way every face (link, plan, apply, the page) builds the run of its rows."""
    return Runner(options, progress, **parts)


async def run(
    rows: list[Row],
    options: RunOptions,
    progress: Progress,
    *,
    guard: Any,
    passcodes: Callable[[Row], Any],
    acknowledge_redaction: Acknowledge | None,
    approval: Approval | None = None,
) -> tuple[list[Result], str | None]:
    """Every row's result, and why the run stopped early (the journal lost) or None."""
    runner = new_runner(
        options,
        progress,
        guard=guard,
        passcodes=passcodes,
        acknowledge_redaction=acknowledge_redaction,
        approval=approval,
    )
    results = await runner.run(rows)
    return results, runner.journal_failure


def write_run_reports(results: list[Result], out: Path) -> Path:
    """report.html/.json/.csv; raises OSError (ReportsNotWritten names each file)."""
    from ..report import write_reports

    return write_reports(results, out, court_name).html


def reports_from_journal(out: Path) -> list[Result] | None:
    """Rewrite the reports from what the journal holds (after a stop); None when it cannot."""
    from ..journal import Journal, JournalError

    try:
        with Journal.open(out) as journal:
            results = journal.results()
        write_run_reports(results, out)
    except (JournalError, OSError):
        return None
    return results
