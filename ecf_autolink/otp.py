"""One-time passcodes for PACER's multifactor step.

PACER offers two kinds (nextgen-facts.md): a TOTP authentication app (RFC 6238,
SHA-1, 6 digits, 30-second windows) and ten single-use backup codes. A
`PasscodeProvider` hides which one a row uses; the flow asks it for a first code
and, after one rejection, for a retry.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import inspect
import os
import re
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from .private import lock
from .secret import Secret

STEP = 30
DIGITS = 6
# Fewer base32 characters than this is 80 bits or less: more likely a pasted
# six-digit code or a typo than an enrolment secret.
MIN_SECRET_CHARS = 16
# RFC 4226 §4 asks for 128 bits and recommends 160; pyotp will not compute with under 112.
MIN_SECRET_BITS = 112
# At or below this many unused backup codes, each use says to print new ones.
LOW_BACKUP_CODES = 2
USED_PREFIX = "# used "

NO_PASSCODE_SOURCE = (
    "PACER asks for a one-time passcode and none is available: set PACER_TOTP_SECRET (the"
    " authentication app's secret), PACER_BACKUP_CODES_FILE (a file of backup codes, one a"
    " line), or run in an interactive terminal to type the passcode."
)

_BASE32 = re.compile(r"[A-Z2-7]+")


# --- secrets -------------------------------------------------------------------------------


def parse_totp_secret(value: str, *, source: str = "PACER_TOTP_SECRET") -> Secret:
    """The normalised base32 secret from what an authenticator enrolment shows.

    Accepts the base32 text (any case, with spaces or dashes, with or without `=`
    padding) or the `otpauth://totp/...?secret=...` URI of the QR code. Errors name
    `source`, never the value.
    """
    text = value.strip()
    if text.lower().startswith("otpauth://"):
        text = _secret_from_uri(text, source)
    normalised = _normalise_base32(text)
    if normalised is None:
        raise ValueError(f"{source} is not a base32 secret or an otpauth:// URI")
    bits = len(normalised) * 5 // 8 * 8
    if bits < MIN_SECRET_BITS:
        # pyotp refuses such a secret only when the first code is due, mid-run.
        raise ValueError(
            f"{source} is too short: it holds {bits} bits, and a TOTP secret needs at least"
            f" {MIN_SECRET_BITS} (an authenticator's secret is usually 32 characters)"
        )
    return Secret(normalised)


def _secret_from_uri(uri: str, source: str) -> str:
    parts = urlsplit(uri)
    if parts.netloc.lower() != "totp":
        raise ValueError(f"{source} is an otpauth:// URI but not a time-based (totp) one")
    query = {k.lower(): v for k, v in parse_qs(parts.query).items()}
    # The secret is the only thing kept, so a URI asking for anything but PACER's
    # parameters would silently produce wrong codes.
    expected = {"algorithm": "SHA1", "digits": str(DIGITS), "period": str(STEP)}
    for key, want in expected.items():
        if key in query and query[key][-1].strip().upper() != want:
            raise ValueError(
                f"{source} is an otpauth:// URI with {key} other than {want}, which PACER does not use"
            )
    secrets = query.get("secret")
    if not secrets:
        raise ValueError(f"{source} is not a base32 secret or an otpauth:// URI")
    return unquote(secrets[-1])


def _normalise_base32(text: str) -> str | None:
    compact = re.sub(r"[\s-]+", "", text).upper().rstrip("=")
    if len(compact) < MIN_SECRET_CHARS or not _BASE32.fullmatch(compact):
        return None
    padded = compact + "=" * (-len(compact) % 8)
    try:
        base64.b32decode(padded)
    except (binascii.Error, ValueError):
        return None
    return compact


# --- TOTP ----------------------------------------------------------------------------------


class TotpSource:
    """Codes from one TOTP secret, each 30-second window handed out at most once.

    PACER may refuse a code whose window was already used (RFC 6238 §5.2 tells
    verifiers to), so a source never gives the same window twice: concurrent logins
    of one attorney get successive windows instead of a doomed duplicate. Windows
    are reserved synchronously before any await, so no lock is needed.
    """

    def __init__(
        self,
        secret: Secret,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        min_remaining: float = 3.0,
    ) -> None:
        if not 0 <= min_remaining < STEP:
            raise ValueError(f"min_remaining must be between 0 and {STEP} seconds")
        self._secret = secret
        self._clock = clock
        self._sleep = sleep
        self._min_remaining = min_remaining
        self._last_window: int | None = None

    async def code(self) -> Secret:
        """The code for now, or for the next window when this one is about to end
        (too little time to type it and for the page to post it)."""
        return await self._code_from(self._window_of(self._clock()))

    async def next_code(self) -> Secret:
        """The code of the window after the last one used, after waiting for that window
        to begin. Waiting, rather than sending a future window's code early, works
        whatever clock tolerance the server has; a rejection often means our clock
        and the server's disagree, so relying on that tolerance would be unwise."""
        current = self._window_of(self._clock())
        return await self._code_from(current if self._last_window is None else self._last_window + 1)

    async def _code_from(self, earliest: int) -> Secret:
        window, wait = self._reserve(earliest)
        if wait > 0:
            await self._sleep(wait)
        return Secret(self._totp().at(window * STEP))

    def _reserve(self, earliest: int) -> tuple[int, float]:
        now = self._clock()
        window = max(earliest, self._window_of(now))
        if self._last_window is not None:
            window = max(window, self._last_window + 1)
        if window * STEP <= now and (window + 1) * STEP - now < self._min_remaining:
            window += 1
        self._last_window = window
        return window, max(0.0, window * STEP - now)

    @staticmethod
    def _window_of(moment: float) -> int:
        return int(moment // STEP)

    def _totp(self) -> pyotp.TOTP:
        return pyotp.TOTP(self._secret.reveal(), digits=DIGITS, interval=STEP)

    def __repr__(self) -> str:
        return "TotpSource(secret=********)"


# --- backup codes --------------------------------------------------------------------------


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


# --- providers -----------------------------------------------------------------------------


@runtime_checkable
class PasscodeProvider(Protocol):
    async def first(self) -> Secret | None: ...

    async def retry(self) -> Secret | None: ...

    def describe(self) -> str: ...

    def spent(self) -> str | None:
        """After a code was accepted: anything the user should hear about what is left."""
        ...


class TotpProvider:
    def __init__(self, source: TotpSource) -> None:
        self.source = source

    async def first(self) -> Secret | None:
        return await self.source.code()

    async def retry(self) -> Secret | None:
        return await self.source.next_code()

    def describe(self) -> str:
        return "authentication app secret (PACER_TOTP_SECRET)"

    def spent(self) -> str | None:
        return None


class BackupCodesProvider:
    """A rejected backup code is gone either way (it is marked before it is sent),
    so the retry simply takes the next one."""

    def __init__(self, codes: BackupCodes) -> None:
        self.codes = codes

    async def first(self) -> Secret | None:
        return await asyncio.to_thread(self.codes.take)

    async def retry(self) -> Secret | None:
        return await asyncio.to_thread(self.codes.take)

    def describe(self) -> str:
        # Used in failure messages, which must not fail themselves.
        try:
            left = f"{self.codes.remaining()} left"
        except ValueError:
            left = "unreadable now"
        return f"backup codes file {self.codes.path} ({left})"

    def spent(self) -> str | None:
        try:
            left = self.codes.remaining()
        except ValueError:
            return None
        # Each code works once; a firm finds out it ran out at the next login otherwise.
        hint = "; print new ones in PACER's Manage My Account soon" if left <= LOW_BACKUP_CODES else ""
        return f"a backup code from {self.codes.path} was used: {left} left{hint}"


PromptFn = Callable[[str], str] | Callable[[str], Awaitable[str]] | Callable[[], str]

# Rows run concurrently; two hidden prompts on one terminal at once would garble both.
_PROMPT_LOCK = threading.Lock()


class PromptProvider:
    """Asks a person. `prompt` is supplied by the caller (e.g. a hidden click.prompt);
    it takes the message, or nothing, and returns what was typed. Blank means no code."""

    def __init__(self, prompt: PromptFn, *, label: str = "") -> None:
        self._prompt = prompt
        self._label = label

    async def first(self) -> Secret | None:
        return await self._ask("PACER one-time passcode")

    async def retry(self) -> Secret | None:
        return await self._ask("PACER rejected that passcode; one-time passcode")

    def describe(self) -> str:
        return "interactive prompt"

    def spent(self) -> str | None:
        return None

    async def _ask(self, message: str) -> Secret | None:
        if self._label:
            message = f"{message} for {self._label}"
        if inspect.iscoroutinefunction(self._prompt):
            answer = self._call(message)
        else:
            # A blocking prompt in a thread lets the other rows keep going meanwhile.
            answer = await asyncio.to_thread(self._call_locked, message)
        if inspect.isawaitable(answer):
            answer = await answer
        # Apps show codes as "123 456"; people type what they see.
        code = re.sub(r"\s+", "", str(answer or ""))
        return Secret(code) if code else None

    def _call(self, message: str) -> object:
        try:
            params = inspect.signature(self._prompt).parameters
        except (TypeError, ValueError):
            params = None
        if params is not None and not params:
            return self._prompt()  # type: ignore[call-arg]
        return self._prompt(message)  # type: ignore[call-arg]

    def _call_locked(self, message: str) -> object:
        with _PROMPT_LOCK:
            return self._call(message)


def build_provider(
    totp_secret: Secret | str | None,
    backup_codes_file: Path | str | None,
    prompt: PromptFn | None,
    *,
    label: str = "",
) -> PasscodeProvider | None:
    """TOTP first, then backup codes, then a prompt; None when there is no way at all
    (the caller then reports `mfa_required` with `NO_PASSCODE_SOURCE`).

    A backup codes file with no code left gives way to the prompt when there is one.
    Raises ValueError for a bad secret or a missing/unreadable codes file.
    """
    if totp_secret:
        raw = totp_secret.reveal() if isinstance(totp_secret, Secret) else totp_secret
        return TotpProvider(shared_totp_source(parse_totp_secret(raw)))
    if backup_codes_file:
        codes = BackupCodes(backup_codes_file)
        if prompt is None or codes.remaining() > 0:
            return BackupCodesProvider(codes)
    if prompt is not None:
        return PromptProvider(prompt, label=label)
    return None


_SHARED_SOURCES: dict[Secret, TotpSource] = {}
_SHARED_LOCK = threading.Lock()


def shared_totp_source(secret: Secret) -> TotpSource:
    """One source per secret in this process, so rows of the same attorney at several
    courts never send the same window's code twice."""
    with _SHARED_LOCK:
        source = _SHARED_SOURCES.get(secret)
        if source is None:
            source = _SHARED_SOURCES[secret] = TotpSource(secret)
        return source


def forget_used_windows() -> None:
    """Drop every shared source. Only for a fresh verifier (a new replica court in a
    test): a real PACER remembers, so a real run must never call this."""
    with _SHARED_LOCK:
        _SHARED_SOURCES.clear()
