"""One attorney at a time through the whole flow, on the replica court, in real Chromium."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import (
    EventLog,
    assert_no_secret_written,
    attorney_for,
    court_with_page_changed,
    replica_court,
    run_on_replica,
)

from ecf_autolink.locators import LocatorSpec, load_selectors
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica.accounts import PacerStatus
from ecf_autolink.replica.scenarios import DEMO_ATTORNEYS, make_attorney
from ecf_autolink.secret import Secret

pytestmark = pytest.mark.browser

SAMPLES = {s.key: s for s in DEMO_ATTORNEYS}
# A well-formed TOTP secret that is not the account's: every code it gives is wrong.
OTHER_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = "/csologin/login.jsf"


def _secrets(sample) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        sample.pacer_password,
        sample.roster_password,
        sample.cmecf_password,
        sample.totp_secret or "",
        *sample.backup_codes,
    ]


@pytest.mark.parametrize("mode", ["http", "interception"])
async def test_happy_path_links_once_and_keeps_the_confirmation(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = SAMPLES["plain"]
    court = replica_court(sample)
    log = EventLog()
    [result] = await run_on_replica(
        chromium, court, [attorney_for(sample)], tmp_path, mode=mode, log=log, sign_in="page"
    )
    assert result.outcome == Outcome.LINKED, result.message
    assert (result.cmecf_name, result.pacer_name) == ("Jane Doe", "Jane Doe")
    assert court.final_submits == ["jdoe"]
    assert court.links == {"jdoe": "jdoe"}
    steps = [line.split()[-1] for line in log.lines if line.startswith("step jdoe")]
    for step in ("court", "login", "passcode", "Utilities", "form", "names", "submit", "verify"):
        assert any(step in s for s in steps) or step in " ".join(log.lines), step
    evidence = Path(result.evidence or "")
    assert (evidence / "confirmation.png").stat().st_size > 1000
    assert_no_secret_written(tmp_path, _secrets(sample))


@pytest.mark.parametrize("sign_in", ["page", "api"])
async def test_an_account_with_a_client_code(chromium: Browser, tmp_path: Path, sign_in: str) -> None:
    sample = make_attorney("client", requires_client_code=True)
    court = replica_court(sample)
    attorney = attorney_for(sample, client_code="matter-7")
    [result] = await run_on_replica(chromium, court, [attorney], tmp_path, sign_in=sign_in)
    assert result.outcome == Outcome.LINKED, result.message


CASES = [
    ("shared_firm", Outcome.REFUSED_SHARED_ACCOUNT, "Smith & Jones LLP"),
    ("name_mismatch", Outcome.REFUSED_NAME_MISMATCH, "Roberta Cheng"),
    ("wrong_password", Outcome.PACER_LOGIN_FAILED, "rejected the username or password"),
    ("already_linked", Outcome.ALREADY_LINKED, "already linked"),
    ("mfa_enroll", Outcome.MFA_REQUIRED, "enroll in MFA"),
    ("name_variant", Outcome.LINKED, "MARIA GARCIA"),
]


@pytest.mark.parametrize(("key", "outcome", "said"), CASES, ids=[c[0] for c in CASES])
async def test_each_sample_ends_as_it_should(
    chromium: Browser, tmp_path: Path, key: str, outcome: Outcome, said: str
) -> None:
    sample = SAMPLES[key]
    court = replica_court(sample)
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path, sign_in="page")
    assert result.outcome == outcome, result.message
    assert said in result.message
    linked_now = outcome == Outcome.LINKED
    assert len(court.final_submits) == (1 if linked_now else 0)
    if outcome in (Outcome.REFUSED_SHARED_ACCOUNT, Outcome.REFUSED_NAME_MISMATCH):
        # Every refusal shows both names as the court showed them.
        assert sample.cmecf_name in result.message and sample.pacer_name in result.message
        assert "nothing was linked" in result.message
        kept = Path(result.evidence or "")
        assert (kept / "confirmation.png").is_file() and (kept / "failure-refused.html").is_file()
    assert court.enroll_actions == []
    assert_no_secret_written(tmp_path, _secrets(sample))


STATUS_CASES = [
    (PacerStatus.LOCKED, Outcome.PACER_LOGIN_FAILED, "is locked"),
    (PacerStatus.DISABLED, Outcome.PACER_LOGIN_FAILED, "is disabled"),
    (PacerStatus.PASSWORD_EXPIRED, Outcome.PACER_LOGIN_FAILED, "PACER requires a new password"),
    (PacerStatus.MFA_NOT_ENROLLED, Outcome.MFA_REQUIRED, "enroll in MFA"),
    (PacerStatus.LEGACY, Outcome.PACER_LOGIN_FAILED, "legacy PACER account"),
]


@pytest.mark.parametrize(("status", "outcome", "said"), STATUS_CASES, ids=[str(c[0]) for c in STATUS_CASES])
async def test_each_pacer_account_state_is_its_own_clear_outcome(
    chromium: Browser, tmp_path: Path, status: PacerStatus, outcome: Outcome, said: str
) -> None:
    sample = make_attorney("acct", status=status)
    court = replica_court(sample)
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path)
    assert result.outcome == outcome, result.message
    assert said in result.message and "nothing was" in result.message
    assert court.final_submits == [] and court.enroll_actions == []
    # One login, never repeated: a repeat on a troubled account is a step nearer a lock.
    assert _login_posts(court) == 1
    assert_no_secret_written(tmp_path, _secrets(sample))


async def test_a_rejected_authenticator_passcode_is_mfa_required_and_not_tried_again(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("badcode")
    court = replica_court(sample)
    wrong = attorney_for(sample, totp_secret=Secret(OTHER_TOTP))
    [result] = await run_on_replica(chromium, court, [wrong], tmp_path, sign_in="page")
    assert result.outcome == Outcome.MFA_REQUIRED, result.message
    assert "rejected the one-time passcode" in result.message
    assert court.final_submits == []
    # The next window's code from a wrong secret is just as wrong, and counts at PACER too.
    assert court.signon.seen.passcode_posts["badcode"] == 1
    assert_no_secret_written(tmp_path, [*_secrets(sample), OTHER_TOTP])


async def test_an_error_in_words_not_listed_ends_the_row_without_posting_again(
    chromium: Browser, tmp_path: Path
) -> None:
    # PACER says "wrong password" in words the selectors do not know (yet).
    sample = SAMPLES["wrong_password"]
    court = replica_court(sample)
    selectors = load_selectors("canb")
    selectors.texts["pacer_bad_credentials"] = ["Words PACER never uses"]
    [result] = await run_on_replica(
        chromium, court, [attorney_for(sample)], tmp_path, selectors=selectors, sign_in="page"
    )
    assert result.outcome == Outcome.PACER_LOGIN_FAILED, result.message
    assert "Invalid username or password" in result.message and "not tried again" in result.message
    assert _login_posts(court) == 1


async def test_a_login_form_that_comes_back_with_no_message_is_posted_once_more_only(
    chromium: Browser, tmp_path: Path
) -> None:
    # A new page with the form again and nothing said: maybe a glitch, so once more only.
    court = court_with_page_changed(tmp_path, "pacer_login.html", "{{error}}", "")
    court.login_style = "form"
    sample = make_attorney("jdoe")
    wrong = attorney_for(sample, pacer_password=Secret("Not-the-password-1!"))
    [result] = await run_on_replica(chromium, court, [wrong], tmp_path / "out", sign_in="page")
    assert result.outcome == Outcome.PACER_LOGIN_FAILED, result.message
    assert "login form again" in result.message and "not tried again" in result.message
    assert _login_posts(court) == 2


def _login_posts(court) -> int:  # type: ignore[no-untyped-def]
    """Every credentials post the court saw: the page's Login and the sign-in API."""
    return sum(court.login_posts.values())


