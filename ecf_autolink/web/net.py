"""Origins, redirects and network failures, read from addresses and Playwright's answers.

Pure helpers (no page is driven here): the flow decides what to trust by origin, and
the pages and the Submit turn a failed load into words that quote no page content.
"""

from __future__ import annotations

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Response

from ..court_urls import origin_of
from .stops import TransientFailure


def redirect_chain(response: Response | None) -> list[str]:
    """The addresses a load went through, first to last (redirects Playwright itself
    answered, under request interception, leave no trace here)."""
    chain: list[str] = []
    request = response.request if response is not None else None
    while request is not None:
        chain.append(request.url)
        request = request.redirected_from
    return chain[::-1]


def signed_in_again(response: Response | None) -> bool:
    """The answer came by way of another host: the court's session had ended, and the
    sign-in host sent the browser back signed in afresh (to the court's main page,
    not the page asked for). A court's own redirects never leave the court."""
    return len({origin_of(url) for url in redirect_chain(response)}) > 1


def first_hop_away(link: str, response: Response | None, landed: str, court_origin: str) -> str:
    """Where the Document Filing System link first leaves the court: the link itself, or
    the first redirect to another origin. Only that host stands in for PACER's; a chain
    that wanders on to a third host ends on a page that is not trusted."""
    # Where the browser landed closes the list, for redirects the chain cannot show.
    for url in [link, *redirect_chain(response), landed]:
        if origin_of(url) != court_origin:
            return url
    return link


def network_reason(exc: PlaywrightError, url: str) -> str:
    text = str(exc.message if hasattr(exc, "message") else exc)
    code = next((word for word in text.split() if word.startswith("net::")), None)
    # Playwright's messages carry call logs with page content; keep only the code.
    return f"{code or 'network error'} from {origin_of(url)}"


def check_status(response: Response | None, url: str) -> None:
    if response is not None and response.status >= 500:
        raise TransientFailure(f"HTTP {response.status} from {origin_of(url)}")
