"""The run's journal: every row's state in SQLite, so a killed batch can resume safely.

At-most-once, and why the journal is what guarantees it
--------------------------------------------------------
Linking is permanent and the court gives no way to ask "did my last Submit land?"
other than signing in again and looking. So the one thing a resumed batch must
never do is run the normal flow for a row whose final Submit may already have
reached the court: that flow ends by pressing Submit again.

The runner therefore writes ``submitting`` and waits for the commit to reach the
disk (WAL, ``synchronous=FULL``) *before* the final Submit goes on the wire. A
process killed at any instant leaves one of two pictures:

* the row is not ``submitting``: the Submit was certainly not sent, so running the
  row again is safe;
* the row is ``submitting`` (or a later state remembers it was): the Submit may have
  been sent. The answer may be lost, so we cannot know. Such a row is never run
  normally again. ``decide`` says ``needs_recheck``; the caller reports it as
  ``unconfirmed``, or with ``--recheck`` only signs in and looks.

The "Submit may have been sent" fact is sticky (``submit_sent``): a later attempt
that only looked and then failed for an unrelated reason (a PACER password typo,
a timeout) records an ordinary failure outcome, and without the sticky flag the
next run would treat that row as fresh and submit a second time. Only a confirmed
``linked`` / ``already_linked`` retires the row. A firm that has asked the court
and truly wants to submit again starts a new ``--out`` folder.

Each write is its own short transaction, so a crash loses at most the write in
flight, never one already returned. Rows are keyed by (court, PACER username,
CM/ECF username); no column can hold a password, passcode or TOTP secret.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from filelock import BaseFileLock

from .attorney import Attorney
from .outcome import Outcome, Result
from .private import LockBusy, create_private, lock, private_dir

FILE_NAME = "journal.sqlite3"
LOCK_NAME = "journal.sqlite3.lock"

PENDING = "pending"
RUNNING = "running"
SUBMITTING = "submitting"

Decision = Literal["skip", "run", "recheck_only", "needs_recheck"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    state TEXT NOT NULL,
    step TEXT,
    message TEXT,
    name TEXT,
    cmecf_name TEXT,
    pacer_name TEXT,
    started TEXT,
    finished TEXT,
    evidence TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    submit_sent INTEGER NOT NULL DEFAULT 0
)
"""

