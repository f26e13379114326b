"""One attorney at several courts: PACER's single sign-on carries the attorney from the
first court to the next, so a run signs each attorney in once. Real Chromium, two
replica courts on their own loopback addresses behind one PACER login host.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import (
    EventLog,
    _passcodes,
    assert_no_secret_written,
    attorney_for,
    short_code_pattern,
    spellings,
)

from ecf_autolink.locators import load_selectors
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import Row
from ecf_autolink.refusals import Refusals
from ecf_autolink.refusals import default_dir as refusals_dir
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import courts_sharing_signon, make_attorney
from ecf_autolink.report import write_reports
from ecf_autolink.runner import Runner, RunOptions
from ecf_autolink.secret import Secret

pytestmark = pytest.mark.browser

COURTS = ("canb", "cacb")


class _EndSignOnAfterFirst(EventLog):
    """Ends every session (the courts' and PACER's) when the first row finishes."""

    def __init__(self, courts: list[ReplicaCourt]) -> None:
        super().__init__()
        self.courts = courts

    def finished(self, row: Row, result: Result) -> None:
        super().finished(row, result)
        if sum(line.startswith("finished") for line in self.lines) == 1:
            signon = self.courts[0].signon
            with signon.lock:
                for sid in list(signon.sessions):
                    signon.end(sid)
            for court in self.courts:
                court.expire_sessions()


async def _run_two_courts(
    chromium: Browser,
    tmp_path: Path,
    mode: str,
    *,
    end_between: bool = False,
    courts: list[ReplicaCourt] | None = None,
    refusals: Refusals | None = None,
    timeout_ms: float = 10_000,
    trace: bool = False,
    **changes: object,
) -> tuple[list[Result], list[ReplicaCourt], EventLog]:
    forget_used_windows()
    sample = make_attorney("jdoe")
    courts = courts or courts_sharing_signon(COURTS, [sample], login_style="inpage")
    log: EventLog = _EndSignOnAfterFirst(courts) if end_between else EventLog()
    with serve_courts(courts) as running:
        rows = [
            Row(
                attorney_for(sample, court=court, **changes),
                running.court_urls[court],
                None,
                load_selectors(court),
            )
            for court in COURTS
        ]
        runner = Runner(
            RunOptions(out_dir=tmp_path, timeout_ms=timeout_ms, sign_in=mode, trace=trace),
            log,
            passcodes=_passcodes,
            acknowledge_redaction=lambda notice: True,
            refusals=refusals,
        )
        results = await runner.run(rows, chromium)
    assert_no_secret_written(tmp_path, [sample.pacer_password, sample.totp_secret or ""])
    return results, courts, log


@pytest.mark.parametrize("mode", ["page", "api"])
async def test_one_attorney_at_two_courts_signs_in_once(chromium: Browser, tmp_path: Path, mode: str) -> None:
    results, courts, _ = await _run_two_courts(chromium, tmp_path, mode)
    assert [r.outcome for r in results] == [Outcome.LINKED, Outcome.LINKED], [r.message for r in results]
    seen = courts[0].signon.seen
    assert seen.login_posts["jdoe"] == 1 and seen.passcode_posts["jdoe"] == 1
    assert [court.final_submits for court in courts] == [["jdoe"], ["jdoe"]]
    # The first court's row spent the sign-in; the second rode on it.
    assert [(r.sign_ins, r.passcodes) for r in results] == [(1, 1), (0, 0)]
    html = write_reports(results, tmp_path, lambda court: court).html.read_text(encoding="utf-8")
    assert "Sign-ins per attorney" in html


async def test_a_sign_on_that_ends_between_courts_signs_in_once_more(
    chromium: Browser, tmp_path: Path
) -> None:
    results, courts, _ = await _run_two_courts(chromium, tmp_path, "page", end_between=True)
    assert [r.outcome for r in results] == [Outcome.LINKED, Outcome.LINKED], [r.message for r in results]
    seen = courts[0].signon.seen
    assert seen.login_posts["jdoe"] == 2 and seen.passcode_posts["jdoe"] == 2
    assert [(r.sign_ins, r.passcodes) for r in results] == [(1, 1), (1, 1)]


WRONG_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("mode", ["auto", "api", "page"])
async def test_a_refused_password_is_posted_once_for_all_the_attorneys_courts(
    chromium: Browser, tmp_path: Path, mode: str
) -> None:
    results, courts, _ = await _run_two_courts(
        chromium, tmp_path, mode, pacer_password=Secret("Wrong-pass-123!")
    )
    assert [r.outcome for r in results] == [Outcome.PACER_LOGIN_FAILED] * 2, [r.message for r in results]
    seen = courts[0].signon.seen
    # One password post reached PACER, for both courts: a second would be one more step
    # towards a locked account.
    assert seen.login_posts["jdoe"] == 1
    assert [said for said, _ in courts[0].credential_posts("jdoe")] == ["rejected"]
    assert [court.final_submits for court in courts] == [[], []]
    first, second = results
    assert first.sign_ins == 1 and second.sign_ins == 0 and second.passcodes == 0
    # The later row names the first refusal and says it sent nothing.
    assert "at canb" in second.message and "earlier in this run" in second.message, second.message
    assert "no credentials were sent" in second.message


async def test_a_refused_passcode_on_the_page_is_sent_once_for_all_the_attorneys_courts(
    chromium: Browser, tmp_path: Path
) -> None:
    results, courts, _ = await _run_two_courts(chromium, tmp_path, "page", totp_secret=Secret(WRONG_TOTP))
    seen = courts[0].signon.seen
    assert seen.login_posts["jdoe"] == 1 and seen.passcode_posts["jdoe"] == 1, dict(seen.passcode_posts)
    assert results[0].outcome == Outcome.MFA_REQUIRED, results[0].message
    assert results[1].outcome == Outcome.PACER_LOGIN_FAILED, results[1].message
    assert "one-time passcode at canb" in results[1].message


async def test_another_run_on_this_machine_does_not_post_a_refused_password_again(
    chromium: Browser, tmp_path: Path
) -> None:
    wrong = Secret("Wrong-pass-123!")
    courts = courts_sharing_signon(COURTS, [make_attorney("jdoe")], login_style="inpage")
    await _run_two_courts(chromium, tmp_path / "first", "auto", courts=courts, pacer_password=wrong)
    assert courts[0].signon.seen.login_posts["jdoe"] == 1
    # The same command again, as a new process would: its own memory is empty, the
    # machine's ledger is not.
    results, _, _ = await _run_two_courts(
        chromium, tmp_path / "second", "page", courts=courts, pacer_password=wrong
    )
    assert courts[0].signon.seen.login_posts["jdoe"] == 1
    assert [r.outcome for r in results] == [Outcome.PACER_LOGIN_FAILED] * 2
    assert all("another run on this machine" in r.message for r in results), results[0].message
    [ledger] = list(refusals_dir().glob("*.json"))
    # The message names the file to delete to try sooner; the file names no one.
    assert str(ledger) in results[0].message
    written = ledger.read_text(encoding="utf-8")
    assert "jdoe" not in written.casefold() and "wrong-pass" not in written.casefold()


# The API's answer held in transit past the tool's timeout, or replaced by a gateway's HTML
# page after PACER acted: either way the password may have been checked and counted.
LOST_ANSWERS = {
    "held": {"kind": "latency", "seconds": 5.0},
    "html": {"kind": "status", "status": 502, "after_processing": True},
}


@pytest.mark.parametrize("lost", sorted(LOST_ANSWERS))
async def test_auto_after_a_lost_api_answer_posts_nothing_more_this_run(
    chromium: Browser, tmp_path: Path, lost: str
) -> None:
    courts = courts_sharing_signon(COURTS, [make_attorney("jdoe")], login_style="inpage")
    for court in courts:
        options = dict(LOST_ANSWERS[lost])
        court.faults.add(options.pop("kind"), host_kind="login", method="POST", step="cso-auth", **options)  # type: ignore[arg-type]
    results, _, _ = await _run_two_courts(
        chromium, tmp_path, "auto", courts=courts, timeout_ms=3_000, pacer_password=Secret("Wrong-pass-123!")
    )
    seen = courts[0].signon.seen
    # The API call, and nothing after it: not the page with the same password, not the next court.
    assert seen.login_posts["jdoe"] == 1 and seen.api_calls["jdoe"] == 1, dict(seen.login_posts)
    first, second = results
    assert first.outcome == Outcome.ERROR, first.message
    assert (
        "may have counted it as a failed attempt" in first.message and "nothing was linked" in first.message
    )
    assert second.outcome == Outcome.PACER_LOGIN_FAILED and "earlier in this run" in second.message


async def test_traces_of_the_page_sign_in_at_two_courts_hold_no_secret(
    chromium: Browser, tmp_path: Path
) -> None:
    results, courts, log = await _run_two_courts(chromium, tmp_path, "page", trace=True, end_between=True)
    assert [r.outcome for r in results] == [Outcome.LINKED, Outcome.LINKED], [r.message for r in results]
    traces = sorted(tmp_path.rglob("trace-*.zip"))
    assert len(traces) == 2, (traces, log.lines)
    sample = make_attorney("jdoe")
    seen = courts[0].secrets_seen()
    # Tokens the login host issued (NextGenCSO, the hand-back cso_token), the courts' own
    # session ids, and the password, in any spelling; each passcode as a whole word.
    tokens = [s for s in seen if len(s) > 12] + [
        sid for court in courts for sid in (*court._court_sessions, *court._expired_sessions)
    ]
    codes = {s for s in seen if len(s) <= 12}
    assert tokens and len(codes) == 2, seen
    needles = {
        form
        for value in [*tokens, sample.pacer_password, sample.roster_password]
        for form in spellings(value)
    }
    code_pattern = short_code_pattern(codes)
    for trace in traces:
        with zipfile.ZipFile(trace) as archive:
            names = archive.namelist()
            assert "trace.network" in names and "trace.trace" in names
            for member in names:
                data = archive.read(member)
                for needle in needles:
                    assert needle.encode() not in data, f"a secret ({needle[:4]}...) in {trace.name}:{member}"
                assert code_pattern.search(data) is None, f"a passcode in {trace.name}:{member}"
