"""Capture: run a dry run with every HTML page kept, then turn the pages into templates.

The runner does the dry run (its context hook installs the page recorder; its sender
refuses the final Submit should anything ever reach it); `classify` names the pages,
`hide` lists what must not survive, `scrub` makes the templates.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Response, Route
from playwright.async_api import Error as PlaywrightError

from .. import browser as browser_mod
from ..flow.attempt import Passcodes, SharedGuard
from ..locators import Selectors
from ..outcome import Result
from ..pages.confirmation import parse_confirmation
from ..plan import Row
from ..runner import Acknowledge, Progress, Runner, RunOptions
from ..secret import Secret
from ..submit_once import AnswerLost
from .classify import CONFIRMATION_PAGE, DRY_RUN_PAGES, LOGIN_HOST_PAGES, TOKEN_SLOTS, CapturedPage, classify
from .hide import Hidden, default_page_text, leftovers, surname_words, values_to_hide
from .scrub import ensure_message_slot, to_fixture


class RecordingError(RuntimeError):
    """A recording that must not be saved; the message says why, never a value."""


@dataclass
class PageRecorder:
    """Keeps every HTML document a browser context receives; install with `hook`."""

    pages: list[CapturedPage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _tasks: list[asyncio.Future[None]] = field(default_factory=list)

    async def hook(self, context: BrowserContext) -> None:
        context.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or response.status != 200:
            return
        with contextlib.suppress(PlaywrightError):
            if request.frame.parent_frame is not None:
                return  # an iframe's page is not one the flow acts on
        if "html" not in response.headers.get("content-type", "html"):
            return
        # Read now, while the browser still holds the body; the flow moves on fast.
        self._tasks.append(asyncio.ensure_future(self._read(len(self._tasks), response)))

    async def _read(self, order: int, response: Response) -> None:
        try:
            body = await response.text()
        except PlaywrightError:
            self.problems.append(f"{urlsplit(response.url).path}: the page's HTML could not be read")
            return
        self.pages.append(CapturedPage(order, response.url, body))

    async def settle(self) -> list[CapturedPage]:
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return sorted(self.pages, key=lambda p: p.order)


@dataclass
class Recording:
    result: Result
    templates: dict[str, str]  # file name -> template text
    sources: dict[str, str]  # file name -> the path it was recorded from
    unrecognised: list[str]
    problems: list[str]

    def missing(self) -> list[str]:
        return [name for name in DRY_RUN_PAGES if name not in self.templates]


class _RememberingPasscodes:
    """Hands out the real provider's codes and keeps them, so none is left in a page."""

    def __init__(self, inner: Passcodes, typed: list[str]) -> None:
        self.inner = inner
        self.typed = typed

    async def first(self) -> Secret | None:
        return self._keep(await self.inner.first())

    async def retry(self) -> Secret | None:
        return self._keep(await self.inner.retry())

    def describe(self) -> str:
        return self.inner.describe()

    def spent(self) -> str | None:
        return self.inner.spent()

    def _keep(self, code: Secret | None) -> Secret | None:
        if code is not None:
            self.typed.append(code.reveal())
        return code


async def _never_submit(route: Route, timeout_ms: float) -> None:
    # The dry run stops before the final Submit; should anything ever reach it, it stops here.
    await route.abort("blockedbyclient")
    raise AnswerLost("autolink record never submits")


def _row_names(selectors: Selectors) -> dict[str, str]:
    return {selectors.confirm_rows["cmecf"]: "cmecf_name", selectors.confirm_rows["pacer"]: "pacer_name"}


