"""The run's journal: every row's state in SQLite, so a killed batch can resume safely.

At-most-once, and why the journal is what guarantees it
--------------------------------------------------------
Linking is permanent and the court gives no way to ask "did my last Submit land?"
other than signing in again and looking. So the one thing a resumed batch must
never do is run the normal flow for a row whose final Submit may already have
reached the court: that flow ends by pressing Submit again.

The runner therefore writes ``submitting`` and waits for the commit to reach the
disk (WAL, ``synchronous=FULL``) at the moment the final Submit is handed to the
wire (inside the intercepted request, not before the click, so a click that never
sent leaves no such row). A process killed at any instant leaves one of two pictures:

* the row is not ``submitting``: the Submit was certainly not sent, so running the
  row again is safe;
* the row is ``submitting`` (or a later state remembers it was): the Submit may have
  been sent. The answer may be lost, so we cannot know. Such a row is never run
  blindly again. ``decide`` says ``needs_recheck``: with ``--recheck`` the caller
  only signs in and looks; otherwise it looks at the court's link page first, and
  sends once more only when the court shows the account not linked, the process
  recorded as having sent it (``submit_pid``) is gone and this run holds the
  account's machine-wide lock (so nothing of the earlier Submit is in flight).

The "Submit may have been sent" fact is sticky (``submit_sent``): a later attempt
that only looked and then failed for an unrelated reason (a PACER password typo,
a timeout) records an ordinary failure outcome, and without the sticky flag the
next run would treat that row as fresh and submit without looking. Only a confirmed
``linked`` / ``already_linked`` retires the row.

Each write is its own short transaction, so a crash loses at most the write in
flight, never one already returned. Rows are keyed by (court, PACER username,
CM/ECF username); no column can hold a password, passcode or TOTP secret.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
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
    submit_sent INTEGER NOT NULL DEFAULT 0,
    submit_pid INTEGER
)
"""

# The address each court was run against. Rows are keyed without it, so without this a
# rehearsal against a staging site would make the real run skip every row as linked.
_SITES_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    court TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT
)
"""

# What every SQLite journal file starts with; anything else is not a journal.
_SQLITE_HEADER = b"SQLite format 3\x00"

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
    "submit_pid",
)


class JournalError(RuntimeError):
    """The journal cannot be used; nothing that depends on it may proceed."""


class FolderRefused(JournalError):
    """This `--out` folder cannot serve this run; refused before any row was touched."""


class JournalUnwritable(JournalError):
    """The journal could not be written (a full disk, an I/O error) at the start of a run."""


# What a journal write can raise when the disk or file lets it down.
WRITE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)


def write_error_text(exc: BaseException) -> str:
    """SQLite's or the OS's own words ("database or disk is full"), never a page's."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def check_folder(out_dir: Path) -> None:
    """Refuse, in one line and writing nothing, an `--out` this run could not use."""
    out = Path(out_dir)
    existing = out
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if existing != out:
        if not existing.is_dir():
            raise FolderRefused(f"--out {out} cannot be created: {existing} is a file, not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise FolderRefused(
                f"--out {out} cannot be created: {existing} is not writable (read-only disk or no"
                " permission); choose a folder you can write to"
            )
        return
    if not out.is_dir():
        raise FolderRefused(f"--out {out} is a file, not a folder; choose a folder")
    if not os.access(out, os.W_OK | os.X_OK):
        raise FolderRefused(
            f"--out {out} is not writable (read-only disk or no permission); choose a folder you can write to"
        )
    for name in (FILE_NAME, FILE_NAME + "-wal", FILE_NAME + "-shm", LOCK_NAME):
        _check_plain_file(out / name)
    _check_header(out / FILE_NAME)


def _check_plain_file(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FolderRefused(f"{path} cannot be read: {write_error_text(exc)}") from None
    if stat.S_ISLNK(mode):
        raise FolderRefused(
            f"{path} is a symbolic link; the journal must be a plain file of its own folder:"
            " remove the link or use another --out folder"
        )
    if not stat.S_ISREG(mode):
        raise FolderRefused(f"{path} is not a regular file; move it away or use another --out folder")


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FolderRefused(f"the journal {path} cannot be read: {write_error_text(exc)}") from None
    # Empty: created by a run that stopped before SQLite wrote its first page.
    if head and head != _SQLITE_HEADER:
        raise FolderRefused(_not_a_journal(path, "not an SQLite database"))


def _not_a_journal(path: Path, why: str) -> str:
    return (
        f"the journal {path} cannot be read ({why}); move it away (keep it for the record) or use"
        " another --out folder; nothing was attempted"
    )


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
    # The process that last handed the final Submit to the wire (None in older journals).
    submit_pid: int | None = None

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
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # only an unusable address; `bind_sites` refuses those first
        return url
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


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
        check_folder(Path(out_dir))
        try:
            folder = private_dir(Path(out_dir))
            held = cls._lock(folder / LOCK_NAME)
        except OSError as exc:
            raise FolderRefused(f"--out {out_dir} cannot be used: {write_error_text(exc)}") from None
        path = folder / FILE_NAME
        try:
            # Created private before SQLite creates it, since SQLite would honour the
            # umask; its -wal and -shm files take the main file's mode.
            create_private(path)
            conn = sqlite3.connect(path, isolation_level=None, timeout=10)
            try:
                cls._configure(conn)
            except BaseException:
                conn.close()
                raise
        except sqlite3.OperationalError as exc:
            held.release()
            if "malformed" in str(exc) or "not a database" in str(exc):
                raise FolderRefused(_not_a_journal(path, str(exc))) from None
            raise JournalUnwritable(f"the journal {path} could not be opened: {exc}") from None
        except sqlite3.DatabaseError as exc:
            held.release()
            raise FolderRefused(_not_a_journal(path, str(exc))) from None
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
        if "submit_pid" not in {row[1] for row in conn.execute("PRAGMA table_info(rows)")}:
            conn.execute("ALTER TABLE rows ADD COLUMN submit_pid INTEGER")  # a journal from before
        columns = {row[1] for row in conn.execute("PRAGMA table_info(sites)")}
        if "source" not in columns:  # a journal from before the address's origin was kept
            conn.execute("ALTER TABLE sites ADD COLUMN source TEXT")
        # A journal whose header survived but whose pages did not must not be half-used.
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {verdict}")

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
                        " with a new --out folder. Nothing was attempted."
                    )
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
        """Committed and fsynced on return; raising here must stop the Submit.

        Called at the moment of hand-over to the wire (see submit_once), with this process's
        id: a later run may send again only once that process is gone."""
        self._update(
            key, "state = ?, submit_sent = 1, submit_pid = ?", (SUBMITTING, os.getpid()), allowed=(RUNNING,)
        )

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
        """Every planned row in plan order, those never started as `not_started`, each
        with the address its court was run against."""
        sites = self.sites()
        results = [result_of(s) for s in self.states()]
        for result in results:
            result.court_url, result.court_url_source = sites.get(result.court, (None, None))
        return results

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
            f" Submit was handed to the wire (step '{state.step}'); run again: it looks at the"
            " court first and sends again only if the court shows the account not linked"
            " (--recheck only looks); do not submit by hand",
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
