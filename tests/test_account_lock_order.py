"""The machine-wide account lock is let go only once the row's outcome is written.

Another run on this machine that takes the account next must find the first run's outcome
already on record: between the Submit and the record, the account is still held, however
slow the disk. The journal's write is made slow here (a second and a half, a busy network
drive), and another holder of the account lock, waiting in its own thread with its own
lock handle as a second run would, reads the first run's journal the moment it gets in.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import EventLog, _passcodes, attorney_for, replica_court

from ecf_autolink.account_lock import AccountLock
from ecf_autolink.journal import FILE_NAME, Journal
from ecf_autolink.locators import load_selectors
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan import Row
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney
from ecf_autolink.runner import Runner, RunOptions

pytestmark = pytest.mark.browser

SLOW_WRITE_S = 1.5


def _journal_states(out: Path) -> list[str]:
    # Read-only, as a second process would: the first run still holds its folder.
    with sqlite3.connect(f"file:{out / FILE_NAME}?mode=ro", uri=True) as conn:
        return [state for (state,) in conn.execute("SELECT state FROM rows")]


class _NextRun(threading.Thread):
    """Waits until the first run holds the account, then takes it as soon as it is free."""

    def __init__(self, lock: AccountLock, out: Path) -> None:
        super().__init__(daemon=True)
        self.lock, self.out = lock, out
        self.seen: list[str] | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        import asyncio

        while not self.lock.sidecar.exists() and not self.stop.is_set():
            time.sleep(0.01)
        if self.stop.is_set():
            return
        self.lock.poll_s = 0.01
        asyncio.run(self.lock.acquire())
        try:
            self.seen = _journal_states(self.out)
        finally:
            self.lock.release()


async def test_the_next_holder_of_the_account_finds_the_outcome_on_record(
    chromium: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = make_attorney("jdoe")
    court = replica_court(person)
    out, locks = tmp_path / "out", tmp_path / "locks"
    finish = Journal.finish

    def slow_finish(self: Journal, key: str, result: object) -> None:
        time.sleep(SLOW_WRITE_S)  # a slow disk: the outcome takes a while to reach it
        finish(self, key, result)  # type: ignore[arg-type]

    monkeypatch.setattr(Journal, "finish", slow_finish)
    with serve(court) as replica:
        attorney = attorney_for(person)
        other = AccountLock(locks, court="canb", pacer_username="jdoe", out_dir=tmp_path / "b")
        watcher = _NextRun(other, out)
        watcher.start()
        try:
            runner = Runner(
                RunOptions(out_dir=out, timeout_ms=10_000, lock_dir=locks),
                EventLog(),
                passcodes=_passcodes,
                acknowledge_redaction=lambda notice: True,
            )
            (result,) = await runner.run(
                [Row(attorney, replica.court_url, None, load_selectors("canb"))], chromium
            )
        finally:
            watcher.stop.set()
            watcher.join(30)
    assert result.outcome == Outcome.LINKED, result.message
    assert court.final_submits == ["jdoe"]
    # The next holder got in, and found the link already recorded, not a row mid-Submit.
    assert watcher.seen == [str(Outcome.LINKED)]
