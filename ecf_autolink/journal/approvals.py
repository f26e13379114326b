"""Who approved which row of which plan, and when, kept in the journal beside the rows.

A table of its own, created when first needed, so journals from before it stay readable
(`rows` and `sites` are untouched). One approval per row key: approving again (a new
plan, another person) replaces it; `plan` is the digest of the plan it was given for, so
an approval never carries over to a plan its approver has not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .store import Journal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS approvals (
    key TEXT PRIMARY KEY,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    plan TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class RowApproval:
    key: str
    approved_by: str
    approved_at: str
    plan: str


def record_approvals(journal: Journal, approvals: Iterable[RowApproval]) -> None:
    """Written, fsynced, before any of these rows is attempted."""
    with journal._write() as conn:
        conn.execute(_SCHEMA)
        conn.executemany(
            "INSERT INTO approvals (key, approved_by, approved_at, plan) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET approved_by = excluded.approved_by,"
            " approved_at = excluded.approved_at, plan = excluded.plan",
            [(a.key, a.approved_by, a.approved_at, a.plan) for a in approvals],
        )


def approvals(journal: Journal, plan: str) -> dict[str, RowApproval]:
    """This plan's approvals by row key (none in a journal that never had one)."""
    conn = journal._conn
    if (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'approvals'").fetchone()
        is None
    ):
        return {}
    rows = conn.execute(
        "SELECT key, approved_by, approved_at, plan FROM approvals WHERE plan = ?", (plan,)
    ).fetchall()
    return {key: RowApproval(key, by, at, digest) for key, by, at, digest in rows}
