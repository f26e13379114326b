"""A generation identifies a person wherever a roster or a court writes it.

"Smith Jr., John" is the son however the other side spells the father: after the
surname, after a comma, before the comma of "Last, First", after the given names.
Every spelling is tried against every other, both ways round, so a generation lost
in one position (the part before the comma, say) shows as a father matched to his son.
"""

from __future__ import annotations

from itertools import product

import pytest

from ecf_autolink.names import compare

# Where a generation may stand; {g} is the suffix as typed.
SPELLINGS = [
    "John Smith {g}",
    "John Smith, {g}",
    "Smith {g}, John",
    "Smith, John {g}",
    "Smith, John, {g}",
    "Smith {g}, John, Esq.",
    "Smith {g}, John A.",
]
# One typed form per generation, with another form of the same one for the "same" side.
GENERATIONS = {"jr": ("Jr.", "Junior"), "sr": ("Sr.", "Senior"), "iii": ("III", "3rd")}


def _pairs(same: bool) -> list[object]:
    cases = []
    for (one, two), (left, right) in product(product(GENERATIONS, repeat=2), product(SPELLINGS, repeat=2)):
        if (one == two) != same:
            continue
        a = left.format(g=GENERATIONS[one][0])
        b = right.format(g=GENERATIONS[two][1])
        cases.append(pytest.param(a, b, id=f"{a} | {b}"))
    return cases


@pytest.mark.parametrize(("a", "b"), _pairs(same=False))
def test_different_generations_are_different_people_in_every_spelling(a: str, b: str) -> None:
    for left, right in ((a, b), (b, a)):
        verdict = compare(left, right)
        assert not verdict.match, f"{left!r} matched {right!r}"
        assert "suffixes differ" in verdict.reason


@pytest.mark.parametrize(("a", "b"), _pairs(same=True))
def test_one_generation_spelled_two_ways_is_one_person(a: str, b: str) -> None:
    assert compare(a, b).match
    assert compare(b, a).match