# The address each court was run against. Rows are keyed without it, so without this a
# rehearsal against a staging site would make the real run skip every row as linked.
_SITES_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    court TEXT PRIMARY KEY,
    url TEXT NOT NULL
)
"""

_COLUMNS = (
    "key",
    "label",
    "state",
    "step",
    "message",
    "name",
    "cmecf_name",
    "pacer_name",
    "started",
    "finished",
    "evidence",
    "attempts",
    "submit_sent",
)


class JournalError(RuntimeError):
    """The journal cannot be used; nothing that depends on it may proceed."""


class FolderRefused(JournalError):
    """This `--out` folder cannot serve this run; refused before any row was touched."""


@dataclass(frozen=True)
class RowState:
    key: str
    label: str
    # "pending", "running", "submitting", or an `Outcome` value once finished.
    state: str
    step: str | None
    message: str | None
    name: str | None
    cmecf_name: str | None
    pacer_name: str | None
    started: str | None
    finished: str | None
    evidence: str | None
    attempts: int
    # The final Submit may have been sent in this or any earlier attempt.
    submit_sent: bool

    @property
    def outcome(self) -> Outcome | None:
        try:
            return Outcome(self.state)
        except ValueError:
            return None


def decide(state: RowState | None) -> Decision:
    """What a resumed batch does with a row; see the module docstring for why.

    Never returns ``recheck_only`` by itself: the caller turns ``needs_recheck``
    into ``recheck_only`` when the user asked for ``--recheck``. The value is in
    the type so callers can keep one vocabulary.
    """
    if state is None:
        return "run"
    outcome = state.outcome
    if outcome is not None and outcome.is_final:
        return "skip"
    if state.state == SUBMITTING or state.submit_sent or outcome == Outcome.UNCONFIRMED:
        return "needs_recheck"
    return "run"


def _site(url: str) -> str:
    """A court address as compared across runs: scheme and host in lower case, no final slash."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Journal:
    """One open journal. Sync and short per call, so the asyncio runner can call it inline."""

    def __init__(self, conn: sqlite3.Connection, path: Path, held: BaseFileLock) -> None:
        self._conn = conn
        self.path = path
        self._held: BaseFileLock | None = held

    @classmethod
    def open(cls, out_dir: Path) -> Journal:
        folder = private_dir(Path(out_dir))
        held = cls._lock(folder / LOCK_NAME)
        try:
            path = folder / FILE_NAME
            # Created private before SQLite creates it, since SQLite would honour the
            # umask; its -wal and -shm files take the main file's mode.
            create_private(path)
            conn = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                cls._configure(conn)
            except BaseException:
                conn.close()
                raise
        except BaseException:
            held.release()
            raise
        for extra in (path.with_name(FILE_NAME + "-wal"), path.with_name(FILE_NAME + "-shm")):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(extra, 0o600)
        return cls(conn, path, held)

    @staticmethod
    def _lock(path: Path) -> BaseFileLock:
        # Two batches on one folder could both decide a row is fresh and both submit it.
        # The lock is the OS's, so a killed run leaves no stale lock behind.
        try:
            return lock(path, wait=False)
        except LockBusy:
            raise FolderRefused(
                f"another run is using {path.parent}; wait for it or use another --out folder"
            ) from None

    @staticmethod
    def _configure(conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise JournalError(f"the journal needs WAL mode; SQLite gave {mode!r}")
        # FULL makes each commit fsync the WAL, so "submitting" is on disk before Submit.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(_SCHEMA)
        conn.execute(_SITES_SCHEMA)

    @staticmethod
    def row_key(attorney: Attorney) -> str:
        """Stable across runs and readable in a SQLite shell; quoting keeps the parts apart."""
        parts = (
            attorney.court.strip().lower(),
            attorney.pacer_username.strip(),
            attorney.cmecf_username.strip(),
        )
        return "/".join(quote(part, safe="") for part in parts)

    @staticmethod
    def key_parts(key: str) -> tuple[str, str, str]:
        court, pacer, cmecf = (unquote(part) for part in key.split("/"))
        return court, pacer, cmecf

    @contextlib.contextmanager
    def _write(self, *, fsync: bool = True) -> Iterator[sqlite3.Connection]:
        if not fsync:
            # A step name only feeds the progress display and the report's "where it
            # stopped". Without the fsync the commit still survives a killed process (it
            # is in the WAL); only a power cut could lose it, and the next fsynced write
            # makes it durable too. Each fsync stalled every row's event loop here.
            self._conn.execute("PRAGMA synchronous=NORMAL")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        finally:
            if not fsync:
                self._conn.execute("PRAGMA synchronous=FULL")

    def bind_sites(self, urls: dict[str, str]) -> None:
        """Remember which address each court is run against; refuse another one.

        All courts are checked before anything is written, so a refused run leaves the
        folder as it was.
        """
        with self._write() as conn:
            known = dict(conn.execute("SELECT court, url FROM sites").fetchall())
            clashes = [
                f"{court} was run against {known[court]}, this run points at {url}"
                for court, url in sorted(urls.items())
                if court in known and _site(known[court]) != _site(url)
            ]
            if clashes:
                raise FolderRefused(
                    f"{self.path.parent} holds an earlier run against another site ({'; '.join(clashes)})."
                    " Its links say nothing about this site: use another --out folder. Nothing was attempted."
                )
            conn.executemany("INSERT OR IGNORE INTO sites (court, url) VALUES (?, ?)", sorted(urls.items()))

    def plan(self, keys_with_labels: Iterable[tuple[str, str]]) -> None:
        """Add rows never seen before; rows from an earlier run keep their state and order."""
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO rows (key, label, state) VALUES (?, ?, ?)",
                [(key, label, PENDING) for key, label in keys_with_labels],
            )

    def state(self, key: str) -> RowState | None:
        row = self._conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM rows WHERE key = ?", (key,)).fetchone()
        return _row_state(row) if row else None

    def _update(
        self,
        key: str,
        sql: str,
        params: tuple[object, ...],
        allowed: tuple[str, ...] | None = None,
        *,
        fsync: bool = True,
    ) -> None:
        with self._write(fsync=fsync) as conn:
            current = conn.execute("SELECT state FROM rows WHERE key = ?", (key,)).fetchone()
            if current is None:
                raise JournalError(f"row {key} was never planned")
            if allowed is not None and current[0] not in allowed:
                raise JournalError(f"row {key} is {current[0]}, not {' or '.join(allowed)}")
            conn.execute(f"UPDATE rows SET {sql} WHERE key = ?", (*params, key))

    def start(self, key: str, step: str) -> None:
        """A new attempt; the previous outcome is cleared but `submit_sent` is kept."""
        self._update(
            key,
            "state = ?, step = ?, message = NULL, started = ?, finished = NULL, attempts = attempts + 1",
            (RUNNING, step, _now()),
        )

    def step(self, key: str, step: str) -> None:
        # Only the step name moves: steps after the Submit must not turn
        # "submitting" back into "running".
        self._update(key, "step = ?", (step,), allowed=(RUNNING, SUBMITTING), fsync=False)

    def mark_submitting(self, key: str) -> None:
        """Committed and fsynced on return; raising here must stop the Submit."""
        self._update(key, "state = ?, submit_sent = 1", (SUBMITTING,), allowed=(RUNNING,))

    def finish(self, key: str, result: Result) -> None:
        self._update(
            key,
            "state = ?, message = ?, name = ?, cmecf_name = ?, pacer_name = ?,"
            " started = COALESCE(?, started), finished = ?, evidence = ?",
            (
                str(Outcome(result.outcome)),
                result.message,
                result.name,
                result.cmecf_name,
                result.pacer_name,
                result.started,
                result.finished or _now(),
                result.evidence,
            ),
        )

    def states(self) -> list[RowState]:
        rows = self._conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM rows ORDER BY seq").fetchall()
        return [_row_state(row) for row in rows]

    def results(self) -> list[Result]:
        """Every planned row in plan order, those never started as `not_started`."""
        return [result_of(s) for s in self.states()]

    def close(self) -> None:
        try:
            self._conn.close()
        finally:
            if self._held is not None:
                self._held.release()
                self._held = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _row_state(row: tuple[object, ...]) -> RowState:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["submit_sent"] = bool(values["submit_sent"])
    return RowState(**values)  # type: ignore[arg-type]


