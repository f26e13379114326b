"""Pages that are not the court: credentials are never typed into them, forms never sent (issue 7)."""

from __future__ import annotations

import contextlib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import (
    SUBMITS_TWICE,
    EventLog,
    PageAnswer,
    attorney_for,
    court_with_page_changed,
    loopback_host,
    replica_court,
)

from ecf_autolink.locators import load_selectors
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import Row
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney
from ecf_autolink.runner import Runner, RunOptions
from ecf_autolink.shared_accounts import SharedAccountGuard

pytestmark = pytest.mark.browser

ELSEWHERE = "http://collector.invalid"


async def _run(
    browser: Browser,
    court: ReplicaCourt,
    out: Path,
    *,
    login_origin: str | None = None,
    log: EventLog | None = None,
    sign_in: str = "auto",
) -> Result:
    sample = make_attorney("jdoe")
    with serve(court) as replica:
        row = Row(attorney_for(sample), replica.court_url, login_origin, load_selectors("canb"))
        runner = Runner(
            RunOptions(out_dir=out, timeout_ms=5_000, sign_in=sign_in),
            log or EventLog(),
            guard=SharedAccountGuard(set()),
            passcodes=lambda row: _totp(row),
            acknowledge_redaction=lambda notice: True,
        )
        [result] = await runner.run([row], browser)
    return result


def _totp(row: Row):  # type: ignore[no-untyped-def]
    from ecf_autolink.otp import build_provider

    return build_provider(row.attorney.totp_secret, None, None)


def _posts(court: ReplicaCourt) -> list[tuple[str, str, str]]:
    return [r for r in court.requests if r[0] == "POST"]


@pytest.mark.parametrize("sign_in", ["auto", "api", "page"])
async def test_a_login_page_on_an_untrusted_host_gets_no_credentials(
    chromium: Browser, tmp_path: Path, sign_in: str
) -> None:
    # The court's Document Filing System link leads to the replica's login host, which
    # is not PACER's: exactly what a look-alike host after a redirect looks like. On every
    # path the tool stops there, before the API is called or anything is typed.
    court = replica_court(make_attorney("jdoe"))
    result = await _run(
        chromium, court, tmp_path, login_origin="https://pacer.login.uscourts.gov", sign_in=sign_in
    )
    assert result.outcome == Outcome.ERROR
    assert "refused to type PACER credentials on http://" in result.message
    assert "https://pacer.login.uscourts.gov" in result.message
    assert _posts(court) == [], "something was posted to an untrusted page"


async def test_a_pacer_login_form_posting_elsewhere_gets_no_credentials(
    chromium: Browser, tmp_path: Path
) -> None:
    court = court_with_page_changed(
        tmp_path, "pacer_login_inpage.html", 'action="/csologin/login.jsf"', f'action="{ELSEWHERE}/login"'
    )
    result = await _run(chromium, court, tmp_path / "out")
    assert result.outcome == Outcome.ERROR, result.message
    assert f"posts to {ELSEWHERE}" in result.message and "PACER credentials" in result.message
    assert _posts(court) == []


@pytest.mark.parametrize(
    ("page", "button", "purpose"),
    [
        ("pacer_login_inpage.html", '<button type="submit" id="loginForm:fbtnLogin"', "PACER credentials"),
        ("link_confirm.html", '<input type="submit" name="button1"', "submit the link"),
    ],
    ids=["login", "confirmation"],
)
async def test_a_button_whose_own_formaction_posts_elsewhere_is_never_pressed(
    chromium: Browser, tmp_path: Path, page: str, button: str, purpose: str
) -> None:
    court = court_with_page_changed(tmp_path, page, button, f'{button} formaction="{ELSEWHERE}/x"')
    result = await _run(chromium, court, tmp_path / "out")
    assert result.outcome == Outcome.ERROR, result.message
    assert f"posts to {ELSEWHERE}" in result.message and purpose in result.message
    assert court.final_submits == [] and court.links == {}


async def test_a_confirmation_form_posting_elsewhere_is_never_submitted(
    chromium: Browser, tmp_path: Path
) -> None:
    court = court_with_page_changed(
        tmp_path,
        "link_confirm.html",
        'action="/cgi-bin/LinkAccount.pl"',
        f'action="{ELSEWHERE}/cgi-bin/LinkAccount.pl"',
    )
    result = await _run(chromium, court, tmp_path / "out")
    assert result.outcome == Outcome.ERROR, result.message
    assert f"posts to {ELSEWHERE}" in result.message and "submit the link" in result.message
    assert court.final_submits == [] and court.links == {}


async def test_a_court_url_override_trusts_the_login_host_it_leads_to_and_says_so(
    chromium: Browser, tmp_path: Path
) -> None:
    court = replica_court(make_attorney("jdoe"))
    log = EventLog()
    result = await _run(chromium, court, tmp_path, login_origin=None, log=log)
    assert result.outcome == Outcome.LINKED, result.message
    assert any(line.startswith("note trusting http://") and "login host" in line for line in log.lines)


