"""Files and folders meant for the user who runs the tool only, made the same way on every OS.

On Linux and macOS the modes below are what they say (files 0600, folders 0700). On
Windows `os.chmod` can only set or clear the read-only flag, so a file ends up writable
and nothing more: who may read it is decided by the folder's access list, which a
folder under the user's profile inherits (not shared with other users by default).
Nothing here relies on `fchmod`, `fcntl` or any other POSIX-only call.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from filelock import BaseFileLock, FileLock, Timeout

# Windows opens files in text mode unless asked not to, which would turn every "\n"
# byte of a PNG or a zip into "\r\n". Links are not followed where the OS can refuse them.
BINARY = getattr(os, "O_BINARY", 0)
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

__all__ = ["LockBusy", "create_private", "lock", "open_private", "private_dir", "write_private"]

LockBusy = Timeout


def private_dir(path: Path) -> Path:
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def open_private(path: Path, flags: int) -> int:
    """`os.open` with the mode given at creation and set again on the path for a file
    that already existed (the umask may have narrowed or an older run widened it)."""
    fd = os.open(path, flags | BINARY | NOFOLLOW, 0o600)
    try:
        os.chmod(path, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def create_private(path: Path) -> None:
    """Make sure `path` exists as a private file, without touching its content."""
    os.close(open_private(path, os.O_RDWR | os.O_CREAT))


def write_private(path: Path, data: bytes) -> Path:
    fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def lock(path: Path, *, wait: bool) -> BaseFileLock:
    """An exclusive lock held through the OS (flock on Linux and macOS, a locked byte
    range on Windows), so the OS frees it when the holder dies, however it dies.

    Held on return; release it with `.release()`. Without `wait`, a lock already held
    (by another process, or another lock object in this one) raises `LockBusy` at once.
    """
    # No `mode=` for filelock: where it has to fall back to its own lock files it sets
    # a mode through fchmod. The lock file holds nothing; it is narrowed by path instead.
    # Not thread-local: the journal's lock may be released by another thread than took it.
    held = FileLock(path, timeout=-1 if wait else 0, thread_local=False)
    held.acquire()
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    return held
