"""How many renderer processes the batch browser starts: one per context, not one per site."""

from __future__ import annotations

from collections.abc import Iterator

import psutil
import pytest
from playwright.async_api import Playwright
from support import PageAnswer, loopback_host

from ecf_autolink.browser import launch

pytestmark = pytest.mark.browser


class _Hello(PageAnswer):
    def do_GET(self) -> None:
        self.answer(b"<p>hello</p>")


@pytest.fixture
def two_sites() -> Iterator[tuple[str, str]]:
    # 127.0.0.1 and localhost are two sites to Chromium: a court and PACER's login host.
    with loopback_host(_Hello) as base:
        yield f"{base}/", base.replace("127.0.0.1", "localhost") + "/"


def _renderers() -> set[int]:
    found = set()
    for proc in psutil.Process().children(recursive=True):
        try:
            # Chromium's zygote children retitle themselves as one space-separated string.
            if "--type=renderer" in " ".join(proc.cmdline()):
                found.add(proc.pid)
        except psutil.Error:
            continue
    return found


async def test_each_context_keeps_one_renderer_across_sites(
    playwright: Playwright, two_sites: tuple[str, str]
) -> None:
    court, login_host = two_sites
    browser, _ = await launch(playwright)
    try:
        first = await (await browser.new_context()).new_page()
        # Every renderer that ever served the page: one left behind at a crossing ends.
        alone: set[int] = set()
        for url in (court, login_host, court):
            await first.goto(url)
            assert await first.get_by_text("hello").count() == 1
            alone |= _renderers()
        second = await (await browser.new_context()).new_page()
        await second.goto(login_host)
        now = _renderers()
    finally:
        await browser.close()
    assert len(alone) == 1, alone
    # Another attorney's context never shares the first one's process.
    assert len(now) == 2 and alone < now, now


def _browser_command_line() -> list[str]:
    for proc in psutil.Process().children(recursive=True):
        try:
            line = proc.cmdline()
        except psutil.Error:
            continue
        # The browser itself: a Chromium with a user-data dir (not the shell script that
        # starts Debian's, and not a helper process).
        helper = any(a.startswith("--type=") for a in line)
        browser = "chrom" in line[0].lower() and not line[0].endswith("sh")
        if browser and not helper and any(a.startswith("--user-data-dir") for a in line):
            return line
    raise AssertionError("no browser process found")


async def test_the_features_playwright_turns_off_stay_off(playwright: Playwright) -> None:
    browser, _ = await launch(playwright)
    try:
        line = _browser_command_line()
    finally:
        await browser.close()
    flags = [a.removeprefix("--disable-features=") for a in line if a.startswith("--disable-features=")]
    assert flags, line
    # Only the last flag counts: it must carry every feature any of them names.
    asked = {f for flag in flags for f in flag.split(",") if f}
    honoured = set(flags[-1].split(","))
    assert asked <= honoured, sorted(asked - honoured)
    assert {"Translate", "PaintHolding", "HttpsUpgrades", "SpareRendererForSitePerProcess"} <= honoured
