"""Whether two names on the confirmation table belong to one person.

Courts and PACER store names typed by different people years apart, so the
comparison forgives what carries no identity (case, punctuation, spacing,
accents, "Esq.", a missing middle name, an initial for a name) and refuses what
does: a different first or last name, conflicting middle initials, or
conflicting generations (Jr. against Sr.), because a father and son at one
firm is exactly the wrong link a careful attorney would catch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Generational suffixes identify a person; professional ones do not.
GENERATIONS = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
    "v": "v",
}
PROFESSIONAL = frozenset({"esq", "esquire", "phd", "jd", "llm", "cpa", "md"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "hon", "honorable", "prof"})
# Surname prefixes that one system writes apart and another joins ("O Brien" where the
# apostrophe was replaced by a space, "Mc Donald", "De La Cruz" against "DeLaCruz").
PARTICLES = frozenset(
    {
        "o",
        "d",
        "l",
        "mc",
        "mac",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "st",
    }
)


# Apostrophes join (O'Brien = OBrien), including the acute accent some keyboards
# type for one, which NFKD would otherwise turn into a space.
_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u02bc]")
# Every dash a word processor may put in a double surname counts as a hyphen.
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe63\uff0d]")
# Letters NFKD leaves whole although people type them without the mark.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe"}
)


@dataclass(frozen=True)
class PersonName:
    # Empty for a one-word name ("Smith"): no first name is known, so none is matched.
    first: str
    middles: tuple[str, ...]
    # A double surname keeps its hyphen ("smith-jones"): "Ana Smith-Jones" is not "Ana Jones".
    last: str
    generation: str | None

    def shown(self) -> str:
        # The surname keeps its hyphen: read back, "ana smith jones" would pass for "Ana Jones".
        return " ".join(filter(None, [self.first, *self.middles, self.last]))


@dataclass(frozen=True)
class NameVerdict:
    match: bool
    reason: str = ""


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes; a hyphen inside a word is kept,
    any other punctuation separates words."""
    text = _DASHES.sub("-", _APOSTROPHES.sub("", text))
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().translate(_UNDECOMPOSED)
    plain = re.sub(r"[^\w,-]+|_", " ", plain)
    return re.sub(r"(?<!\w)-|-(?!\w)", " ", plain)


def _is_suffix(word: str) -> bool:
    return word in GENERATIONS or word in PROFESSIONAL


def normalise(name: str) -> str:
    """The name folded for display in comparisons: "Smith, José A., Jr." -> "jose a smith"."""
    parsed = parse(name)
    return parsed.shown() if parsed else ""


def _strip_suffixes(words: list[str], given_part: bool) -> tuple[list[str], str | None]:
    """`words` without the suffixes at their end, and the generation among them.

    Only trailing words count: "John V Smith" has a middle initial V, "John Smith V"
    is the fifth. A lone "V" after the given names of "Smith, John V" is read as an
    initial too, since a conflicting initial then refuses rather than forgives.
    """
    generation: str | None = None
    whole = all(_is_suffix(word) for word in words)
    while words and _is_suffix(words[-1]) and (whole or len(words) > 1):
        word = words[-1]
        if word == "v" and given_part and not whole:
            break
        words = words[:-1]
        if word in GENERATIONS:
            generation = generation or GENERATIONS[word]
    return words, generation


def parse(name: str) -> PersonName | None:
    """First, middles, last and generation, from "First M. Last, Jr." or "Last, First M."."""
    parts = [p.split() for p in _fold(name).split(",")]
    parts = [p for p in parts if p]
    generation: str | None = None
    kept: list[list[str]] = []
    for index, part in enumerate(parts):
        words, found = _strip_suffixes(part, given_part=index == 1)
        generation = generation or found
        if words:
            kept.append(words)
    if not kept:
        return None
    # "Last, First Middle": the part before the first comma is the surname.
    words = kept[1] + kept[0] + [w for extra in kept[2:] for w in extra] if len(kept) >= 2 else kept[0]
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    if len(words) == 1:
        return PersonName("", (), words[0], generation)
    # Only the surname keeps its hyphen; "Jean-Luc" is a first and a middle name.
    given = [piece for word in words[:-1] for piece in word.split("-")]
    return PersonName(given[0], tuple(given[1:]), words[-1], generation)


