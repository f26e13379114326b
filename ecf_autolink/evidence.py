"""Screenshots and page HTML kept as the record of each row, with every secret scrubbed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import os
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

REDACTED = "[redacted]"
# Evidence is worth a few seconds, never a stuck row.
SNAPSHOT_LIMIT_S = 10

# Every input that could hold something typed is emptied before a snapshot; password
# fields always, other inputs when their value is one of this row's secrets.
_EMPTY_FIELDS_JS = """
(secrets) => {
  for (const el of document.querySelectorAll('input, textarea')) {
    if (el.type === 'password' || secrets.includes(el.value)) {
      el.value = '';
      el.setAttribute('value', '');
    }
  }
}
"""


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return path


def secret_forms(secret: str) -> set[str]:
    """The spellings a secret may take in a page or a URL."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        base64.b64encode(secret.encode()).decode().rstrip("="),
    }
    return {form for form in forms if form}


def scrub(text: str, secrets: Iterable[str]) -> str:
    forms = sorted({f for s in secrets if s for f in secret_forms(s)}, key=len, reverse=True)
    if not forms:
        return text
    pattern = re.compile("|".join(re.escape(f) for f in forms))
    return pattern.sub(REDACTED, text)


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def folder_name(court: str, pacer_username: str) -> str:
    return _SAFE_NAME.sub("_", f"{court}-{pacer_username}")[:80] or "row"


class Evidence:
    """One row's evidence folder. Never names a file after anything secret."""

    def __init__(self, folder: Path, secrets: list[str]) -> None:
        self.folder = folder
        self._secrets = [s for s in secrets if s]

    def add_secret(self, value: str) -> None:
        """Passcodes are only known mid-run; they are scrubbed like passwords."""
        if value:
            self._secrets.append(value)

    def _ready(self) -> Path:
        return private_dir(self.folder)

    async def _empty_fields(self, page: Page) -> None:
        # A page mid-navigation has no fields to empty.
        with contextlib.suppress(PlaywrightError):
            await page.evaluate(_EMPTY_FIELDS_JS, self._secrets)

    async def confirmation(self, page: Page) -> Path | None:
        """The record a firm keeps: the confirmation table before Submit."""
        return await self._screenshot(page, "confirmation.png")

    async def failure(self, page: Page, step: str) -> Path | None:
        """A screenshot and the scrubbed HTML of the page a row failed on, if it can give them.

        Bounded: a page still waiting for an answer that never comes would otherwise hold
        `content()` (which has no timeout) until the server gives up.
        """
        stem = _SAFE_NAME.sub("_", step)[:40] or "failure"
        try:
            async with asyncio.timeout(SNAPSHOT_LIMIT_S):
                shot = await self._screenshot(page, f"failure-{stem}.png")
                content = await page.content()
        except (PlaywrightError, TimeoutError):
            return None
        write_private(self._ready() / f"failure-{stem}.html", scrub(content, self._secrets).encode())
        return shot

    async def _screenshot(self, page: Page, name: str) -> Path | None:
        try:
            async with asyncio.timeout(SNAPSHOT_LIMIT_S):
                await self._empty_fields(page)
        except TimeoutError:
            return None
        try:
            data = await page.screenshot(full_page=True, timeout=SNAPSHOT_LIMIT_S * 1000)
        except PlaywrightError:
            return None
        return write_private(self._ready() / name, data)
