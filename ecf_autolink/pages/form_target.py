"""Where pressing a button would send its form, read without loading Playwright's
selector engine into the page's own world.

The form's real destination is the browser's to say (`formAction`, and the form the
parser gave the button, which in old CM/ECF markup need not be an ancestor), so the page's
own script must read it. Asking through `Locator.evaluate` made Playwright load its
selector engine (a third of a megabyte of script) into the page's world once more per
page: about 30 ms of CPU each time, on two pages of every link (bench/unit_costs.py).
Instead the button is found and focused from Playwright's own world, as every other
look finds it (as a click would focus it a moment later), checked to be the focused
element, and the page's world is asked about the focused element: three small round
trips, about 8 ms. When the focus did not land on it (a button that cannot take
focus), the slow way is taken.
"""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError

from .base import PageKit

# A button's own formaction wins over its form's action when the form is sent; a button
# outside any form sends to the page itself.
WHERE_IT_POSTS = (
    "b => (b.hasAttribute('formaction') && b.formAction) || (b.form && b.form.action) || document.URL"
)
_OF_THE_FOCUSED = f"() => String(({WHERE_IT_POSTS})(document.activeElement))"


async def where_it_posts(kit: PageKit, key: str, *, shown: bool = False) -> str:
    """The address the button `key` names would send its form to. `shown`: the visible
    one of its kind (a dialog's button, whose hidden twins do not count); otherwise the
    key must name exactly one element (SiteChanged if not)."""
    locator = await kit.shown(key) if shown else kit.loc(key)
    try:
        await locator.focus(timeout=kit.timeout_ms)
    except PlaywrightError as exc:
        if shown:
            raise
        raise await kit.not_one(key, locator, exc) from None
    if await locator.and_(kit.page.locator(":focus")).count() == 1:
        return str(await kit.page.evaluate(_OF_THE_FOCUSED))
    return str(await locator.evaluate(WHERE_IT_POSTS))
