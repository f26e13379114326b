"""The one gate every final Submit passes: lock, mark, hand over, record.

The promise
-----------
The final Submit on a court's confirmation page is permanent. This tool sends it to the
court at most once per (court, PACER account), however the network misbehaves, the
process is killed, the roster spells the username, the address of the court is written,
or how many runs (with any --out folders) this machine runs at once. One `SubmitGate`
per row carries it out, in this order:

1. **lock** (`hold`): before the court's link page is looked at, the machine-wide lock
   of the account at this court id (`account_lock`) is taken and held until the outcome
   is recorded. Another run of the same account waits, then looks, and sees the link.
2. **mark** (inside `hand_over`): at the moment the request is handed to the wire,
   inside the intercepted route and with no await between mark and send, the journal
   commits (fsynced) that the Submit may have been sent, with this process's id, the
   time, and the Submit's own time on the wire (its timeout plus `MARGIN_S`). A mark
   that cannot be written stops the Submit: nothing is sent unrecorded.
3. **hand over** (`hand_over`): the request is sent once by Playwright's request API
   with retries off (`submit_once`); a browser retry of the POST is blocked.
4. **record** (`record`): the outcome is written; until then the row reads "Submit
   may have been sent", and a later run only looks (`row_life.decide`): it sends once
   more only when the court shows the account not linked, the sending process is gone,
   and the marked time on the wire has certainly ended.

What it does not cover: another computer running the same roster (the lock is per
machine), and a proxy that holds a request longer than the Submit's timeout plus the
margin after the sender gave up (docs/guarantees.md says more).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from playwright.async_api import Locator, Page

from .account_lock import AccountLock
from .outcome import Result
from .submit_once import Probe, Sender, SubmitReport, click_once, wire_probe, wire_sender

# Added to the Submit's timeout for its time on the wire: the driver's own shutdown, a
# proxy's buffering, the clock's granularity (the mark's time is kept to the second).
MARGIN_S = 60.0


class Ledger(Protocol):
    """Where the mark and the outcome go (the run's journal)."""

    def mark_submitting(self, key: str, window_s: float | None = None) -> None: ...
    def finish(self, key: str, result: Result) -> None: ...


@dataclass
class SubmitGate:
    timeout_ms: float = 30_000
    ledger: Ledger | None = None
    key: str = ""
    lock: AccountLock | None = None
    sender: Sender = wire_sender
    probe: Probe = wire_probe
    margin_s: float = MARGIN_S
    # Failures a write of the ledger can raise (the journal's WRITE_ERRORS).
    write_errors: tuple[type[BaseException], ...] = (OSError,)
    # True from the moment the Submit was handed to the wire.
    handed_over: bool = field(default=False, init=False)

    @property
    def window_s(self) -> float:
        """How long after the mark the Submit may still reach the court."""
        return self.timeout_ms / 1000 + self.margin_s

    async def hold(self) -> None:
        """Take the account's machine-wide lock (AccountBusy after a bounded wait)."""
        if self.lock is not None:
            await self.lock.acquire()

    async def reach(self, page: Page, url: str) -> str | None:
        """Why the court cannot be reached the way the Submit will be sent; None if it can."""
        return await self.probe(page, url, self.timeout_ms)

    async def hand_over(
        self, page: Page, button: Locator, on_send: Callable[[], None] = lambda: None
    ) -> SubmitReport:
        """Mark and send, at most once; SendRefused when the mark could not be written."""

        def mark() -> None:
            if self.ledger is not None:
                self.ledger.mark_submitting(self.key, self.window_s)
            self.handed_over = True
            on_send()

        return await click_once(page, button, timeout_ms=self.timeout_ms, sender=self.sender, on_send=mark)

    def record(self, result: Result) -> BaseException | None:
        """Write the outcome; once more if that fails; the error when both failed."""
        if self.ledger is None:
            return None
        error: BaseException | None = None
        for _ in range(2):
            try:
                self.ledger.finish(self.key, result)
                return None
            except self.write_errors as exc:
                error = exc
        return error

    def release(self) -> None:
        if self.lock is not None:
            self.lock.release()
