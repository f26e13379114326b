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


@dataclass(frozen=True)
class PersonName:
    first: str
    middles: tuple[str, ...]
    last: str
    generation: str | None

    def shown(self) -> str:
        return " ".join([self.first, *self.middles, self.last])


@dataclass(frozen=True)
class NameVerdict:
    match: bool
    reason: str = ""


def _fold(text: str) -> str:
    """Lower case without accents; apostrophes vanish (O'Brien = OBrien), other
    punctuation separates words (Smith-Jones = Smith Jones)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"['\u2019`]", "", plain.casefold())
    return re.sub(r"[^\w,]+|_", " ", plain)


def _words(part: str) -> list[str]:
    return [w for w in part.split() if w]


def _is_suffix(word: str) -> bool:
    return word in GENERATIONS or word in PROFESSIONAL


def normalise(name: str) -> str:
    """The name folded for display in comparisons: "Smith, José A., Jr." -> "jose a smith"."""
    parsed = parse(name)
    return parsed.shown() if parsed else ""


def parse(name: str) -> PersonName | None:
    """First, middles, last and generation, from "First M. Last, Jr." or "Last, First M."."""
    parts = [_words(p) for p in _fold(name).split(",")]
    parts = [p for p in parts if p]
    generation: str | None = None
    kept: list[list[str]] = []
    for part in parts:
        words = []
        for word in part:
            if word in GENERATIONS:
                generation = GENERATIONS[word]
            elif word not in PROFESSIONAL:
                words.append(word)
        if words:
            kept.append(words)
    if not kept:
        return None
    # "Last, First Middle": the part before the first comma is the surname.
    words = kept[1] + kept[0] + [w for extra in kept[2:] for w in extra] if len(kept) >= 2 else kept[0]
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    if len(words) == 1:
        return PersonName(words[0], (), words[0], generation)
    return PersonName(words[0], tuple(words[1:-1]), words[-1], generation)


def _same_given(a: str, b: str) -> bool:
    """Equal, or one is an initial of the other."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return False


def compare(a: str, b: str) -> NameVerdict:
    """Whether `a` and `b` name the same person, and if not, the reason in words."""
    left, right = parse(a), parse(b)
    if left is None or right is None:
        return NameVerdict(False, "a name on the confirmation table is empty")
    if left.last != right.last:
        return NameVerdict(False, "the last names differ")
    if not _same_given(left.first, right.first):
        # "J. Robert Smith" is often shown as "Robert Smith".
        if not (len(left.first) == 1 and left.middles and _same_given(left.middles[0], right.first)) and not (
            len(right.first) == 1 and right.middles and _same_given(right.middles[0], left.first)
        ):
            return NameVerdict(False, "the first names differ")
        return NameVerdict(True)
    if left.middles and right.middles and not _same_given(left.middles[0], right.middles[0]):
        return NameVerdict(False, "the middle names differ")
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
