"""Runs planned rows: one browser, one context per PACER account, limits, and the journal.

Concurrency has three bounds: `concurrency` rows at once overall, `per_court`
sessions at once per court (politeness), and one row at a time per PACER account
(two sessions of one account would log each other out).

The rows of one PACER account share one browser context (`account_contexts.py`), so
PACER's single sign-on carries the attorney from the first court to the next: one
password and one passcode per attorney per run, not one per court.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from playwright.async_api import Browser

from . import browser as browser_mod
from . import words
from .account_contexts import AccountContexts, ContextHook
from .account_key import account_key
from .account_lock import AccountLock, default_dir, process_alive
from .approval import Approval
from .evidence import Evidence, folder_name
from .flow.attempt import EarlierSubmit, FlowDeps, FlowSettings, Passcodes, SharedGuard
from .flow.court_memory import CourtMemory
from .flow.link import link_attorney, recheck_attorney
from .journal import WRITE_ERRORS, Journal, JournalUnwritable, RowState, write_error_text
from .network import NetworkSettings
from .outcome import Outcome, Result
from .plan import Row
from .refusals import Refusals
from .refusals import default_dir as refusals_dir
from .row_life import RUN_ACTION, Action, Choice, Standing, decide
from .run_results import row_result, run_results
from .submit_gate import MARGIN_S, SubmitGate
from .submit_once import Probe, Sender, wire_probe, wire_sender


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
    # Proxy and CA for the browser and Playwright's driver (resolved by the CLI).
    network: NetworkSettings = field(default_factory=NetworkSettings)
    # Where the machine-wide per-account locks live (None: the user's state folder), and
    # how long a row waits for another run holding its account before ending `error`.
    lock_dir: Path | None = None
    account_wait_s: float = 300.0
    # "auto", "api" or "page" (see flow.FlowSettings.sign_in).
    sign_in: str = "auto"
    # Added to the Submit's timeout for how long a Submit handed over may still be on its
    # way (submit_gate.MARGIN_S); a later run sends again only after that.
    submit_margin_s: float = MARGIN_S


__all__ = ["Acknowledge", "ContextHook", "Progress", "RunOptions", "Runner"]

# The operator's answer to PACER's Redaction Agreement, given its words (flow.FlowDeps).
Acknowledge = Callable[[str], bool | Awaitable[bool]]


@dataclass
class _Limits:
    overall: asyncio.Semaphore
    per_court: dict[str, asyncio.Semaphore]
    per_account: dict[str, asyncio.Lock]
    per_court_size: int

    def court(self, court: str) -> asyncio.Semaphore:
        return self.per_court.setdefault(court, asyncio.Semaphore(self.per_court_size))

    def account(self, username: str) -> asyncio.Lock:
        return self.per_account.setdefault(account_key(username), asyncio.Lock())


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
        probe: Probe = wire_probe,
        acknowledge_redaction: Acknowledge | None = None,
        approval: Approval | None = None,
        refusals: Refusals | None = None,
    ) -> None:
        self.options = options
        self.progress = progress
        self.guard = guard
        self.passcodes = passcodes
        self.context_hook = context_hook
        self.sender = sender
        self.probe = probe
        self.acknowledge_redaction = acknowledge_redaction
        self.approval = approval
        # PACER's refusals, for the rest of this run and (ledger) other runs here lately.
        self.refusals = refusals if refusals is not None else Refusals(refusals_dir())
        self.courts = CourtMemory()
        self._stop = asyncio.Event()
        # Set when the journal could no longer be written; the run then starts no new row.
        self.journal_failure: str | None = None
        # Outcomes the journal refused to take, kept for this run's reports.
        self._kept: dict[str, Result] = {}
        # What each row of this run spent signing in, by journal key (reports show it).
        self._used: dict[str, Result] = {}
        # What this run did with each row it met, by journal key (row_life.RunAction).
        self._did: dict[str, str] = {}

    async def run(self, rows: list[Row], browser: Browser | None = None) -> list[Result]:
        """Run every row; `browser` lets a caller (tests, benchmarks) share one."""
        # Open checks the folder first, so an unusable --out is refused before it is created.
        journal = Journal.open(self.options.out_dir)
        try:
            try:
                journal.bind_sites(
                    {r.attorney.court: r.court_url for r in rows},
                    {r.attorney.court: r.court_url_source for r in rows},
                )
                a = [r.attorney for r in rows]
                journal.plan([(journal.row_key(x), x.label(), x.pacer_username) for x in a])
            except sqlite3.Error as exc:
                raise JournalUnwritable(
                    f"the journal {journal.path} could not be written: {write_error_text(exc)}"
                ) from None
            self.progress.planned(len(rows))
            if browser is not None:
                await self._all(browser, journal, rows)
            else:
                async with browser_mod.launched(
                    self.options.browser,
                    headed=self.options.headed,
                    env=self.options.env,
                    extra_args=browser_mod.NO_IMAGES_ARGS if self.options.block_resources else (),
                    network=self.options.network,
                ) as (own, choice):
                    if self.options.network.proxy:
                        self.progress.note(f"proxy: {self.options.network.describe_proxy()}")
                    self.progress.note(f"browser: {choice.describe()}")
                    await self._all(own, journal, rows)
            return self.results(journal, rows)
        finally:
            journal.close()

    def results(self, journal: Journal, rows: list[Row]) -> list[Result]:
        """Every row as recorded, with what this run did with it (also after an interruption)."""
        return run_results(
            journal,
            rows,
            kept=self._kept,
            used=self._used,
            did=self._did,
            journal_failure=self.journal_failure,
        )

    def _lose_journal(self, journal: Journal, error: BaseException) -> None:
        if self.journal_failure is None:
            why = write_error_text(error)
            self.journal_failure = f"the journal {journal.path} could no longer be written ({why})"
        # Rows not yet begun stay `not_started`; rows in flight cannot mark `submitting`, so
        # none of them sends its Submit.
        self._stop.set()

    async def _all(self, browser: Browser, journal: Journal, rows: list[Row]) -> None:
        limits = _Limits(
            asyncio.Semaphore(max(1, self.options.concurrency)), {}, {}, max(1, self.options.per_court)
        )
        contexts = AccountContexts(browser, self.options.timeout_ms, self.context_hook, self.options.trace)
        contexts.expect(rows)
        try:
            await asyncio.gather(*(self._one(contexts, journal, limits, row) for row in rows))
        finally:
            await contexts.close_all()

    async def _one(self, contexts: AccountContexts, journal: Journal, limits: _Limits, row: Row) -> None:
        key = journal.row_key(row.attorney)
        previous = journal.state(key)
        standing = Standing.of(previous)
        choice = decide(
            standing,
            recheck=self.options.recheck,
            sender_alive=_sender_alive(standing.submit_pid),
            now=datetime.now(UTC),
        )
        if choice.action in (Action.SKIP, Action.LEAVE):
            # Not attempted: the reports show the row as recorded, and say why it was left.
            self._did[key] = RUN_ACTION[choice.action]
            self.progress.finished(row, row_result(previous, row, self._did[key]))
            return
        async with (
            limits.account(row.attorney.pacer_username),
            limits.court(row.attorney.court),
            limits.overall,
        ):
            if self._stop.is_set():
                return
            self._did[key] = RUN_ACTION[choice.action]
            self.progress.started(row)
            try:
                journal.start(key, "start")
            except WRITE_ERRORS as exc:
                # Unrecorded, the attempt could not be told apart from a fresh row next time.
                result = Result.for_attorney(
                    row.attorney,
                    Outcome.ERROR,
                    f"{row.attorney.label()}: could not be recorded in the journal"
                    f" ({write_error_text(exc)}), so it was not attempted; {words.NOTHING_LINKED}",
                )
                self._finish(journal, SubmitGate(ledger=journal, key=key, write_errors=WRITE_ERRORS), result)
                self.progress.finished(row, result)
                return

            steps = ["start"]

            def on_step(step: str) -> None:
                steps.append(step)
                # A step name only feeds the display: a full disk here is told by the next
                # durable write (the Submit marker or the outcome), not by failing the row.
                with contextlib.suppress(*WRITE_ERRORS):
                    journal.step(key, step)
                self.progress.step(row, step)

            # The gate holds the account's lock (once the flow takes it) until the outcome
            # is recorded below.
            gate = self._gate(journal, key, row, looks_only=choice.action == Action.LOOK_ONLY)
            try:
                try:
                    result = await self._attempt(contexts, row, on_step, choice, gate)
                except Exception as exc:
                    if self.options.debug:
                        raise
                    # One row's surprise (a full disk, an unreadable codes file) is that row's
                    # failure; the batch goes on and every other row is still recorded.
                    result = self._unexpected(row, exc, steps[-1], self._state(journal, key))
                result = self._finish(journal, gate, result)
            finally:
                gate.release()
            self.progress.finished(row, result)
            if self.options.fail_fast and not result.outcome.is_success:
                self._stop.set()

    def _finish(self, journal: Journal, gate: SubmitGate, result: Result) -> Result:
        """Record through the gate; past two failed writes the journal is lost, and the
        outcome stands in this run's reports only."""
        key = gate.key
        self._used[key] = result
        error = gate.record(result)
        if error is None:
            return result
        # The journal keeps the row's last written state, which errs on the safe side: a
        # row marked `submitting` is only looked at.
        kept = result.with_(message=words.not_written(result.message, write_error_text(error)))
        self._kept[key] = kept
        self._lose_journal(journal, error)
        return kept

    def _gate(self, journal: Journal, key: str, row: Row, *, looks_only: bool) -> SubmitGate:
        lock = None
        if not looks_only and not self.options.dry_run:
            lock = AccountLock(
                self.options.lock_dir or default_dir(),
                court=row.attorney.court,
                pacer_username=row.attorney.pacer_username,
                out_dir=self.options.out_dir,
                wait_s=self.options.account_wait_s,
            )
        return SubmitGate(
            timeout_ms=self.options.timeout_ms,
            ledger=journal,
            key=key,
            lock=lock,
            sender=self.sender,
            probe=self.probe,
            margin_s=self.options.submit_margin_s,
            write_errors=WRITE_ERRORS,
        )

    async def _attempt(
        self,
        contexts: AccountContexts,
        row: Row,
        on_step: Callable[[str], None],
        choice: Choice,
        gate: SubmitGate,
    ) -> Result:
        turn = contexts.turn(row)
        evidence = Evidence(self._evidence_folder(row), row.attorney.secret_values())
        try:
            passcodes = self.passcodes(row)
        except ValueError as exc:
            await turn.end()
            return Result.for_attorney(
                row.attorney, Outcome.ERROR, f"{row.attorney.label()}: {exc}; {words.NOTHING_LINKED}"
            )
        deps = FlowDeps(
            new_page=turn.new_page,
            evidence=evidence,
            passcodes=passcodes,
            guard=self.guard,
            on_step=on_step,
            gate=gate,
            acknowledge_redaction=self.acknowledge_redaction,
            approval=self.approval,
            refusals=self.refusals,
            courts=self.courts,
        )
        settings = FlowSettings(
            court_url=row.court_url,
            dry_run=self.options.dry_run,
            timeout_ms=self.options.timeout_ms,
            login_origin=row.login_origin,
            sign_in=self.options.sign_in,
        )
        try:
            page = await turn.new_page()
            if choice.action == Action.LOOK_ONLY:
                result = await recheck_attorney(page, row.attorney, row.selectors, settings, deps)
            else:
                earlier = None
                if choice.action == Action.LOOK_FIRST:
                    earlier = EarlierSubmit(choice.may_resend, self._why_not(row, choice))
                result = await link_attorney(page, row.attorney, row.selectors, settings, deps, earlier)
        finally:
            await turn.end(evidence, deps.notes)
        for note in deps.notes:
            self.progress.note(note)
        return result

    @staticmethod
    def _why_not(row: Row, choice: Choice) -> str:
        if choice.may_resend or choice.why_not is None:
            return ""
        who = f"{row.attorney.pacer_username} at {row.attorney.court}"
        return words.earlier_submit_held(who, choice.why_not, choice.sender_pid, choice.look_again_after)

    @staticmethod
    def _state(journal: Journal, key: str) -> RowState | None:
        try:
            return journal.state(key)
        except WRITE_ERRORS:
            return None

    def _evidence_folder(self, row: Row) -> Path:
        return self.options.out_dir / folder_name(row.attorney.court, row.attorney.pacer_username)

    def _unexpected(self, row: Row, exc: Exception, step: str, state: RowState | None) -> Result:
        # Only the type: an exception's text may quote the page, and the page the secrets.
        what = f"{row.attorney.label()}: step '{step}' ended in an unexpected {type(exc).__name__}"
        folder = self._evidence_folder(row)
        sent = state is not None and state.submit_sent
        return Result.for_attorney(
            row.attorney,
            Outcome.UNCONFIRMED if sent else Outcome.ERROR,
            words.unexpected(what, sent),
            evidence=str(folder) if folder.exists() else None,
        )


def _sender_alive(pid: int | None) -> bool:
    """Whether the process recorded as having sent a row's Submit still runs. This
    process's own id reads as gone: an earlier run() here has returned (the folder lock
    allows one at a time); what it may have left on the wire the time window covers."""
    return pid is not None and pid != os.getpid() and process_alive(pid)
