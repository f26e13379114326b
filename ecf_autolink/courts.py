"""The district and bankruptcy courts ecf-autolink knows, keyed by PACER court id.

The list comes from Free Law Project's `courts-db` (CourtListener's court table). Its ids
are CourtListener ids, which equal PACER ids for these courts with a few exceptions, and
its `type` and `dates` fields are not reliable for federal trial courts (several sitting
district courts are typed "appellate"; D.N.J. carries an end date). So a court is kept by
the shape of its id instead: PACER names a district court `<state><n|s|e|w|m|c>d` and a
bankruptcy court the same with `b`. `data/courts_extra.csv` holds the corrections
courts-db needs and the facts it lacks (NextGen go-live dates), each with its source.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any, Literal

import courts_db

CourtType = Literal["bankruptcy", "district"]

# Appellate filers link in PACER's Manage My Account, not on a court's CM/ECF site.
APPELLATE_IDS = frozenset({*(f"ca{n}" for n in range(1, 12)), "cadc", "cafc"})

# Postal codes of the states plus the districts PACER names by territory.
_REGIONS = frozenset(
    (
        "al",
        "ak",
        "az",
        "ar",
        "ca",
        "co",
        "ct",
        "de",
        "fl",
        "ga",
        "hi",
        "id",
        "il",
        "in",
        "ia",
        "ks",
        "ky",
        "la",
        "me",
        "md",
        "ma",
        "mi",
        "mn",
        "ms",
        "mo",
        "mt",
        "ne",
        "nv",
        "nh",
        "nj",
        "nm",
        "ny",
        "nc",
        "nd",
        "oh",
        "ok",
        "or",
        "pa",
        "ri",
        "sc",
        "sd",
        "tn",
        "tx",
        "ut",
        "vt",
        "va",
        "wa",
        "wv",
        "wi",
        "wy",
        "dc",
        "pr",
        "gu",
        "vi",
        "nmi",
    )
)
# "nmi" first so that nmid/nmib are not read as New Mexico plus a division letter.
_PACER_ID = re.compile(r"^(?P<region>nmi|[a-z]{2})(?P<division>[nsewmc]?)(?P<kind>[db])$")
_KIND_TYPE: dict[str, CourtType] = {"d": "district", "b": "bankruptcy"}

_EXTRA_STATUSES = frozenset({"", "current", "exclude"})


class UnknownCourt(ValueError):
    """The id names no district or bankruptcy court this tool knows."""


class AppellateCourt(ValueError):
    """The id names a court of appeals, whose accounts are linked elsewhere."""


@dataclass(frozen=True)
class Court:
    id: str
    name: str
    type: CourtType
    cmecf_url: str
    nextgen_live: date | None = None


@dataclass(frozen=True)
class CourtExtra:
    """One row of `courts_extra.csv`."""

    id: str
    courts_db_id: str
    name: str
    nextgen_live: date | None
    status: str


def cmecf_url(court_id: str) -> str:
    return f"https://ecf.{court_id}.uscourts.gov/"


def all_courts() -> list[Court]:
    """Every known district and bankruptcy court, sorted by id."""
    return list(_table()[0])


def get_court(court_id: str) -> Court:
    """The court with this PACER id (any case, surrounding spaces ignored)."""
    key = court_id.strip().lower()
    court = _table()[1].get(key)
    if court is not None:
        return court
    if key in APPELLATE_IDS:
        raise AppellateCourt(appellate_message(key))
    raise UnknownCourt(unknown_message(court_id, suggest(key)))


def appellate_message(court_id: str) -> str:
    return (
        f"{court_id} is a court of appeals: appellate filers link their accounts in PACER's "
        'Manage My Account ("Link my filer account to my PACER account"); ecf-autolink handles '
        "district and bankruptcy courts only."
    )


def unknown_message(court_id: str, suggestions: list[str]) -> str:
    shown = court_id.strip()
    if suggestions:
        return f"unknown court id {shown!r}; did you mean {', '.join(suggestions)}?"
    return f"unknown court id {shown!r}; `autolink courts` lists the known ids"


def suggest(court_id: str, limit: int = 3) -> list[str]:
    """The known ids closest to a mistyped one, best first, ties in id order."""
    key = court_id.strip().lower()
    matcher = difflib.SequenceMatcher(b=key)
    scored: list[tuple[float, str]] = []
    for candidate in _table()[1]:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            score = matcher.ratio()
            if score >= 0.6:
                scored.append((score, candidate))
    # Among equal scores, an id from the same state reads as the likelier slip.
    scored.sort(key=lambda pair: (-pair[0], -_common_prefix(key, pair[1]), pair[1]))
    return [candidate for _, candidate in scored[:limit]]


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        size += 1
    return size


@functools.cache
def _table() -> tuple[tuple[Court, ...], dict[str, Court]]:
    courts = build_courts(courts_db.courts, load_extras())
    return courts, {court.id: court for court in courts}


def build_courts(records: Iterable[Mapping[str, Any]], extras: Mapping[str, CourtExtra]) -> tuple[Court, ...]:
    """Select and shape the PACER district and bankruptcy courts among courts-db records."""
    by_source_id = {extra.courts_db_id: extra for extra in extras.values() if extra.courts_db_id}
    candidates: dict[str, tuple[str, CourtType]] = {}
    for record in records:
        if record.get("system") != "federal":
            continue
        source_id = str(record.get("id", ""))
        extra = by_source_id.get(source_id)
        court_id = extra.id if extra else source_id
        extra = extra or extras.get(court_id)
        match = _PACER_ID.match(court_id)
        if match is None or match["region"] not in _REGIONS:
            continue
        if extra and extra.status == "exclude":
            continue
        if not (extra and extra.status == "current") and not _is_current(record):
            continue
        name = (extra.name if extra and extra.name else str(record.get("name", ""))).strip()
        candidates[court_id] = (name or court_id, _KIND_TYPE[match["kind"]])
    superseded = _superseded(candidates)
    courts = [
        Court(
            id=court_id,
            name=name,
            type=court_type,
            cmecf_url=cmecf_url(court_id),
            nextgen_live=extras[court_id].nextgen_live if court_id in extras else None,
        )
        for court_id, (name, court_type) in candidates.items()
        if court_id not in superseded
    ]
    return tuple(sorted(courts, key=lambda court: court.id))


def _is_current(record: Mapping[str, Any]) -> bool:
    """A court sits today when one of its date ranges is still open."""
    ranges = record.get("dates") or []
    return any(not (span or {}).get("end") for span in ranges)


def _superseded(court_ids: Iterable[str]) -> set[str]:
    """Undivided `ald`-style ids of states whose courts are now divided.

    They are historical courts, yet courts-db leaves some with an open date range
    (e.g. `okd`, `ncd`).
    """
    parts = {court_id: _PACER_ID.match(court_id) for court_id in court_ids}
    divided = {(m["region"], m["kind"]) for m in parts.values() if m and m["division"]}
    return {
        court_id
        for court_id, m in parts.items()
        if m and not m["division"] and (m["region"], m["kind"]) in divided
    }


@functools.cache
def load_extras() -> dict[str, CourtExtra]:
    text = resources.files("ecf_autolink.data").joinpath("courts_extra.csv").read_text("utf-8")
    return parse_extras(text)


def parse_extras(text: str) -> dict[str, CourtExtra]:
    """Parse the checked-in corrections table; a bad row is a packaging bug, so raise."""
    extras: dict[str, CourtExtra] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        court_id = (row.get("id") or "").strip().lower()
        status = (row.get("status") or "").strip().lower()
        if not court_id or status not in _EXTRA_STATUSES:
            raise ValueError(f"courts_extra.csv line {line}: needs an id and a known status")
        live = (row.get("nextgen_live") or "").strip()
        extras[court_id] = CourtExtra(
            id=court_id,
            courts_db_id=(row.get("courts_db_id") or "").strip(),
            name=(row.get("name") or "").strip(),
            nextgen_live=date.fromisoformat(live) if live else None,
            status=status,
        )
    return extras
