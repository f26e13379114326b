"""Whether two names on the confirmation table are one person: tables of cases.

Every pair is tried both ways round, since the table may show either name on
either row.
"""

from __future__ import annotations

import pytest

from ecf_autolink.names import NameVerdict, PersonName, check_names, compare, normalise, parse, same_person

P = pytest.param

# Names that carry the same identity, however differently typed.
SAME_PERSON = [
    P("John Attorney", "John Attorney", id="court-guide-sample"),
    P("John Attorney", "JOHN ATTORNEY, Esq.", id="attorney-is-a-surname"),
    P("MARIA GARCIA", "Maria L. Garcia", id="case-and-middle-initial"),
    P("John Smith Jr.", "John Smith", id="jr-on-one-side"),
    P("John Smith, Jr.", "John Smith Jr", id="jr-comma-and-dot"),
    P("Smith, John", "John Smith", id="last-comma-first"),
    P("Smith, John A., Jr.", "John A Smith Jr", id="last-comma-first-middle-jr"),
    P("Smith Jr., John", "John Smith Jr.", id="jr-before-the-comma"),
    P("Smith, John, III", "John Smith III", id="iii-after-second-comma"),
    P("O'Brien, Patrick J.", "Patrick J OBrien", id="last-first-apostrophe"),
    P("J. Robert Smith", "Robert Smith", id="leading-initial-dropped"),
    P("Robert Smith", "J. Robert Smith", id="leading-initial-added"),
    P("J. Robert Smith", "John Smith", id="leading-initial-is-first-name"),
    P("J. R. Smith", "John Robert Smith", id="two-initials"),
    P("J. Smith", "John Smith", id="first-initial"),
    P("José Núñez", "Jose Nunez", id="accents"),
    P("Zoë Brontë", "ZOE BRONTE", id="diaeresis"),
    P("Łukasz Wróbel", "Lukasz Wrobel", id="stroke-l"),
    P("Søren Kierkegaard", "Soren Kierkegaard", id="slashed-o"),
    P("Anna Strauß", "Anna Strauss", id="sharp-s"),
    P("Patrick O'Brien", "Patrick OBrien", id="apostrophe"),
    P("Patrick O Brien", "Patrick O'Brien", id="apostrophe-typed-as-space"),
    P("Mary Mc Donald", "MARY MCDONALD", id="particle-apart"),
    P("Ana De La Cruz", "Ana DeLaCruz", id="two-particles-apart"),
    P("Ana M. De La Cruz", "Ana M DeLaCruz", id="particles-after-a-middle-initial"),
    P("Cruz, Ana De La", "Ana Delacruz", id="particles-after-the-comma"),
    P("Patrick O\u2019Brien", "Patrick O'Brien", id="curly-apostrophe"),
    P("Patrick O\u00b4Brien", "Patrick OBrien", id="acute-typed-as-apostrophe"),
    P("Ana Smith-Jones", "Ana Smith Jones", id="hyphen-lost"),
    P("Ana Smith-Jones", "Ana Smith\u2013Jones", id="en-dash"),
    P("Ana Smith-Jones", "Ana Smithjones", id="hyphen-closed-up"),
    P("Smith-Jones, Ana B.", "Ana B. Smith Jones", id="hyphen-last-comma-first"),
    P("Jean-Luc Picard", "Jean Luc Picard", id="hyphenated-first-name"),
    P("Jean-Luc Picard", "Jean Picard", id="hyphenated-first-name-shortened"),
    P("  john   smith ", "John Smith", id="extra-spaces"),
    P("John Smith", "John  Smith.", id="stray-dot"),
    P("John Smith, Esq.", "John Smith", id="esq"),
    P("John Smith Esquire", "John Smith", id="esquire"),
    P("Dr. John Smith", "John Smith", id="honorific"),
    P("John Smith III", "John Smith", id="iii-on-one-side"),
    P("John Smith 3rd", "John Smith III", id="3rd-is-iii"),
    P("John Smith IV", "John Smith 4th", id="4th-is-iv"),
    P("John Smith, Esq., Jr.", "John Smith Jr", id="esq-and-jr"),
    P("Mary Jane Smith", "Mary Smith", id="middle-name-dropped"),
    P("John Quincy Public", "John Q. Public", id="middle-initial-of-middle-name"),
    P("John A. B. Smith", "John A. Smith", id="second-middle-dropped"),
    P("Smith, John V", "John V. Smith", id="v-after-first-is-an-initial"),
    P("Maria de la Cruz", "Maria De La Cruz", id="particles"),
    P("Van Dyke, Dick", "Dick Van Dyke", id="particle-last-comma-first"),
    P("Smith", "Smith", id="one-word-each"),
]

