"""Progress pushed to the page: each change bumps a counter, and every open page hears
it by server-sent events and fetches the part of the page that changed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Changes:
    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()
        self.closing = asyncio.Event()

    def changed(self) -> None:
        self.version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def stream(self, keepalive_s: float = 15.0) -> AsyncIterator[str]:
        """The event stream of one open page, until the server stops."""
        seen = -1
        yield "retry: 2000\n\n"
        while not self.closing.is_set():
            if self.version != seen:
                seen = self.version
                yield f"data: {seen}\n\n"
            waiter = asyncio.ensure_future(self._event.wait())
            closing = asyncio.ensure_future(self.closing.wait())
            try:
                await asyncio.wait(
                    {waiter, closing}, timeout=keepalive_s, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for task in (waiter, closing):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if self.version == seen:
                yield ": still here\n\n"
