"""`autolink check`: do a court's public pages still match the selectors?

Without credentials only three pages can be seen: the court's front page, where its
Document Filing System link leads, and the PACER login page at the end of that
hop. For each selector on them the check reports how many elements it finds; the
flow needs exactly one. A court that changed a label is found here, by a nightly
job, before an attorney's run stops on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import reduce
from typing import Literal

from playwright.async_api import Browser, Locator, Page
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from .locators import Selectors
from .pages.base import PageKit
from .pages.kinds import SPECS, TEXTS, PageKind, mark
from .web.stops import TransientFailure

Verdict = Literal["ok", "missing", "ambiguous", "hidden", "unreachable"]

# The pages reachable without credentials; what is counted on each is its row in `pages.kinds`.
FRONT_PAGE = PageKind.COURT_FRONT
LOGIN_PAGE = PageKind.PACER_LOGIN
FILING_LINK = mark(PageKind.COURT_FRONT)
ATTEMPTS = 2


@dataclass(frozen=True)
class CheckRow:
    """One selector on one public page of one court, as data (the CLI prints it)."""

    court: str
    page: str
    key: str
    selector: str
    count: int | None  # None: the page could not be reached
    verdict: Verdict
    origin: str  # the YAML file the selector came from
    url: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Target:
    court: str
    url: str
    selectors: Selectors


def _page_keys(selectors: Selectors, page: PageKind) -> list[str]:
    # Its marks, controls and phrases; never its answers, which show only after an action.
    return [
        k for k in SPECS[page].counted if not k.startswith(TEXTS) or k.removeprefix(TEXTS) in selectors.texts
    ]


def _describe(selectors: Selectors, key: str) -> str:
    if key.startswith("texts."):
        return "text " + " | ".join(repr(p) for p in selectors.phrases(key.removeprefix("texts.")))
    return selectors.spec(key).describe()


def _origin_file(selectors: Selectors, key: str) -> str:
    return str(selectors.origin(key))


def unreachable_rows(court: str, selectors: Selectors, page: PageKind, url: str, why: str) -> list[CheckRow]:
    return [
        CheckRow(
            court,
            page,
            key,
            _describe(selectors, key),
            None,
            "unreachable",
            _origin_file(selectors, key),
            url,
            why,
        )
        for key in _page_keys(selectors, page)
    ]


async def _settle(kit: PageKit, keys: Sequence[str]) -> None:
    """Wait until any of the page's selectors shows up, or the timeout: pages that
    draw themselves with scripts are counted once drawn, a broken page costs one wait."""
    if not keys:
        return
    union = reduce(Locator.or_, (kit.kind_locator(k) for k in keys))
    try:
        await union.first.wait_for(state="attached", timeout=kit.timeout_ms)
    except PlaywrightTimeout:
        return


async def _judge(kit: PageKit, court: str, page: PageKind, key: str) -> CheckRow:
    locator = kit.kind_locator(key)
    count = await locator.count()
    if key.startswith("texts."):
        # A phrase identifies a page wherever and however often it appears.
        verdict: Verdict = "ok" if count else "missing"
    elif count == 0:
        verdict = "missing"
    elif count > 1:
        verdict = "ambiguous"
    else:
        verdict = "ok" if await locator.is_visible() else "hidden"
    sel = kit.selectors
    return CheckRow(
        court, page, key, _describe(sel, key), count, verdict, _origin_file(sel, key), kit.page.url
    )


async def _open(kit: PageKit, url: str) -> str | None:
    """Go to `url`; None when it loaded, else why not (a retry first: a nightly blip is not news)."""
    why = ""
    for _ in range(ATTEMPTS):
        try:
            await kit.goto(url)
            return None
        except TransientFailure as exc:
            why = str(exc)
    return why


async def _check_page(kit: PageKit, court: str, page: PageKind) -> list[CheckRow]:
    keys = _page_keys(kit.selectors, page)
    await _settle(kit, keys)
    return [await _judge(kit, court, page, key) for key in keys]


async def check_court(
    page: Page, court: str, court_url: str, selectors: Selectors, timeout_ms: float = 30_000
) -> list[CheckRow]:
    """Front page → Document Filing System → PACER login; one row per selector there."""
    kit = PageKit(page, selectors, timeout_ms)
    why = await _open(kit, court_url)
    if why is not None:
        return unreachable_rows(court, selectors, FRONT_PAGE, court_url, why) + unreachable_rows(
            court, selectors, LOGIN_PAGE, "", "the court's front page could not be opened"
        )
    rows = await _check_page(kit, court, FRONT_PAGE)
    link = kit.loc(FILING_LINK)
    if not await link.count():
        return rows + unreachable_rows(
            court, selectors, LOGIN_PAGE, "", f"{FILING_LINK} was not found on the front page"
        )
    href = await link.first.get_attribute("href")
    if not href:
        return rows + unreachable_rows(court, selectors, LOGIN_PAGE, "", f"{FILING_LINK} has no address")
    login_url = await page.evaluate("href => new URL(href, document.baseURI).href", href)
    why = await _open(kit, login_url)
    if why is not None:
        return rows + unreachable_rows(court, selectors, LOGIN_PAGE, login_url, why)
    return rows + await _check_page(kit, court, LOGIN_PAGE)


async def _check_in_own_context(browser: Browser, target: Target, timeout_ms: float) -> list[CheckRow]:
    # A fresh context per court: no cookie from one court's visit colours another's.
    context = await browser.new_context(accept_downloads=False, service_workers="block")
    context.set_default_timeout(timeout_ms)
    try:
        page = await context.new_page()
        return await check_court(page, target.court, target.url, target.selectors, timeout_ms)
    except PlaywrightError as exc:
        why = f"the browser failed: {str(exc).splitlines()[0]}"
        return unreachable_rows(
            target.court, target.selectors, FRONT_PAGE, target.url, why
        ) + unreachable_rows(target.court, target.selectors, LOGIN_PAGE, "", why)
    finally:
        await context.close()


async def check_courts(
    browser: Browser, targets: Iterable[Target], *, timeout_ms: float = 30_000, concurrency: int = 4
) -> list[CheckRow]:
    """Every target, `concurrency` at a time; rows in the targets' order."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(target: Target) -> list[CheckRow]:
        async with gate:
            return await _check_in_own_context(browser, target, timeout_ms)

    per_court = await asyncio.gather(*(one(t) for t in targets))
    return [row for rows in per_court for row in rows]


def failures(rows: Iterable[CheckRow]) -> list[CheckRow]:
    return [row for row in rows if not row.ok]
