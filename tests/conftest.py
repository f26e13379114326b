"""Fixtures that build on each other: playwright → browser → context → page.

Browser tests drive a real Chromium (found the way the product finds one). A
context's trace is kept only when its test fails, under test-results/.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from ecf_autolink.browser import launch
from ecf_autolink.otp import forget_used_windows

RESULTS = Path(__file__).resolve().parent.parent / "test-results"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
async def pw() -> AsyncIterator[Playwright]:
    async with async_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
async def chromium(pw: Playwright) -> AsyncIterator[Browser]:
    browser, _ = await launch(pw)
    yield browser
    await browser.close()


@pytest.fixture
async def context(chromium: Browser, request: pytest.FixtureRequest) -> AsyncIterator[BrowserContext]:
    ctx = await chromium.new_context()
    await ctx.tracing.start(screenshots=True, snapshots=True)
    yield ctx
    if request.node.stash.get(_FAILED, False):
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        await ctx.tracing.stop(path=RESULTS / f"{name}.trace.zip")
    else:
        await ctx.tracing.stop()
    await ctx.close()


@pytest.fixture(autouse=True)
def _own_lock_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The machine-wide per-account locks live in the user's state folder: each test gets
    # its own, inherited by the runs it starts, so tests running side by side never meet
    # and the developer's own folder is never touched.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def _fresh_totp_windows() -> None:
    # Every test builds a new replica court, which has never seen a code; without
    # this, tests reusing a sample's secret would each wait for the next 30 s window.
    forget_used_windows()