# Names that differ in something that identifies a person.
DIFFERENT_PEOPLE = [
    P("Patrick O Brien", "Patrick OBrian", "the last names differ", id="particle-apart-other-surname"),
    P("Mary Mc Donald", "Mary Donaldson", "the last names differ", id="particle-apart-longer-surname"),
    P("Ana Xu Cruz", "Ana XuCruz", "the last names differ", id="not-a-particle-is-not-joined"),
    P("John Smith", "Jane Smith", "first names differ", id="first-names"),
    P("J Smith", "Robert Smith", "first names differ", id="initial-of-another-name"),
    P("Mary Jane Smith", "Jane Smith", "first names differ", id="middle-is-not-first"),
    P("Anne-Marie Smith", "Marie Smith", "first names differ", id="second-half-of-hyphenated-first"),
    P("John Smith", "John Smyth", "last names differ", id="last-names"),
    P("John Smith", "Smith John", "last names differ", id="order-without-comma"),
    P("Ana Smith-Jones", "Ana Jones", "last names differ", id="half-a-double-surname"),
    P("Ana Smith-Jones", "Ana Smith", "last names differ", id="other-half-of-double-surname"),
    P("Mary Smith-Jones", "Mary Jones-Smith", "last names differ", id="double-surname-reversed"),
    P("John", "John Smith", "last names differ", id="first-name-only"),
    P("Smith", "John Smith", "first names differ", id="surname-only"),
    P("Smith", "S. Smith", "first names differ", id="surname-only-against-initial"),
    P("Dr. Smith", "S. Smith", "first names differ", id="honorific-and-surname-only"),
    P("John A. Smith", "John B. Smith", "middle names differ", id="middle-initials"),
    P("John V Smith", "John W Smith", "middle names differ", id="v-before-surname-is-an-initial"),
    P("Smith, John V", "John W Smith", "middle names differ", id="v-after-first-name"),
    P("John Quincy Public", "John Quentin Public", "middle names differ", id="middle-names"),
    P("John A. B. Smith", "John A. C. Smith", "middle names differ", id="second-middle-initials"),
    P("John Smith Jr.", "John Smith Sr.", "suffixes differ", id="jr-sr"),
    P("John Smith II", "John Smith III", "suffixes differ", id="ii-iii"),
    P("Smith, John, Jr.", "John Smith, Senior", "suffixes differ", id="jr-senior"),
    P("John Smith Esq Jr", "John Smith Sr", "suffixes differ", id="jr-after-esq"),
    P("John Smith V", "John Smith Jr.", "suffixes differ", id="trailing-v-is-a-generation"),
    P("", "", "empty", id="both-empty"),
    P("John Smith", "", "empty", id="one-empty"),
    P("   ", "John Smith", "empty", id="blank"),
    P(",", "John Smith", "empty", id="comma-only"),
    P("Esq.", "John Smith", "empty", id="suffix-only"),
    P("Jr.", "Jr.", "empty", id="generation-only"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_same_person(a: str, b: str) -> None:
    assert compare(a, b) == NameVerdict(True)
    assert compare(b, a) == NameVerdict(True)
    assert same_person(a, b)


@pytest.mark.parametrize(("a", "b", "why"), DIFFERENT_PEOPLE)
def test_different_people(a: str, b: str, why: str) -> None:
    for left, right in ((a, b), (b, a)):
        verdict = compare(left, right)
        assert not verdict.match
        assert why in verdict.reason
    assert not same_person(a, b)


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        P("John Smith", PersonName("john", (), "smith", None), id="plain"),
        P("Smith, José A., Jr.", PersonName("jose", ("a",), "smith", "jr"), id="last-comma-first"),
        P("J. Robert Smith", PersonName("j", ("robert",), "smith", None), id="leading-initial"),
        P("Ana Smith-Jones", PersonName("ana", (), "smith-jones", None), id="surname-keeps-hyphen"),
        P("Jean-Luc Picard", PersonName("jean", ("luc",), "picard", None), id="given-name-splits"),
        P("John V Smith", PersonName("john", ("v",), "smith", None), id="v-inside-is-initial"),
        P("John Smith V", PersonName("john", (), "smith", "v"), id="v-last-is-generation"),
        P("John Smith 2nd", PersonName("john", (), "smith", "ii"), id="2nd"),
        P("Mr. John Smith, Esq.", PersonName("john", (), "smith", None), id="honorific-and-esq"),
        P("Mr. Smith", PersonName("", (), "smith", None), id="honorific-kept-off-first-name"),
        P("Smith", PersonName("", (), "smith", None), id="one-word-has-no-first-name"),
        P("O\u2019Brien, Patrick", PersonName("patrick", (), "obrien", None), id="apostrophe"),
        P("Smith -- Jones, Ana", PersonName("ana", ("smith",), "jones", None), id="loose-dashes-separate"),
        P("", None, id="empty"),
        P("Esq., Jr.", None, id="suffixes-only"),
    ],
)
def test_parse(name: str, parsed: PersonName | None) -> None:
    assert parse(name) == parsed


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        P("Smith, José A., Jr.", "jose a smith", id="docstring-example"),
        P("  MARIA   L.  GARCIA ", "maria l garcia", id="case-spaces-dots"),
        P("Ana Smith\u2013Jones", "ana smith-jones", id="dash-becomes-hyphen"),
        P("Smith", "smith", id="one-word"),
        P("", "", id="empty"),
    ],
)
def test_normalise(name: str, folded: str) -> None:
    assert normalise(name) == folded