def build_templates(
    named: list[tuple[str | None, CapturedPage]], hidden: list[Hidden], selectors: Selectors
) -> tuple[dict[str, str], dict[str, str]]:
    """The first capture of each page kind as a template, and the address each came from."""
    replacements = {item.value: item.placeholder for item in hidden}
    templates: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, captured in named:
        if name is None or name in templates:
            continue  # the first is the clean one; a later one may carry an error message
        text = to_fixture(
            captured.html,
            replacements,
            token_placeholder=TOKEN_SLOTS.get(name, ""),
            row_names=_row_names(selectors) if name == CONFIRMATION_PAGE else None,
        )
        text = ensure_message_slot(name, text)
        # The path only: a query string may carry a session token.
        where = to_fixture(urlsplit(captured.url).path, replacements)
        templates[name] = text.rstrip("\n") + (
            f"\n<!-- recorded by autolink record from {where} on {date.today().isoformat()} -->\n"
        )
        sources[name] = where
    return templates, sources


def _shown_names(named: list[tuple[str | None, CapturedPage]], selectors: Selectors) -> dict[str, str]:
    for name, captured in named:
        if name == CONFIRMATION_PAGE:
            names = parse_confirmation(
                captured.html, selectors.confirm_rows["cmecf"], selectors.confirm_rows["pacer"]
            )
            if names:
                return {"cmecf_name": names.cmecf_name, "pacer_name": names.pacer_name}
    return {}


def _login_url(named: list[tuple[str | None, CapturedPage]]) -> str | None:
    return next((c.url for name, c in named if name in LOGIN_HOST_PAGES), None)


async def record_pages(
    row: Row,
    options: RunOptions,
    progress: Progress,
    *,
    passcodes: Callable[[Row], Passcodes | None],
    guard: SharedGuard | None = None,
    browser: Browser | None = None,
    acknowledge_redaction: Acknowledge | None = None,
) -> Recording:
    """Run `row` as a dry run, capturing every page, and turn the pages into templates."""
    recorder = PageRecorder()
    typed: list[str] = []

    def remembering(r: Row) -> Passcodes | None:
        inner = passcodes(r)
        return None if inner is None else _RememberingPasscodes(inner, typed)

    with tempfile.TemporaryDirectory(prefix="autolink-record-") as scratch:
        # The journal and evidence of a recording are of no use afterwards.
        run_options = dataclasses.replace(options, out_dir=Path(scratch), dry_run=True, recheck=False)
        runner = Runner(
            run_options,
            progress,
            guard=guard,
            passcodes=remembering,
            context_hook=recorder.hook,
            sender=_never_submit,
            acknowledge_redaction=acknowledge_redaction,
        )
        if browser is not None:
            result, named = await _run_and_classify(runner, row, recorder, browser)
        else:
            async with browser_mod.launched(
                options.browser, headed=options.headed, env=options.env, network=options.network
            ) as (own, choice):
                progress.note(f"browser: {choice.describe()}")
                result, named = await _run_and_classify(runner, row, recorder, own)
    shown = _shown_names(named, row.selectors)
    hidden = values_to_hide(
        row.attorney,
        typed,
        court_url=row.court_url,
        login_url=_login_url(named),
        shown_names=shown,
    )
    templates, sources = build_templates(named, hidden, row.selectors)
    names = [row.attorney.name, *shown.values()]
    surnames = surname_words(names, default_page_text())
    for name, text in templates.items():
        found = leftovers(text, [*hidden, *surnames])
        if found:
            raise RecordingError(
                f"{name} would still show {', '.join(found)} after placeholders were put in;"
                " nothing was saved (see docs/changing-pages.md)"
            )
    unrecognised = [urlsplit(c.url).path for n, c in named if n is None]
    return Recording(result, templates, sources, unrecognised, recorder.problems)


async def _run_and_classify(
    runner: Runner, row: Row, recorder: PageRecorder, browser: Browser
) -> tuple[Result, list[tuple[str | None, CapturedPage]]]:
    [result] = await runner.run([row], browser)
    captured = await recorder.settle()
    return result, await classify(browser, captured, row.selectors)


def write_templates(folder: Path, templates: Mapping[str, str]) -> list[Path]:
    """Plain, readable files: they are meant to be reviewed and committed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(templates.items()):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
