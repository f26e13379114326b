"""Before a secret is typed or a form posted: is this page, and where its form sends, trusted?

Both count: the page's own origin (a look-alike host after a redirect) and where its
form would send what is typed (a form posting to another host). Either one wrong ends
the row before anything is sent.
"""

from __future__ import annotations

from ..court_urls import origin_of
from ..outcome import Outcome
from ..pages.base import PageKit
from ..pages.form_target import where_it_posts
from ..web.stops import FlowStop
from ..words import NOTHING_LINKED


async def trust(kit: PageKit, origin: str | None, purpose: str, button: str, *, dialog: bool = False) -> None:
    """Refuse to `purpose` on this page unless it and `button`'s form are both on `origin`.

    `origin` None: no host is trusted yet (the court's login host not learned), so
    nothing is. `dialog`: the button belongs to a dialog, whose hidden twins in the page
    do not count.
    """
    here = origin_of(kit.page.url)
    if origin is None or here != origin:
        raise FlowStop(
            Outcome.ERROR,
            f"refused to {purpose} on {here}, which is not trusted for this run"
            f" (expected {origin or 'the court'}); {NOTHING_LINKED}",
        )
    action = await where_it_posts(kit, button, shown=dialog)
    if origin_of(action) != origin:
        raise FlowStop(
            Outcome.ERROR,
            f"refused to {purpose}: the form on {here} posts to {origin_of(action)}, which is"
            f" not trusted for this run (expected {origin}); {NOTHING_LINKED}",
        )
