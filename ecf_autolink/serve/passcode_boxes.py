"""Asking the page for a passcode: a row's sign-in needs a one-time code, a box opens on
every open page, the first code typed goes to the row, and an unanswered box gives up
after a while (the row then ends as the CLI's does when no code comes)."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

from ..plan import Row
from .events import Changes
from .refused import Refused

PASSCODE_WAIT_S = 300.0


@dataclass
class PasscodeAsk:
    id: str
    who: str
    message: str
    asked: float
    future: asyncio.Future[str]


class PasscodeBoxes:
    """The passcode boxes open now, by id (the page shows them; a run's rows ask in them)."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.asks: dict[str, PasscodeAsk] = {}

    def provider(self, row: Row) -> Any:
        """The row's passcodes: from its TOTP secret or backup codes, else from a box."""
        from ..otp import build_provider

        attorney = row.attorney

        async def ask(message: str) -> str:
            return await self.ask(attorney.label(), message)

        return build_provider(attorney.totp_secret, attorney.backup_codes_file, ask, label="")

    async def ask(self, who: str, message: str) -> str:
        ask = PasscodeAsk(
            secrets.token_hex(8), who, message, time.time(), asyncio.get_running_loop().create_future()
        )
        self.asks[ask.id] = ask
        self.changes.changed()
        try:
            return await asyncio.wait_for(asyncio.shield(ask.future), PASSCODE_WAIT_S)
        except TimeoutError:
            return ""
        finally:
            self.asks.pop(ask.id, None)
            self.changes.changed()

    def answer(self, ask_id: str, code: str) -> None:
        ask = self.asks.get(ask_id)
        if ask is None or ask.future.done():
            raise Refused("that passcode box is no longer waiting (its row went on or ended)")
        ask.future.set_result(code)

    def close_all(self) -> None:
        """The run ended: a box still open answers "no code" so nothing waits on it."""
        for ask in self.asks.values():
            if not ask.future.done():
                ask.future.set_result("")
        self.asks.clear()
