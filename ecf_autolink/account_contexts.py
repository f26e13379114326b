"""One browser context per PACER account, shared by that account's rows in turn.

PACER's single sign-on lives in the context's cookies, so the attorney's second court
finds them signed in already: one password and one passcode per attorney per run. The
runner lets one row of an account run at a time (two sessions of one account would log
each other out); each row takes a turn here, opens its pages, and on ending closes them,
keeps its part of the trace, and closes the context after the account's last row.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page

from .account_key import account_key
from .evidence import Evidence
from .plan import Row

# Installs test doubles on each new context (the replica court by interception).
ContextHook = Callable[[BrowserContext], Awaitable[None]]


def row_account(row: Row) -> str:
    """One context per PACER account however the roster spells it (see account_key)."""
    return account_key(row.attorney.pacer_username)


@dataclass
class _Account:
    rows_left: int = 0
    context: BrowserContext | None = None
    rows_traced: int = 0


@dataclass
class AccountContexts:
    browser: Browser
    timeout_ms: float
    hook: ContextHook | None = None
    # Playwright traces of each row, scrubbed of secrets (no screenshots: they would
    # show a passcode typed into a plain text field, and pixels cannot be scrubbed).
    trace: bool = False
    _accounts: dict[str, _Account] = field(default_factory=dict, init=False)

    def expect(self, rows: Iterable[Row]) -> None:
        """Count each account's rows, so its context closes after the last one."""
        for row in rows:
            self._accounts.setdefault(row_account(row), _Account()).rows_left += 1

    def turn(self, row: Row) -> AccountTurn:
        account = self._accounts.setdefault(row_account(row), _Account(rows_left=1))
        return AccountTurn(self, account)

    async def close_all(self) -> None:
        for account in self._accounts.values():
            await _close(account)

    async def open_context(self) -> BrowserContext:
        context = await self.browser.new_context(
            accept_downloads=False, service_workers="block", java_script_enabled=True
        )
        context.set_default_timeout(self.timeout_ms)
        if self.hook is not None:
            await self.hook(context)
        if self.trace:
            await context.tracing.start(screenshots=False, snapshots=True, sources=False)
        return context


@dataclass
class AccountTurn:
    """One row's use of its account's context."""

    contexts: AccountContexts
    account: _Account
    pages: list[Page] = field(default_factory=list)

    async def new_page(self) -> Page:
        """A page in the account's context, made on the account's first use."""
        if self.account.context is None:
            self.account.context = await self.contexts.open_context()
        page = await self.account.context.new_page()
        self.pages.append(page)
        return page

    async def end(self, evidence: Evidence | None = None, notes: list[str] | None = None) -> None:
        """Close this row's pages, keep its part of the trace in `evidence`, and close the
        context when no row of the account is left."""
        for page in self.pages:
            with contextlib.suppress(Exception):
                await page.close()
        account = self.account
        if self.contexts.trace and evidence is not None and account.context is not None:
            await _keep_trace(account, evidence, notes if notes is not None else [])
        account.rows_left -= 1
        if account.rows_left == 0:
            await _close(account)


async def _close(account: _Account) -> None:
    context, account.context = account.context, None
    if context is not None:
        with contextlib.suppress(Exception):
            await context.close()


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
        why = evidence.refused_trace or "it held a secret that could not be scrubbed"
        notes.append(f"a trace in {evidence.folder} was dropped: {why}")
