"""Every selector in default.yaml finds exactly one element on its saved page (issue 2).

The flow would find out too, one step at a time; this names the key and the page at
once when a fixture or a selector is edited.
"""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext

from ecf_autolink.locators import load_selectors
from ecf_autolink.replica.templates import PLACEHOLDER, Templates

pytestmark = pytest.mark.browser

SELECTORS = load_selectors("")

# Each locator group, and the saved page it belongs to.
PAGE_OF_GROUP = {
    "court_front": "court_front.html",
    "pacer_login": "pacer_login.html",
    # The plain form's one message area (the in-page login has one per dialog).
    "pacer_messages": "pacer_login.html",
    "pacer_mfa": "pacer_mfa.html",
    "cmecf_main": "cmecf_main.html",
    "utilities_menu": "utilities_menu.html",
    "link_form": "link_form.html",
    "confirm": "link_confirm.html",
    "success": "link_success.html",
}

# Phrase groups with a page of their own (the rest are messages on a form page, which the
# replica fills in and the end-to-end tests read).
PAGE_OF_TEXTS = {
    "pacer_account_locked": "pacer_account_locked.html",
    "pacer_account_disabled": "pacer_account_disabled.html",
    "pacer_password_expired": "pacer_password_expired.html",
    "pacer_mfa_enrollment": "pacer_mfa_enroll.html",
    "pacer_legacy_account": "pacer_legacy_account.html",
    "court_not_nextgen": "utilities_menu_not_ready.html",
    "cmecf_session_expired": "session_expired.html",
}


def _rendered(name: str) -> str:
    templates = Templates("default")
    text = templates.path(name).read_text(encoding="utf-8")
    # Every placeholder gets a plain value, as the replica would give one.
    return templates.render(name, {key: "Sample" for key in PLACEHOLDER.findall(text)})


# The sign-in dialogs wait hidden in the in-page login page; each group is read with
# its own dialog open, as a person would see it.
DIALOG_OF_GROUP = {
    "pacer_mfa": "mfaDialog",
    "pacer_redaction": "regmsg:redactionConfirmation",
    "pacer_ack": "ackDialog",
    "pacer_inactive": "inactiveDialog",
}
INPAGE = "pacer_login_inpage.html"


def test_every_group_and_key_has_a_page() -> None:
    assert set(SELECTORS.locators) == set(PAGE_OF_GROUP) | set(DIALOG_OF_GROUP)


@pytest.mark.parametrize("key", [k for k in SELECTORS.all_keys() if k.split(".")[0] in DIALOG_OF_GROUP])
async def test_each_dialog_selector_finds_one_visible_element_with_its_dialog_open(
    context: BrowserContext, key: str
) -> None:
    page = await context.new_page()
    await page.set_content(_rendered(INPAGE))
    dialog = DIALOG_OF_GROUP[key.split(".")[0]]
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


@pytest.mark.parametrize("key", SELECTORS.all_keys())
async def test_each_selector_finds_exactly_one_element_on_its_page(context: BrowserContext, key: str) -> None:
    page = await context.new_page()
    name = PAGE_OF_GROUP.get(key.split(".")[0])
    if name is None:
        pytest.skip("a dialog group: read with its dialog open")
    await page.set_content(_rendered(name))
    count = await SELECTORS.locator(page, key).count()
    assert count == 1, f"{key} ({SELECTORS.spec(key).describe()}) finds {count} elements on {name}"


@pytest.mark.parametrize("kind", sorted(PAGE_OF_TEXTS))
async def test_each_page_phrase_is_on_its_page(context: BrowserContext, kind: str) -> None:
    page = await context.new_page()
    await page.set_content(_rendered(PAGE_OF_TEXTS[kind]))
    found = [p for p in SELECTORS.phrases(kind) if await page.get_by_text(p).count()]
    assert found, f"none of texts.{kind} {SELECTORS.phrases(kind)} is on {PAGE_OF_TEXTS[kind]}"
