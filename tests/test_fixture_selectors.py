"""The selectors and the table of page kinds agree, and what the golden page tests cannot
read on a page as first seen is checked here: the in-page login's dialogs, each with its
dialog open, and the answer areas of the replica's own pages.

tests/test_golden_pages.py checks each page's marks, controls and phrases.
"""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from ecf_autolink.locators import REQUIRED_TEXTS, load_selectors
from ecf_autolink.pages.kinds import SPECS, PageKind, recorded_kinds
from ecf_autolink.replica.templates import PLACEHOLDER, Templates

pytestmark = pytest.mark.browser

SELECTORS = load_selectors("")

# The locator keys a page shows only in answer to the flow (an error area), and the
# page the replica shows them on.
ANSWER_PAGE = {
    key: spec.fixture for _, spec in recorded_kinds() for key in spec.answers if key in spec.locator_keys
}


def _rendered(name: str) -> str:
    templates = Templates("default")
    text = templates.path(name).read_text(encoding="utf-8")
    # Every placeholder gets a plain value, as the replica would give one.
    return templates.render(name, {key: "Sample" for key in PLACEHOLDER.findall(text)})


# The sign-in dialogs wait hidden in the in-page login page; each is read with its
# dialog open, as a person would see it. The ids are the replica's.
DIALOG_OF_KIND = {
    PageKind.PACER_MFA: "mfaDialog",
    PageKind.PACER_REDACTION: "regmsg:redactionConfirmation",
    PageKind.PACER_ACK: "ackDialog",
    PageKind.PACER_INACTIVE: "inactiveDialog",
}
DIALOG_OF_KEY = {key: dialog for kind, dialog in DIALOG_OF_KIND.items() for key in SPECS[kind].locator_keys}
INPAGE = "pacer_login_inpage.html"


def test_the_table_of_page_kinds_names_every_selector_and_phrase_group_and_no_other() -> None:
    in_table = {key for spec in SPECS.values() for key in spec.locator_keys}
    assert in_table == set(SELECTORS.all_keys())
    # A phrase group nothing reads would be a word to maintain for nothing.
    assert set(REQUIRED_TEXTS) == set(SELECTORS.texts)
    # Every prompt with no page of its own is read in its dialog.
    assert {kind for kind, spec in SPECS.items() if spec.fixture is None} <= set(DIALOG_OF_KIND)


@pytest.mark.parametrize("key", sorted(DIALOG_OF_KEY))
async def test_each_dialog_selector_finds_one_visible_element_with_its_dialog_open(
    context: BrowserContext, key: str
) -> None:
    page = await context.new_page()
    await page.set_content(_rendered(INPAGE))
    dialog = DIALOG_OF_KEY[key]
    locator = SELECTORS.locator(page, key).filter(visible=True)
    assert await locator.count() == 0, f"{key} is visible before its dialog opens"
    await page.evaluate(
        "id => { const d = document.getElementById(id); d.style.display = 'block';"
        " d.setAttribute('aria-hidden', 'false'); }",
        dialog,
    )
    inside = await locator.evaluate_all(
        "(els, id) => els.every(e => document.getElementById(id).contains(e))", dialog
    )
    count = await locator.count()
    assert inside and count >= 1, f"{key} ({SELECTORS.spec(key).describe()}) is not in #{dialog}"
    if not key.endswith(".notice"):
        # A control: its alternatives (words, id) must all name the same one.
        assert count == 1, f"{key} ({SELECTORS.spec(key).describe()}) finds {count} controls in #{dialog}"


@pytest.mark.parametrize("key", sorted(ANSWER_PAGE))
async def test_each_answer_area_finds_exactly_one_element_on_its_page(
    context: BrowserContext, key: str
) -> None:
    page = await context.new_page()
    name = ANSWER_PAGE[key]
    await page.set_content(_rendered(name))
    count = await SELECTORS.locator(page, key).count()
    assert count == 1, f"{key} ({SELECTORS.spec(key).describe()}) finds {count} elements on {name}"
