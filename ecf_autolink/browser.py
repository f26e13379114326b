"""Finding a Chromium and launching it: the one browser factory every command uses."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import Browser, Playwright

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's headless-only build (Debian's `chromium-headless-shell`), the one Playwright
# itself runs for headless work: no window system, about half the CPU per page here,
# which is what lets a batch of eight attorneys share two cores. It cannot show a window.
HEADLESS_SHELLS = ("chromium-headless-shell",)

HOW_TO_GET_ONE = (
    "Install one with `python -m playwright install chromium`, or your system's package"
    " (for example `apt-get install chromium`), or point --browser / AUTOLINK_BROWSER at a"
    " Chrome or Chromium executable."
)

# Chromium otherwise phones home at start-up (updates, sync, field trials); on a closed
# network those connections fail noisily, and a firm's run has no use for them.
QUIET_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
)


# Pictures cost time on every page and say nothing about the link. Blink's own switch
# rather than a catch-all route: a route sends every request through Python, which cost
# a batch here about 6 % of its time. Styles stay, so a screenshot reads as the attorney
# would have seen the page.
NO_IMAGES_ARGS = ("--blink-settings=imagesEnabled=false",)


class BrowserNotFound(RuntimeError):
    pass


@dataclass(frozen=True)
class BrowserChoice:
    executable: Path | None  # None: let Playwright use its own bundled build
    source: str  # "--browser", "AUTOLINK_BROWSER", "playwright", "system"

    def describe(self) -> str:
        where = self.executable or "Playwright's bundled Chromium"
        return f"{where} (from {self.source})"


def _usable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_browser(
    explicit: str | None,
    *,
    env: dict[str, str] | None = None,
    playwright_path: str | None,
    which: Callable[[str], str | None] = shutil.which,
    headless: bool = True,
) -> BrowserChoice:
    """The browser a user would expect: theirs if named, Playwright's, then the system's.

    `playwright_path` is where Playwright's own Chromium would be (it may not exist).
    Among system browsers a headless run takes the headless shell first, as Playwright does.
    """
    env = os.environ if env is None else env  # type: ignore[assignment]
    for value, source in ((explicit, "--browser"), (env.get("AUTOLINK_BROWSER"), "AUTOLINK_BROWSER")):
        if value:
            path = Path(value).expanduser()
            if not _usable(path):
                resolved = which(value)
                if resolved is None:
                    raise BrowserNotFound(
                        f"The browser given by {source} ({value}) does not exist or is not"
                        f" executable. {HOW_TO_GET_ONE}"
                    )
                path = Path(resolved)
            return BrowserChoice(path, source)
    if playwright_path and _usable(Path(playwright_path)):
        return BrowserChoice(None, "playwright")
    for name in (HEADLESS_SHELLS if headless else ()) + SYSTEM_BROWSERS:
        found = which(name)
        if found:
            return BrowserChoice(Path(found), "system")
    raise BrowserNotFound(f"No Chromium or Chrome was found on this machine. {HOW_TO_GET_ONE}")


def launch_args(extra: tuple[str, ...] = ()) -> list[str]:
    args = list(QUIET_ARGS)
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
) -> tuple[Browser, BrowserChoice]:
    choice = find_browser(
        explicit, env=env, playwright_path=playwright.chromium.executable_path, headless=not headed
    )
    browser = await playwright.chromium.launch(
        executable_path=str(choice.executable) if choice.executable else None,
        headless=not headed,
        args=launch_args(extra_args),
    )
    return browser, choice


def _main() -> int:
    """`python -m ecf_autolink.browser`: print the browser a run would use, or how to get one."""
    import sys

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
