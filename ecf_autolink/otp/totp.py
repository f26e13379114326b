"""TOTP secrets and codes: what an authenticator enrolment shows, read and checked, and
the codes of each 30-second window, handed out at most once per secret in this process."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import threading
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from ..secret import Secret

STEP = 30
DIGITS = 6
# Fewer base32 characters than this is 80 bits or less: more likely a pasted
# six-digit code or a typo than an enrolment secret.
MIN_SECRET_CHARS = 16
# RFC 4226 §4 asks for 128 bits and recommends 160; pyotp will not compute with under 112.
MIN_SECRET_BITS = 112

_BASE32 = re.compile(r"[A-Z2-7]+")


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
