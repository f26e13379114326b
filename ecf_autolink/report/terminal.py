"""The summary printed at the end of a run, every value made safe for a terminal."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..outcome import Outcome, Result
from ..safe_text import MESSAGE_LIMIT, terminal_text
from ..words import ADVICE
from .records import TONE, Tone

_RICH_STYLE: dict[Tone, str] = {"good": "green", "warn": "yellow", "bad": "red"}


def _who(result: Result) -> str:
    who = result.name or result.pacer_username
    return f"{terminal_text(who)} ({terminal_text(result.pacer_username)}) at {terminal_text(result.court)}"


def summary_table(results: list[Result]) -> Table:
    """One line per outcome: how many, who, and what to do next."""
    table = Table(title="Summary", show_lines=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Rows", justify="right")
    table.add_column("Attorneys")
    table.add_column("What to do next")
    groups: dict[Outcome, list[Result]] = {}
    for result in results:
        groups.setdefault(result.outcome, []).append(result)
    for outcome in Outcome:
        members = groups.get(outcome)
        if not members:
            continue
        table.add_row(
            Text(str(outcome), style=_RICH_STYLE[TONE[outcome]]),
            Text(str(len(members))),
            Text("\n".join(_who(r) for r in members)),
            Text(ADVICE[outcome]),
        )
    return table


def print_summary(results: list[Result], console: Console) -> None:
    if not results:
        console.print(Text("No rows were attempted."))
        return
    console.print(summary_table(results))
    for court, (url, source) in sorted(sites_of(results).items()):
        console.print(
            Text(
                f"{terminal_text(court)} ran against {terminal_text(url, MESSAGE_LIMIT)}"
                f" (from {terminal_text(source or 'unknown', MESSAGE_LIMIT)})"
            )
        )


def sites_of(results: Iterable[Result]) -> dict[str, tuple[str, str | None]]:
    """court -> (address, where it came from), for the courts whose address is known."""
    return {r.court: (r.court_url, r.court_url_source) for r in results if r.court_url}
