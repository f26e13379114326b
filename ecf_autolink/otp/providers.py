"""Which passcode a row sends: the `PasscodeProvider` the flow asks for a first code and,
after one rejection, for a retry, over a TOTP secret, a backup codes file or a person."""

from __future__ import annotations

import asyncio
import inspect
import re
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..secret import Secret
from .backup_codes import BackupCodes
from .totp import TotpSource, parse_totp_secret, shared_totp_source

# At or below this many unused backup codes, each use says to print new ones.
LOW_BACKUP_CODES = 2

NO_PASSCODE_SOURCE = (
    "PACER asks for a one-time passcode and none is available: set PACER_TOTP_SECRET (the"
    " authentication app's secret), PACER_BACKUP_CODES_FILE (a file of backup codes, one a"
    " line), or run in an interactive terminal to type the passcode."
)


@runtime_checkable
class PasscodeProvider(Protocol):
    async def first(self) -> Secret | None: ...

    async def retry(self) -> Secret | None: ...

    def describe(self) -> str: ...

    def spent(self) -> str | None:
        """After a code was accepted: anything the user should hear about what is left."""
        ...


class TotpProvider:
    # A rejected code from the right secret and a right clock does not happen: the next
    # window's code would fail for the same reason, and each wrong code counts at PACER.
    second_chance = False

    def __init__(self, source: TotpSource) -> None:
        self.source = source
        self._waited_for_others = 0.0

    async def first(self) -> Secret | None:
        return await self._take()

    async def retry(self) -> Secret | None:
        # Every claim comes after the last window used, so a retry is a fresh window too.
        return await self._take()

    async def _take(self) -> Secret:
        claimed = await self.source.claim()
        if claimed.behind_other_run:
            self._waited_for_others += claimed.waited_s
        return claimed.code

    def describe(self) -> str:
        return "authentication app secret (PACER_TOTP_SECRET)"

    def spent(self) -> str | None:
        said = []
        if self._waited_for_others >= 1:
            said.append(
                f"waited {self._waited_for_others:.0f} s for a passcode window that no other run on"
                " this machine had used for this account"
            )
        if self.source.ledger_trouble:
            said.append(self.source.ledger_trouble)
        return "; ".join(said) or None


class BackupCodesProvider:
    """A rejected backup code is gone either way (it is marked before it is sent),
    so the retry simply takes the next one."""

    # A code already used on another day is the usual reason; the next one is fresh.
    second_chance = True

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

    # People mistype; the retry asks again.
    second_chance = True

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
    pacer_username: str | None = None,
) -> PasscodeProvider | None:
    """TOTP first, then backup codes, then a prompt; None when there is no way at all
    (the caller then reports `mfa_required` with `NO_PASSCODE_SOURCE`).

    A backup codes file with no code left gives way to the prompt when there is one.
    With `pacer_username`, TOTP windows are claimed in that account's ledger on this
    machine, so concurrent runs for the account never send the same code.
    Raises ValueError for a bad secret or a missing/unreadable codes file.
    """
    if totp_secret:
        raw = totp_secret.reveal() if isinstance(totp_secret, Secret) else totp_secret
        return TotpProvider(shared_totp_source(parse_totp_secret(raw), pacer_username))
    if backup_codes_file:
        codes = BackupCodes(backup_codes_file)
        if prompt is None or codes.remaining() > 0:
            return BackupCodesProvider(codes)
    if prompt is not None:
        return PromptProvider(prompt, label=label)
    return None