def _same_given(a: str, b: str) -> bool:
    """Equal, or one is an initial of the other."""
    if a == b:
        return True
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


def _surnames(left: PersonName, right: PersonName) -> tuple[list[str], list[str]] | None:
    """Both sides' given names once their surnames agree, or None when they do not.

    "Ana Smith-Jones" and "Ana Smith Jones" agree (the second may have lost its
    hyphen), with "smith" taken out of the second's given names.
    """
    left_given, right_given = [left.first, *left.middles], [right.first, *right.middles]
    if left.last.replace("-", "") == right.last.replace("-", ""):
        return left_given, right_given
    left_words = [*left_given, *left.last.split("-")]
    right_words = [*right_given, *right.last.split("-")]
    for compound, words in ((left, right_words), (right, left_words)):
        pieces = compound.last.split("-")
        if len(pieces) > 1 and len(words) > len(pieces) and words[-len(pieces) :] == pieces:
            given = words[: -len(pieces)]
            return (left_given, given) if compound is left else (given, right_given)
    for joined, spaced, spaced_given in ((left, right, right_given), (right, left, left_given)):
        given = _without_particles(joined.last.replace("-", ""), spaced.last.replace("-", ""), spaced_given)
        if given is not None:
            return (left_given, given) if spaced is right else (given, right_given)
    return None


def _without_particles(joined: str, last: str, given: list[str]) -> list[str] | None:
    """`given` less the particles that, written together with `last`, spell `joined`.

    At least a first name must stay: "O Brien" alone is a surname, not a person.
    """
    for count in range(1, min(3, len(given) - 1) + 1):
        particles = given[-count:]
        if all(p in PARTICLES for p in particles) and "".join(particles) + last == joined:
            return given[:-count]
    return None


def _given_names(left: list[str], right: list[str]) -> str | None:
    """Why the given names differ, or None when they may be one person's."""
    if _same_given(left[0], right[0]):
        rest_left, rest_right = left[1:], right[1:]
    elif len(left[0]) == 1 and len(left) > 1 and _same_given(left[1], right[0]):
        # "J. Robert Smith" is often shown as "Robert Smith".
        rest_left, rest_right = left[2:], right[1:]
    elif len(right[0]) == 1 and len(right) > 1 and _same_given(right[1], left[0]):
        rest_left, rest_right = left[1:], right[2:]
    else:
        return "the first names differ"
    # Every middle name both sides give must agree: "John A. B. Smith" is not "John A. C. Smith".
    if any(not _same_given(x, y) for x, y in zip(rest_left, rest_right, strict=False)):
        return "the middle names differ"
    return None


def compare(a: str, b: str) -> NameVerdict:
    """Whether `a` and `b` name the same person, and if not, the reason in words."""
    left, right = parse(a), parse(b)
    if left is None or right is None:
        return NameVerdict(False, "a name on the confirmation table is empty")
    given = _surnames(left, right)
    if given is None:
        return NameVerdict(False, "the last names differ")
    reason = _given_names(*given)
    if reason:
        return NameVerdict(False, reason)
    if left.generation and right.generation and left.generation != right.generation:
        return NameVerdict(False, "the suffixes differ (a different generation)")
    return NameVerdict(True)


def same_person(a: str, b: str) -> bool:
    return compare(a, b).match


def check_names(cmecf_name: str, pacer_name: str, expected: str | None = None) -> NameVerdict:
    """The verdict on the confirmation table: both names one person, and that
    person the attorney the user meant when a name was given."""
    between = compare(cmecf_name, pacer_name)
    if not between.match:
        return NameVerdict(False, f"the CM/ECF and PACER names are not the same person ({between.reason})")
    if expected:
        for side, shown in (("CM/ECF", cmecf_name), ("PACER", pacer_name)):
            verdict = compare(expected, shown)
            if not verdict.match:
                return NameVerdict(
                    False, f'the {side} name is not the expected attorney "{expected}" ({verdict.reason})'
                )
    return NameVerdict(True, "the names match")
