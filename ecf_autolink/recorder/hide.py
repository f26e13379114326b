"""Hide: the values a recording must not keep (credentials, names, addresses), and the
last check that a finished template shows none of them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..attorney import Attorney
from ..court_urls import origin_of
from ..paths import fixtures_dir
from ..replica.templates import PLACEHOLDER
from .scrub import tidy, value_pattern


@dataclass(frozen=True)
class Hidden:
    """One value to hide: what it is (for messages, never the value), and its placeholder."""

    what: str
    value: str
    placeholder: str  # "" deletes it


def values_to_hide(
    attorney: Attorney,
    typed_codes: Iterable[str],
    *,
    court_url: str,
    login_url: str | None,
    shown_names: Mapping[str, str],
) -> list[Hidden]:
    """Credentials first (deleted), then who the attorney is and where the court lives."""
    items = [
        Hidden("the PACER password", attorney.pacer_password.reveal(), ""),
        Hidden("the CM/ECF password", attorney.cmecf_password.reveal(), ""),
        Hidden("the TOTP secret", attorney.totp_secret.reveal() if attorney.totp_secret else "", ""),
        Hidden("the client code", attorney.client_code, ""),
        *(Hidden("a one-time passcode", code, "") for code in typed_codes),
        Hidden("the PACER username", attorney.pacer_username, "pacer_username"),
        Hidden("the CM/ECF login", attorney.cmecf_username, "cmecf_username"),
        Hidden("the PACER name", shown_names.get("pacer_name", ""), "pacer_name"),
        Hidden("the CM/ECF name", shown_names.get("cmecf_name", ""), "cmecf_name"),
        Hidden("the attorney's name", attorney.name, "pacer_name"),
        Hidden("the court's address", origin_of(court_url), "court_base"),
        Hidden("the login host's address", origin_of(login_url) if login_url else "", "login_base"),
    ]
    # The same people surname first ("MARLOWE, QUENTIN"), as court pages often list them.
    for what, name in (
        ("the PACER name", shown_names.get("pacer_name", "")),
        ("the CM/ECF name", shown_names.get("cmecf_name", "")),
        ("the attorney's name", attorney.name),
    ):
        flipped = surname_first(name)
        if flipped:
            items.append(Hidden(f"{what}, surname first", flipped, "pacer_name"))
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.value.casefold()
        if item.value.strip() and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def default_page_text() -> str:
    pages = sorted((fixtures_dir() / "default").glob("*.html"))
    return " ".join(page.read_text(encoding="utf-8") for page in pages)


def surname_first(name: str) -> str:
    """ "Quentin A. Marlowe" -> "Marlowe, Quentin A."; "" for a name of one word."""
    words = name.replace(",", " ").split()
    if len(words) < 2 or "," in name:
        return ""
    return f"{words[-1]}, {' '.join(words[:-1])}"


def surname_words(names: Iterable[str], common_text: str) -> list[Hidden]:
    """Each surname alone, for the last check only: replacing a lone word could change a
    page's own text, so a page that still shows one is refused, not rewritten. A surname
    that is also a word of the saved pages ("Link", "Court") cannot be told apart."""
    common = {w.casefold() for w in re.findall(r"[A-Za-z]+", common_text)}
    found: dict[str, Hidden] = {}
    for name in names:
        words = [w for w in re.split(r"[\s,]+", name) if len(w.strip(".")) >= 3]
        if len(words) >= 2 and words[-1].casefold() not in common:
            found.setdefault(words[-1].casefold(), Hidden("the attorney's surname", words[-1], "pacer_name"))
    return list(found.values())


def leftovers(template: str, hidden: Iterable[Hidden]) -> list[str]:
    """What a finished template still shows that it must not (a last check, by kind)."""
    found = []
    for item in hidden:
        pattern = value_pattern(tidy(item.value, item.placeholder), whole_word=bool(item.placeholder))
        if any(pattern.search(part) for part in PLACEHOLDER.split(template)[::2]):
            found.append(item.what)
    return found
