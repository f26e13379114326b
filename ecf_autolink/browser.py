"""Finding a Chromium and launching it: the one browser factory every command uses."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .words import FLAGS

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

    from .network import NetworkSettings

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's headless-only build (Debian's `chromium-headless-shell`), the one Playwright
# itself runs for headless work: no window system, about half the CPU per page here,
# which is what lets a batch of eight attorneys share two cores. It cannot show a window.
HEADLESS_SHELLS = ("chromium-headless-shell",)


@dataclass(frozen=True)
class Channel:
    """A branded browser Playwright launches by channel name from its usual install place."""

    name: str  # Playwright's channel
    label: str
    # Per platform: where the installer puts it. Windows entries start with the
    # environment variable naming the folder; the others are absolute.
    places: dict[str, tuple[str, ...]]


CHANNELS = (
    Channel(
        "chrome",
        "Google Chrome",
        {
            "win32": (
                "LOCALAPPDATA/Google/Chrome/Application/chrome.exe",
                "PROGRAMFILES/Google/Chrome/Application/chrome.exe",
                "PROGRAMFILES(X86)/Google/Chrome/Application/chrome.exe",
            ),
            "darwin": ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",),
            "linux": ("/opt/google/chrome/chrome",),
        },
    ),
    Channel(
        "msedge",
        "Microsoft Edge",
        {
            "win32": (
                "PROGRAMFILES(X86)/Microsoft/Edge/Application/msedge.exe",
                "PROGRAMFILES/Microsoft/Edge/Application/msedge.exe",
                "LOCALAPPDATA/Microsoft/Edge/Application/msedge.exe",
            ),
            "darwin": ("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",),
            "linux": ("/opt/microsoft/msedge/msedge",),
        },
    ),
)


def platform_key(system: str) -> str:
    if system.startswith("win") or system == "cygwin":
        return "win32"
    if system == "darwin":
        return "darwin"
    return "linux"


def how_to_get_one(system: str = sys.platform) -> str:
    """What a user on `system` can do when no browser was found, in their own install."""
    key = platform_key(system)
    if key == "linux":
        other = "install Google Chrome, or on Debian/Ubuntu `sudo apt-get install chromium`"
    else:
        other = "install Google Chrome or Microsoft Edge"
    return (
        "Run `autolink install` (it downloads the Chromium that matches this tool, with the"
        f" tool's own Python), or {other}, or point {FLAGS['browser']} / AUTOLINK_BROWSER at a Chrome,"
        " Edge or Chromium executable."
    )


HOW_TO_GET_ONE = how_to_get_one()

# Chromium honours only the last --disable-features on its command line, and Playwright
# puts its own list first: a flag of ours alone would switch Playwright's list back on
# (HTTPS upgrades, paint holding, storage partitioning... all of which Playwright turns off
# to drive pages reliably). So ours repeats Playwright's list, as of the driver this tool
# installs, and adds to it; tests/test_browser_processes.py fails when a newer driver's
# list is not all in the flag the browser honours.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
QUIET_FEATURES = ("Translate", "MediaRouter", "OptimizationHints")
# Chromium keeps a spare renderer process started for the next navigation; each account
# has a context of its own, whose pages never take a spare, so every spare was started
# and thrown away. Measured (bench/run.py, issue 21): about 5 % of a link's CPU.
LEAN_FEATURES = ("SpareRendererForSitePerProcess",)

# Chromium otherwise phones home at start-up (updates, sync, field trials); on a closed
# network those connections fail noisily, and a firm's run has no use for them.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-features="
    + ",".join(dict.fromkeys((*PLAYWRIGHT_DISABLED_FEATURES, *QUIET_FEATURES, *LEAN_FEATURES))),
)

# One renderer process per context (per PACER account) instead of one per site visited:
# a link walks court -> PACER's login host -> court, and Chromium otherwise starts a new
# renderer at each crossing (three per link). Processes of different contexts are never
# shared, so attorneys stay apart; what is given up is site isolation between the court
# and PACER inside one attorney's own session. Measured (bench/run.py, issue 21): about a
# tenth of a link's CPU and a third of the browser's processes.
ONE_RENDERER_PER_CONTEXT = ("--renderer-process-limit=1",)

# Pictures cost time on every page and say nothing about the link. Blink's own switch
# rather than a catch-all route: a route sends every request through Python, which cost
# a batch here about 6 % of its time. Styles stay, so a screenshot reads as the attorney
# would have seen the page.
NO_IMAGES_ARGS = ("--blink-settings=imagesEnabled=false",)


class BrowserNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class BrowserChoice:
    executable: Path | None  # None: Playwright's own build, or the channel's
    source: str  # "--browser", "AUTOLINK_BROWSER", "playwright", "chrome", "msedge", "system"
    channel: str | None = None  # Playwright's channel for an installed Chrome or Edge

    def describe(self) -> str:
        if self.channel:
            label = next(c.label for c in CHANNELS if c.name == self.channel)
            return f"{label} at {self.executable} (Playwright channel {self.channel})"
        where = self.executable or "Playwright's bundled Chromium"
        return f"{where} (from {self.source})"


def _usable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def channel_paths(channel: Channel, system: str, env: Mapping[str, str], root: Path) -> list[Path]:
    """Where `channel` would be installed on `system`; `root` stands for the file system's
    root (a test's folder)."""
    places = []
    for place in channel.places.get(platform_key(system), ()):
        if place.startswith("/"):
            places.append(root / place.lstrip("/"))
            continue
        variable, _, rest = place.partition("/")
        base = env.get(variable)
        if base:
            places.append(Path(base, *rest.split("/")))
    return places


def find_browser(
    explicit: str | None,
    *,
    env: Mapping[str, str] | None = None,
    playwright_path: str | None,
    which: Callable[[str], str | None] = shutil.which,
    headless: bool = True,
    system: str = sys.platform,
    root: Path = Path("/"),
) -> BrowserChoice:
    """The browser a user would expect: theirs if named, Playwright's own, an installed
    Chrome or Edge (by Playwright's channels), then a Linux system Chromium.

    `playwright_path` is where Playwright's own Chromium would be (it may not exist).
    Among Linux system browsers a headless run takes the headless shell first, as
    Playwright does.
    """
    env = os.environ if env is None else env
    hint = how_to_get_one(system)
    for value, source in ((explicit, FLAGS["browser"]), (env.get("AUTOLINK_BROWSER"), "AUTOLINK_BROWSER")):
        if value:
            path = Path(value).expanduser()
            if not _usable(path):
                resolved = which(value)
                if resolved is None:
                    raise BrowserNotFound(
                        f"The browser given by {source} ({value}) does not exist or is not executable. {hint}"
                    )
                path = Path(resolved)
            return BrowserChoice(path, source)
    if playwright_path and _usable(Path(playwright_path)):
        return BrowserChoice(None, "playwright")
    for channel in CHANNELS:
        for path in channel_paths(channel, system, env, root):
            if _usable(path):
                return BrowserChoice(path, channel.name, channel=channel.name)
    if platform_key(system) == "linux":
        for name in (HEADLESS_SHELLS if headless else ()) + SYSTEM_BROWSERS:
            found = which(name)
            if found:
                return BrowserChoice(Path(found), "system")
    raise BrowserNotFound(f"No Chromium, Chrome or Edge was found on this machine. {hint}")


def launch_args(extra: tuple[str, ...] = ()) -> list[str]:
    args = [*QUIET_ARGS, *ONE_RENDERER_PER_CONTEXT]
    # Chromium refuses to start its sandbox as root (containers, CI); the sandbox
    # protects against hostile pages, and root already has the machine.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    args.extend(extra)
    return args


async def launch(
    playwright: Playwright,
    explicit: str | None = None,
    *,
    headed: bool = False,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    proxy: dict[str, str] | None = None,
) -> tuple[Browser, BrowserChoice]:
    """Launch the browser `find_browser` picks; `proxy` is Playwright's proxy option,
    which the request API of every context (the final Submit's path) uses as well."""
    choice = find_browser(
        explicit, env=env, playwright_path=playwright.chromium.executable_path, headless=not headed
    )
    browser = await playwright.chromium.launch(
        # A channel is launched by name: Playwright knows its install place and its flags.
        executable_path=str(choice.executable) if choice.executable and not choice.channel else None,
        channel=choice.channel,
        headless=not headed,
        args=launch_args(extra_args),
        proxy=proxy,  # type: ignore[arg-type]
    )
    return browser, choice


@contextlib.asynccontextmanager
async def driver(network: NetworkSettings | None = None) -> AsyncIterator[Playwright]:
    """Playwright's driver, started in the environment its CA settings need, stopped on the
    way out. Its request API is the final Submit's path; `autolink doctor` tries it alone."""
    from playwright.async_api import async_playwright

    from .network import driver_environment

    async with contextlib.AsyncExitStack() as stack:
        # The driver reads its CA settings from the environment it starts with.
        with driver_environment(network):
            pw = await stack.enter_async_context(async_playwright())
        yield pw


@contextlib.asynccontextmanager
async def opened(
    pw: Playwright,
    explicit: str | None = None,
    *,
    headed: bool = False,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    network: NetworkSettings | None = None,
) -> AsyncIterator[tuple[Browser, BrowserChoice]]:
    """The chosen browser on a running driver, closed on the way out whatever happens
    inside (a closed browser's own error on the way out is not news)."""
    from playwright.async_api import Error as PlaywrightError

    browser, choice = await launch(
        pw,
        explicit,
        headed=headed,
        env=env,
        extra_args=extra_args,
        proxy=network.playwright_proxy() if network else None,
    )
    try:
        yield browser, choice
    finally:
        with contextlib.suppress(PlaywrightError):
            await browser.close()


@contextlib.asynccontextmanager
async def launched(
    explicit: str | None = None,
    *,
    headed: bool = False,
    env: dict[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    network: NetworkSettings | None = None,
) -> AsyncIterator[tuple[Browser, BrowserChoice]]:
    """Start Playwright's driver and the chosen browser, and close both on the way out:
    the one way every command gets a browser."""
    async with (
        driver(network) as pw,
        opened(pw, explicit, headed=headed, env=env, extra_args=extra_args, network=network) as found,
    ):
        yield found


def _main() -> int:
    """`python -m ecf_autolink.browser`: print the browser a run would use, or how to get one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    try:
        choice = find_browser(None, playwright_path=path)
    except BrowserNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    print(choice.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
