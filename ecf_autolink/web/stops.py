"""How a step of the flow ends other than by going on: each error carries the row's outcome.

The pages raise them too (a page that no longer matches, a court that signed the
browser out, a load that failed), so this module depends on nothing but `outcome`.
"""

from __future__ import annotations

from ..outcome import Outcome
from ..words import NOTHING_LINKED


class FlowStop(Exception):
    """Ends the flow for this row with an outcome; the message is for a paralegal."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


class SiteChanged(FlowStop):
    def __init__(self, what: str, url: str, yaml_file: str) -> None:
        super().__init__(
            Outcome.SITE_CHANGED,
            f"the court's page no longer matches the selectors: {what} not found on {url};"
            f" edit {yaml_file} (run `autolink check` to see every selector); {NOTHING_LINKED}",
        )
        self.what = what


class SessionEnded(FlowStop):
    """The court signed us out mid-flow; before the final Submit, signing in again is safe.

    `twice`: it happened again after signing in afresh (the flow starts over once; a
    --recheck look does not, so its first expiry is reported as it is).
    """

    def __init__(self, url: str, *, twice: bool = False) -> None:
        again = " twice in a row" if twice else ""
        super().__init__(
            Outcome.ERROR,
            f"the court's session ended mid-flow (signed out at {url}){again}; {NOTHING_LINKED}; run again",
        )
        self.url = url


class TransientFailure(Exception):
    """A step met a 5xx or a network error; `tries` is how often it was attempted."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.tries = 1