@contextlib.contextmanager
def _hosts(targets: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Two more hosts on loopback: a redirector, and a look-alike that shows for any GET
    what `targets["login"]` shows (both read `targets` when asked, once it is filled)."""

    class Redirect(PageAnswer):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", targets["look_alike"] + "/csologin/login.jsf")
            self.send_header("Content-Length", "0")
            self.end_headers()

    class Copy(PageAnswer):
        def do_GET(self) -> None:
            with urllib.request.urlopen(targets["login"] + self.path, timeout=10) as answer:
                self.answer(answer.read(), content_type="text/html; charset=utf-8")

    with loopback_host(Redirect) as first_hop, loopback_host(Copy) as look_alike:
        yield first_hop, look_alike


async def test_a_court_url_override_trusts_only_the_first_host_its_link_leads_to(
    chromium: Browser, tmp_path: Path
) -> None:
    # The Document Filing System link leads to one host, which sends the browser on to a
    # third that shows a copy of the login page.
    targets: dict[str, str] = {}
    with _hosts(targets) as (first_hop, look_alike):
        targets["look_alike"] = look_alike
        court = court_with_page_changed(
            tmp_path, "court_front.html", 'href="/cgi-bin/login.pl"', f'href="{first_hop}/login"'
        )
        with serve(court) as replica:
            targets["login"] = replica.login_url
            result = await _run(chromium, court, tmp_path / "out", login_origin=None)
    assert result.outcome == Outcome.ERROR, result.message
    assert f"refused to type PACER credentials on {look_alike}" in result.message
    assert first_hop in result.message  # the host that was trusted
    assert _posts(court) == []


@contextlib.contextmanager
def _collector() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A foreign host on loopback that answers everything with a blank page and records
    what it was sent: the proof of what an untrusted form would have received."""
    received: list[tuple[str, str, bytes]] = []

    class Record(PageAnswer):
        def _record(self) -> None:
            received.append((self.command, self.path, self.read_body()))
            self.answer(b"<html><body>thanks</body></html>")

        do_GET = do_POST = _record

    with loopback_host(Record) as url:
        yield url, received


_LOGIN_FORM = '<form id="loginForm" name="loginForm" method="post" action="/csologin/login.jsf"'
_PASSCODE_FORM = '<form id="mfaForm" name="mfaForm" method="post" action="/csologin/login.jsf"'


@pytest.mark.parametrize(
    ("template", "old", "purpose", "login_style"),
    [
        # PACER's in-page login: its script posts each form to the form's own action.
        ("pacer_login_inpage.html", _PASSCODE_FORM, "type a passcode", "inpage"),
        ("pacer_login_inpage.html", _LOGIN_FORM, "type PACER credentials", "inpage"),
        # The older plain-form login, page by page.
        ("pacer_mfa.html", 'action="/csologin/mfa.jsf"', "type a passcode", "form"),
        ("pacer_login.html", 'action="/csologin/login.jsf"', "type PACER credentials", "form"),
        ("link_form.html", 'action="/cgi-bin/LinkAccount.pl"', "type CM/ECF credentials", "inpage"),
    ],
    ids=["passcode", "PACER login", "passcode page", "PACER login page", "CMECF login"],
)
async def test_a_form_posting_to_a_foreign_host_sends_it_nothing(
    chromium: Browser, tmp_path: Path, template: str, old: str, purpose: str, login_style: str
) -> None:
    # The foreign host is real and listening: had anything been typed and sent, it would
    # have arrived there, and this test reads what did.
    with _collector() as (foreign, received):
        new = old.replace('action="/', f'action="{foreign}/collect/')
        court = court_with_page_changed(tmp_path, template, old, new, login_style=login_style)
        # The page path: the Authentication API would sign in without these forms.
        result = await _run(chromium, court, tmp_path / "out", sign_in="page")
    assert received == [], f"the foreign host received {len(received)} request(s)"
    assert result.outcome == Outcome.ERROR, result.message
    assert f"refused to {purpose}" in result.message and f"posts to {foreign}" in result.message
    assert court.final_submits == [] and court.links == {}


@pytest.mark.parametrize("how", list(SUBMITS_TWICE))
async def test_a_page_that_submits_the_confirmation_twice_reaches_the_court_once(
    chromium: Browser, tmp_path: Path, how: str
) -> None:
    court = court_with_page_changed(tmp_path, "link_confirm.html", "</form>", "</form>" + SUBMITS_TWICE[how])
    court.faults.latency = 0.3  # the first Submit is still on its way when the second comes
    result = await _run(chromium, court, tmp_path / "out")
    assert court.final_submits == ["jdoe"], court.final_submits
    assert result.outcome == Outcome.LINKED, result.message
    assert court.links == {"jdoe_ecf": "jdoe"}


async def test_a_submit_click_the_page_swallows_marks_nothing_and_links_on_the_next_run(
    chromium: Browser, tmp_path: Path
) -> None:
    # The click happens but no request ever leaves: the row was never handed to the wire,
    # so it must not be left `submitting` (stranded as unconfirmed).
    swallow = (
        "<script>document.forms.confirmForm.addEventListener('submit', function (e) {"
        " e.preventDefault(); });</script>"
    )
    court = court_with_page_changed(tmp_path, "link_confirm.html", "</form>", "</form>" + swallow)
    result = await _run(chromium, court, tmp_path / "out")
    assert court.final_submits == []
    assert result.outcome == Outcome.ERROR, result.message
    assert "nothing was linked" in result.message
    from ecf_autolink.journal import Journal

    with Journal.open(tmp_path / "out") as journal:
        [state] = journal.states()
    assert (state.state, state.submit_sent) == ("error", False)
