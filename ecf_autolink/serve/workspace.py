"""What the page works on: the server's settings, the roster a person opened, the
Redaction answer, the one run going at a time, passcodes asked for, and each row as the
page shows it. Runs go through `ecf_autolink.service`, the engine `plan` and `apply` use.

Credentials stay in this process's memory (the rows' attorneys); nothing here writes one,
and no answer of the page carries one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import service
from ..account_key import account_key
from ..approval import row_id
from ..court_urls import CourtUrls
from ..outcome import Outcome, Result
from ..plan import Row
from ..plan_file import Plan, PlanError, os_user, read_plan
from ..roster import RosterError, load_roster
from ..runner import RunOptions
from ..shared_accounts import SharedAccountGuard, attorney_key
from .events import Changes

UPLOAD_LIMIT = 1_000_000
PASSCODE_WAIT_S = 300.0
ROSTER_SUFFIXES = (".csv", ".yaml", ".yml")
TYPED_ROSTER = "attorneys typed in the page"
# The form's fields, as the variables `autolink --court ID` reads one attorney from.
TYPED_FIELDS = {
    "pacer_username": "PACER_USERNAME",
    "pacer_password": "PACER_PASSWORD",
    "cmecf_username": "CMECF_USERNAME",
    "cmecf_password": "CMECF_PASSWORD",
    "name": "ATTORNEY_NAME",
    "totp_secret": "PACER_TOTP_SECRET",
}


class Refused(ValueError):
    """A request the page cannot do now; the message says why and what to do."""


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


@dataclass
class PasscodeAsk:
    id: str
    who: str
    message: str
    asked: float
    future: asyncio.Future[str]


@dataclass
class Job:
    kind: str  # "look" or "link"
    started: float
    task: asyncio.Task[None] | None = None
    first_linked_s: float | None = None
    done: bool = False
    error: str | None = None


def _key(court: str, user: str) -> str:
    c, u = row_id(court, user)
    return f"{c}:{u}"


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
    job: Job | None = None
    asks: dict[str, PasscodeAsk] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    attorneys: list[Any] = field(default_factory=list)
    # The keyring the typed attorney's missing passwords are looked up in (tests give theirs).
    keyring_get: Any = None
    # A run was going when the server was told to stop (the command then exits 130).
    cut_short: bool = False

    def __post_init__(self) -> None:
        if self.keyring_get is None:
            from ..credentials import system_keyring_get

            self.keyring_get = system_keyring_get
        self.acknowledged = self.config.acknowledged
        with contextlib.suppress(PlanError, OSError):
            self.plan = read_plan(self.config.out)
            self._show_plan(self.plan)

    # --- the roster ---------------------------------------------------------------------

    def open_roster(self, name: str, data: bytes) -> int:
        """Read an uploaded roster with the CLI's reader; its problems as the CLI says them."""
        self._idle()
        clean = Path(name.replace("\\", "/")).name
        if not clean.lower().endswith(ROSTER_SUFFIXES):
            raise Refused(f"{clean or 'the file'}: a roster is a .csv, .yaml or .yml file")
        if len(data) > UPLOAD_LIMIT:
            raise Refused(f"{clean}: larger than {UPLOAD_LIMIT // 1000} kB; a roster is far smaller")
        # The reader takes a path; the copy lives only while it reads, in a private folder.
        with tempfile.TemporaryDirectory(prefix="autolink-roster-") as folder:
            path = Path(folder) / clean
            path.write_bytes(data)
            try:
                attorneys = load_roster(
                    path,
                    courts=list(self.config.courts),
                    env=self.config.env,
                    folder=self.config.roster_folder,
                )
            except RosterError as exc:
                raise Refused(str(exc).replace(folder, "")) from None
        return self._use(clean, attorneys)

    def open_roster_file(self, path: Path) -> int:
        """A roster named on the command line (`autolink serve --roster FILE`)."""
        try:
            attorneys = load_roster(path, courts=list(self.config.courts), env=self.config.env)
        except RosterError as exc:
            raise Refused(str(exc)) from None
        return self._use(path.name, attorneys)

    def use_attorneys(self, name: str, attorneys: list[Any]) -> int:
        """A roster the command already read (the demo's)."""
        return self._use(name, attorneys)

    def add_attorney(self, typed: dict[str, str], save: bool) -> str:
        """One attorney typed in the page, read by the CLI's own reader for one attorney
        (`autolink --court ID`): the same checks, missing values looked up in the keyring
        under the same names. They join the rows open (a row for the same PACER account
        at the same court is replaced). The answer names them; it never holds a value."""
        self._idle()
        from ..credentials import CredentialsError, MissingCredentials, load_attorney, save_to_keyring

        court = typed.get("court", "").strip().lower()
        if not court:
            raise Refused("Missing the court for this attorney: choose one (for example canb).")
        if self.config.courts and court not in self.config.courts:
            raise Refused(f"court {court}: this server was started for {', '.join(self.config.courts)} only")
        env = {name: typed.get(field, "") for field, name in TYPED_FIELDS.items()}
        try:
            attorney = load_attorney(
                court, env, interactive=False, prompt=_no_prompt, keyring_get=self.keyring_get
            )
        except MissingCredentials as exc:
            # The CLI's first sentence (the values' names), then what to do in the page.
            first = str(exc).split(". ", 1)[0]
            raise Refused(
                f"{first}. Type {'it' if len(exc.names) == 1 else 'them'} in the form, or tick"
                ' "Save to this computer\'s keyring" once so this computer remembers them.'
            ) from None
        except CredentialsError as exc:
            raise Refused(str(exc)) from None
        key = _key(attorney.court, attorney.pacer_username)
        kept = [a for a in self.attorneys if _key(a.court, a.pacer_username) != key]
        name = self.roster_name if self.roster_name and self.roster_name != TYPED_ROSTER else None
        count = self._use(name or TYPED_ROSTER, [*kept, attorney])
        said = f"{attorney.label()} added; {count} attorney-court row(s) open"
        if save:
            try:
                saved = save_to_keyring(attorney)
            except Exception as exc:  # no keyring on this computer, or it is locked
                return f"{said}; NOT saved to the keyring ({type(exc).__name__}): type them again next time"
            return f"{said}; saved to this computer's keyring ({', '.join(saved)})"
        return said

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
            _key(r.attorney.court, r.attorney.pacer_username): RowView(
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
        if self.job is not None and not self.job.done:
            raise Refused("a run is going on; wait until it ends")

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
        self._start("look", self._look())

    def start_link(self, keys: Sequence[str]) -> int:
        self._ready()
        if self.plan is None:
            raise Refused("look at the courts first: only rows of a plan can be approved")
        wanted = {k.strip().lower() for k in keys}
        chosen = [p for p in self.plan.would_link() if _key(p.court, p.pacer_username) in wanted]
        strangers = wanted - {_key(p.court, p.pacer_username) for p in chosen}
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
            view = self.views.get(_key(p.court, p.pacer_username))
            if view is not None:
                view.word, view.step = "waiting", None
        self._start("link", self._link(linking))
        return len(chosen)

    def _start(self, kind: str, work: Any) -> None:
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
            await asyncio.to_thread(service.reports_from_journal, self.config.out)
            raise
        except Exception as exc:  # the page says what ended the run, never the traceback
            job.error = _why(exc)
        finally:
            job.done = True
            for ask in self.asks.values():
                if not ask.future.done():
                    ask.future.set_result("")
            self.asks.clear()
            self.changes.changed()

    async def _run(self, rows: list[Row], options: RunOptions, approval: Any = None) -> list[Result]:
        guard = self._guard()
        results, failure = await service.run(
            rows,
            options,
            PageProgress(self),
            guard=guard,
            passcodes=self._passcodes,
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
        chosen = {_key(r.attorney.court, r.attorney.pacer_username) for r in linking.rows}
        for result in results:
            if _key(result.court, result.pacer_username) in chosen:
                self._show_result(result)
        service.write_run_reports(self._all_results(results), self.config.out)

    def _all_results(self, results: list[Result]) -> list[Result]:
        """The reports of an apply hold every row of the journal (as `autolink apply`'s do)."""
        from ..journal import Journal, JournalError

        try:
            with Journal.open(self.config.out) as journal:
                recorded = {_key(r.court, r.pacer_username): r for r in journal.results()}
        except (JournalError, OSError):
            return results
        for r in results:
            recorded[_key(r.court, r.pacer_username)] = r
        return list(recorded.values())

    # --- passcodes ----------------------------------------------------------------------

    def _passcodes(self, row: Row) -> Any:
        from ..otp import build_provider

        attorney = row.attorney

        async def ask(message: str) -> str:
            return await self._ask_passcode(attorney.label(), message)

        return build_provider(attorney.totp_secret, attorney.backup_codes_file, ask, label="")

    async def _ask_passcode(self, who: str, message: str) -> str:
        ask = PasscodeAsk(
            secrets.token_hex(8), who, message, time.time(), asyncio.get_running_loop().create_future()
        )
        self.asks[ask.id] = ask
        self.changes.changed()
        try:
            return await asyncio.wait_for(asyncio.shield(ask.future), PASSCODE_WAIT_S)
        except TimeoutError:
            return ""
        finally:
            self.asks.pop(ask.id, None)
            self.changes.changed()

    def answer_passcode(self, ask_id: str, code: str) -> None:
        ask = self.asks.get(ask_id)
        if ask is None or ask.future.done():
            raise Refused("that passcode box is no longer waiting (its row went on or ended)")
        ask.future.set_result(code)

    # --- what the page shows ------------------------------------------------------------

    def _show_plan(self, plan: Plan) -> None:
        for p in plan.rows:
            key = _key(p.court, p.pacer_username)
            view = self.views.setdefault(key, RowView(p.court, p.pacer_username, p.name or p.pacer_username))
            view.word, view.step, view.message = p.verdict, None, p.message
            view.cmecf_name, view.pacer_name = p.cmecf_name, p.pacer_name
            view.screenshot = _shot_url(p.screenshot, self.config.out)

    def _show_result(self, result: Result) -> None:
        view = self.views.get(_key(result.court, result.pacer_username))
        if view is None:
            return
        view.word, view.step, view.message = str(result.outcome), None, result.message
        view.finished = result.finished
        if result.cmecf_name is not None:
            view.cmecf_name, view.pacer_name = result.cmecf_name, result.pacer_name
        if result.evidence:
            view.screenshot = _shot_url(str(Path(result.evidence) / "confirmation.png"), self.config.out) or (
                view.screenshot
            )

    def approvable(self) -> set[str]:
        if self.plan is None:
            return set()
        return {
            _key(p.court, p.pacer_username)
            for p in self.plan.would_link()
            if self.views.get(_key(p.court, p.pacer_username), RowView("", "", "")).word == "would_link"
        }

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


class PageProgress:
    """The runner's progress, as the page's rows."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def _view(self, row: Row) -> RowView | None:
        return self.ws.views.get(_key(row.attorney.court, row.attorney.pacer_username))

    def planned(self, total: int) -> None:
        self.ws.changes.changed()

    def started(self, row: Row) -> None:
        view = self._view(row)
        if view is not None:
            view.word, view.step = "running", "start"
        self.ws.changes.changed()

    def step(self, row: Row, step: str) -> None:
        view = self._view(row)
        if view is not None:
            view.word, view.step = "running", step
        self.ws.changes.changed()

    def finished(self, row: Row, result: Result) -> None:
        self.ws._show_result(result)
        job = self.ws.job
        if job is not None and result.outcome == Outcome.LINKED and job.first_linked_s is None:
            job.first_linked_s = time.monotonic() - job.started
        self.ws.changes.changed()

    def note(self, text: str) -> None:
        self.ws.notes.append(text)
        del self.ws.notes[:-20]
        self.ws.changes.changed()


def _no_prompt(label: str, hidden: bool) -> str:
    return ""


def _shot_url(path: str | None, out: Path) -> str | None:
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


def _why(exc: Exception) -> str:
    from ..browser import BrowserNotFound
    from ..journal import FolderRefused, JournalUnwritable

    if isinstance(exc, BrowserNotFound | FolderRefused | JournalUnwritable | PlanError | Refused):
        return str(exc)
    if isinstance(exc, OSError):
        return f"a file could not be written: {exc.strerror or type(exc).__name__}"
    # Only the type: an exception's text may quote a page, and a page the secrets.
    return (
        f"the run ended in an unexpected {type(exc).__name__}; run `autolink plan` in a terminal with --debug"
    )


def key_of(court: str, user: str) -> str:
    return f"{court.strip().lower()}:{account_key(user)}"
