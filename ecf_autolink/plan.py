"""Roster × courts → the rows a run will attempt, each with its address and selectors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .attorney import Attorney
from .court_urls import BUILT_IN
from .locators import Selectors, load_selectors


@dataclass(frozen=True)
class Row:
    attorney: Attorney
    court_url: str
    # The trusted PACER login origin; None when --court-url replaced the court's address.
    login_origin: str | None
    selectors: Selectors
    # Where `court_url` came from, for the terminal and the reports.
    court_url_source: str = BUILT_IN


def build_plan(
    attorneys: list[Attorney],
    court_url_for: dict[str, str],
    *,
    login_origin: str | None,
    selector_dirs: Sequence[Path] | None = None,
    source: str = BUILT_IN,
) -> list[Row]:
    """One row per attorney-court, sharing one selector set per court. `selector_dirs`:
    the user's override folders, as `load_selectors` takes them."""
    selectors: dict[str, Selectors] = {}
    rows = []
    for attorney in attorneys:
        court = attorney.court
        if court not in selectors:
            selectors[court] = load_selectors(court, overrides=selector_dirs)
        rows.append(Row(attorney, court_url_for[court], login_origin, selectors[court], source))
    return rows
