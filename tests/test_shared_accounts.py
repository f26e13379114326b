"""Refusing shared firm PACER accounts: tables of firm names and of individuals'
names that merely look like them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecf_autolink.shared_accounts import (
    SharedAccountGuard,
    attorney_key,
    load_deny_list,
    looks_like_organisation,
)

P = pytest.param

# PACER names that read as a firm, and a word the reason names.
ORGANISATIONS = [
    P("Smith Jones LLP", "LLP", id="llp"),
    P("Smith, Jones, L.L.P.", "LLP", id="llp-dotted"),
    P("Doe LLC", "LLC", id="llc"),
    P("Doe PLLC", "PLLC", id="pllc"),
    P("Doe P.C.", "PC", id="pc"),
    P("Doe, P.C.", "PC", id="pc-after-comma"),
    P("John Smith PC", "PC", id="pc-after-a-person"),
    P("Doe P.A.", "PA", id="pa"),
    P("Smith, John, P.A.", "PA", id="pa-after-last-comma-first"),
    P("Doe Ltd.", "LTD", id="ltd"),
    P("Smith Jones LP", "LP", id="lp"),
    P("Doe Chartered", "CHARTERED", id="chartered"),
    P("Smith, Co.", "CO", id="co-after-comma"),
    P("ACME Corp", "CORP", id="corp"),
    P("Doe Inc", "INC", id="inc"),
    P("Doe Law Firm", "law firm", id="law-firm"),
    P("Doe Law Office", "law firm or office", id="law-office"),
    P("Law Offices of John Doe", "law firm or office", id="law-offices-of"),
    P("Smith Law Group", "law firm or office", id="law-group"),
    P("Doe & Associates", "Associates", id="and-associates-ampersand"),
    P("Doe and Associates", "Associates", id="and-associates-word"),
    P("Doe Associates", "associates", id="associates"),
    P("Doe Partners", "partners", id="partners"),
    P("Doe Legal Group", "legal", id="legal-group"),
    P("The Doe Group", "group", id="the-group"),
    P("Ann Group Smith", "group", id="group-before-a-surname"),
    P("Group", "group", id="group-alone"),
    P("Office of the Public Defender", "office", id="office-of"),
    P("Legal Aid Society", "legal", id="legal-aid"),
    P("Staff Attorney", "staff", id="staff"),
    P("Firm Admin", "firm", id="firm-admin"),
    P("Shared Account", "shared", id="shared"),
    P("Smith & Jones", "more than one person", id="ampersand"),
    P("Smith and Jones", "more than one person", id="and"),
    P("Smith/Jones", "more than one person", id="slash"),
    P("John and Jane Smith", "more than one person", id="couple"),
    P("Doe & Co.", "more than one person", id="and-co"),
]

# Individuals whose names hold a firm-like word or letters.
INDIVIDUALS = [
    P("John Attorney", id="court-guide-sample"),
    P("Grace Partridge", id="partridge-holds-part"),
    P("John Anderson", id="anderson-holds-and"),
    P("Sandra Andrews", id="sandra-andrews"),
    P("Lawrence Office", id="surname-office"),
    P("Lawrence Law", id="surname-law"),
    P("Law, John", id="surname-law-last-first"),
    P("Mary Firmin", id="firmin-holds-firm"),
    P("Pace Nguyen", id="pace"),
    P("John Pace", id="surname-pace"),
    P("Pa Nguyen", id="given-name-pa"),
    P("P.C. Smith", id="initials-pc"),
    P("Lp Tran", id="given-name-lp"),
    P("Co Nguyen", id="given-name-co"),
    P("Kevin Co", id="surname-co"),
    P("Ann Group", id="surname-group"),
    P("Mary Ann Group", id="two-given-names-and-group"),
    P("Dr. Ann Q. Group III", id="group-with-honorific-initial-suffix"),
    P("Group, Ann", id="group-last-first"),
    P("Ann Doe-Group", id="group-in-double-surname"),
    P("Ann Team", id="surname-team"),
    P("Alice Bank", id="surname-bank"),
    P("Tom Legal", id="surname-legal"),
    P("John Smith, Esq.", id="esq"),
    P("John Smith, Jr.", id="jr"),
    P("José Núñez", id="accents"),
    P("Patrick O'Brien", id="apostrophe"),
    P("Maria de la Cruz", id="particles"),
]


@pytest.mark.parametrize(("name", "word"), ORGANISATIONS)
def test_firm_names_are_refused(name: str, word: str) -> None:
    reason = looks_like_organisation(name)
    assert reason is not None
    assert word in reason
    assert f'"{name}"' in reason


@pytest.mark.parametrize("name", INDIVIDUALS)
def test_individuals_are_not_firms(name: str) -> None:
    assert looks_like_organisation(name) is None


@pytest.mark.parametrize(
    ("name", "cmecf_username", "key"),
    [
        P("Maria L. Garcia", "mgarcia", "maria l garcia", id="name"),
        P("Garcia, MARIA L.", "other", "maria l garcia", id="any-spelling-one-key"),
        P("John Smith, Jr.", "js", "john smith jr", id="generation-kept"),
        P("Ana Smith-Jones", "asj", "ana smith-jones", id="hyphen-kept"),
        P("", "JDoe", "login:jdoe", id="no-name-uses-login"),
        P("Esq.", "JDoe", "login:jdoe", id="no-real-name-uses-login"),
    ],
)
def test_attorney_key(name: str, cmecf_username: str, key: str) -> None:
    assert attorney_key(name, cmecf_username) == key


# Roster rows (name, CM/ECF login) given one PACER username; how many attorneys that is.
ONE_LOGIN = [
    P([("John Smith", "js1"), ("John Smith", "js2")], 1, id="one-attorney-two-courts"),
    P([("Maria Garcia", "a"), ("Maria L. Garcia", "b")], 1, id="one-attorney-two-spellings"),
    P([("Smith, John", "a"), ("John Smith, Esq.", "b")], 1, id="last-first-and-esq"),
    P([("", "jdoe"), ("", "JDOE")], 1, id="no-name-same-login"),
    P([("John Smith", "a"), ("Jane Smith", "b")], 2, id="two-attorneys"),
    P([("John Smith Jr.", "a"), ("John Smith Sr.", "b")], 2, id="father-and-son"),
    P([("Ana Smith-Jones", "a"), ("Ana Jones", "b")], 2, id="double-surname-and-half"),
    P([("J. Smith", "a"), ("John Smith", "b"), ("Jane Smith", "c")], 2, id="initial-between-two"),
    P([("", "jdoe"), ("", "jroe")], 2, id="no-names-two-logins"),
    P([("A Lee", "a"), ("Bo Lee", "b"), ("Cy Lee", "c")], 3, id="three-attorneys"),
]


@pytest.mark.parametrize(("rows", "attorneys"), ONE_LOGIN)
def test_one_pacer_login_for_several_rows(rows: list[tuple[str, str]], attorneys: int) -> None:
    guard = SharedAccountGuard()
    keys = [attorney_key(name, login) for name, login in rows]
    for key in keys:
        guard.register("FirmUser", key)
    for key in keys:
        reason = guard.check("firmuser", key, "John Smith")
        if attorneys == 1:
            assert reason is None
        else:
            # Every row on a shared login is refused, even one that fits all the others.
            assert reason == (
                f'PACER username "firmuser" is given for {attorneys} different attorneys in this run,'
                " so it is a shared account"
            )


def test_an_unregistered_row_is_counted_too() -> None:
    guard = SharedAccountGuard()
    guard.register("u1", "john smith")
    assert guard.check("u1", "jane smith", "Jane Smith") is not None
    assert guard.check("u2", "jane smith", "Jane Smith") is None


def test_different_logins_are_not_shared() -> None:
    guard = SharedAccountGuard()
    guard.register("jsmith", "john smith")
    guard.register("jdoe", "jane doe")
    assert guard.check("jsmith", "john smith", "John Smith") is None
    assert guard.check("jdoe", "jane doe", "Jane Doe") is None


def test_deny_list_wins_and_ignores_case() -> None:
    guard = SharedAccountGuard({"FirmShared"})
    guard.register("firmshared", "john smith")
    reason = guard.check("FIRMSHARED", "john smith", "John Smith")
    assert reason == 'PACER username "FIRMSHARED" is on the shared-accounts list'


def test_guard_reads_the_pacer_name_last() -> None:
    guard = SharedAccountGuard()
    guard.register("doefirm", "john doe")
    reason = guard.check("doefirm", "john doe", "Doe Law Firm, LLP")
    assert reason is not None and "law firm" in reason


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "shared.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "users"),
    [
        P("firmshared\nOfficeAcct\n", {"firmshared", "OfficeAcct"}, id="one-a-line"),
        P("# shared logins\n\n  firmshared  # the front desk\n", {"firmshared"}, id="comments-blanks-spaces"),
        P("a\r\nb\r\n", {"a", "b"}, id="crlf"),
        P("\ufefffirmshared\n", {"firmshared"}, id="notepad-byte-order-mark"),
        P("", set(), id="empty"),
    ],
)
def test_deny_list(tmp_path: Path, text: str, users: set[str]) -> None:
    assert load_deny_list(_write(tmp_path, text)) == users


@pytest.mark.parametrize(
    ("text", "line", "entry"),
    [
        P("ok\nfirm shared\n", 2, "firm shared", id="space"),
        P("# header\n\nok\na,b\n", 4, "a,b", id="comma"),
        P("a\tb # two\n", 1, "a\tb", id="tab"),
    ],
)
def test_deny_list_names_file_and_line(tmp_path: Path, text: str, line: int, entry: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ValueError) as caught:
        load_deny_list(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert f'"{entry}"' in message
    assert "one PACER username" in message


def test_deny_list_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    with pytest.raises(ValueError, match="cannot read the shared-accounts list") as caught:
        load_deny_list(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_deny_list_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the shared-accounts list"):
        load_deny_list(tmp_path)


def test_deny_list_not_utf8(tmp_path: Path) -> None:
    path = _write(tmp_path, b"firm\xe9shared\n")
    with pytest.raises(ValueError, match="not UTF-8 text") as caught:
        load_deny_list(path)
    assert str(caught.value).startswith(f"{path}: ")
