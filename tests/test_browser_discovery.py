"""Browser discovery: every branch, including the message when there is none."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ecf_autolink.browser import HOW_TO_GET_ONE, BrowserNotFound, find_browser, launch_args


def _exe(path: Path) -> Path:
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def _which(table: dict[str, str]):
    return lambda name: table.get(name)


def test_explicit_path_wins_over_everything(tmp_path: Path) -> None:
    mine = _exe(tmp_path / "my-chrome")
    pw = _exe(tmp_path / "pw-chrome")
    choice = find_browser(
        str(mine),
        env={"AUTOLINK_BROWSER": str(pw)},
        playwright_path=str(pw),
        which=_which({"chromium": "/usr/bin/chromium"}),
    )
    assert choice.executable == mine
    assert choice.source == "--browser"


def test_environment_variable_is_next(tmp_path: Path) -> None:
    env_browser = _exe(tmp_path / "env-chrome")
    choice = find_browser(
        None,
        env={"AUTOLINK_BROWSER": str(env_browser)},
        playwright_path=str(_exe(tmp_path / "pw")),
        which=_which({}),
    )
    assert (choice.executable, choice.source) == (env_browser, "AUTOLINK_BROWSER")


def test_explicit_name_on_path_is_resolved(tmp_path: Path) -> None:
    on_path = _exe(tmp_path / "chrome-beta")
    choice = find_browser(
        "chrome-beta", env={}, playwright_path=None, which=_which({"chrome-beta": str(on_path)})
    )
    assert choice.executable == on_path


def test_missing_explicit_browser_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(str(tmp_path / "nope"), env={}, playwright_path=None, which=_which({}))
    assert "nope" in str(caught.value) and "--browser" in str(caught.value)


def test_playwright_bundled_chromium_before_system(tmp_path: Path) -> None:
    choice = find_browser(
        None,
        env={},
        playwright_path=str(_exe(tmp_path / "pw")),
        which=_which({"chromium": "/usr/bin/chromium"}),
    )
    assert choice.executable is None and choice.source == "playwright"


def test_playwright_path_that_is_not_installed_falls_through_to_system(tmp_path: Path) -> None:
    choice = find_browser(
        None,
        env={},
        playwright_path=str(tmp_path / "not-downloaded"),
        which=_which({"google-chrome": "/opt/google/chrome"}),
    )
    assert choice.executable == Path("/opt/google/chrome") and choice.source == "system"


@pytest.mark.parametrize("name", ["chromium", "chromium-browser", "google-chrome"])
def test_each_system_name_is_found(name: str) -> None:
    choice = find_browser(None, env={}, playwright_path=None, which=_which({name: f"/bin/{name}"}))
    assert choice.executable == Path(f"/bin/{name}")


def test_a_headless_run_prefers_the_headless_shell_a_headed_one_never_takes_it() -> None:
    system = _which(
        {"chromium": "/usr/bin/chromium", "chromium-headless-shell": "/usr/bin/chromium-headless-shell"}
    )
    headless = find_browser(None, env={}, playwright_path=None, which=system)
    headed = find_browser(None, env={}, playwright_path=None, which=system, headless=False)
    assert headless.executable == Path("/usr/bin/chromium-headless-shell")
    assert headed.executable == Path("/usr/bin/chromium")
    only_shell = _which({"chromium-headless-shell": "/usr/bin/chromium-headless-shell"})
    with pytest.raises(BrowserNotFound):
        find_browser(None, env={}, playwright_path=None, which=only_shell, headless=False)


def test_none_found_says_how_to_get_one() -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(None, env={}, playwright_path=None, which=_which({}))
    message = str(caught.value)
    assert message.endswith(HOW_TO_GET_ONE)
    assert "playwright install chromium" in message and "AUTOLINK_BROWSER" in message


def test_launch_args_keep_chromium_quiet_and_sandbox_only_off_for_root() -> None:
    args = launch_args()
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in args
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)
