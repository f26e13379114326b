"""The one run going at a time: what it is (a look or a link), when it started, how it
ended (said for the page, never as a traceback), and stopping it on Ctrl-C as the CLI's
run stops (rows in flight cancelled, journal closed, reports written from it)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import service
from ..plan_file import PlanError
from ..words import FLAGS
from .events import Changes
from .passcode_boxes import PasscodeBoxes
from .refused import Refused


@dataclass
class Job:
    kind: str  # "look" or "link"
    started: float
    task: asyncio.Task[None] | None = None
    first_linked_s: float | None = None
    done: bool = False
    error: str | None = None


class OneRun:
    """The job going now or last, and whether Ctrl-C cut one short."""

    def __init__(self, changes: Changes, out: Path, boxes: PasscodeBoxes) -> None:
        self.changes, self.out, self.boxes = changes, out, boxes
        self.job: Job | None = None
        # A run was going when the server was told to stop (the command then exits 130).
        self.cut_short = False

    def idle(self) -> None:
        if self.job is not None and not self.job.done:
            raise Refused("a run is going on; wait until it ends")

    def start(self, kind: str, work: Any) -> None:
        self.job = Job(kind, time.monotonic())
        self.job.task = asyncio.ensure_future(self._guarded(work))
        self.changes.changed()

    async def _guarded(self, work: Any) -> None:
        job = self.job
        assert job is not None
        try:
            await work
        except asyncio.CancelledError:
            job.error = "stopped; every finished row is recorded, the reports are written"
            await asyncio.to_thread(service.reports_from_journal, self.out)
            raise
        except Exception as exc:  # the page says what ended the run, never the traceback
            job.error = why(exc)
        finally:
            job.done = True
            self.boxes.close_all()
            self.changes.changed()

    def begin_stop(self) -> None:
        """Ctrl-C, from the signal handler: open pages are let go, the run is cancelled."""
        self.changes.closing.set()
        job = self.job
        if job is not None and job.task is not None and not job.done:
            # Remembered now: by the time the server has stopped, the cancelled run is done.
            self.cut_short = True
            job.task.cancel()

    async def stop(self) -> None:
        """Ctrl-C: the run stops as the CLI's does (rows in flight cancelled, journal closed,
        reports written from it)."""
        self.changes.closing.set()
        job = self.job
        if job is not None and job.task is not None and not job.done:
            self.cut_short = True
            job.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job.task


def why(exc: Exception) -> str:
    """What ended a run, for the page: the message of a problem the person can act on, else
    only the exception's type."""
    from ..browser import BrowserNotFound
    from ..journal import FolderRefused, JournalUnwritable

    if isinstance(exc, BrowserNotFound | FolderRefused | JournalUnwritable | PlanError | Refused):
        return str(exc)
    if isinstance(exc, OSError):
        return f"a file could not be written: {exc.strerror or type(exc).__name__}"
    # Only the type: an exception's text may quote a page, and a page the secrets.
    return (
        f"the run ended in an unexpected {type(exc).__name__}; run `autolink plan` in a terminal"
        f" with {FLAGS['debug']}"
    )