async def test_wrong_cmecf_password(chromium: Browser, tmp_path: Path) -> None:
    sample = SAMPLES["plain"]
    court = replica_court(sample)
    attorney = attorney_for(sample, cmecf_password=type(attorney_for(sample).cmecf_password)("nope-1"))
    [result] = await run_on_replica(chromium, court, [attorney], tmp_path)
    assert result.outcome == Outcome.CMECF_LOGIN_FAILED, result.message
    assert court.final_submits == []


async def test_court_not_on_nextgen(chromium: Browser, tmp_path: Path) -> None:
    sample = SAMPLES["plain"]
    court = replica_court(sample, nextgen=False)
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path)
    assert result.outcome == Outcome.COURT_NOT_READY, result.message
    assert "not on NextGen yet" in result.message and "nothing was linked" in result.message
    assert "utilities_menu" not in result.message
    assert court.final_submits == []


async def test_dry_run_stops_at_the_table_with_both_names_and_a_verdict(
    chromium: Browser, tmp_path: Path
) -> None:
    people = [SAMPLES["plain"], SAMPLES["name_mismatch"]]
    court = replica_court(*people)
    results = await run_on_replica(chromium, court, [attorney_for(p) for p in people], tmp_path, dry_run=True)
    by_user = {r.pacer_username: r for r in results}
    assert {r.outcome for r in results} == {Outcome.DRY_RUN}
    assert "would link" in by_user["jdoe"].message
    assert "would refuse" in by_user["rcheng"].message and "Roberta Cheng" in by_user["rcheng"].message
    assert court.final_submits == [] and court.links == {}


