"""The SQLite file itself: its schema and the columns later versions added, the folder
lock, and each write as its own short, fsynced transaction."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from filelock import BaseFileLock

from ..court_urls import site_of
from ..outcome import Outcome, Result, now
from ..private import LockBusy, create_private, lock, private_dir
from ..words import FLAGS
from .errors import FolderRefused, JournalError, JournalUnwritable, write_error_text
from .folder import FILE_NAME, LOCK_NAME, check_folder, not_a_journal
from .rows import COLUMNS, PENDING, RUNNING, SUBMITTING, RowState, key_parts, result_of, row_key, row_state
from .schema import VERSION, newer_refusal, prepare

# The option naming the run's folder, as the command line spells it.
OUT = FLAGS["out"]

# Half of a UTF-16 pair, which a page's script can put in a name: SQLite takes UTF-8 only,
# so it is kept as its visible escape rather than lose the row's outcome to an error.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(text: str | None) -> str | None:
    return None if text is None else _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _usable(url: str) -> bool:
    """Could a run have reached this stored address? (Older versions stored any text.)"""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in url)
    )


class Journal:
    """One open journal. Sync and short per call, so the asyncio runner can call it inline."""

    def __init__(self, conn: sqlite3.Connection, path: Path, held: BaseFileLock) -> None:
        self._conn = conn
        self.path = path
        self._held: BaseFileLock | None = held

    @classmethod
    def open(cls, out_dir: Path) -> Journal:
        check_folder(Path(out_dir))
        try:
            folder = private_dir(Path(out_dir))
            held = cls._lock(folder / LOCK_NAME)
        except OSError as exc:
            raise FolderRefused(f"{OUT} {out_dir} cannot be used: {write_error_text(exc)}") from None
        path = folder / FILE_NAME
        try:
            # Created private before SQLite creates it, since SQLite would honour the
            # umask; its -wal and -shm files take the main file's mode.
            create_private(path)
            conn = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                cls._configure(conn, path)
            except BaseException:
                conn.close()
                raise
        except sqlite3.OperationalError as exc:
            held.release()
            if "malformed" in str(exc) or "not a database" in str(exc):
                raise FolderRefused(not_a_journal(path, str(exc))) from None
            raise JournalUnwritable(f"the journal {path} could not be opened: {exc}") from None
        except sqlite3.DatabaseError as exc:
            held.release()
            raise FolderRefused(not_a_journal(path, str(exc))) from None
        except OSError as exc:
            held.release()
            raise FolderRefused(f"the journal {path} cannot be used: {write_error_text(exc)}") from None
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
                f"another run is using {path.parent}; wait for it or use another {OUT} folder"
            ) from None

    @staticmethod
    def _configure(conn: sqlite3.Connection, path: Path) -> None:
        # A newer journal is refused before the first statement that could write to it.
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > VERSION:
            raise FolderRefused(newer_refusal(path, found))
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise JournalError(f"the journal needs WAL mode; SQLite gave {mode!r}")
        # FULL makes each commit fsync the WAL, so "submitting" is on disk before Submit.
        conn.execute("PRAGMA synchronous=FULL")
        prepare(conn, path)
        # A journal whose header survived but whose pages did not must not be half-used.
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {verdict}")

    # The key is the rows' own idea; callers holding a journal reach it here too.
    row_key = staticmethod(row_key)
    key_parts = staticmethod(key_parts)

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
                self._conn.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a full disk) may leave the transaction open or already
                # rolled back; either way the next write must start clean.
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise
        finally:
            if not fsync:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA synchronous=FULL")

    def bind_sites(self, urls: dict[str, str], sources: dict[str, str] | None = None) -> None:
        """Remember which address each court is run against, and where it came from
        (`sources`: "--court-url", a .env file...); refuse another address.

        All courts are checked before anything is written, so a refused run leaves the
        folder as it was.
        """
        with self._write() as conn:
            known = dict(conn.execute("SELECT court, url FROM sites").fetchall())
            for court, url in sorted(known.items()):
                if court in urls and not _usable(url):
                    raise FolderRefused(
                        f"{self.path} holds the unusable address {url!r} for {court} from an earlier"
                        " run, so this folder cannot be used again: keep it for the record and run"
                        f" with a new {OUT} folder. Nothing was attempted."
                    )
            clashes = [
                f"{court} was run against {known[court]}, this run points at {url}"
                for court, url in sorted(urls.items())
                if court in known and site_of(known[court]) != site_of(url)
            ]
            if clashes:
                raise FolderRefused(
                    f"{self.path.parent} holds an earlier run against another site ({'; '.join(clashes)})."
                    f" Its links say nothing about this site: use another {OUT} folder."
                    " Nothing was attempted."
                )
            # The first run's spelling and origin stay (a journal from before origins were
            # kept learns this run's).
            conn.executemany(
                "INSERT INTO sites (court, url, source) VALUES (?, ?, ?)"
                " ON CONFLICT(court) DO UPDATE SET source = COALESCE(sites.source, excluded.source)",
                [(court, url, (sources or {}).get(court)) for court, url in sorted(urls.items())],
            )

    def sites(self) -> dict[str, tuple[str, str | None]]:
        """court -> (address, where it came from) as last run."""
        rows = self._conn.execute("SELECT court, url, source FROM sites").fetchall()
        return {court: (url, source) for court, url, source in rows}

    def plan(self, keys_with_labels: Iterable[tuple[str, str] | tuple[str, str, str]]) -> None:
        """Add rows never seen before (key, label[, PACER username as written]); rows from an
        earlier run keep their state, order and spelling."""
        items = [(item[0], item[1], item[2] if len(item) > 2 else None) for item in keys_with_labels]
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO rows (key, label, state, pacer_username) VALUES (?, ?, ?, ?)",
                [(key, label, PENDING, username) for key, label, username in items],
            )

    def state(self, key: str) -> RowState | None:
        row = self._conn.execute(f"SELECT {', '.join(COLUMNS)} FROM rows WHERE key = ?", (key,)).fetchone()
        return row_state(row) if row else None

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
            (RUNNING, step, now()),
        )

    def step(self, key: str, step: str) -> None:
        # Only the step name moves: steps after the Submit must not turn
        # "submitting" back into "running".
        self._update(key, "step = ?", (step,), allowed=(RUNNING, SUBMITTING), fsync=False)

    def mark_submitting(self, key: str, window_s: float | None = None) -> None:
        """Committed and fsynced on return; raising here must stop the Submit.

        Called at the moment of hand-over to the wire (see submit_gate), with this process's
        id, the time, and how long the Submit may stay on its way (`window_s`): a later run
        may send again only once that process is gone and that window has ended."""
        self._update(
            key,
            "state = ?, submit_sent = 1, submit_pid = ?, submit_at = ?, submit_window_s = ?",
            (SUBMITTING, os.getpid(), now(), window_s),
            allowed=(RUNNING,),
        )

    def finish(self, key: str, result: Result) -> None:
        self._update(
            key,
            "state = ?, message = ?, name = ?, cmecf_name = ?, pacer_name = ?,"
            " started = COALESCE(?, started), finished = ?, evidence = ?",
            (
                str(Outcome(result.outcome)),
                _storable(result.message),
                _storable(result.name),
                _storable(result.cmecf_name),
                _storable(result.pacer_name),
                result.started,
                result.finished or now(),
                result.evidence,
            ),
        )

    def states(self) -> list[RowState]:
        rows = self._conn.execute(f"SELECT {', '.join(COLUMNS)} FROM rows ORDER BY seq").fetchall()
        return [row_state(row) for row in rows]

    def results(self) -> list[Result]:
        """Every planned row in plan order, those never started as `not_started`, each
        with the address its court was run against."""
        sites = self.sites()
        return [result_of(s, sites) for s in self.states()]

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
