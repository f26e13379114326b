"""PageKit's answers on live pages: one element or a named SiteChanged, never a guess."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest
from playwright.async_api import BrowserContext, Playwright
from support import PageAnswer, loopback_host

from ecf_autolink.browser import NO_IMAGES_ARGS, launch
from ecf_autolink.locators import load_selectors
from ecf_autolink.outcome import Outcome
from ecf_autolink.pages.base import PageKit
from ecf_autolink.web.stops import SiteChanged

pytestmark = pytest.mark.browser

FORM = '<form><label>CM/ECF login <input name="login"></label>{extra}</form>'


async def _kit(context: BrowserContext, html: str) -> PageKit:
    page = await context.new_page()
    await page.set_content(html)
    return PageKit(page, load_selectors("canb"), timeout_ms=1_500)


async def test_one_finds_the_single_element(context: BrowserContext) -> None:
    kit = await _kit(context, FORM.format(extra=""))
    await (await kit.one("link_form.cmecf_login")).fill("jdoe_ecf")
    assert await kit.page.locator("input").input_value() == "jdoe_ecf"


async def test_one_names_the_key_when_the_element_is_missing(context: BrowserContext) -> None:
    kit = await _kit(context, "<form><label>Login name <input></label></form>")
    with pytest.raises(SiteChanged) as caught:
        await kit.one("link_form.cmecf_login")
    assert caught.value.outcome == Outcome.SITE_CHANGED
    assert "link_form.cmecf_login" in caught.value.message and "default.yaml" in caught.value.message


async def test_one_refuses_a_selector_that_matches_two_elements(context: BrowserContext) -> None:
    kit = await _kit(context, FORM.format(extra='<label>CM/ECF login <input name="again"></label>'))
    with pytest.raises(SiteChanged) as caught:
        await kit.one("link_form.cmecf_login")
    assert "matched 2 elements, not one" in caught.value.message


class _Pictures(PageAnswer):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.path == "/":
            self.answer(b'<p>seal</p><img src="/seal.png"><img src="/banner.gif">')
        else:
            self.answer(b"GIF89a", content_type="image/gif")


@pytest.fixture
def picture_site() -> Iterator[str]:
    _Pictures.seen = []
    with loopback_host(_Pictures) as base:
        yield f"{base}/"


async def test_a_batch_browser_never_asks_for_pictures(playwright: Playwright, picture_site: str) -> None:
    browser, _ = await launch(playwright, extra_args=NO_IMAGES_ARGS)
    try:
        page = await browser.new_page()
        await page.goto(picture_site, wait_until="load")
        assert await page.get_by_text("seal").count() == 1
    finally:
        await browser.close()
    assert _Pictures.seen == ["/"], _Pictures.seen


DIALOGS = (
    '<label>Username <input></label><button type="button" id="go">Login</button>'
    '<div id="mfaDialog" style="display:none"><label>One-time passcode <input></label></div>'
    '<div id="regmsg:redactionConfirmation" style="display:none">IMPORTANT NOTICE OF REDACTION'
    " RESPONSIBILITY</div>"
)
AFTER_LOGIN = ["pacer_redaction.notice", "pacer_mfa.passcode", "cmecf_main.utilities"]


async def test_a_dialog_waiting_hidden_counts_only_in_attached_mode(context: BrowserContext) -> None:
    kit = await _kit(context, DIALOGS)
    # Attached: the hidden dialog is "there" already, the mistake visible mode avoids.
    assert await kit.wait_for_any(AFTER_LOGIN, what="x") == "pacer_redaction.notice"
    with pytest.raises(SiteChanged):
        await kit.wait_for_any(AFTER_LOGIN, what="the answer", visible=True)


async def test_an_in_page_answer_is_the_dialog_that_opens_not_a_load(context: BrowserContext) -> None:
    kit = await _kit(context, DIALOGS)
    await kit.page.evaluate(
        "() => document.getElementById('go').onclick = () => setTimeout(() =>"
        " { document.getElementById('mfaDialog').style.display = 'block'; }, 200)"
    )
    mark = await kit.mark(AFTER_LOGIN)
    await kit.press("pacer_login.login")
    assert await kit.wait_for_answer(AFTER_LOGIN, mark, what="the answer") == "pacer_mfa.passcode"
    # Nothing new after the next press: a changed site, never a hang or a guess.
    mark = await kit.mark(AFTER_LOGIN)
    await kit.press("pacer_login.login")
    with pytest.raises(SiteChanged):
        await kit.wait_for_answer(["pacer_redaction.notice", "cmecf_main.utilities"], mark, what="the answer")
