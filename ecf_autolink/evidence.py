"""Screenshots and page HTML kept as the record of each row, with every secret scrubbed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

# Screenshots and trace zips are binary: written through `private`, which opens them so on Windows too.
from .private import private_dir, write_private
from .trace_scrub import scrub_trace

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


def secret_forms(secret: str) -> set[str]:
    """The spellings a secret may take in a page, a URL or a JSON document."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        base64.b64encode(secret.encode()).decode().rstrip("="),
    }
    return {form for form in forms if form}


def base64_fragments(secret: str) -> set[str]:
    """What any base64 text holding `secret` must contain, wherever the secret starts.

    A secret inside a longer base64-encoded body (a form post, say) shows only as its
    middle characters, shifted three ways by the bytes before it.
    """
    raw = secret.encode()
    fragments = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        first = -(-offset * 8 // 6)  # the first character made of the secret's bits only
        last = (offset + len(raw)) * 8 // 6  # past the last such character
        fragment = encoded[first:last]
        # Shorter fragments turn up by chance; a scan must not flag noise.
        if len(fragment) >= 6:
            fragments.add(fragment)
    return fragments


def scrub(text: str, secrets: Iterable[str]) -> str:
    forms = sorted({f for s in secrets if s for f in secret_forms(s)}, key=len, reverse=True)
    if not forms:
        return text
    pattern = re.compile("|".join(re.escape(f) for f in forms))
    return pattern.sub(REDACTED, text)


def leaked(data: bytes, secrets: Iterable[str], *, deep: bool = False) -> bool:
    """Whether `data` holds any secret in any spelling; `deep` also opens zip archives."""
    forms = {f for s in secrets if s for f in secret_forms(s)}
    needles = {n.encode() for f in forms for n in {f, *base64_fragments(f)}}
    if any(n in data for n in needles):
        return True
    if deep and data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(leaked(archive.read(i), secrets, deep=True) for i in archive.infolist())
    return False


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def folder_name(court: str, pacer_username: str) -> str:
    return _SAFE_NAME.sub("_", f"{court}-{pacer_username}")[:80] or "row"


class Evidence:
    """One row's evidence folder. Never names a file after anything secret."""

    def __init__(self, folder: Path, secrets: list[str]) -> None:
        self.folder = folder
        self._secrets = [s for s in secrets if s]
        # Why the last trace was not kept, for the operator's note.
        self.refused_trace = ""

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

    def record(self, name: str, text: str) -> Path:
        """A small text record kept with the row (the redaction acknowledgement), scrubbed."""
        return write_private(self._ready() / name, scrub(text, self._secrets).encode())

    def trace(self, raw: Path, name: str) -> Path | None:
        """Keep a Playwright trace with every credential taken out of every file in it
        (`trace_scrub`: cookies, tokens, passcodes, secret fields, by shape), then this
        row's own secrets in any spelling.

        A trace that still holds a secret afterwards (base64 inside a body, say) is
        not kept at all: a trace is a convenience, the secrets are not negotiable.
        """
        shaped = scrub_trace(raw.read_bytes())
        if shaped.data is None:
            self.refused_trace = shaped.refused
            return None
        # Found values long enough not to turn up by chance are looked for once more below.
        secrets = [*self._secrets, *(v for v in shaped.found if len(v) >= 8)]
        scrubbed = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(shaped.data)) as source,
            zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as dest,
        ):
            for item in source.infolist():
                data = source.read(item)
                # Bytes that are not UTF-8 (a compressed image) pass through unchanged.
                text = scrub(data.decode("utf-8", errors="surrogateescape"), secrets)
                dest.writestr(item.filename, text.encode("utf-8", errors="surrogateescape"))
        data = scrubbed.getvalue()
        if leaked(data, secrets, deep=True):
            self.refused_trace = "it still held a secret after scrubbing"
            return None
        return write_private(self._ready() / name, data)

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