def result_of(state: RowState) -> Result:
    """A row as reports show it, finished or not."""
    outcome = state.outcome
    if outcome is not None:
        return _result(state, outcome, state.message or "")
    if state.state == PENDING:
        return _result(
            state,
            Outcome.NOT_STARTED,
            f"{state.label}: not started (the run stopped first, after --fail-fast or an"
            " interruption); nothing was attempted; run again to start it",
        )
    # A row caught mid-attempt: say plainly whether the Submit may have gone out.
    if state.submit_sent:
        return _result(
            state,
            Outcome.UNCONFIRMED,
            f"{state.label}: the run stopped after the final"
            f" Submit was sent (step '{state.step}'); run again with --recheck; do not"
            " submit by hand",
        )
    return _result(
        state,
        Outcome.ERROR,
        f"{state.label}: the run stopped during step"
        f" '{state.step}'; nothing was submitted; run again to retry",
    )


def _result(state: RowState, outcome: Outcome, message: str) -> Result:
    court, pacer_username, _ = Journal.key_parts(state.key)
    return Result(
        court=court,
        name=state.name if state.name is not None else state.label,
        pacer_username=pacer_username,
        outcome=outcome,
        message=message,
        cmecf_name=state.cmecf_name,
        pacer_name=state.pacer_name,
        started=state.started,
        finished=state.finished,
        evidence=state.evidence,
    )
