"""Signing in to PACER as the real site works today, on the replica over loopback HTTP:
the in-page login and its dialogs (--sign-in page), the Authentication API (--sign-in
api), and the API with the page as its fallback (--sign-in auto).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import EventLog, assert_no_secret_written, attorney_for, run_on_replica

from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.replica import PacerStatus, ReplicaCourt
from ecf_autolink.replica.scenarios import SampleAttorney, build_accounts, make_attorney
from ecf_autolink.secret import Secret

pytestmark = pytest.mark.browser

MODES = ["page", "api", "auto"]


def _court(*people: SampleAttorney, **options: object) -> ReplicaCourt:
    options.setdefault("login_style", "inpage")
    return ReplicaCourt("canb", "Bankruptcy Court N.D. Cal.", build_accounts(people), **options)  # type: ignore[arg-type]


def _secrets(sample: SampleAttorney) -> list[str]:
    return [sample.pacer_password, sample.roster_password, sample.cmecf_password, sample.totp_secret or ""]


async def _run(
    chromium: Browser, court: ReplicaCourt, sample: SampleAttorney, out: Path, mode: str, **kw: object
) -> tuple[Result, EventLog]:
    forget_used_windows()
    log = EventLog()
    attorney = kw.pop("attorney", None) or attorney_for(sample)
    [result] = await run_on_replica(chromium, court, [attorney], out, sign_in=mode, log=log, **kw)  # type: ignore[arg-type]
    return result, log


@pytest.mark.parametrize("mode", MODES)
async def test_a_filer_is_linked_with_one_sign_in_and_one_passcode(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample)
    result, _ = await _run(chromium, court, sample, tmp_path, mode)
    assert result.outcome == Outcome.LINKED, result.message
    seen = court.signon.seen
    assert seen.login_posts["jdoe"] == 1
    assert (result.sign_ins, result.passcodes) == (1, 1)
    if mode == "page":
        assert seen.passcode_posts["jdoe"] == 1 and seen.redaction_acks == ["jdoe"]
        assert seen.api_calls["jdoe"] == 0
    else:
        assert seen.api_redact_flags == [("jdoe", True)]
    assert result.redaction_acknowledged
    record = json.loads((Path(result.evidence or "") / "redaction-acknowledgement.json").read_text())
    assert record["acknowledged"] is True and record["at"] == result.redaction_acknowledged
    assert "this run" in record["by"]
    assert_no_secret_written(tmp_path, _secrets(sample))


@pytest.mark.parametrize("mode", MODES)
async def test_a_wrong_password_costs_exactly_one_attempt(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample)
    attorney = attorney_for(sample, pacer_password=Secret("Wrong-pass-123!"))
    result, _ = await _run(chromium, court, sample, tmp_path, mode, attorney=attorney)
    assert result.outcome == Outcome.PACER_LOGIN_FAILED, result.message
    assert court.signon.seen.login_posts["jdoe"] == 1
    assert court.final_submits == []
    assert result.sign_ins == 1
    if mode != "page":
        # The API cannot tell a wrong password from a wrong passcode; the message says so.
        assert "password or the one-time passcode" in result.message and "clock" in result.message
        assert court.signon.seen.api_calls["jdoe"] == 1


async def test_a_wrong_passcode_then_the_right_one_links_on_the_page(
    chromium: Browser, tmp_path: Path
) -> None:
    codes = ("11111111", "31415926", "27182818")
    sample = make_attorney("backup", totp_secret=None, backup_codes=codes[1:], roster_mfa="backup")
    court = _court(sample)
    codes_file = tmp_path / "codes.txt"
    codes_file.write_text("\n".join(codes) + "\n", encoding="utf-8")
    attorney = attorney_for(sample, backup_codes_file=codes_file)
    result, _ = await _run(chromium, court, sample, tmp_path / "out", "page", attorney=attorney)
    assert result.outcome == Outcome.LINKED, result.message
    assert court.signon.seen.login_posts["backup"] == 1
    assert court.signon.seen.passcode_posts["backup"] == 2
    assert (result.sign_ins, result.passcodes) == (1, 2)


@pytest.mark.parametrize("mode", MODES)
async def test_without_the_operators_acknowledgement_nothing_is_ticked_or_flagged(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample)
    result, _ = await _run(chromium, court, sample, tmp_path, mode, acknowledge=False)
    assert result.outcome == Outcome.PACER_LOGIN_FAILED, result.message
    assert "--acknowledge-redaction" in result.message and "nothing was linked" in result.message
    seen = court.signon.seen
    assert seen.redaction_acks == [] and court.final_submits == []
    assert all(not flag for _, flag in seen.api_redact_flags)
    # Every filer meets the agreement: without it no credential is sent on any path (on
    # the page it would come after the password and the passcode).
    assert seen.api_calls["jdoe"] == 0 and seen.login_posts["jdoe"] == 0
    assert seen.passcode_posts["jdoe"] == 0 and seen.redaction_refusals == []
    assert "no credentials were sent" in result.message
    assert result.redaction_acknowledged is None
    assert not (tmp_path / "canb-jdoe" / "redaction-acknowledgement.json").exists()


@pytest.mark.parametrize("mode", MODES)
async def test_no_passcode_source_is_mfa_required_before_any_credentials(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample)
    attorney = attorney_for(sample, totp_secret=None)
    result, _ = await _run(chromium, court, sample, tmp_path, mode, attorney=attorney)
    assert result.outcome == Outcome.MFA_REQUIRED, result.message
    assert "no credentials were sent" in result.message
    assert court.signon.seen.login_posts["jdoe"] == 0


async def test_an_acknowledgement_is_pressed_and_an_inactive_notice_is_noted(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("jdoe", acknowledgement=True, inactive=True)
    court = _court(sample)
    result, log = await _run(chromium, court, sample, tmp_path, "page")
    assert result.outcome == Outcome.LINKED, result.message
    steps = [line for line in log.lines if line.startswith("step jdoe")]
    assert "step jdoe acknowledgement" in steps and "step jdoe inactive-user notice" in steps
    assert any("PACER User Inactive" in line for line in log.lines if line.startswith("note"))
    assert "PACER User Inactive" in result.message
    assert court.signon.seen.login_posts["jdoe"] == 1


@pytest.mark.parametrize("mode", MODES)
async def test_the_enrollment_prompt_is_mfa_required_and_never_skipped(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    sample = make_attorney("enroll", status=PacerStatus.MFA_NOT_ENROLLED)
    court = _court(sample)
    result, _ = await _run(chromium, court, sample, tmp_path, mode)
    assert result.outcome == Outcome.MFA_REQUIRED, result.message
    assert court.enroll_actions == [] and court.final_submits == []
    assert court.signon.seen.login_posts["enroll"] == 1


async def test_auto_does_not_post_on_the_page_after_an_api_answer_it_cannot_read(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample, api_shape="unknown")
    result, log = await _run(chromium, court, sample, tmp_path, "auto")
    # The API took the request and said something unreadable: it may have checked (and
    # counted) the password, so the page does not get it again.
    assert result.outcome == Outcome.ERROR, result.message
    seen = court.signon.seen
    assert seen.api_calls["jdoe"] == 1 and seen.login_posts["jdoe"] == 1
    assert (result.sign_ins, result.passcodes) == (1, 1)
    assert "a form this tool does not know" in result.message and "--sign-in page" in result.message
    assert not any("signing in on the page instead" in line for line in log.lines)


async def test_auto_falls_back_to_the_page_when_the_api_is_not_there(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample, api_enabled=False)
    result, _ = await _run(chromium, court, sample, tmp_path, "auto")
    assert result.outcome == Outcome.LINKED, result.message
    # The password went over the wire to the missing API too; the page took it once.
    assert court.signon.seen.login_posts["jdoe"] == 2 and court.signon.seen.api_calls["jdoe"] == 0
    assert court.signon.seen.passcode_posts["jdoe"] == 1


async def test_api_only_does_not_fall_back(chromium: Browser, tmp_path: Path) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample, api_shape="unknown")
    result, _ = await _run(chromium, court, sample, tmp_path, "api")
    assert result.outcome == Outcome.ERROR, result.message
    assert "--sign-in page" in result.message
    assert court.signon.seen.login_posts["jdoe"] == 1 and court.final_submits == []


async def test_a_court_that_ignores_the_api_session_gets_the_page_once(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("jdoe")
    court = _court(sample, court_ignores_cso_cookie=True)
    result, log = await _run(chromium, court, sample, tmp_path, "auto")
    assert result.outcome == Outcome.LINKED, result.message
    seen = court.signon.seen
    assert seen.api_calls["jdoe"] == 1 and seen.login_posts["jdoe"] == 2
    assert result.sign_ins == 2 and result.passcodes == 2
    assert any("did not take the API's session" in line for line in log.lines)


@pytest.mark.parametrize("mode", ["api", "auto"])
async def test_a_wrong_passcode_to_the_api_is_one_attempt_never_repeated(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    # The API answers a wrong passcode as it answers a wrong password: a definite no.
    sample = make_attorney("jdoe")
    court = _court(sample)
    attorney = attorney_for(sample, totp_secret=Secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
    result, _ = await _run(chromium, court, sample, tmp_path, mode, attorney=attorney)
    assert result.outcome == Outcome.PACER_LOGIN_FAILED, result.message
    assert "one-time passcode" in result.message and "clock" in result.message
    assert court.signon.seen.login_posts["jdoe"] == 1 and court.signon.seen.api_calls["jdoe"] == 1


async def test_an_inactive_user_signed_in_by_the_api_goes_on_with_a_note(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = make_attorney("jdoe", inactive=True)
    court = _court(sample)
    result, log = await _run(chromium, court, sample, tmp_path, "api")
    assert result.outcome == Outcome.LINKED, result.message
    assert any(line.startswith("note") and "signed in with a note" in line for line in log.lines), log.lines
