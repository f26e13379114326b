"""Running planned rows and telling how it went: the part `link` and `demo` share.

It owns how a run ends when something other than a row goes wrong (a journal that can
no longer be written, Ctrl-C or SIGTERM, an unexpected exception) and writes the
reports, the terminal summary and --json. The runner, the progress display and the
report writer load only when a run starts, so that `--help` never pays for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import InputError, Interrupted, reported_errors
from .inputs import RedactionConsent, passcodes_for

if TYPE_CHECKING:
    from ..outcome import Result
    from ..plan import Row
    from ..runner import Runner, RunOptions
    from ..shared_accounts import SharedAccountGuard


class RunStopped(Exception):
    """Raised by `run_rows` with what is known when the journal was lost mid-run."""

    def __init__(self, results: list[Result], message: str) -> None:
        super().__init__(message)
        self.results = results
        self.message = message


def run_rows(
    rows: list[Row],
    options: RunOptions,
    guard: SharedAccountGuard,
    interactive: bool,
    debug: bool,
    **runner_kwargs: Any,
) -> list[Result]:
    from rich.console import Console

    from ..browser import BrowserNotFound
    from ..journal import FolderRefused, JournalUnwritable
    from ..outcome import Outcome
    from ..progress import LiveProgress, PlainProgress
    from ..service.running import new_runner

    console = Console(stderr=True)
    consent = runner_kwargs.get("acknowledge_redaction")
    live = console.is_terminal and not interactive_prompts_needed(rows, interactive, consent)
    live = live and not getattr(runner_kwargs.get("approval"), "asks_at_terminal", False)
    progress = LiveProgress(console) if live else PlainProgress()
    runner = new_runner(options, progress, guard=guard, passcodes=passcodes_for(interactive), **runner_kwargs)
    recorded = f"; every finished row is recorded in {options.out_dir} (evidence there)"
    try:
        with (
            reported_errors(debug, known=recorded, keep=(BrowserNotFound, FolderRefused, JournalUnwritable)),
            _terminate_as_interrupt(),
        ):
            if isinstance(progress, LiveProgress):
                with progress:
                    results = asyncio.run(runner.run(rows))
            else:
                results = asyncio.run(runner.run(rows))
    except (BrowserNotFound, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    except JournalUnwritable as exc:
        raise RunStopped(
            [not_started(row) for row in rows],
            f"{exc}; the run stopped before any row began, nothing was attempted; free space"
            f" (or fix the disk) and run the same command again",
        ) from None
    except KeyboardInterrupt:
        reported = _report_from_journal(options.out_dir, rows, runner)
        raise Interrupted(
            f"interrupted; every finished row is recorded in {options.out_dir}{reported}; run the same"
            " command again to finish the rest (a row caught mid-Submit is only looked at, never"
            " submitted again)"
        ) from None

    if runner.journal_failure is not None:
        done = sum(r.outcome != Outcome.NOT_STARTED for r in results)
        raise RunStopped(
            results,
            f"{runner.journal_failure}; the run stopped there: {done} row(s) ended (as the reports"
            f" say), {len(results) - done} not started; free space (or fix the disk) and run the same"
            " command again: a row whose Submit may have been sent is only looked at",
        )
    return results


def not_started(row: Row) -> Result:
    from ..run_results import not_started as never_began

    return never_began(row, "journal_unwritable")


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service stop, `kill`) ends a run the way Ctrl-C does: rows in flight are
    cancelled, the journal is closed, the reports are written."""

    def interrupt(signum: int, frame: object) -> None:
        signal.raise_signal(signal.SIGINT)

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals to whoever owns them
        yield
        return
    # A job a script starts with `&` inherits SIGINT ignored (POSIX shells do that), and so
    # would the SIGTERM passed on as SIGINT above: a service stop would leave the run going.
    # While rows run, SIGINT means "stop", wherever the run was started from.
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _report_from_journal(out: Path, rows: list[Row], runner: Runner) -> str:
    """Rewrite the reports from what the journal holds and what this run did with each
    row before it was interrupted; a note for the message."""
    from ..journal import Journal, JournalError
    from ..report import write_reports

    try:
        with Journal.open(out) as journal:
            results = runner.results(journal, rows)
        write_reports(results, out, court_name)
    except (JournalError, OSError):  # ReportsNotWritten is an OSError
        return ""
    return f" and in {out / 'report.html'}"


def interactive_prompts_needed(rows: list[Row], interactive: bool, consent: Any = None) -> bool:
    """A hidden passcode prompt, or the redaction question, cannot share the terminal
    with a live display."""
    if interactive and isinstance(consent, RedactionConsent) and consent.pending:
        return True
    return interactive and any(not r.attorney.totp_secret and not r.attorney.backup_codes_file for r in rows)


def court_name(court_id: str) -> str:
    from ..courts import get_court

    try:
        return get_court(court_id).name
    except ValueError:
        return court_id


def finish(results: list[Result], out: Path, as_json: bool) -> tuple[bool, bool]:
    """Reports, the terminal summary and --json; whether every row is a success, and whether
    every report was written. A report that cannot be replaced takes nothing else with it."""
    from rich.console import Console

    from ..report import ReportsNotWritten, print_summary, write_reports

    reports = (out / "report.html", out / "report.json", out / "report.csv")
    unwritten: set[Path] = set()
    try:
        write_reports(results, out, court_name)
    except ReportsNotWritten as exc:
        for line in exc.lines():
            click.echo(f"error: {line}", err=True)
        unwritten = set(exc.failures)
    except OSError as exc:
        # A full disk may refuse the folder itself; --json and the summary still tell.
        click.echo(f"error: the reports could not be written to {out}: {exc.strerror or exc}", err=True)
        unwritten = set(reports)
    print_summary(results, Console(stderr=True))
    written = [p for p in reports if p not in unwritten]
    if written:
        click.echo(f"reports: {written[0]}", err=True)
    reports_ok = not unwritten
    if as_json:
        # ASCII-only: a name from a court page may hold a lone surrogate (which cannot be
        # encoded) or a C1 control character (which a terminal would obey).
        click.echo(json.dumps([public(r) for r in results], indent=2, ensure_ascii=True))
    return all(r.outcome.is_success for r in results), reports_ok


def public(result: Result) -> dict[str, str | None]:
    """A row as --json prints it: what this run did with it in words, beside its outcome."""
    from ..words import this_run

    return {**result.public(), "this_run": this_run(result.this_run) or None}
