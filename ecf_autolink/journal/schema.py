"""The journal's layout, its version (`PRAGMA user_version`), and the way up from every
layout an earlier version wrote.

Version 0 is every journal written before the version was kept. Four layouts were
written under it (all by ecf-autolink 0.1.0 as it grew): the first had no `sites` table
and no `submit_pid`; then `sites (court, url)` came; then `sites.source`; then
`rows.submit_pid`. Their rows were keyed by the PACER username as typed, so `JDoe`
and `jdoe` were two rows. Version 1 keys rows by `account_key` (rows that meet under
it are merged, keeping every "Submit may have been sent" fact), keeps the username as
first written for reports, and records with the Submit mark when it was handed over and
how long it may stay on the wire. Who approved a row, and when, is kept in the
`approvals` table (journal/approvals.py), created when first needed and keyed by court and
`account_key` already, so a migration leaves it as it is.

A journal from a newer version is refused before anything is written: its rows may
carry facts this version cannot read (and so cannot keep safe).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

from ..account_key import account_key
from ..words import FLAGS
from .errors import FolderRefused

VERSION = 1

ROWS = """
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
    submit_pid INTEGER,
    pacer_username TEXT,
    submit_at TEXT,
    submit_window_s REAL
)
"""

# The address each court was run against. Rows are keyed without it, so without this a
# rehearsal against a staging site would make the real run skip every row as linked.
SITES = """
CREATE TABLE IF NOT EXISTS sites (
    court TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT
)
"""

# Columns version 1 added to `rows`, in the order a version-0 journal gets them.
_ADDED = (
    ("submit_pid", "INTEGER"),
    ("pacer_username", "TEXT"),
    ("submit_at", "TEXT"),
    ("submit_window_s", "REAL"),
)

# Where SQLite keeps `user_version` in the file's first page (big-endian, 4 bytes).
_USER_VERSION_AT = 60

# The option naming the run's folder, as the command line spells it.
OUT = FLAGS["out"]


def key_of(court: str, pacer_username: str, cmecf_username: str) -> str:
    """A row's key: readable in a SQLite shell; quoting keeps the parts apart."""
    parts = (court.strip().lower(), account_key(pacer_username), cmecf_username.strip())
    return "/".join(quote(part, safe="") for part in parts)


def split_key(key: str) -> tuple[str, str, str]:
    court, pacer, cmecf = (unquote(part) for part in key.split("/"))
    return court, pacer, cmecf


def newer_refusal(path: Path, found: int) -> str:
    from .. import __version__

    return (
        f"the journal {path} was written by a newer ecf-autolink (journal format {found});"
        f" this ecf-autolink {__version__} reads journal formats up to {VERSION}, and cannot"
        " tell which of its rows may already have sent the final Submit. Upgrade ecf-autolink"
        f" (pipx upgrade ecf-autolink) and run again, or use another {OUT} folder. The journal"
        " was left exactly as it was; nothing was attempted."
    )


def check_header_version(path: Path, head: bytes) -> None:
    """Refuse a newer journal from its header alone, before SQLite opens (and touches) it."""
    if len(head) >= _USER_VERSION_AT + 4:
        found = int.from_bytes(head[_USER_VERSION_AT : _USER_VERSION_AT + 4], "big")
        if found > VERSION:
            raise FolderRefused(newer_refusal(path, found))


def prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the open journal to this version (creating it if new); refuse a newer one.

    Runs before any other statement that writes, in one transaction: a migration that
    fails leaves the journal as it was.
    """
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > VERSION:
        raise FolderRefused(newer_refusal(path, found))
    if found == VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        existed = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'rows'").fetchone()
        conn.execute(ROWS)
        conn.execute(SITES)
        if existed:
            _from_version_0(conn)
        conn.execute(f"PRAGMA user_version = {VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _from_version_0(conn: sqlite3.Connection) -> None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(rows)")}
    for name, kind in _ADDED:
        if name not in columns:
            conn.execute(f"ALTER TABLE rows ADD COLUMN {name} {kind}")
    if "source" not in {row[1] for row in conn.execute("PRAGMA table_info(sites)")}:
        conn.execute("ALTER TABLE sites ADD COLUMN source TEXT")
    rows = conn.execute("SELECT seq, key, state, submit_sent, submit_pid FROM rows ORDER BY seq").fetchall()
    groups: dict[str, list[tuple[int, str, str, int, int | None]]] = {}
    for seq, key, state, sent, pid in rows:
        court, pacer, cmecf = split_key(key)
        conn.execute(
            "UPDATE rows SET pacer_username = COALESCE(pacer_username, ?) WHERE seq = ?", (pacer, seq)
        )
        groups.setdefault(key_of(court, pacer, cmecf), []).append((seq, key, state, sent, pid))
    for new_key, members in groups.items():
        keep = max(members, key=_weight)
        for seq, *_ in members:
            if seq != keep[0]:
                conn.execute("DELETE FROM rows WHERE seq = ?", (seq,))
        sent = [m for m in members if m[3]]
        # "The Submit may have been sent" outlives the merge, with the latest sender's id.
        pid = max(sent, key=lambda m: m[0])[4] if sent else None
        conn.execute(
            "UPDATE rows SET key = ?, submit_sent = ?, submit_pid = COALESCE(submit_pid, ?) WHERE seq = ?",
            (new_key, 1 if sent else 0, pid, keep[0]),
        )


def _weight(member: tuple[int, str, str, int, int | None]) -> tuple[int, int, int]:
    """Which of two rows that name one account speaks for it: a confirmed link, then a
    Submit that may have been sent, then the latest."""
    seq, _, state, sent, _ = member
    return (1 if state in ("linked", "already_linked") else 0, 1 if sent else 0, seq)