# (CM/ECF name, PACER name, expected attorney or None, whether to link, words the reason holds)
CHECKS = [
    P("John Attorney", "John Attorney", None, True, "the names match", id="guide-sample"),
    P("John Attorney", "John Attorney", "John Attorney", True, "match", id="guide-sample-expected"),
    P("Maria L. Garcia", "MARIA GARCIA", "Garcia, Maria", True, "match", id="three-spellings"),
    P("John Smith", "John Smith", "", True, "match", id="empty-expected-is-none"),
    P("John Smith", "Jane Smith", None, False, "CM/ECF and PACER names", id="table-names-differ"),
    P("John Smith", "John Smith", "Jane Smith", False, "CM/ECF name is not the expected", id="not-expected"),
    P("J. Smith", "Jane Smith", "John Smith", False, "PACER name is not the", id="only-cmecf-is-expected"),
    P("John Smith Jr.", "John Smith", "John Smith Sr.", False, "suffixes differ", id="expected-father"),
    P("John A. Smith", "John Smith", "John B. Smith", False, "middle names differ", id="expected-middle"),
    P("John Smith", "", "John Smith", False, "empty", id="pacer-name-missing"),
]


@pytest.mark.parametrize(("cmecf", "pacer", "expected", "match", "reason"), CHECKS)
def test_check_names(cmecf: str, pacer: str, expected: str | None, match: bool, reason: str) -> None:
    verdict = check_names(cmecf, pacer, expected)
    assert verdict.match is match
    assert reason in verdict.reason
