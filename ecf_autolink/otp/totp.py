"""TOTP secrets and codes: what an authenticator enrolment shows, read and checked, and
the codes of each 30-second window, handed out at most once per account on this machine
(within a process by the shared source, between processes through `window_ledger`)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp

from ..account_key import account_key
from ..secret import Secret
from .window_ledger import LedgerUnusable, WindowLedger, forget_ledger
from .window_ledger import default_dir as ledger_dir

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


@dataclass(frozen=True)
class Claimed:
    """A code and what getting it cost, for the row's notes (never the window or the code)."""

    code: Secret
    waited_s: float
    # Some of the wait was for a window another run on this machine had already used.
    behind_other_run: bool


class TotpSource:
    """Codes from one TOTP secret, each 30-second window handed out at most once.

    PACER may refuse a code whose window was already used (RFC 6238 §5.2 tells
    verifiers to), so a source never gives the same window twice: concurrent logins
    of one attorney get successive windows instead of a doomed duplicate. Windows
    are reserved synchronously before any await, so no lock is needed in the process.

    With a `WindowLedger` the same holds across processes on this machine: each window
    is claimed in the account's ledger, under its file lock, before its code is made.
    No window beyond the next one is ever claimed, so one wait is at most one window
    (about 30 s); a source that finds the next one taken too waits for it to begin and
    claims again. A ledger that cannot be used is noted (`ledger_trouble`) and the
    source goes on with this process's windows alone.
    """

    def __init__(
        self,
        secret: Secret,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        min_remaining: float = 3.0,
        ledger: WindowLedger | None = None,
    ) -> None:
        if not 0 <= min_remaining < STEP:
            raise ValueError(f"min_remaining must be between 0 and {STEP} seconds")
        self._secret = secret
        self._clock = clock
        self._sleep = sleep
        self._min_remaining = min_remaining
        self._last_window: int | None = None
        self._ledger = ledger
        # Why the ledger was given up, in words for the operator (names a folder, no account).
        self.ledger_trouble: str | None = None

    async def code(self) -> Secret:
        """The code for now, or for the next window when this one is about to end
        (too little time to type it and for the page to post it)."""
        return (await self.claim()).code

    async def next_code(self) -> Secret:
        """The code of the window after the last one used, after waiting for that window
        to begin. Waiting, rather than sending a future window's code early, works
        whatever clock tolerance the server has; a rejection often means our clock
        and the server's disagree, so relying on that tolerance would be unwise."""
        # Every claim is already after the last one used (here and, with a ledger, on
        # this machine), so the first code and a retry differ only in their promise.
        return (await self.claim()).code

    async def claim(self) -> Claimed:
        """A window no one here used yet: claimed, waited for, and its code."""
        waited, behind = 0.0, False
        while True:
            window, now, pushed = self._reserve()
            behind = behind or pushed
            if window is None:
                # The next window is taken too: wait for it to begin, then claim again.
                wait = (self._window_of(now) + 1) * STEP - now
            else:
                wait = max(0.0, window * STEP - now)
            if wait > 0:
                await self._sleep(wait)
                waited += wait
            if window is not None:
                return Claimed(Secret(self._totp().at(window * STEP)), waited, behind)

    def _reserve(self) -> tuple[int | None, float, bool]:
        """Claim a window now (None: none free before the one after next). Returns it, the
        moment it was chosen at, and whether another run's claim pushed it later."""
        if self._ledger is not None and self.ledger_trouble is None:
            chosen: list[tuple[int | None, float, bool]] = []

            def choose(elsewhere: int | None) -> int | None:
                now = self._clock()
                mine = self._choose(now, None)
                window = self._choose(now, elsewhere)
                chosen.append((window, now, window != mine))
                return window

            try:
                self._ledger.claim(choose)
            except LedgerUnusable as exc:
                self.ledger_trouble = (
                    f"{exc}; passcodes were kept apart within this run only, so another run on this"
                    " machine signing the same account in at the same moment may have sent the same one"
                )
                chosen.clear()
            if chosen:
                window, now, pushed = chosen[-1]
                if window is not None:
                    self._last_window = window
                return window, now, pushed
        now = self._clock()
        window = self._choose(now, None)
        if window is not None:
            self._last_window = window
        return window, now, False

    def _choose(self, now: float, elsewhere: int | None) -> int | None:
        current = self._window_of(now)
        window = current
        for last in (self._last_window, elsewhere):
            # Nobody claims past the next window, so a later record is an edited file or a
            # clock set back: trusting it would hold every code until that window came.
            if last is not None and last <= current + 1:
                window = max(window, last + 1)
        if window == current and (current + 1) * STEP - now < self._min_remaining:
            window += 1
        return window if window <= current + 1 else None

    @staticmethod
    def _window_of(moment: float) -> int:
        return int(moment // STEP)

    def _totp(self) -> pyotp.TOTP:
        return pyotp.TOTP(self._secret.reveal(), digits=DIGITS, interval=STEP)

    def __repr__(self) -> str:
        return "TotpSource(secret=********)"


_SHARED_SOURCES: dict[tuple[Secret, str | None], TotpSource] = {}
_SHARED_LOCK = threading.Lock()


def shared_totp_source(secret: Secret, pacer_username: str | None = None) -> TotpSource:
    """One source per secret (and account) in this process, so rows of the same attorney
    at several courts never send the same window's code twice; with the account, one
    claimed through the account's ledger, so other runs on this machine do not either."""
    account = None if pacer_username is None else account_key(pacer_username)
    with _SHARED_LOCK:
        source = _SHARED_SOURCES.get((secret, account))
        if source is None:
            ledger = None if not account else WindowLedger(ledger_dir(), account)
            source = _SHARED_SOURCES[(secret, account)] = TotpSource(secret, ledger=ledger)
        return source


def forget_used_windows() -> None:
    """Drop every shared source and the ledger's records. Only for a fresh verifier (a new
    replica court in a test): a real PACER remembers, so a real run must never call this."""
    with _SHARED_LOCK:
        _SHARED_SOURCES.clear()
        forget_ledger()
