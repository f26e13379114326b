"""Why the journal cannot be used, and the words a failed write is told in."""

from __future__ import annotations

import sqlite3


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
