"""The verdict before the final Submit, from the two names on the confirmation page.

`judge` is pure, so each case here is a name pair and a roster, with no browser: what a
careful attorney would do, and the words the report gives for it.
"""

from __future__ import annotations

import pytest

from ecf_autolink.attorney import Attorney
from ecf_autolink.flow.judge import judge
from ecf_autolink.outcome import Outcome
from ecf_autolink.pages.confirmation import ConfirmationNames
from ecf_autolink.secret import Secret
from ecf_autolink.shared_accounts import SharedAccountGuard, attorney_key


def _attorney(name: str = "Maria L. Garcia", pacer: str = "mgarcia", cmecf: str = "mgarcia-ecf") -> Attorney:
    return Attorney(
        court="canb",
        pacer_username=pacer,
        pacer_password=Secret("pw-not-shown"),
        cmecf_username=cmecf,
        cmecf_password=Secret("pw2-not-shown"),
        name=name,
    )


def _guard(*attorneys: Attorney, deny: frozenset[str] = frozenset()) -> SharedAccountGuard:
    """The roster's guard, as the CLI builds it: every row registered before any runs."""
    guard = SharedAccountGuard(deny)
    for a in attorneys:
        guard.register(a.pacer_username, attorney_key(a.name, a.cmecf_username))
    return guard


@pytest.mark.parametrize(
    ("cmecf_name", "pacer_name"),
    [
        ("Maria L. Garcia", "Maria L. Garcia"),
        ("Garcia, Maria L.", "Maria Garcia"),
        ("MARIA L GARCIA", "Maria L. Garcia"),
    ],
)
def test_the_same_person_on_both_sides_is_linked(cmecf_name: str, pacer_name: str) -> None:
    attorney = _attorney()
    names = ConfirmationNames(cmecf_name, pacer_name)
    assert judge(names, attorney, _guard(attorney)) is None
    assert judge(names, attorney, None) is None


def test_two_different_people_are_refused_naming_both() -> None:
    attorney = _attorney(name="")
    refusal = judge(ConfirmationNames("Maria L. Garcia", "Robert Chen"), attorney, None)
    assert refusal is not None
    assert refusal.outcome == Outcome.REFUSED_NAME_MISMATCH
    assert "mgarcia at canb" in refusal.message
    assert 'CM/ECF shows "Maria L. Garcia", PACER shows "Robert Chen"' in refusal.message
    assert refusal.message.endswith("nothing was linked")


def test_matching_names_of_someone_other_than_the_roster_attorney_are_refused() -> None:
    # Both sides agree with each other, but not with the attorney the firm meant.
    attorney = _attorney(name="Maria L. Garcia")
    refusal = judge(ConfirmationNames("Robert Chen", "Robert Chen"), attorney, None)
    assert refusal is not None
    assert refusal.outcome == Outcome.REFUSED_NAME_MISMATCH
    assert 'expected attorney "Maria L. Garcia"' in refusal.message


def test_a_firm_named_pacer_account_is_refused_as_shared_even_without_a_roster() -> None:
    attorney = _attorney()
    refusal = judge(ConfirmationNames("Maria L. Garcia", "Garcia & Chen LLP"), attorney, None)
    assert refusal is not None
    assert refusal.outcome == Outcome.REFUSED_SHARED_ACCOUNT
    assert "link only an individual PACER account" in refusal.message


def test_one_pacer_login_given_for_two_attorneys_is_refused_for_each() -> None:
    # The names on the page match the row: only the roster shows the login is shared.
    maria = _attorney(name="Maria L. Garcia", pacer="firmlogin", cmecf="mgarcia")
    robert = _attorney(name="Robert Chen", pacer="firmlogin", cmecf="rchen")
    guard = _guard(maria, robert)
    for attorney, shown in ((maria, "Maria L. Garcia"), (robert, "Robert Chen")):
        refusal = judge(ConfirmationNames(shown, shown), attorney, guard)
        assert refusal is not None
        assert refusal.outcome == Outcome.REFUSED_SHARED_ACCOUNT
        assert "2 different attorneys" in refusal.message


def test_a_pacer_login_on_the_deny_list_is_refused_before_names_are_compared() -> None:
    attorney = _attorney(pacer="FrontDesk")
    guard = _guard(attorney, deny=frozenset({"frontdesk"}))
    # Names that would also be a mismatch: the shared account is the reason given.
    refusal = judge(ConfirmationNames("Maria L. Garcia", "Robert Chen"), attorney, guard)
    assert refusal is not None
    assert refusal.outcome == Outcome.REFUSED_SHARED_ACCOUNT
    assert "shared-accounts list" in refusal.message


def test_one_attorney_at_several_courts_is_not_a_shared_account() -> None:
    # The same person's rows at two courts carry different CM/ECF logins, one name.
    canb = _attorney(cmecf="mgarcia-canb")
    cacb = _attorney(cmecf="mgarcia-cacb")
    guard = _guard(canb, cacb)
    assert judge(ConfirmationNames("Maria L. Garcia", "Maria L. Garcia"), cacb, guard) is None
