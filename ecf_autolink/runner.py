"""Runs planned rows: one browser, an isolated context per row, limits, and the journal.

Concurrency has three bounds: `concurrency` rows at once overall, `per_court`
sessions at once per court (politeness), and one row at a time per PACER account
(two sessions of one account would log each other out).

The rows of one PACER account share one browser context, so PACER's single sign-on
carries the attorney from the first court to the next: one password and one passcode
per attorney per run, not one per court.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from . import browser as browser_mod
from .evidence import Evidence, folder_name, private_dir
from .flow import FlowDeps, FlowSettings, Passcodes, SharedGuard, link_attorney, recheck_attorney
from .journal import Journal, RowState, decide, result_of
from .outcome import Outcome, Result
from .plan import Row
from .submit_once import Sender, wire_sender


class Progress(Protocol):
    def planned(self, total: int) -> None: ...
    def started(self, row: Row) -> None: ...
    def step(self, row: Row, step: str) -> None: ...
    def finished(self, row: Row, result: Result) -> None: ...
    def note(self, text: str) -> None: ...


@dataclass
class RunOptions:
    out_dir: Path
    concurrency: int = 4
    per_court: int = 4
    dry_run: bool = False
    recheck: bool = False
    fail_fast: bool = False
    headed: bool = False
    browser: str | None = None
    timeout_ms: float = 30_000
    block_resources: bool = True
    # Playwright traces of each row, scrubbed of secrets (no screenshots: they would
    # show a passcode typed into a plain text field, and pixels cannot be scrubbed).
    trace: bool = False
    # Let an unexpected exception end the run with its traceback (--debug).
    debug: bool = False
    env: dict[str, str] = field(default_factory=dict)
    # "auto", "api" or "page" (see flow.FlowSettings.sign_in).
    sign_in: str = "auto"


# Installs test doubles on each new context (the replica court by interception).
ContextHook = Callable[[BrowserContext], Awaitable[None]]
# The operator's answer to PACER's Redaction Agreement, given its words (flow.FlowDeps).
Acknowledge = Callable[[str], bool | Awaitable[bool]]


@dataclass
class _Account:
    """One PACER account's browser context, shared by its rows in turn."""

    rows_left: int
    context: BrowserContext | None = None
    rows_traced: int = 0


@dataclass
class _Limits:
    overall: asyncio.Semaphore
    per_court: dict[str, asyncio.Semaphore]
    per_account: dict[str, asyncio.Lock]
    per_court_size: int

    def court(self, court: str) -> asyncio.Semaphore:
        return self.per_court.setdefault(court, asyncio.Semaphore(self.per_court_size))

    def account(self, username: str) -> asyncio.Lock:
        return self.per_account.setdefault(username.casefold(), asyncio.Lock())


