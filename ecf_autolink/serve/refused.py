"""The page's "no": a request it cannot do now, with the reason a person can act on."""

from __future__ import annotations


class Refused(ValueError):
    """A request the page cannot do now; the message says why and what to do."""
