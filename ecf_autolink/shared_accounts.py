"""Refusing shared firm PACER accounts, which the courts forbid linking.

Three independent signals, any one enough: the PACER name reads as an
organisation; one PACER username is given for different attorneys in the same
run; the username is on the firm's own deny-list.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from .names import normalise, parse, same_person

# Matched as whole words after dots are removed ("L.L.P." -> "llp"). No person's name
# holds these anywhere.
ENTITY_WORDS = frozenset(
    {
        "llp",
        "llc",
        "lllp",
        "pllc",
        "pllp",
        "apc",
        "aplc",
        "ltd",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "chtd",
    }
)
# Entity suffixes that are also given names or initials ("Pa Nguyen", "P.C. Smith"),
# so they count only where a suffix stands: last, or after a comma on their own.
TRAILING_ENTITY_WORDS = frozenset({"pc", "pa", "lp", "plc", "co", "company", "limited", "chartered"})
# Entity suffixes that are also surnames ("Kevin Co"): last they are read as the surname, so
# they count only after a comma. "Doe Co" is still refused, by the name check.
SURNAME_ENTITY_WORDS = frozenset({"co"})
# Words no individual is named.
ORGANISATION_WORDS = frozenset(
    {
        "firm",
        "offices",
        "partners",
        "partnership",
        "associates",
        "attorneys",
        "lawyers",
        "services",
        "department",
        "association",
        "admin",
        "shared",
    }
)
# Organisation words that are also surnames ("Lawrence Office", "Mary Ann Group"): they count
# except as the surname of a name with a given name. A firm account named "Doe Group" or
# "The Doe Group" is still refused, by the name check, since it is not the attorney's name.
SURNAME_LIKE_WORDS = frozenset(
    {
        "office",
        "group",
        "legal",
        "bank",
        "team",
        "center",
        "centre",
        "society",
        "clinic",
        "agency",
        "staff",
    }
)
_PHRASES = (
    (re.compile(r"\blaw\s+(firm|offices?|group|center|practice)\b"), "a law firm or office"),
    (re.compile(r"(&|\band)\s+associates\b"), '"& Associates"'),
)
# "Smith & Jones", "Smith and Jones", "Smith/Jones"; "Anderson" and "Sandra" hold no word "and".
_JOINED = re.compile(r"[&/+]|\w\s+and\s+\w")


def _plain(name: str) -> str:
    """Lower case without accents or dots, so "P.A." and "Núñez" are whole words."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"\.", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _surname_words(name: str) -> frozenset[str]:
    """The words of `name`'s surname as the name comparison reads it ("Ann Doe-Group",
    "Group, Ann", "Dr. Mary Ann Group Jr."). None for a lone word, which names no person,
    nor after a leading "The": "The Doe Group" is a firm, and a person named Thế Group is
    too rare to let every such firm through."""
    parsed = parse(name)
    if parsed is None or parsed.first in ("", "the"):
        return frozenset()
    return frozenset(parsed.last.split("-"))


def looks_like_organisation(name: str) -> str | None:
    """Why `name` reads as a firm rather than one person, or None."""
    plain = _plain(name)
    for pattern, what in _PHRASES:
        if pattern.search(plain):
            return f'the PACER name "{name}" reads as {what}, not one person'
    if _JOINED.search(plain):
        return f'the PACER name "{name}" joins more than one person'
    surname = _surname_words(name)
    parts = [words for words in (re.findall(r"[a-z0-9]+", p) for p in plain.split(",")) if words]
    for part, words in enumerate(parts):
        on_its_own = part > 0 and all(w in TRAILING_ENTITY_WORDS for w in words)
        for index, word in enumerate(words):
            last = part == len(parts) - 1 and index == len(words) - 1
            suffix_place = on_its_own or (last and word not in SURNAME_ENTITY_WORDS)
            if word in ENTITY_WORDS or (word in TRAILING_ENTITY_WORDS and suffix_place):
                return f'the PACER name "{name}" carries a business-entity suffix ("{word.upper()}")'
            if word in ORGANISATION_WORDS or (word in SURNAME_LIKE_WORDS and word not in surname):
                return f'the PACER name "{name}" reads as an organisation ("{word}")'
    return None


def attorney_key(name: str, cmecf_username: str) -> str:
    """Who an attorney is across courts: their name when known (CM/ECF logins
    differ from court to court), else their CM/ECF login."""
    parsed = parse(name)
    if parsed is None:
        return f"login:{cmecf_username.casefold()}"
    # The generation stays in the key: a father and son sharing a login is the case to catch.
    return " ".join(filter(None, [normalise(name), parsed.generation]))


def _same_attorney(a: str, b: str) -> bool:
    """Two keys for one person: "maria garcia" and "maria l garcia" are one attorney
    written two ways in the roster, not two attorneys sharing a login."""
    if a == b:
        return True
    if a.startswith("login:") or b.startswith("login:"):
        return False
    return same_person(a, b)


def _people(keys: set[str]) -> int:
    """How many different attorneys `keys` name; 1 only when every pair may be one person.

    Pairwise, since "j smith" matches both "john smith" and "jane smith" who do not
    match each other. Fuller names go first so that initials join them when counting.
    """
    ordered = sorted(keys, key=lambda k: (-len(k), k))
    groups: list[str] = []
    for key in ordered:
        if not any(_same_attorney(key, seen) for seen in groups):
            groups.append(key)
    if len(groups) == 1 and any(
        not _same_attorney(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]
    ):
        return 2
    return len(groups)


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
        keys = self._people.get(user, set()) | {key}
        # Every row on a shared login is refused, including one that matches all the others
        # ("J. Smith" beside "John Smith" and "Jane Smith"): no row can say whose it is.
        count = _people(keys)
        if count > 1:
            return (
                f'PACER username "{pacer_username}" is given for {count} different attorneys in'
                " this run, so it is a shared account"
            )
        return looks_like_organisation(pacer_name)


def load_deny_list(path: Path) -> set[str]:
    """PACER usernames, one a line; blank lines and `#` comments are ignored."""
    try:
        # "utf-8-sig": Notepad's byte-order mark would otherwise stick to the first username.
        text = path.read_text(encoding="utf-8-sig")
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
