"""Where a button would send its form, as the browser itself would send it: read without
Playwright's selector engine in the page's world (issue 21), and still exact for the
markup old CM/ECF pages have."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from ecf_autolink.locators import load_selectors
from ecf_autolink.pages.base import PageKit
from ecf_autolink.pages.form_target import where_it_posts
from ecf_autolink.web.stops import SiteChanged

pytestmark = pytest.mark.browser

COURT = "https://ecf.canb.uscourts.gov"
ELSEWHERE = "https://elsewhere.example"
BASE = f'<base href="{COURT}/cgi-bin/LinkAccount.pl">'


async def _kit(context: BrowserContext, body: str) -> PageKit:
    page = await context.new_page()
    await page.set_content(f"<html><head>{BASE}</head><body>{body}</body></html>")
    return PageKit(page, load_selectors("canb"), timeout_ms=1_500)


async def test_a_button_in_its_form_posts_to_the_forms_action(context: BrowserContext) -> None:
    kit = await _kit(context, '<form action="/cgi-bin/LinkAccount.pl?x"><button>Submit</button></form>')
    assert await where_it_posts(kit, "link_form.submit") == f"{COURT}/cgi-bin/LinkAccount.pl?x"


async def test_the_buttons_own_formaction_wins(context: BrowserContext) -> None:
    kit = await _kit(context, f'<form action="/ok"><button formaction="{ELSEWHERE}/x">Submit</button></form>')
    assert await where_it_posts(kit, "link_form.submit") == f"{ELSEWHERE}/x"


async def test_a_form_named_by_the_form_attribute_counts(context: BrowserContext) -> None:
    body = (
        '<form action="/ok"><button form="far">Submit</button></form>'
        f'<form id="far" action="{ELSEWHERE}/y"></form>'
    )
    kit = await _kit(context, body)
    assert await where_it_posts(kit, "link_form.submit") == f"{ELSEWHERE}/y"


async def test_a_form_the_parser_gave_the_button_counts_though_not_its_ancestor(
    context: BrowserContext,
) -> None:
    # A form opened between <table> and <tr>: the parser moves it out of the table and
    # closes it at once, yet the button below still belongs to it (and posts there).
    kit = await _kit(
        context,
        f'<table><form action="{ELSEWHERE}/z"><tr><td><button>Submit</button></td></tr></form></table>',
    )
    assert await kit.page.locator("form button").count() == 0
    assert await where_it_posts(kit, "link_form.submit") == f"{ELSEWHERE}/z"


async def test_a_button_that_cannot_take_focus_is_asked_the_slow_way(context: BrowserContext) -> None:
    body = (
        '<form action="/ok"><button id="other">Other</button></form>'
        f'<form action="{ELSEWHERE}/d"><button disabled>Submit</button></form>'
    )
    kit = await _kit(context, body)
    await kit.page.focus("#other")
    assert await where_it_posts(kit, "link_form.submit") == f"{ELSEWHERE}/d"


async def test_a_missing_or_doubled_button_is_a_changed_site(context: BrowserContext) -> None:
    kit = await _kit(context, '<form action="/ok"><button>Send</button></form>')
    with pytest.raises(SiteChanged, match=r"link_form\.submit"):
        await where_it_posts(kit, "link_form.submit")
    kit = await _kit(context, '<form action="/ok"><button>Submit</button><button>Submit</button></form>')
    with pytest.raises(SiteChanged, match="matched 2 elements, not one"):
        await where_it_posts(kit, "link_form.submit")
