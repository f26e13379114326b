"""Refusing shared firm PACER accounts, which the courts forbid linking.

Three independent signals, any one enough: the PACER name reads as an
organisation; one PACER username is given for different attorneys in the same
run; the username is on the firm's own deny-list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .names import normalise

# Matched as whole words after dots are removed ("L.L.P." -> "llp").
ENTITY_WORDS = frozenset(
    {
        "llp",
        "llc",
        "lllp",
        "pllc",
        "pllp",
        "lp",
        "pc",
        "pa",
        "apc",
        "aplc",
        "plc",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "chtd",
        "chartered",
    }
)
ORGANISATION_WORDS = frozenset(
    {
        "firm",
        "office",
        "offices",
        "group",
        "partners",
        "partnership",
        "associates",
        "attorneys",
        "lawyers",
        "legal",
        "services",
        "department",
        "clinic",
        "center",
        "centre",
        "society",
        "association",
        "bank",
        "agency",
        "staff",
        "team",
        "admin",
        "shared",
    }
)
_PHRASES = (
    (re.compile(r"\blaw\s+(firm|offices?|group|center|practice)\b"), "a law firm or office"),
    (re.compile(r"(&|\band)\s+associates\b"), '"& Associates"'),
)


def _plain(name: str) -> str:
    return re.sub(r"\.", "", name.casefold())


def looks_like_organisation(name: str) -> str | None:
    """Why `name` reads as a firm rather than one person, or None."""
    plain = _plain(name)
    for pattern, what in _PHRASES:
        if pattern.search(plain):
            return f'the PACER name "{name}" reads as {what}, not one person'
    if "&" in plain or "/" in plain or (re.search(r"\w\s+and\s+\w", plain) and "," not in plain):
        return f'the PACER name "{name}" joins more than one person'
    for word in re.findall(r"[a-z0-9]+", plain):
        if word in ENTITY_WORDS:
            return f'the PACER name "{name}" carries a business-entity suffix ("{word.upper()}")'
        if word in ORGANISATION_WORDS:
            return f'the PACER name "{name}" reads as an organisation ("{word}")'
    return None


def attorney_key(name: str, cmecf_username: str) -> str:
    """Who an attorney is across courts: their name when known (CM/ECF logins
    differ from court to court), else their CM/ECF login."""
    return normalise(name) if name.strip() else f"login:{cmecf_username.casefold()}"


class SharedAccountGuard:
    """Sees the whole run, so it can tell when two attorneys share one PACER login."""

    def __init__(self, deny: set[str] | frozenset[str] = frozenset()) -> None:
        self.deny = {u.casefold() for u in deny}
        self._people: dict[str, set[str]] = defaultdict(set)

    def register(self, pacer_username: str, key: str) -> None:
        self._people[pacer_username.casefold()].add(key)

    def check(self, pacer_username: str, key: str, pacer_name: str) -> str | None:
        """Why this attorney's PACER account is shared, or None."""
        user = pacer_username.casefold()
        if user in self.deny:
            return f'PACER username "{pacer_username}" is on the shared-accounts list'
        others = self._people.get(user, set()) - {key}
        if others:
            count = len(others) + 1
            return (
                f'PACER username "{pacer_username}" is given for {count} different attorneys in'
                " this run, so it is a shared account"
            )
        return looks_like_organisation(pacer_name)


def load_deny_list(path: Path) -> set[str]:
    """PACER usernames, one a line; blank lines and `#` comments are ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the shared-accounts list ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: the shared-accounts list is not UTF-8 text.") from None
    users: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if any(ch.isspace() for ch in entry) or "," in entry:
            raise ValueError(
                f'{path}, line {number}: "{entry}" is not one PACER username; put one username on'
                " each line (a # starts a comment)."
            )
        users.add(entry)
    return users
