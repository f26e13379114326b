"""Each row as the page shows it: its word, step and message, the names the court and
PACER showed, its screenshot; set from the plan, from a run's results, and from the
runner's progress while a run goes on."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..approval import row_id
from ..outcome import Outcome, Result
from ..plan import Row
from ..plan_file import Plan
from .events import Changes

if TYPE_CHECKING:
    from .one_run import Job


@dataclass
class RowView:
    court: str
    pacer_username: str
    name: str
    word: str = "waiting"
    message: str = ""
    step: str | None = None
    cmecf_name: str | None = None
    pacer_name: str | None = None
    screenshot: str | None = None
    finished: str | None = None


def row_key(court: str, user: str) -> str:
    c, u = row_id(court, user)
    return f"{c}:{u}"


def show_plan(views: dict[str, RowView], plan: Plan, out: Path) -> None:
    for p in plan.rows:
        key = row_key(p.court, p.pacer_username)
        view = views.setdefault(key, RowView(p.court, p.pacer_username, p.name or p.pacer_username))
        view.word, view.step, view.message = p.verdict, None, p.message
        view.cmecf_name, view.pacer_name = p.cmecf_name, p.pacer_name
        view.screenshot = shot_url(p.screenshot, out)


def show_result(views: dict[str, RowView], result: Result, out: Path) -> None:
    view = views.get(row_key(result.court, result.pacer_username))
    if view is None:
        return
    view.word, view.step, view.message = str(result.outcome), None, result.message
    view.finished = result.finished
    if result.cmecf_name is not None:
        view.cmecf_name, view.pacer_name = result.cmecf_name, result.pacer_name
    if result.evidence:
        view.screenshot = shot_url(str(Path(result.evidence) / "confirmation.png"), out) or view.screenshot


def approvable(views: dict[str, RowView], plan: Plan | None) -> set[str]:
    """The plan's would_link rows the page still shows as would_link."""
    if plan is None:
        return set()
    return {
        row_key(p.court, p.pacer_username)
        for p in plan.would_link()
        if views.get(row_key(p.court, p.pacer_username), RowView("", "", "")).word == "would_link"
    }


class PageProgress:
    """The runner's progress, as the page's rows."""

    def __init__(
        self, views: dict[str, RowView], changes: Changes, notes: list[str], out: Path, job: Job | None
    ) -> None:
        self.views, self.changes, self.notes, self.out, self.job = views, changes, notes, out, job

    def _view(self, row: Row) -> RowView | None:
        return self.views.get(row_key(row.attorney.court, row.attorney.pacer_username))

    def planned(self, total: int) -> None:
        self.changes.changed()

    def started(self, row: Row) -> None:
        view = self._view(row)
        if view is not None:
            view.word, view.step = "running", "start"
        self.changes.changed()

    def step(self, row: Row, step: str) -> None:
        view = self._view(row)
        if view is not None:
            view.word, view.step = "running", step
        self.changes.changed()

    def finished(self, row: Row, result: Result) -> None:
        show_result(self.views, result, self.out)
        job = self.job
        if job is not None and result.outcome == Outcome.LINKED and job.first_linked_s is None:
            job.first_linked_s = time.monotonic() - job.started
        self.changes.changed()

    def note(self, text: str) -> None:
        self.notes.append(text)
        del self.notes[:-20]
        self.changes.changed()


def shot_url(path: str | None, out: Path) -> str | None:
    """A screenshot inside --out as the page reaches it (`/evidence/<folder>/<file>`)."""
    if not path:
        return None
    file = Path(path)
    try:
        relative = file.resolve().relative_to(out.resolve())
    except ValueError:
        return None
    if len(relative.parts) != 2 or not file.is_file():
        return None
    return f"/evidence/{relative.parts[0]}/{relative.parts[1]}"
