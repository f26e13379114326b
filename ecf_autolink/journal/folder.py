"""Whether an `--out` folder can hold this run's journal, decided before anything is written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..words import FLAGS
from .errors import FolderRefused, write_error_text
from .schema import check_header_version

FILE_NAME = "journal.sqlite3"
LOCK_NAME = "journal.sqlite3.lock"

# What every SQLite journal file starts with; anything else is not a journal.
_SQLITE_HEADER = b"SQLite format 3\x00"

# The option naming the run's folder, as the command line spells it.
OUT = FLAGS["out"]


def check_folder(out_dir: Path) -> None:
    """Refuse, in one line and writing nothing, an `--out` this run could not use."""
    out = Path(out_dir)
    existing = out
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if existing != out:
        if not existing.is_dir():
            raise FolderRefused(f"{OUT} {out} cannot be created: {existing} is a file, not a folder")
        if not os.access(existing, os.W_OK | os.X_OK):
            raise FolderRefused(
                f"{OUT} {out} cannot be created: {existing} is not writable (read-only disk or no"
                " permission); choose a folder you can write to"
            )
        return
    if not out.is_dir():
        raise FolderRefused(f"{OUT} {out} is a file, not a folder; choose a folder")
    if not os.access(out, os.W_OK | os.X_OK):
        raise FolderRefused(
            f"{OUT} {out} is not writable (read-only disk or no permission); choose a folder you can write to"
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
            f" remove the link or use another {OUT} folder"
        )
    if not stat.S_ISREG(mode):
        raise FolderRefused(f"{path} is not a regular file; move it away or use another {OUT} folder")


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise FolderRefused(f"the journal {path} cannot be read: {write_error_text(exc)}") from None
    # Empty: created by a run that stopped before SQLite wrote its first page.
    if head and head[: len(_SQLITE_HEADER)] != _SQLITE_HEADER:
        raise FolderRefused(not_a_journal(path, "not an SQLite database"))
    check_header_version(path, head)


def not_a_journal(path: Path, why: str) -> str:
    return (
        f"the journal {path} cannot be read ({why}); move it away (keep it for the record) or use"
        f" another {OUT} folder; nothing was attempted"
    )
