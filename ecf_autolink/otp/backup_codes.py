"""PACER's single-use backup codes, kept in a file of the user's, one a line."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..private import lock
from ..secret import Secret

USED_PREFIX = "# used "


class BackupCodes:
    """A file of PACER backup codes, one a line; used codes stay in it, marked.

    `take()` rewrites the file with the code marked *before* returning it, so a code
    is never offered twice, even after a crash mid-login. The rewrite is atomic
    (temp file, fsync, rename) and serialised between threads and processes by an
    advisory lock on a sidecar `<file>.lock`: locking the codes file itself would not
    work, because the rename replaces the inode a waiting process has locked.
    """

    def __init__(self, path: Path | str, *, now: Callable[[], datetime] | None = None) -> None:
        self.path = Path(path).expanduser()
        self._now = now or (lambda: datetime.now(UTC))
        self._read_lines()  # fail early on a missing or unreadable file

    def take(self) -> Secret | None:
        """The first unused code, already marked used in the file; None when none is left."""
        with self._locked():
            lines = self._read_lines()
            for index, line in enumerate(lines):
                code = _unused_code(line)
                if code is None:
                    continue
                lines[index] = f"{USED_PREFIX}{self._stamp()} {code}"
                self._write_lines(lines)
                return Secret(code)
        return None

    def remaining(self) -> int:
        return sum(_unused_code(line) is not None for line in self._read_lines())

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _read_lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise ValueError(f"backup codes file {self.path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise ValueError(f"backup codes file {self.path} cannot be read: {reason}") from None

    def _write_lines(self, lines: list[str]) -> None:
        folder = self.path.parent
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            # newline="" keeps the file's bytes the same on every OS.
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write("\n".join(lines) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp already made it 0600; said again on the path, the portable way.
            os.chmod(tmp_name, 0o600)
            os.replace(tmp_name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
        _fsync_dir(folder)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            held = lock(lock_path, wait=True)
        except OSError as exc:
            raise ValueError(f"cannot lock backup codes file {self.path}: {exc.strerror}") from None
        try:
            yield
        finally:
            held.release()

    def __repr__(self) -> str:
        return f"BackupCodes({str(self.path)!r})"


def _unused_code(line: str) -> str | None:
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    return text


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; some filesystems refuse, which is harmless.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
