"""Classify: which page kind a captured page is, by the selectors it satisfies (never by
its address, which courts change). The kinds, their order and their marks come from
`pages.kinds`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from playwright.async_api import Browser, Page, Route

from ..locators import Selectors
from ..pages.base import PageKit
from ..pages.kinds import SPECS, PageKind, dry_run_pages, recorded_kinds

# First match wins, most specific first (the flow's own priorities): the keys are
# selector keys or `texts.` phrase groups that must all be found on the page.
FIXTURE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (s.fixture, s.marks) for _, s in recorded_kinds() if s.fixture is not None
)
# The replica checks the confirmation token it handed out; it lives in a hidden input.
TOKEN_SLOTS = {s.fixture: s.token_slot for s in SPECS.values() if s.fixture and s.token_slot}
# What a dry run passes on its way to the confirmation table.
DRY_RUN_PAGES = dry_run_pages()
# Pages served by PACER's login host rather than the court: where the login address is seen.
LOGIN_HOST_PAGES = frozenset(s.fixture for s in SPECS.values() if s.fixture and s.host == "login")
CONFIRMATION_PAGE = SPECS[PageKind.LINK_CONFIRM].fixture


@dataclass(frozen=True)
class CapturedPage:
    """One HTML document the browser received, in the order it arrived."""

    order: int
    url: str
    html: str


async def fixture_name(page: Page, selectors: Selectors) -> str | None:
    """Which replica template this page is, by the selectors it satisfies.

    Only what a person would see counts: PACER's in-page login carries every dialog it may
    open (passcode, enrollment, Redaction Agreement) hidden in the one page, and those must
    not make the login page look like the dialog.
    """
    kit = PageKit(page, selectors, timeout_ms=0)
    for name, keys in FIXTURE_KINDS:
        if all([await kit.kind_locator(key).filter(visible=True).count() for key in keys]):
            return name
    return None


async def _abort(route: Route) -> None:
    await route.abort("blockedbyclient")


async def classify(
    browser: Browser, pages: Iterable[CapturedPage], selectors: Selectors
) -> list[tuple[str | None, CapturedPage]]:
    """Each captured page with its template name (None: no page kind matches)."""
    # Scripts off and nothing fetched: classifying a saved page must not act on the court.
    context = await browser.new_context(java_script_enabled=False, service_workers="block")
    await context.route("**/*", _abort)
    try:
        page = await context.new_page()
        named = []
        for captured in pages:
            await page.set_content(captured.html, wait_until="domcontentloaded")
            named.append((await fixture_name(page, selectors), captured))
        return named
    finally:
        await context.close()
