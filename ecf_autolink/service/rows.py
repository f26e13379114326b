"""A roster's attorneys as the run's rows: each court's address (the built-in list, or
--court-url / AUTOLINK_COURT_URL), and the login host each row may trust."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from ..attorney import Attorney
from ..court_urls import PACER_LOGIN_ORIGIN, CourtUrls
from ..courts import AppellateCourt, UnknownCourt, get_court
from ..locators import SelectorError
from ..plan import Row, build_plan
from ..words import FLAGS


class RowsProblem(ValueError):
    """Courts or selectors that cannot make rows; the message says what to fix."""


def court_addresses(courts: Sequence[str], site: CourtUrls | None) -> dict[str, str]:
    """Each court's CM/ECF address, the site's where it names one; every unknown id is
    named in one message."""
    if site and site.bare and len(courts) > 1:
        raise RowsProblem(
            f"{FLAGS['court_url']} points at one court's site; give exactly one {FLAGS['court']} with"
            f" it, or name each court as {FLAGS['court_url']} COURT=URL."
        )
    urls: dict[str, str] = {}
    problems = []
    for court_id in courts:
        try:
            court = get_court(court_id)
        except (UnknownCourt, AppellateCourt) as exc:
            problems.append(str(exc))
            continue
        urls[court.id] = site.url_for(court.id, court.cmecf_url) if site else court.cmecf_url
    if problems:
        raise RowsProblem(" ".join(problems))
    return urls


def rows_for(
    attorneys: Sequence[Attorney], site: CourtUrls, selector_dirs: Sequence[Path]
) -> tuple[list[Row], dict[str, str]]:
    """The run's rows and the courts' addresses. A row at a court reached by --court-url
    trusts the host its Document Filing System link leads to (and says where its address
    came from) instead of PACER's login host."""
    urls = court_addresses(tuple(dict.fromkeys(a.court for a in attorneys)), site)
    try:
        rows = build_plan(
            list(attorneys), urls, login_origin=PACER_LOGIN_ORIGIN, selector_dirs=list(selector_dirs)
        )
    except SelectorError as exc:
        raise RowsProblem(str(exc)) from None
    return [
        dataclasses.replace(row, login_origin=None, court_url_source=site.source)
        if site.replaced(row.attorney.court)
        else row
        for row in rows
    ], urls