class Runner:
    def __init__(
        self,
        options: RunOptions,
        progress: Progress,
        *,
        guard: SharedGuard | None = None,
        passcodes: Callable[[Row], Passcodes | None] = lambda row: None,
        context_hook: ContextHook | None = None,
        sender: Sender = wire_sender,
        acknowledge_redaction: Acknowledge | None = None,
    ) -> None:
        self.options = options
        self.progress = progress
        self.guard = guard
        self.passcodes = passcodes
        self.context_hook = context_hook
        self.sender = sender
        self.acknowledge_redaction = acknowledge_redaction
        self._stop = asyncio.Event()
        self._accounts: dict[str, _Account] = {}
        # What each row of this run spent signing in, by journal key (reports show it).
        self._used: dict[str, Result] = {}

    async def run(self, rows: list[Row], browser: Browser | None = None) -> list[Result]:
        """Run every row; `browser` lets a caller (tests, benchmarks) share one."""
        out = private_dir(self.options.out_dir)
        journal = Journal.open(out)
        try:
            journal.bind_sites({r.attorney.court: r.court_url for r in rows})
            journal.plan([(journal.row_key(r.attorney), r.attorney.label()) for r in rows])
            self.progress.planned(len(rows))
            if browser is not None:
                await self._all(browser, journal, rows)
            else:
                async with async_playwright() as pw:
                    own, choice = await browser_mod.launch(
                        pw,
                        self.options.browser,
                        headed=self.options.headed,
                        env=self.options.env,
                        extra_args=browser_mod.NO_IMAGES_ARGS if self.options.block_resources else (),
                    )
                    self.progress.note(f"browser: {choice.describe()}")
                    try:
                        await self._all(own, journal, rows)
                    finally:
                        await own.close()
            return self._with_use(journal)
        finally:
            journal.close()

    def _with_use(self, journal: Journal) -> list[Result]:
        """The journal's results with what signing in cost each row of this run."""
        results = []
        for state in journal.states():
            result = result_of(state)
            results.append(result)
            used = self._used.get(state.key)
            if used is not None:
                result.sign_ins, result.passcodes = used.sign_ins, used.passcodes
                result.redaction_acknowledged = used.redaction_acknowledged
        return results

    async def _all(self, browser: Browser, journal: Journal, rows: list[Row]) -> None:
        limits = _Limits(
            asyncio.Semaphore(max(1, self.options.concurrency)), {}, {}, max(1, self.options.per_court)
        )
        for row in rows:
            account = self._accounts.setdefault(_account_key(row), _Account(rows_left=0))
            account.rows_left += 1
        try:
            await asyncio.gather(*(self._one(browser, journal, limits, row) for row in rows))
        finally:
            for account in self._accounts.values():
                await self._close_account(account)

    async def _one(self, browser: Browser, journal: Journal, limits: _Limits, row: Row) -> None:
        key = journal.row_key(row.attorney)
        previous = journal.state(key)
        action = decide(previous)
        if action == "skip" and previous is not None:
            earlier = result_of(previous)
            earlier.message = f"{earlier.message} (recorded by an earlier run; not attempted again)"
            self.progress.finished(row, earlier)
            return
        if action == "needs_recheck" and not self.options.recheck:
            message = (
                previous.message
                if previous and previous.message
                else "an earlier run sent the final Submit and never saw its answer"
            )
            result = self._result(
                row,
                Outcome.UNCONFIRMED,
                f"{message} (not submitted again; run with --recheck to look whether the court linked it)",
            )
            if previous is not None:
                # The rows a person must follow up keep the names and the screenshot in the report.
                result.cmecf_name, result.pacer_name = previous.cmecf_name, previous.pacer_name
                result.evidence = previous.evidence
            journal.finish(key, result)
            self.progress.finished(row, result)
            return
        recheck = action in ("needs_recheck", "recheck_only")
        async with (
            limits.account(row.attorney.pacer_username),
            limits.court(row.attorney.court),
            limits.overall,
        ):
            if self._stop.is_set():
                return
            self.progress.started(row)
            journal.start(key, "start")

            steps = ["start"]

            def on_step(step: str) -> None:
                steps.append(step)
                journal.step(key, step)
                self.progress.step(row, step)

            try:
                result = await self._attempt(
                    browser, row, on_step, lambda: journal.mark_submitting(key), recheck
                )
            except Exception as exc:
                if self.options.debug:
                    raise
                # One row's surprise (a full disk, an unreadable codes file) is that row's
                # failure; the batch goes on and every other row is still recorded.
                result = self._unexpected(row, exc, steps[-1], journal.state(key))
            self._used[key] = result
            journal.finish(key, result)
            self.progress.finished(row, result)
            if self.options.fail_fast and not result.outcome.is_success:
                self._stop.set()

    async def _attempt(
        self,
        browser: Browser,
        row: Row,
        on_step: Callable[[str], None],
        before_submit: Callable[[], None],
        recheck: bool,
    ) -> Result:
        account = self._accounts.setdefault(_account_key(row), _Account(rows_left=1))
        pages: list[Page] = []

        async def new_page() -> Page:
            if account.context is None:
                account.context = await self._context(browser)
            page = await account.context.new_page()
            pages.append(page)
            return page

        evidence = Evidence(self._evidence_folder(row), row.attorney.secret_values())
        try:
            passcodes = self.passcodes(row)
        except ValueError as exc:
            self._row_done(account)
            return self._result(row, Outcome.ERROR, f"{row.attorney.label()}: {exc}; nothing was linked")
        deps = FlowDeps(
            new_page=new_page,
            evidence=evidence,
            passcodes=passcodes,
            guard=self.guard,
            on_step=on_step,
            before_submit=before_submit,
            sender=self.sender,
            acknowledge_redaction=self.acknowledge_redaction,
        )
        settings = FlowSettings(
            court_url=row.court_url,
            dry_run=self.options.dry_run,
            timeout_ms=self.options.timeout_ms,
            login_origin=row.login_origin,
            sign_in=self.options.sign_in,
        )
        try:
            page = await new_page()
            go = recheck_attorney if recheck else link_attorney
            result = await go(page, row.attorney, row.selectors, settings, deps)
        finally:
            for page in pages:
                with contextlib.suppress(Exception):
                    await page.close()
            if self.options.trace and account.context is not None:
                await self._keep_trace(account, evidence, deps.notes)
            self._row_done(account)
            if account.rows_left == 0:
                await self._close_account(account)
        for note in deps.notes:
            self.progress.note(note)
        return result

    @staticmethod
    def _row_done(account: _Account) -> None:
        account.rows_left -= 1

    @staticmethod
    async def _close_account(account: _Account) -> None:
        context, account.context = account.context, None
        if context is not None:
            with contextlib.suppress(Exception):
                await context.close()

    @staticmethod
    async def _keep_trace(account: _Account, evidence: Evidence, notes: list[str]) -> None:
        """This row's part of its account's trace (one chunk per row)."""
        context = account.context
        assert context is not None
        account.rows_traced += 1
        with tempfile.TemporaryDirectory(prefix="autolink-trace-") as tmp:
            raw = Path(tmp) / "trace.zip"
            try:
                await context.tracing.stop_chunk(path=raw)
                if account.rows_left > 1:
                    await context.tracing.start_chunk()
            except Exception:  # a context the flow already lost has no trace to give
                return
            kept = evidence.trace(raw, f"trace-{account.rows_traced}.zip")
        if kept is None:
            notes.append(
                f"a trace in {evidence.folder} was dropped: it held a secret that could not be scrubbed"
            )

    async def _context(self, browser: Browser) -> BrowserContext:
        context = await browser.new_context(
            accept_downloads=False, service_workers="block", java_script_enabled=True
        )
        context.set_default_timeout(self.options.timeout_ms)
        if self.context_hook is not None:
            await self.context_hook(context)
        if self.options.trace:
            await context.tracing.start(screenshots=False, snapshots=True, sources=False)
        return context

    def _evidence_folder(self, row: Row) -> Path:
        return self.options.out_dir / folder_name(row.attorney.court, row.attorney.pacer_username)

    def _unexpected(self, row: Row, exc: Exception, step: str, state: RowState | None) -> Result:
        # Only the type: an exception's text may quote the page, and the page the secrets.
        what = f"{row.attorney.label()}: step '{step}' ended in an unexpected {type(exc).__name__}"
        folder = self._evidence_folder(row)
        if state is not None and state.submit_sent:
            result = self._result(
                row,
                Outcome.UNCONFIRMED,
                f"{what} after the final Submit was sent; run again with --recheck; do not submit by hand",
            )
        else:
            result = self._result(
                row, Outcome.ERROR, f"{what}; nothing was linked; run with --debug for the details"
            )
        result.evidence = str(folder) if folder.exists() else None
        return result

    @staticmethod
    def _result(row: Row, outcome: Outcome, message: str) -> Result:
        a = row.attorney
        return Result(
            court=a.court, name=a.name, pacer_username=a.pacer_username, outcome=outcome, message=message
        )


def _account_key(row: Row) -> str:
    return row.attorney.pacer_username.casefold()
