"""One final Submit per (court, PACER account) per machine, whatever the `--out` folder.

The journal's folder lock keeps two runs off one folder. Two runs with two folders (two
terminals, two staff members, the default folder from two directories) would each look at
the court, each see the account unlinked, and each press Submit. So each row that may
submit takes a machine-wide lock for its (court id, PACER account) in the user's state
folder, from before it looks at the court's link page, through the confirmation page, to
its recorded outcome. A second run meeting the lock waits, then looks at the court only
after the first run's Submit was answered, and sees the link.

It cannot see another machine: two computers running the same roster can still both
submit, though only inside the few seconds between one's look and its Submit, since the
other looks at the court first and finds the link.

`filelock` keeps it portable (Windows and macOS desktops); the OS releases the lock when
its holder dies, so a killed run never leaves an account locked. Beside each lock a small
sidecar names the holder (pid, start time, `--out` folder) for the message a waiting run
gives; it never holds a secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import filelock

from .account_key import account_key
from .paths import user_state_dir
from .private import private_dir
from .words import FLAGS, NOTHING_LINKED

# When this process began, near enough: it tells a waiting run's user which run holds on.
PROCESS_STARTED = datetime.now(UTC).isoformat(timespec="seconds")

# The option naming the run's folder, as the command line spells it.
OUT = FLAGS["out"]


def default_dir() -> Path:
    """The per-user place every run on this machine shares."""
    return user_state_dir() / "locks"


class AccountBusy(Exception):
    """Another run on this machine held the account for longer than this run would wait."""


def lock_stem(court: str, pacer_username: str) -> str:
    """A file name for the account: a digest, so no username character reaches the file system.

    Keyed on the court as PACER knows it (its id) and the account as PACER compares it,
    never on the address's spelling: `http://127.0.0.1:8080/`, `http://localhost:8080/`
    and `http://127.0.0.1:8080/./` reach one court, and so does any address a run gives
    for that court id. A rehearsal on a staging address then waits for a real run of the
    same account at the same court id: a little patience is the price of never letting
    two spellings of one court each send a Submit.
    """
    key = "\n".join((court.strip().lower(), account_key(pacer_username)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class AccountLock:
    """The machine-wide lock of one row's account. `acquire` once, `release` when recorded."""

    def __init__(
        self,
        folder: Path,
        *,
        court: str,
        pacer_username: str,
        out_dir: Path,
        wait_s: float = 300.0,
        poll_s: float = 0.25,
    ) -> None:
        stem = lock_stem(court, pacer_username)
        self.folder = Path(folder)
        self.path = self.folder / f"{stem}.lock"
        self.sidecar = self.folder / f"{stem}.json"
        self.court = court
        self.pacer_username = pacer_username
        self.out_dir = out_dir
        self.wait_s = wait_s
        self.poll_s = poll_s
        self._lock: filelock.BaseFileLock | None = None

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.is_locked

    async def acquire(self) -> None:
        """Take the lock, waiting at most `wait_s`; AccountBusy names the holder otherwise."""
        if self.held:
            return
        private_dir(self.folder)
        lock = filelock.FileLock(self.path, mode=0o600, thread_local=False, blocking=False)
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                lock.acquire()
                break
            except filelock.Timeout:
                if time.monotonic() >= deadline:
                    raise AccountBusy(
                        f"another autolink run on this machine ({self.holder()}) is linking PACER"
                        f" account {self.pacer_username} at {self.court}; waited {self.wait_s:.0f} s"
                        f" for it; {NOTHING_LINKED}; run again once it has finished"
                    ) from None
                await asyncio.sleep(self.poll_s)
        self._lock = lock
        self._write_sidecar()

    def release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is None:
            return
        with contextlib.suppress(OSError):
            self.sidecar.unlink()
        lock.release()

    def holder(self) -> str:
        """Who holds the lock, as its sidecar says; never more than pid, start and folder."""
        try:
            info = json.loads(self.sidecar.read_text(encoding="utf-8"))
            return f"pid {int(info['pid'])}, started {info['started']}, {OUT} {info['out']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "a run that has not said who it is"

    def _write_sidecar(self) -> None:
        info = {
            "pid": os.getpid(),
            "started": PROCESS_STARTED,
            "out": str(Path(self.out_dir).resolve()),
            "court": self.court,
        }
        temporary = self.sidecar.with_suffix(f".{os.getpid()}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(info, handle)
            os.replace(temporary, self.sidecar)
        except OSError:
            # Only the waiting run's message loses the holder's name; the lock itself holds.
            with contextlib.suppress(OSError):
                temporary.unlink()


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine now (a reused id reads as alive,
    which only makes the caller more careful)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_process_alive(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    import ctypes

    synchronize, wait_timeout = 0x00100000, 0x00000102
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if not handle:
        # Access denied means it exists; anything else, that it does not.
        return ctypes.GetLastError() == 5  # type: ignore[attr-defined]
    try:
        return kernel32.WaitForSingleObject(handle, 0) == wait_timeout
    finally:
        kernel32.CloseHandle(handle)
