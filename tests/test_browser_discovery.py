"""Browser discovery: every branch, including the message when there is none."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ecf_autolink.browser import HOW_TO_GET_ONE, BrowserNotFound, find_browser, how_to_get_one, launch_args


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


def test_none_found_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(None, env={}, playwright_path=None, which=_which({}), system="linux", root=tmp_path)
    message = str(caught.value)
    assert message.endswith(how_to_get_one("linux"))
    assert "autolink install" in message and "AUTOLINK_BROWSER" in message
    assert "sudo apt-get install chromium" in message
    # The hint for the machine the tool runs on is the one named at import.
    assert how_to_get_one() == HOW_TO_GET_ONE


# -- other systems: a fake file system per OS, nothing launched --------------------------

WINDOWS_FOLDERS = ("LOCALAPPDATA", "PROGRAMFILES", "PROGRAMFILES(X86)")


def _windows_env(tmp_path: Path) -> dict[str, str]:
    env = {}
    for name in WINDOWS_FOLDERS:
        folder = tmp_path / name.lower().replace("(", "").replace(")", "")
        folder.mkdir()
        env[name] = str(folder)
    return env


def _install(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return _exe(path)


@pytest.mark.parametrize("folder", WINDOWS_FOLDERS)
def test_windows_finds_chrome_in_each_install_folder(tmp_path: Path, folder: str) -> None:
    env = _windows_env(tmp_path)
    chrome = _install(Path(env[folder], "Google", "Chrome", "Application", "chrome.exe"))
    choice = find_browser(
        None, env=env, playwright_path=None, which=_which({}), system="win32", root=tmp_path
    )
    assert (choice.channel, choice.executable, choice.source) == ("chrome", chrome, "chrome")
    assert "Google Chrome" in choice.describe() and "channel chrome" in choice.describe()


def test_windows_takes_edge_when_there_is_no_chrome_and_playwright_first(tmp_path: Path) -> None:
    env = _windows_env(tmp_path)
    edge = _install(Path(env["PROGRAMFILES(X86)"], "Microsoft", "Edge", "Application", "msedge.exe"))
    choice = find_browser(
        None, env=env, playwright_path=None, which=_which({}), system="win32", root=tmp_path
    )
    assert (choice.channel, choice.executable) == ("msedge", edge)
    own = find_browser(
        None,
        env=env,
        playwright_path=str(_exe(tmp_path / "pw")),
        which=_which({}),
        system="win32",
        root=tmp_path,
    )
    assert (own.source, own.channel, own.executable) == ("playwright", None, None)


def test_windows_never_looks_for_linux_names_and_hints_at_chrome_or_edge(tmp_path: Path) -> None:
    env = _windows_env(tmp_path)
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(
            None,
            env=env,
            playwright_path=str(tmp_path / "not-downloaded"),
            which=_which({"chromium": "/usr/bin/chromium"}),
            system="win32",
            root=tmp_path,
        )
    message = str(caught.value)
    assert "autolink install" in message and "Google Chrome or Microsoft Edge" in message
    assert "apt-get" not in message


def test_windows_without_the_folder_variables_finds_nothing_rather_than_guessing(tmp_path: Path) -> None:
    _install(tmp_path / "Google" / "Chrome" / "Application" / "chrome.exe")
    with pytest.raises(BrowserNotFound):
        find_browser(None, env={}, playwright_path=None, which=_which({}), system="win32", root=tmp_path)


@pytest.mark.parametrize(
    ("relative", "channel"),
    [
        ("Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "chrome"),
        ("Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge", "msedge"),
    ],
)
def test_macos_finds_chrome_and_edge_in_applications(tmp_path: Path, relative: str, channel: str) -> None:
    installed = _install(tmp_path / relative)
    choice = find_browser(
        None, env={}, playwright_path=None, which=_which({}), system="darwin", root=tmp_path
    )
    assert (choice.channel, choice.executable) == (channel, installed)


def test_macos_prefers_chrome_over_edge_and_hints_without_apt(tmp_path: Path) -> None:
    _install(tmp_path / "Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
    _install(tmp_path / "Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    choice = find_browser(
        None, env={}, playwright_path=None, which=_which({}), system="darwin", root=tmp_path
    )
    assert choice.channel == "chrome"
    assert "apt-get" not in how_to_get_one("darwin") and "autolink install" in how_to_get_one("darwin")


@pytest.mark.parametrize(
    ("relative", "channel"),
    [("opt/google/chrome/chrome", "chrome"), ("opt/microsoft/msedge/msedge", "msedge")],
)
def test_linux_channels_come_before_system_names(tmp_path: Path, relative: str, channel: str) -> None:
    installed = _install(tmp_path / relative)
    system = _which({"chromium-headless-shell": "/usr/bin/chromium-headless-shell"})
    choice = find_browser(None, env={}, playwright_path=None, which=system, system="linux", root=tmp_path)
    assert (choice.channel, choice.executable) == (channel, installed)


def test_a_channel_file_that_is_not_executable_is_passed_over(tmp_path: Path) -> None:
    stray = tmp_path / "opt/google/chrome/chrome"
    stray.parent.mkdir(parents=True)
    stray.write_text("not a program")
    choice = find_browser(
        None,
        env={},
        playwright_path=None,
        which=_which({"chromium": "/usr/bin/chromium"}),
        system="linux",
        root=tmp_path,
    )
    assert (choice.channel, choice.executable) == (None, Path("/usr/bin/chromium"))


def test_a_missing_explicit_browser_hint_fits_the_system(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_browser(
            str(tmp_path / "chrome.exe"),
            env={},
            playwright_path=None,
            which=_which({}),
            system="win32",
            root=tmp_path,
        )
    assert "autolink install" in str(caught.value) and "apt-get" not in str(caught.value)


def test_launch_args_keep_chromium_quiet_and_sandbox_only_off_for_root() -> None:
    args = launch_args()
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync"):
        assert flag in args
    assert ("--no-sandbox" in args) == (os.geteuid() == 0)
