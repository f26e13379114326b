"""click_once on its own: whatever the page does, one POST leaves (issue 15).

The flow's journal refuses a second "submitting" mark too; here nothing else stands
behind the guard, so a guard that let a second POST through would be seen on the wire.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser
from support import SUBMITS_TWICE, PageAnswer, loopback_host

from ecf_autolink.submit_once import SendRefused, click_once

pytestmark = pytest.mark.browser

_PAGE = """<!DOCTYPE html><html><body>
<form method="post" action="/submit" name="confirmForm"><input type="hidden" name="t" value="1">
<input type="submit" name="button1" value="Submit"></form>{script}</body></html>"""

# A page that sends its form twice, three ways a real page could.
_TWICE = {
    **SUBMITS_TWICE,
    "fetch beside the form": (
        "<script>document.forms.confirmForm.addEventListener('submit', function () {"
        " fetch('/submit', {method: 'POST', body: 't=1'}); });</script>"
    ),
}


@contextlib.contextmanager
def _site(script: str) -> Iterator[tuple[str, list[str]]]:
    """A page whose form posts to /submit; every POST that arrives is counted."""
    posts: list[str] = []

    class Handler(PageAnswer):
        def do_GET(self) -> None:
            self.answer(_PAGE.format(script=script).encode())

        def do_POST(self) -> None:
            self.read_body()
            posts.append(self.path)
            time.sleep(0.3)  # the first answer is still on its way when the page tries again
            self.answer(b"<html><body><p id='done'>linked</p></body></html>")

    with loopback_host(Handler) as url:
        yield f"{url}/", posts


@pytest.mark.parametrize("how", list(_TWICE))
async def test_a_page_that_posts_twice_sends_one_post(chromium: Browser, how: str) -> None:
    context = await chromium.new_context()
    marks: list[str] = []
    try:
        page = await context.new_page()
        with _site(_TWICE[how]) as (url, posts):
            await page.goto(url)
            report = await click_once(
                page, page.locator("input[name=button1]"), timeout_ms=5_000, on_send=lambda: marks.append("x")
            )
            await asyncio.sleep(0.5)  # anything the page sent late has arrived by now
    finally:
        await context.close()
    assert posts == ["/submit"], posts
    assert report.sent == 1 and marks == ["x"]


async def test_a_hand_over_that_cannot_be_recorded_sends_nothing(chromium: Browser) -> None:
    context = await chromium.new_context()
    try:
        page = await context.new_page()
        with _site("") as (url, posts):
            await page.goto(url)

            def journal_full() -> None:
                raise OSError("No space left on device")

            with pytest.raises(SendRefused):
                await click_once(
                    page, page.locator("input[name=button1]"), timeout_ms=5_000, on_send=journal_full
                )
    finally:
        await context.close()
    assert posts == []
