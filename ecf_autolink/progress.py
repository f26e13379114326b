"""Progress as a run goes: a live table on a terminal, one line per event elsewhere.

Progress goes to stderr so stdout stays clean for --json.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from .outcome import Result
from .plan import Row
from .safe_text import MESSAGE_LIMIT, terminal_text
from .words import this_run


def _label(row: Row) -> str:
    # Built here rather than by Attorney.label() so that each part is cut on its own:
    # a very long name must not hide the username and court after it.
    who = row.attorney.name or row.attorney.pacer_username
    return (
        f"{terminal_text(who)} ({terminal_text(row.attorney.pacer_username)})"
        f" at {terminal_text(row.attorney.court)}"
    )


def _message(result: Result) -> str:
    if result.this_run in ("recorded_earlier", "recheck_leaves"):
        return terminal_text(f"{result.message} ({this_run(result.this_run)})", MESSAGE_LIMIT)
    return terminal_text(result.message, MESSAGE_LIMIT)


class PlainProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0

    def _say(self, text: str) -> None:
        stream = self.stream or sys.stderr
        # No stderr at all (`2>&-`, pythonw): say nothing, since print(file=None) would
        # write to stdout and break --json.
        if stream is not None:
            print(text, file=stream, flush=True)

    def planned(self, total: int) -> None:
        self.total = total
        self._say(f"{total} row{'s' if total != 1 else ''} to run")

    def started(self, row: Row) -> None:
        self._say(f"start   {_label(row)}")

    def step(self, row: Row, step: str) -> None:
        self._say(f"  step  {_label(row)}: {terminal_text(step)}")

    def finished(self, row: Row, result: Result) -> None:
        self.done += 1
        self._say(f"[{self.done}/{self.total}] {result.outcome}  {_label(row)}: {_message(result)}")

    def note(self, text: str) -> None:
        self._say(f"note    {terminal_text(text, MESSAGE_LIMIT)}")


class LiveProgress:
    """Rows done / total, counts per outcome, and what each running row is doing."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.total = 0
        self.counts: Counter[str] = Counter()
        self.current: dict[str, tuple[str, float]] = {}
        self.live = Live(self._render(), console=console, refresh_per_second=4, transient=True)

    def __enter__(self) -> LiveProgress:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def _render(self) -> Group:
        done = sum(self.counts.values())
        head = Text(f"{done}/{self.total} done  ")
        for outcome, count in sorted(self.counts.items()):
            head.append(f"{outcome}: {count}  ", style="bold")
        table = Table(show_header=True, header_style="dim", box=None)
        table.add_column("attorney")
        table.add_column("step")
        table.add_column("for", justify="right")
        now = time.monotonic()
        for label, (step, since) in sorted(self.current.items()):
            table.add_row(Text(label), Text(step), f"{now - since:4.0f}s")
        return Group(head, table)

    def _refresh(self) -> None:
        self.live.update(self._render())

    def planned(self, total: int) -> None:
        self.total = total
        self._refresh()

    def started(self, row: Row) -> None:
        self.current[_label(row)] = ("start", time.monotonic())
        self._refresh()

    def step(self, row: Row, step: str) -> None:
        self.current[_label(row)] = (terminal_text(step), time.monotonic())
        self._refresh()

    def finished(self, row: Row, result: Result) -> None:
        self.current.pop(_label(row), None)
        self.counts[str(result.outcome)] += 1
        self.live.console.print(Text(f"{result.outcome}  {_label(row)}: {_message(result)}"))
        self._refresh()

    def note(self, text: str) -> None:
        self.live.console.print(Text(f"note: {terminal_text(text, MESSAGE_LIMIT)}", style="dim"))
