"""Browser fixtures come from pytest-playwright's asyncio flavour, extended, not replaced.

`playwright` → `launch_browser` → `browser` → `new_context` → `context` → `page` are the
plugin's. Only `launch_browser` is ours: it starts Chromium the way the product does
(`ecf_autolink.browser.launch`: Playwright's own browser, else an installed Chrome or
system Chromium, with the product's flags), so tests exercise the same discovery users
get. Traces are kept only for failing tests (`--tracing retain-on-failure` in
pyproject.toml), under test-results/.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, Playwright

from ecf_autolink.browser import launch
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.paths import CONFIG_DIR_VAR

# The developer's own selector overrides (in their configuration folder) must not change
# what the tests see; child processes inherit this too.
os.environ[CONFIG_DIR_VAR] = tempfile.mkdtemp(prefix="autolink-test-config-")


@pytest.fixture(scope="session")
def launch_browser(playwright: Playwright, pytestconfig: pytest.Config) -> Callable[..., Awaitable[Browser]]:
    async def launched(**_: Any) -> Browser:
        browser, _choice = await launch(playwright, headed=bool(pytestconfig.getoption("--headed")))
        return browser

    return launched


@pytest.fixture(scope="session")
def chromium(browser: Browser) -> Browser:
    """The plugin's session browser under the name the runner's tests give it: the
    product runs Chromium only, and `run_on_replica(chromium, …)` reads as what it is."""
    return browser


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