async def test_a_renamed_element_is_site_changed_naming_key_url_and_yaml(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = SAMPLES["plain"]
    court = replica_court(sample)
    selectors = load_selectors("canb")
    selectors.locators["utilities_menu"]["link_account"] = LocatorSpec(
        role="link", name="Connect my accounts"
    )
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path, selectors=selectors)
    # The renamed link is not found, so the court looks as if it offers no link; the message
    # says where to look in case it was renamed.
    assert result.outcome == Outcome.COURT_NOT_READY, result.message
    assert "utilities_menu.link_account" in result.message and "default.yaml" in result.message
    selectors = load_selectors("canb")
    selectors.locators["link_form"]["cmecf_login"] = LocatorSpec(label="Legacy login")
    [result] = await run_on_replica(
        chromium, replica_court(sample), [attorney_for(sample)], tmp_path / "2", selectors=selectors
    )
    assert result.outcome == Outcome.SITE_CHANGED, result.message
    assert "default.yaml" in result.message and "/cgi-bin/" in result.message
    assert list(Path(result.evidence or "").glob("failure-*.html"))


async def test_a_503_on_a_safe_step_is_retried(chromium: Browser, tmp_path: Path) -> None:
    sample = SAMPLES["plain"]
    court = replica_court(sample)
    court.faults.add(
        "status", host_kind="court", method="GET", path_prefix="/cgi-bin/DisplayMenu.pl", status=503, times=1
    )
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path)
    assert result.outcome == Outcome.LINKED, result.message
    assert court.final_submits == ["jdoe"]


async def test_a_5xx_answer_to_login_is_an_error_and_the_password_is_not_posted_again(
    chromium: Browser, tmp_path: Path
) -> None:
    # The court may have taken the password before failing: posting it again could be
    # the attempt that locks the account.
    sample = SAMPLES["plain"]
    court = replica_court(sample)
    court.faults.add("status", host_kind="login", method="POST", path_prefix=LOGIN, status=502, times=1)
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path, sign_in="page")
    assert result.outcome == Outcome.ERROR, result.message
    assert "HTTP 502" in result.message and "step 'PACER login'" in result.message
    assert _login_posts(court) == 1 and court.final_submits == []


async def test_final_submit_whose_connection_drops_is_sent_once_then_confirmed_by_looking(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("dropme")
    court = replica_court(sample)
    court.faults.add(
        "reset_after",
        host_kind="court",
        method="POST",
        path_prefix="/cgi-bin/LinkAccount.pl",
        pacer_user="dropme",
        after_processing=True,
        times=1,
        final_only=True,
    )
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path)
    assert court.final_submits == ["dropme"], "the final Submit reached the court more than once"
    assert result.outcome == Outcome.LINKED, result.message
    assert "looking again" in result.message


async def test_final_submit_whose_answer_never_comes_is_unconfirmed_and_not_resent(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("lost")
    court = replica_court(sample)
    # The court takes the form but never records it and never answers.
    court.faults.add(
        "hang",
        host_kind="court",
        method="POST",
        path_prefix="/cgi-bin/LinkAccount.pl",
        pacer_user="lost",
        times=1,
        final_only=True,
    )
    [result] = await run_on_replica(chromium, court, [attorney_for(sample)], tmp_path, timeout_ms=3000)
    assert result.outcome == Outcome.UNCONFIRMED, result.message
    assert court.final_submits == ["lost"]
    assert "do not submit by hand" in result.message


def test_status_account_samples_are_distinct() -> None:
    # Guards the table above: a sample whose status changes would silently test less.
    assert SAMPLES["mfa_enroll"].status == PacerStatus.MFA_NOT_ENROLLED
    assert replace(SAMPLES["plain"]).expected == Outcome.LINKED


async def test_a_backup_code_is_used_once_and_the_run_says_how_many_are_left(
    chromium: Browser, tmp_path: Path
) -> None:
    codes = ("31415926", "27182818", "16180339")
    sample = make_attorney("backup", totp_secret=None, backup_codes=codes, roster_mfa="backup")
    court = replica_court(sample)
    codes_file = tmp_path / "codes.txt"
    codes_file.write_text("\n".join(codes) + "\n", encoding="utf-8")
    log = EventLog()
    attorney = attorney_for(sample, backup_codes_file=codes_file)
    [result] = await run_on_replica(chromium, court, [attorney], tmp_path / "out", log=log)
    assert result.outcome == Outcome.LINKED, result.message
    notes = [line for line in log.lines if "backup code" in line]
    assert notes and "2 left" in notes[0] and "print new ones" in notes[0], log.lines
    assert "31415926" not in " ".join(log.lines)
    assert_no_secret_written(tmp_path / "out", [*_secrets(sample)])


async def test_a_court_whose_filing_system_keeps_its_own_login_is_not_ready(
    chromium: Browser, tmp_path: Path
) -> None:
    # Before NextGen the link opens the court's own CM/ECF login, never PACER's.
    court = court_with_page_changed(
        tmp_path, "court_front.html", 'href="/cgi-bin/login.pl"', 'href="/index.html"'
    )
    attorney = attorney_for(make_attorney("jdoe"))
    [result] = await run_on_replica(chromium, court, [attorney], tmp_path / "out", timeout_ms=2000)
    assert result.outcome == Outcome.COURT_NOT_READY, result.message
    assert "not on NextGen CM/ECF yet" in result.message
    assert "stayed on the court's own site" in result.message
    assert not any(host == "login" for _, host, _ in court.requests)
