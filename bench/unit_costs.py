"""What each thing a link asks of the browser costs in CPU (issue 21), one at a time.

Each step below is done `--repeat` times in a browser launched as the product launches
it, against the replica court over loopback, in a process of its own inside a cgroup
(bench/meter.py); the same process with zero repeats is subtracted, so what is left
is the whole process tree's CPU for that step alone (Python, driver, browser, renderer,
GPU), divided by the repeats.

    .venv/bin/python bench/unit_costs.py [--repeat 40] [--only context,navigation,...]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.async_api import BrowserContext, Page

from ecf_autolink import browser as browser_mod
from ecf_autolink.locators import load_selectors
from ecf_autolink.pages.base import PageKit
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import demo_court

Step = Callable[[BrowserContext, Page, str], Awaitable[None]]
_KITS: dict[Page, PageKit] = {}


async def _context(context: BrowserContext, page: Page, url: str) -> None:
    fresh = await context.browser.new_context()  # type: ignore[union-attr]
    other = await fresh.new_page()
    await other.goto(url, wait_until="domcontentloaded")
    await fresh.close()


async def _page(context: BrowserContext, page: Page, url: str) -> None:
    other = await context.new_page()
    await other.goto(url, wait_until="domcontentloaded")
    await other.close()


async def _navigation(context: BrowserContext, page: Page, url: str) -> None:
    await page.goto(url, wait_until="domcontentloaded")


async def _navigation_watched(context: BrowserContext, page: Page, url: str) -> None:
    # A load on a page the flow drives: PageKit listens to its requests and answers.
    if page not in _KITS:
        _KITS[page] = PageKit(page, load_selectors("canb"), 5_000)
    await page.goto(url, wait_until="domcontentloaded")


async def _cross_site(context: BrowserContext, page: Page, url: str) -> None:
    # The court and PACER's login host are two sites: 127.0.0.1 and localhost here.
    await page.goto(url.replace("127.0.0.1", "localhost"), wait_until="domcontentloaded")
    await page.goto(url, wait_until="domcontentloaded")


async def _wait_for_any(context: BrowserContext, page: Page, url: str) -> None:
    # One kit per page, as the flow makes one per sign-in: its listeners are not the wait's cost.
    if page not in _KITS:
        _KITS[page] = PageKit(page, load_selectors("canb"), 5_000)
    kit = _KITS[page]
    await kit.wait_for_any(["court_front.document_filing_system", "texts.court_not_nextgen"], what="front")


async def _count(context: BrowserContext, page: Page, url: str) -> None:
    await page.get_by_role("link", name="Document Filing System").count()


async def _screenshot(context: BrowserContext, page: Page, url: str) -> None:
    await page.screenshot(full_page=True)


async def _element_screenshot(context: BrowserContext, page: Page, url: str) -> None:
    await page.locator("body").screenshot()


async def _idle_second(context: BrowserContext, page: Page, url: str) -> None:
    # A loaded page left alone for a second, as pages wait on a slow court.
    await asyncio.sleep(1)


STEPS: dict[str, tuple[Step, bool]] = {
    # name: (step, whether the step is timed after one load of the court's front page)
    "context": (_context, False),
    "page": (_page, False),
    "navigation": (_navigation, False),
    "navigation_watched": (_navigation_watched, False),
    "cross_site_pair": (_cross_site, False),
    "wait_for_any": (_wait_for_any, True),
    "count": (_count, True),
    "screenshot_full_page": (_screenshot, True),
    "screenshot_element": (_element_screenshot, True),
    "idle_second": (_idle_second, True),
}


async def inner(step: str, repeat: int, url: str) -> None:
    action, loaded = STEPS[step]
    async with browser_mod.launched(extra_args=browser_mod.NO_IMAGES_ARGS) as (browser, _):
        context = await browser.new_context()
        page = await context.new_page()
        if loaded:
            await page.goto(url, wait_until="domcontentloaded")
        for _ in range(repeat):
            await action(context, page, url)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--only", help="comma-separated steps (default all)")
    parser.add_argument("--inner", nargs=3, metavar=("STEP", "REPEAT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        step, repeat, url = args.inner
        asyncio.run(inner(step, int(repeat), url))
        return 0
    from meter import TreeMeter

    steps = args.only.split(",") if args.only else list(STEPS)
    court = demo_court()
    with serve(court) as replica:
        url = replica.court_url
        print(f"{'step':<22}{'CPU ms each':>12}   by kind (ms each)")
        for step in steps:
            figures = []
            for repeat in (0, args.repeat):
                code, tree = TreeMeter(f"unit-{step}").run(
                    [sys.executable, __file__, "--inner", step, str(repeat), url]
                )
                if code:
                    print(f"{step}: exited {code}", file=sys.stderr)
                    return 2
                figures.append(tree)
            base, full = figures
            each = (full.cpu_s - base.cpu_s) / args.repeat * 1000
            kinds = {
                kind: (full.by_kind.get(kind, 0) - base.by_kind.get(kind, 0)) / args.repeat * 1000
                for kind in full.by_kind
            }
            shown = ", ".join(f"{k} {v:.1f}" for k, v in kinds.items() if abs(v) >= 0.5)
            print(f"{step:<22}{each:>12.1f}   {shown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
