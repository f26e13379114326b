"""PACER's refusals of an attorney's credentials, remembered so that none is tried again.

A wrong password posted once per court is how an attorney's PACER account gets locked: at
four courts, four refusals. So the first refusal of an account's password or passcode (or
an attempt whose answer was lost, which PACER may have counted) is remembered for the rest
of the run, and every later row of that account ends without sending anything.

Another run on this machine (the same command again, a second terminal) would not know, so
each refusal is also written to a small ledger in the user's state folder and honoured for
`HOLD_S` afterwards. PACER does not publish its lockout counts or durations; half an hour
covers the windows such counters commonly use, and is short enough that an attorney who
fixed the password is not held up for long (deleting the account's ledger file, named in the
message, lets a run try at once). The ledger holds a digest of the account (never the
username or a secret), the court, the time and a fixed short reason.

The flow is given a `Refusals` object; it never opens the ledger itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .account_key import account_key
from .paths import user_state_dir
from .private import open_private, private_dir

# How long a refusal seen by any run on this machine keeps every run from trying again.
HOLD_S = 30 * 60


def default_dir() -> Path:
    """The per-user place every run on this machine shares (beside the account locks)."""
    return user_state_dir() / "refusals"


@dataclass(frozen=True)
class Refusal:
    court: str
    at: float
    # What PACER refused, in fixed words ("the username or password"), never its value.
    what: str
    # Seen by this run, or read from the ledger another run on this machine left.
    this_run: bool
    # The ledger file to delete to try again sooner (None when it could not be written).
    ledger: Path | None = None
    until: float = 0.0

    def describe(self) -> str:
        """The first refusal, in words for a row's message."""
        at = datetime.fromtimestamp(self.at).astimezone().strftime("%H:%M:%S")
        if self.this_run:
            return f"PACER {self.what} at {self.court} at {at} earlier in this run"
        until = datetime.fromtimestamp(self.until).astimezone().strftime("%H:%M")
        sooner = f", or delete {self.ledger} once the password is fixed" if self.ledger else ""
        return (
            f"PACER {self.what} at {self.court} at {at} in another run on this machine; runs here"
            f" wait {HOLD_S // 60} minutes after a refusal before sending this account's"
            f" credentials again (until {until}{sooner})"
        )


class Refusals:
    """The refusals this run saw, and (with a folder) those other runs here wrote down."""

    def __init__(
        self, folder: Path | None, *, hold_s: float = HOLD_S, clock: Callable[[], float] = time.time
    ) -> None:
        self.folder = folder
        self.hold_s = hold_s
        self._clock = clock
        self._seen: dict[str, Refusal] = {}
        # Rows run on the event loop, but a provider may call from a thread.
        self._lock = threading.Lock()

    @staticmethod
    def key(pacer_username: str, login_origin: str) -> str:
        """One account at one PACER, as a digest: PACER's login host names which (the real
        one, its QA host with its own accounts, a stand-in); its port does not, since a
        stand-in restarted on another port is still the same accounts."""
        host = (urlsplit(login_origin.strip()).hostname or login_origin.strip()).lower()
        raw = f"{host}\n{account_key(pacer_username)}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    def earlier(self, pacer_username: str, login_origin: str) -> Refusal | None:
        """The first refusal of this account still in force, if any."""
        key = self.key(pacer_username, login_origin)
        with self._lock:
            seen = self._seen.get(key)
        return seen if seen is not None else self._from_ledger(key)

    def remember(self, pacer_username: str, login_origin: str, court: str, what: str) -> None:
        """Keep the first refusal of an account for this run, and write it down for others."""
        key = self.key(pacer_username, login_origin)
        at = self._clock()
        with self._lock:
            if key in self._seen:
                return
            path = self._write(key, court, at, what)
            self._seen[key] = Refusal(court, at, what, this_run=True, ledger=path, until=at + self.hold_s)

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else Path(self.folder) / f"{key}.json"

    def _from_ledger(self, key: str) -> Refusal | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            at, court, what = float(info["at"]), str(info["court"]), str(info["what"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        now = self._clock()
        # A time far in the future (a clock set back, an edited file) must not hold for ever.
        if not now - self.hold_s <= at <= now + 60:
            return None
        return Refusal(court[:40], at, what[:80], this_run=False, ledger=path, until=at + self.hold_s)

    def _write(self, key: str, court: str, at: float, what: str) -> Path | None:
        path = self._path(key)
        if path is None:
            return None
        record = json.dumps({"at": at, "court": court, "what": what}).encode("utf-8")
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            private_dir(path.parent)
            with os.fdopen(open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), "wb") as handle:
                handle.write(record)
            os.replace(temporary, path)
        except OSError:
            # A full or read-only disk: this run still remembers; only other runs will not.
            with contextlib.suppress(OSError):
                temporary.unlink()
            return None
        return path
