"""What the page works on: the server's settings, the roster a person opened, the
Redaction answer, and the runs (look, then link the approved rows). Runs go through
`ecf_autolink.service`, the engine `plan` and `apply` use.

Its parts, each in its own module: `row_views` (each row as the page shows it),
`one_run` (the one run going at a time), `passcode_boxes` (asking the page for a passcode),
`roster_upload` (a roster chosen in the page) and `typed_attorney` (one attorney typed in it).

Credentials stay in this process's memory (the rows' attorneys); nothing here writes one,
and no answer of the page carries one.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import service
from ..court_urls import CourtUrls
from ..outcome import Result
from ..plan import Row
from ..plan_file import Plan, PlanError, os_user, read_plan
from ..runner import RunOptions
from ..shared_accounts import SharedAccountGuard, attorney_key
from .events import Changes
from .one_run import Job, OneRun
from .passcode_boxes import PasscodeAsk, PasscodeBoxes
from .refused import Refused
from .roster_upload import read_named, read_upload
from .row_views import PageProgress, RowView, approvable, row_key, show_plan, show_result
from .typed_attorney import TYPED_ROSTER, read_typed, save_typed


@dataclass(frozen=True)
class ServeConfig:
    out: Path
    site: CourtUrls
    env: dict[str, str]
    options: RunOptions
    courts: tuple[str, ...]
    selector_dirs: list[Path]
    deny: frozenset[str] = frozenset()
    acknowledged: bool = False
    # Where the relative file names of a roster chosen in the page are (backup codes files).
    roster_folder: Path = Path()


@dataclass
class Workspace:
    config: ServeConfig
    changes: Changes = field(default_factory=Changes)
    roster_name: str | None = None
    rows: list[Row] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    views: dict[str, RowView] = field(default_factory=dict)
    plan: Plan | None = None
    acknowledged: bool = False
    notes: list[str] = field(default_factory=list)
    attorneys: list[Any] = field(default_factory=list)
    # The keyring the typed attorney's missing passwords are looked up in (tests give theirs).
    keyring_get: Any = None
    boxes: PasscodeBoxes = field(init=False, repr=False)
    one_run: OneRun = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.keyring_get is None:
            from ..credentials import system_keyring_get

            self.keyring_get = system_keyring_get
        self.boxes = PasscodeBoxes(self.changes)
        self.one_run = OneRun(self.changes, self.config.out, self.boxes)
        self.acknowledged = self.config.acknowledged
        with contextlib.suppress(PlanError, OSError):
            self.plan = read_plan(self.config.out)
            self._show_plan(self.plan)

    @property
    def job(self) -> Job | None:
        return self.one_run.job

    @property
    def asks(self) -> dict[str, PasscodeAsk]:
        return self.boxes.asks

    @property
    def cut_short(self) -> bool:
        """A run was going when the server was told to stop (the command then exits 130)."""
        return self.one_run.cut_short

    # --- the roster ---------------------------------------------------------------------

    def open_roster(self, name: str, data: bytes) -> int:
        """Read an uploaded roster with the CLI's reader; its problems as the CLI says them."""
        self._idle()
        clean, attorneys = read_upload(
            name, data, self.config.courts, self.config.env, self.config.roster_folder
        )
        return self._use(clean, attorneys)

    def open_roster_file(self, path: Path) -> int:
        """A roster named on the command line (`autolink serve --roster FILE`)."""
        return self._use(path.name, read_named(path, self.config.courts, self.config.env))

    def use_attorneys(self, name: str, attorneys: list[Any]) -> int:
        """A roster the command already read (the demo's)."""
        return self._use(name, attorneys)

    def add_attorney(self, typed: dict[str, str], save: bool) -> str:
        """One attorney typed in the page (see `typed_attorney`). They join the rows open
        (a row for the same PACER account at the same court is replaced). The answer names
        them; it never holds a value."""
        self._idle()
        attorney = read_typed(typed, self.config.courts, self.keyring_get)
        key = row_key(attorney.court, attorney.pacer_username)
        kept = [a for a in self.attorneys if row_key(a.court, a.pacer_username) != key]
        name = self.roster_name if self.roster_name and self.roster_name != TYPED_ROSTER else None
        count = self._use(name or TYPED_ROSTER, [*kept, attorney])
        said = f"{attorney.label()} added; {count} attorney-court row(s) open"
        return save_typed(attorney, said) if save else said

    def _use(self, clean: str, attorneys: list[Any]) -> int:
        if not attorneys:
            raise Refused(f"{clean}: no row of the roster is at the courts chosen for this server")
        try:
            rows, urls = service.rows_for(attorneys, self.config.site, self.config.selector_dirs)
        except service.RowsProblem as exc:
            raise Refused(str(exc)) from None
        self.roster_name, self.rows, self.urls = clean, rows, urls
        self.attorneys = list(attorneys)
        self.views = {
            row_key(r.attorney.court, r.attorney.pacer_username): RowView(
                r.attorney.court, r.attorney.pacer_username, r.attorney.name or r.attorney.pacer_username
            )
            for r in rows
        }
        if self.plan is not None:
            self._show_plan(self.plan)
        self.changes.changed()
        return len(rows)

    def acknowledge(self, yes: bool) -> None:
        self._idle()
        self.acknowledged = yes
        self.changes.changed()

    # --- runs ---------------------------------------------------------------------------

    def _idle(self) -> None:
        self.one_run.idle()

    def _ready(self) -> None:
        self._idle()
        if not self.rows:
            raise Refused("open a roster first")
        if not self.acknowledged:
            raise Refused(
                "tick the Redaction acknowledgement first: PACER asks every filer for it at sign-in,"
                " and only you may give it for the attorneys of this run"
            )

    def _guard(self) -> SharedAccountGuard:
        guard = SharedAccountGuard(set(self.config.deny))
        for row in self.rows:
            guard.register(
                row.attorney.pacer_username, attorney_key(row.attorney.name, row.attorney.cmecf_username)
            )
        return guard

    def start_look(self) -> None:
        self._ready()
        for view in self.views.values():
            view.word, view.step, view.message = "waiting", None, ""
        self.one_run.start("look", self._look())

    def start_link(self, keys: Sequence[str]) -> int:
        self._ready()
        if self.plan is None:
            raise Refused("look at the courts first: only rows of a plan can be approved")
        wanted = {k.strip().lower() for k in keys}
        chosen = [p for p in self.plan.would_link() if row_key(p.court, p.pacer_username) in wanted]
        strangers = wanted - {row_key(p.court, p.pacer_username) for p in chosen}
        if strangers:
            raise Refused(f"{', '.join(sorted(strangers))}: not a would_link row of the plan")
        if not chosen:
            raise Refused("approve at least one row first")
        approved = service.approve_rows(chosen, self.plan, f"{os_user()} (on the page)")
        linking = service.approval_for(
            self.plan,
            self.rows,
            approved,
            f"the plan {self.config.out / 'plan.json'}",
            [p.id for p in chosen],
        )
        if linking.missing:
            raise Refused(
                f"the roster has no credentials for {', '.join(linking.missing)} (the same PACER account and"
                " CM/ECF login as in the plan): open the plan's roster; nothing was sent"
            )
        from ..service.linking import record

        record(self.config.out, approved)
        for p in chosen:
            view = self.views.get(row_key(p.court, p.pacer_username))
            if view is not None:
                view.word, view.step = "waiting", None
        self.one_run.start("link", self._link(linking))
        return len(chosen)

    async def _run(self, rows: list[Row], options: RunOptions, approval: Any = None) -> list[Result]:
        guard = self._guard()
        results, failure = await service.run(
            rows,
            options,
            PageProgress(self.views, self.changes, self.notes, self.config.out, self.job),
            guard=guard,
            passcodes=self.boxes.provider,
            acknowledge_redaction=lambda notice: self.acknowledged,
            approval=approval,
        )
        if failure:
            self.notes.append(failure)
        return results

    async def _look(self) -> None:
        options = dataclasses.replace(self.config.options, dry_run=True)
        results = await self._run(self.rows, options)
        plan = service.plan_of(self.rows, results, self._guard(), self.urls)
        service.save_plan(plan, self.config.out)
        self.plan = plan
        self._show_plan(plan)
        service.write_run_reports(results, self.config.out)

    async def _link(self, linking: service.Linking) -> None:
        options = dataclasses.replace(self.config.options, dry_run=False)
        results = await self._run(linking.rows, options, linking.approval)
        results = service.note_approvers(results, linking.names)
        # The run's results hold the journal's other rows too (as the plan left them).
        chosen = {row_key(r.attorney.court, r.attorney.pacer_username) for r in linking.rows}
        for result in results:
            if row_key(result.court, result.pacer_username) in chosen:
                show_result(self.views, result, self.config.out)
        service.write_run_reports(self._all_results(results), self.config.out)

    def _all_results(self, results: list[Result]) -> list[Result]:
        """The reports of an apply hold every row of the journal (as `autolink apply`'s do)."""
        from ..journal import Journal, JournalError

        try:
            with Journal.open(self.config.out) as journal:
                recorded = {row_key(r.court, r.pacer_username): r for r in journal.results()}
        except (JournalError, OSError):
            return results
        for r in results:
            recorded[row_key(r.court, r.pacer_username)] = r
        return list(recorded.values())

    def answer_passcode(self, ask_id: str, code: str) -> None:
        self.boxes.answer(ask_id, code)

    # --- what the page shows ------------------------------------------------------------

    def _show_plan(self, plan: Plan) -> None:
        show_plan(self.views, plan, self.config.out)

    def approvable(self) -> set[str]:
        return approvable(self.views, self.plan)

    def begin_stop(self) -> None:
        """Ctrl-C, from the signal handler: open pages are let go, the run is cancelled."""
        self.one_run.begin_stop()

    async def stop(self) -> None:
        """Ctrl-C: the run stops as the CLI's does (see `one_run`)."""
        await self.one_run.stop()
