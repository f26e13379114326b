"""What every page object needs: the page, its selectors, and recognising where we are."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import reduce
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Locator, Page, Request, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from ..court_urls import origin_of
from ..locators import Selectors
from ..web.net import check_status, network_reason
from ..web.stops import SiteChanged, TransientFailure


@dataclass
class PageKit:
    page: Page
    selectors: Selectors
    timeout_ms: float
    # The last top-level load the browser gave up on ("net::ERR_TOO_MANY_REDIRECTS"):
    # a click that ends on Chromium's own error page raises nothing by itself.
    failed_load: str | None = field(default=None, init=False)
    # What in-page answers need: loads of the page, background requests answered or
    # failed, and requests still waiting for an answer.
    navigations: int = field(default=0, init=False)
    answers: int = field(default=0, init=False)
    broken_answer: str | None = field(default=None, init=False)
    _pending: dict[Request, int] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.page.on("requestfailed", self._note_failed_load)
        self.page.on("framenavigated", self._note_navigation)
        self.page.on("request", self._note_request)
        self.page.on("requestfinished", self._note_answer)
        self.page.on("response", self._note_status)

    def _note_failed_load(self, request: Request) -> None:
        self._pending.pop(request, None)
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.failed_load = f"{request.failure or 'network error'} from {origin_of(request.url)}"
        elif request.resource_type in _BACKGROUND:
            self.broken_answer = f"{request.failure or 'network error'} from {origin_of(request.url)}"

    def _note_navigation(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    def _note_request(self, request: Request) -> None:
        if request.resource_type in _BACKGROUND or (
            request.is_navigation_request() and request.frame == self.page.main_frame
        ):
            self._pending[request] = self.answers + self.navigations

    def _note_answer(self, request: Request) -> None:
        self._pending.pop(request, None)

    def _note_status(self, response: Response) -> None:
        request = response.request
        # An answer counts when it arrives: a page need not read a failed answer's body,
        # and then the request never "finishes".
        self._pending.pop(request, None)
        if request.resource_type in _BACKGROUND:
            self.answers += 1
        if response.status < 500:
            return
        reason = f"HTTP {response.status} from {origin_of(response.url)}"
        if request.resource_type in _BACKGROUND:
            self.broken_answer = reason
        elif request.is_navigation_request() and request.frame == self.page.main_frame:
            # `goto` and `submit` check the status themselves; an in-page wait learns it here.
            self.failed_load = reason

    def loc(self, key: str) -> Locator:
        return self.selectors.locator(self.page, key)

    def yaml_for(self, key: str) -> str:
        return str(self.selectors.origin(key))

    def kind_locator(self, kind: str) -> Locator:
        """A locator for a page kind: a selector key, or `texts.<kind>` phrases."""
        if kind.startswith("texts."):
            phrases = self.selectors.phrases(kind.removeprefix("texts."))
            return reduce(Locator.or_, (self.page.get_by_text(p) for p in phrases))
        return self.loc(kind)

    async def wait_for_any(self, kinds: list[str], *, what: str, visible: bool = False) -> str:
        """Wait until the page shows one of `kinds` and return the first, in priority order.

        `visible`: only what a person would see counts (dialogs that wait hidden in the
        page are not there yet). A page that shows none of them within the timeout is a
        changed site, not a hang.
        """
        locators = {kind: self.kind_locator(kind) for kind in kinds}
        if visible:
            locators = {kind: loc.filter(visible=True) for kind, loc in locators.items()}
        union = reduce(Locator.or_, locators.values())
        try:
            await union.first.wait_for(state="visible" if visible else "attached", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            if self.failed_load:
                # Nothing recognisable because nothing loaded: a network fault, not a new page.
                raise TransientFailure(self.failed_load) from None
            raise SiteChanged(
                f"{what} (expected one of: {', '.join(kinds)})",
                self.page.url,
                self.yaml_for(kinds[0]),
            ) from None
        for kind, locator in locators.items():
            if await locator.count():
                return kind
        # The page moved on between the wait and the count: look again.
        return await self.wait_for_any(kinds, what=what, visible=visible)

    async def mark(self, kinds: list[str]) -> Mark:
        """Where things stand right before an action whose answer comes in the page."""
        self.failed_load = None
        self.broken_answer = None
        shown = frozenset(await self._all_shown(kinds))
        return Mark(self.navigations, self.answers + self.navigations, shown)

    async def shows(self, kind: str) -> bool:
        try:
            return await self.kind_locator(kind).filter(visible=True).count() > 0
        except PlaywrightError:
            # The page is being replaced: nothing is shown yet.
            return False

    async def _shows_any(self, kinds: list[str]) -> bool:
        union = reduce(Locator.or_, (self.kind_locator(kind) for kind in kinds))
        try:
            return await union.filter(visible=True).count() > 0
        except PlaywrightError:
            return False

    # Each look is a round trip through Playwright's driver into the page, and a page
    # sign-in's answers are told apart among a dozen kinds: looking at them one by one
    # cost a link about ninety looks. One look at a group says whether any of it shows,
    # so halving the group finds the shown kinds in a few looks.

    async def _all_shown(self, kinds: list[str]) -> list[str]:
        """Every kind the page shows now, in the order given."""
        if not kinds or not await self._shows_any(kinds):
            return []
        if len(kinds) == 1:
            return kinds
        half = len(kinds) // 2
        return [*await self._all_shown(kinds[:half]), *await self._all_shown(kinds[half:])]

    async def _first_shown(self, kinds: list[str], *, looked: bool = False) -> str | None:
        """The first kind (priority order) the page shows now; `looked`: the caller has
        just seen the group show. None when the page changed between looks."""
        if not kinds or (not looked and not await self._shows_any(kinds)):
            return None
        if len(kinds) == 1:
            return kinds[0]
        half = len(kinds) // 2
        if await self._shows_any(kinds[:half]):
            return await self._first_shown(kinds[:half], looked=True)
        return await self._first_shown(kinds[half:])

    async def wait_for_answer(
        self, kinds: list[str], mark: Mark, *, what: str, after_load: tuple[str, ...] = ()
    ) -> str:
        """After an action whose answer may come in the page or as a new page, never as
        a load to wait for: the first of `kinds` (priority order) the page shows as an
        answer. A kind already shown before the action counts once the answer has had
        time to arrive; `after_load` kinds count only on a page loaded since the action
        (a login form that came back). None of them in time: a changed site, or a
        failure when the answer itself failed or never came.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_ms / 1000
        answered_at: float | None = None
        while True:
            now = loop.time()
            loaded = self.navigations > mark.navigations
            if answered_at is None and self.answers + self.navigations > mark.answers:
                answered_at = now
            settled = loaded or (answered_at is not None and now - answered_at >= ANSWER_SETTLE_S)
            candidates = [
                kind
                for kind in (*kinds, *after_load)
                if (loaded or kind not in after_load) and (settled or kind not in mark.shown)
            ]
            # One look at all of them first: most polls find nothing, and each look is a
            # round trip to the browser. Bounded by the deadline: while a navigation the
            # answer started hangs, a look can wait on the frame as long as the server does.
            try:
                if candidates and not await asyncio.wait_for(
                    self._shows_any(candidates), max(deadline - now, ANSWER_POLL_S)
                ):
                    candidates = []
            except TimeoutError:
                candidates = []
            kind = await self._first_shown(candidates, looked=True) if candidates else None
            if kind is not None:
                # The page may have changed while the kinds before it were looked at:
                # one more look, so a message wins over the box it appeared in.
                earlier = await self._first_shown(candidates[: candidates.index(kind)])
                return earlier or kind
            if self.failed_load or self.page.url.startswith("chrome-error:"):
                raise TransientFailure(self.failed_load or "the browser could not load the next page")
            if settled and self.broken_answer:
                raise TransientFailure(self.broken_answer)
            if now >= deadline:
                if any(since >= mark.answers for since in self._pending.values()):
                    raise TransientFailure(f"no answer in time while waiting for {what}")
                raise SiteChanged(
                    f"{what} (expected one of: {', '.join([*kinds, *after_load])})",
                    self.page.url,
                    self.yaml_for(kinds[0]),
                )
            await asyncio.sleep(ANSWER_POLL_S)

    async def shown(self, key: str) -> Locator:
        """The visible element a key names (dialogs keep hidden twins in the page)."""
        locator = self.loc(key).filter(visible=True).first
        try:
            await locator.wait_for(state="visible", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            raise SiteChanged(
                f"{key} ({self.selectors.spec(key).describe()})", self.page.url, self.yaml_for(key)
            ) from None
        return locator

    async def press(self, key: str) -> None:
        """Click a visible button whose answer comes in the page; never waits for a load."""
        button = await self.shown(key)
        try:
            await button.click(timeout=self.timeout_ms, no_wait_after=True)
        except PlaywrightTimeout:
            # A button that never became clickable (Continue before its box is ticked).
            raise SiteChanged(
                f"{key} could not be pressed ({self.selectors.spec(key).describe()})",
                self.page.url,
                self.yaml_for(key),
            ) from None

    async def one(self, key: str) -> Locator:
        """The single element a key names, or SiteChanged naming the key."""
        locator = self.loc(key)
        try:
            # A strict wait: Playwright itself refuses a locator that matches several.
            await locator.wait_for(state="visible", timeout=self.timeout_ms)
        except PlaywrightError as exc:
            raise await self.not_one(key, locator, exc) from None
        return locator

    async def fill(self, key: str, value: str) -> None:
        """Type into the single field a key names. Playwright's own fill waits for it
        and refuses several, so this is one round trip into the page, not two."""
        locator = self.loc(key)
        try:
            await locator.fill(value, timeout=self.timeout_ms)
        except PlaywrightError as exc:
            raise await self.not_one(key, locator, exc) from None

    async def not_one(self, key: str, locator: Locator, exc: PlaywrightError) -> SiteChanged:
        """SiteChanged for a key that named no element in time, or several; any other
        error is raised as it is."""
        described = f"{key} ({self.selectors.spec(key).describe()})"
        if isinstance(exc, PlaywrightTimeout):
            return SiteChanged(described, self.page.url, self.yaml_for(key))
        if "strict mode violation" not in str(exc):
            raise exc
        count = await locator.count()
        return SiteChanged(
            f"{described} matched {count} elements, not one", self.page.url, self.yaml_for(key)
        )

    async def href_of(self, key: str) -> str:
        element = await self.one(key)
        href = await element.get_attribute("href")
        if not href:
            raise SiteChanged(f"{key} has no link address", self.page.url, self.yaml_for(key))
        return urljoin(self.page.url, href)

    async def goto(self, url: str) -> Response | None:
        self.failed_load = None
        try:
            response = await self.page.goto(url, wait_until="domcontentloaded", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            raise TransientFailure(f"no answer from {origin_of(url)} in time") from None
        except PlaywrightError as exc:
            raise TransientFailure(network_reason(exc, url)) from None
        check_status(response, url)
        return response

    async def submit(self, key: str) -> Response | None:
        """Click a form's button and wait for the page it leads to."""
        button = await self.one(key)
        self.failed_load = None
        try:
            async with self.page.expect_navigation(
                wait_until="domcontentloaded", timeout=self.timeout_ms
            ) as navigation:
                await button.click(timeout=self.timeout_ms)
            response = await navigation.value
        except PlaywrightTimeout:
            raise TransientFailure(f"no answer to {key} in time") from None
        except PlaywrightError as exc:
            raise TransientFailure(network_reason(exc, self.page.url)) from None
        if self.page.url.startswith("chrome-error:") or self.failed_load:
            raise TransientFailure(self.failed_load or "the browser could not load the next page")
        check_status(response, self.page.url)
        return response


# Requests a page sends without loading a new page (a JSF partial request).
_BACKGROUND = ("xhr", "fetch")
# How long after a background answer the page gets to show it, and how often to look.
ANSWER_SETTLE_S = 0.3
ANSWER_POLL_S = 0.1


@dataclass(frozen=True)
class Mark:
    navigations: int
    answers: int
    shown: frozenset[str]
