"""The last TOTP window each PACER account used on this machine, shared by every run here.

PACER may refuse a code whose 30-second window was already used (RFC 6238 §5.2 asks
verifiers to), and one process already never hands a window out twice. Two processes for
one attorney at two courts at once would still each send the current window's code, and
one of them then fails blaming the password or the clock. So each claim of a window goes
through a small file per account in the user's state folder, under an OS file lock: read
the last window claimed, take a later one, write it down.

The file is named by a digest of the account (never the username) and holds only the last
window number claimed and when; never a code, never the secret. It cannot see another
machine: two computers signing one attorney in at the same moment can still collide.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from filelock import BaseFileLock

from ..account_key import account_key
from ..paths import user_state_dir
from ..private import LockBusy, lock, open_private, private_dir

# Another claim holds the lock for a read and a write of a few bytes; anything longer is a
# stuck disk (a network home folder), and a run then goes on as if there were no ledger.
LOCK_WAIT_S = 2.0
_POLL_S = 0.005


def default_dir() -> Path:
    """The per-user place every run on this machine shares (beside the account locks)."""
    return user_state_dir() / "totp"


def ledger_stem(pacer_username: str) -> str:
    """The account's file name: a digest, so no username reaches the file system."""
    return hashlib.sha256(account_key(pacer_username).encode("utf-8")).hexdigest()[:32]


class LedgerUnusable(Exception):
    """The ledger could not be read, locked or written; the message names the folder only."""


class WindowLedger:
    """One account's last claimed window, for every process on this machine."""

    def __init__(self, folder: Path, pacer_username: str, *, clock: Callable[[], float] = time.time) -> None:
        stem = ledger_stem(pacer_username)
        self.folder = Path(folder)
        self.path = self.folder / f"{stem}.json"
        self._lock_path = self.folder / f"{stem}.lock"
        self._clock = clock

    def claim(self, choose: Callable[[int | None], int | None]) -> int | None:
        """Under the lock: give `choose` the last window claimed here (None when there is no
        usable record) and write down the window it returns (None: claim nothing now).

        Raises LedgerUnusable when the folder or file cannot be used."""
        try:
            private_dir(self.folder)
            held = self._lock()
        except OSError as exc:
            raise LedgerUnusable(self._trouble("could not be opened", exc)) from None
        try:
            window = choose(self._last())
            if window is not None:
                self._write(window)
            return window
        finally:
            held.release()

    def _lock(self) -> BaseFileLock:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                return lock(self._lock_path, wait=False)
            except LockBusy:
                if time.monotonic() >= deadline:
                    raise LedgerUnusable(
                        f"the passcode ledger in {self.folder} stayed locked for {LOCK_WAIT_S:.0f} s"
                    ) from None
                # Held for a few bytes' read and write: a short blocking pause is cheaper
                # than handing the claim to a thread.
                time.sleep(_POLL_S)

    def _last(self) -> int | None:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return int(info["window"])
        except (OSError, ValueError, KeyError, TypeError):
            # No file yet, or one that is not ours: nothing claimed that we can trust.
            return None

    def _write(self, window: int) -> None:
        record = json.dumps({"window": window, "at": round(self._clock(), 3)}).encode("utf-8")
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        try:
            with os.fdopen(open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), "wb") as handle:
                handle.write(record)
            # Whole or not at all: a torn file would read as "nothing claimed".
            os.replace(temporary, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise LedgerUnusable(self._trouble("could not be written", exc)) from None

    def _trouble(self, what: str, exc: OSError) -> str:
        # The error's class or text says enough; the file's name is an account digest.
        return f"the passcode ledger in {self.folder} {what} ({exc.strerror or type(exc).__name__})"


def forget_ledger(folder: Path | None = None) -> None:
    """Remove every account's record. Only for tests' fresh replica courts: a real PACER
    remembers the windows it saw."""
    folder = default_dir() if folder is None else Path(folder)
    with contextlib.suppress(OSError):
        for path in folder.glob("*.json"):
            with contextlib.suppress(OSError):
                path.unlink()
