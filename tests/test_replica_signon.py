"""The replica's PACER sign-on as it behaves today: the in-page login, its dialogs, the
Authentication API, the NextGenCSO cookie, and single sign-on across two courts.

Browser tests drive real Chromium over real loopback HTTP; the API is called with a
plain HTTP client.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from ecf_autolink.locators import load_selectors
from ecf_autolink.replica import PacerStatus, ReplicaCourt
from ecf_autolink.replica.auth_api import BAD_CREDENTIALS, NEEDS_REDACTION
from ecf_autolink.replica.court import CSO_COOKIE
from ecf_autolink.replica.http_server import serve, serve_courts
from ecf_autolink.replica.inpage import BAD_LOGIN, BAD_PASSCODE, STATUS_MESSAGES
from ecf_autolink.replica.scenarios import (
    SampleAttorney,
    build_accounts,
    courts_sharing_signon,
    make_attorney,
)

REDACTION_DIALOG = "[id='regmsg:redactionConfirmation']"
REDACTION_BOX = "[id='regmsg:chkRedact_input']"
CONTINUE = "[id='regmsg:bpmConfirm']"
MFA_DIALOG = "#mfaDialog"


def _court(*people: SampleAttorney, **options: object) -> ReplicaCourt:
    options.setdefault("login_style", "inpage")
    return ReplicaCourt("canb", "Bankruptcy Court N.D. Cal.", build_accounts(people), **options)  # type: ignore[arg-type]


def _code(person: SampleAttorney) -> str:
    assert person.totp_secret
    return pyotp.TOTP(person.totp_secret).now()


async def _open_login(context: BrowserContext, court_url: str) -> tuple[Page, list[str]]:
    """The court's front door, which sends the browser to PACER's login page; the list
    collects every page load of the main frame from then on."""
    page = await context.new_page()
    await page.goto(court_url + "/cgi-bin/login.pl")
    await expect(page.get_by_text("PACER LOGIN")).to_be_visible()
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    return page, loads


async def _type_credentials(page: Page, person: SampleAttorney, password: str | None = None) -> None:
    await page.get_by_label("Username *").fill(person.pacer_username)
    await page.get_by_label("Password *").fill(person.pacer_password if password is None else password)
    await page.get_by_role("button", name="Login", exact=True).click()


async def _tick_and_continue(page: Page) -> None:
    await expect(page.locator(REDACTION_DIALOG)).to_be_visible()
    await page.get_by_label("I have read this notice").check()
    await page.get_by_role("button", name="Continue", exact=True).click()


async def test_login_page_shows_the_public_words_and_hides_every_dialog(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    with serve(_court(person)) as running:
        context = await chromium.new_context()
        page, _ = await _open_login(context, running.court_url)
        for words in ("* Required Information", "Username *", "Password *", "Client Code"):
            await expect(page.get_by_text(words, exact=True)).to_be_visible()
        await expect(page.locator("[id='loginForm:fbtnLogin'] span.ui-button-text")).to_have_text("Login")
        await expect(page.locator("[id='loginForm:pclLoginMessages']")).to_have_text("")
        for dialog in ("#mfaDialog", "#ackDialog", "#inactiveDialog", "#userUpdateDialog", REDACTION_DIALOG):
            await expect(page.locator(dialog)).to_be_attached()
            await expect(page.locator(dialog)).to_be_hidden()
        visible = " ".join((await page.locator("body").inner_text()).split()).casefold()
        texts = load_selectors("canb").texts
        shown = {kind for kind, phrases in texts.items() if any(p.casefold() in visible for p in phrases)}
        assert shown == {"pacer_login_page"}
        await context.close()


async def test_in_page_login_passcode_redaction_then_the_court_with_one_page_load(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    court = _court(person)
    with serve(court) as running:
        context = await chromium.new_context()
        page, loads = await _open_login(context, running.court_url)
        await _type_credentials(page, person, password="Wrong-Password-123!")
        await expect(page.locator("[id='loginForm:pclLoginMessages']")).to_have_text(BAD_LOGIN)
        assert loads == [], "the Login button must not load a page"

        await _type_credentials(page, person)
        await expect(page.locator(MFA_DIALOG)).to_be_visible()
        await page.get_by_label("Enter your one-time passcode:").fill("000000")
        await page.get_by_role("button", name="Submit", exact=True).click()
        await expect(page.locator("[id='mfaForm:mfaMessages']")).to_have_text(BAD_PASSCODE)
        await page.get_by_label("Enter your one-time passcode:").fill(_code(person))
        await page.get_by_role("button", name="Submit", exact=True).click()

        await expect(page.locator(REDACTION_DIALOG)).to_be_visible()
        await expect(page.locator(MFA_DIALOG)).to_be_hidden()
        await expect(page.locator(CONTINUE)).to_be_disabled()
        await page.get_by_label("I have read this notice").check()
        await expect(page.locator(CONTINUE)).to_be_enabled()
        assert loads == [], "every step so far happens in place"
        await page.get_by_role("button", name="Continue", exact=True).click()
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        assert urlsplit(page.url).netloc == urlsplit(running.court_url).netloc
        login_cookies = {c["name"] for c in await context.cookies(running.login_url)}
        assert {"PacerSession", CSO_COOKIE} <= login_cookies
        await context.close()
    assert court.login_posts == {"jdoe": 2}
    assert court.passcode_posts == {"jdoe": 2}
    assert court.redaction_acks == ["jdoe"]
    assert court.sign_ins == {"jdoe": 1}


async def test_the_server_refuses_an_unticked_continue(chromium: Browser) -> None:
    person = make_attorney("jdoe", totp_secret=None)
    court = _court(person)
    with serve(court) as running:
        context = await chromium.new_context()
        page, _ = await _open_login(context, running.court_url)
        await _type_credentials(page, person)
        await expect(page.locator(REDACTION_DIALOG)).to_be_visible()
        # A post made around the disabled button gets a refusal from the server.
        await page.evaluate("document.getElementById('regmsg').requestSubmit()")
        await expect(page.locator("[id='regmsg:redactMessages']")).to_contain_text("acknowledge")
        await expect(page.locator(REDACTION_DIALOG)).to_be_visible()
        assert court.redaction_refusals == ["jdoe"]
        assert court.redaction_acks == []
        await _tick_and_continue(page)
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        await context.close()
    assert court.redaction_acks == ["jdoe"]


async def test_acknowledgement_then_inactive_notice_then_redaction(chromium: Browser) -> None:
    person = make_attorney("jdoe", acknowledgement=True, inactive=True)
    court = _court(person)
    with serve(court) as running:
        context = await chromium.new_context()
        page, loads = await _open_login(context, running.court_url)
        await _type_credentials(page, person)
        await page.get_by_label("Enter your one-time passcode:").fill(_code(person))
        await page.get_by_role("button", name="Submit", exact=True).click()
        await expect(page.locator("#ackDialog")).to_be_visible()
        await page.locator("#btnAckOkay").click()
        await expect(page.get_by_text("PACER User Inactive")).to_be_visible()
        await expect(page.get_by_text("may continue to log in and perform other activities")).to_be_visible()
        await page.get_by_role("button", name="Continue", exact=True).click()
        await expect(page.locator(REDACTION_DIALOG)).to_be_visible()
        assert loads == []
        await _tick_and_continue(page)
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        await context.close()


@pytest.mark.parametrize(
    ("status", "right_password"),
    [
        (PacerStatus.LOCKED, False),
        (PacerStatus.DISABLED, False),
        (PacerStatus.PASSWORD_EXPIRED, True),
        (PacerStatus.LEGACY, True),
    ],
)
async def test_account_states_are_errors_in_the_page(
    chromium: Browser, status: PacerStatus, right_password: bool
) -> None:
    person = make_attorney("jdoe", status=status)
    court = _court(person)
    with serve(court) as running:
        context = await chromium.new_context()
        page, loads = await _open_login(context, running.court_url)
        await _type_credentials(page, person, None if right_password else "Not-The-Password-1!")
        await expect(page.locator("[id='loginForm:pclLoginMessages']")).to_have_text(STATUS_MESSAGES[status])
        assert loads == []
        await context.close()
    assert court.login_posts == {"jdoe": 1}


async def test_enrollment_prompt_instead_of_the_passcode_records_skip(chromium: Browser) -> None:
    person = make_attorney("tbaker", status=PacerStatus.MFA_NOT_ENROLLED, totp_secret=None)
    court = _court(person)
    with serve(court) as running:
        context = await chromium.new_context()
        page, _ = await _open_login(context, running.court_url)
        await _type_credentials(page, person)
        await expect(page.get_by_text("User Update Required")).to_be_visible()
        await expect(page.locator(MFA_DIALOG)).to_be_hidden()
        assert court.enroll_actions == []
        async with page.expect_response(lambda r: r.request.method == "POST"):
            await page.locator("[id='frmUserUpdate:bpmSkip']").click()
        assert court.enroll_actions == ["tbaker"]
        await context.close()


async def test_a_dropped_background_login_shows_nothing_and_loads_nothing(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    court = _court(person)
    # Every time: Chromium itself re-sends a POST whose reused connection closed unanswered.
    fault = court.faults.add("reset_before", step="loginForm:fbtnLogin")
    with serve(court) as running:
        context = await chromium.new_context()
        page, loads = await _open_login(context, running.court_url)
        async with page.expect_event("requestfailed"):
            await _type_credentials(page, person)
        assert fault.hits >= 1
        assert court.login_posts == {"jdoe": fault.hits}
        await expect(page.locator("[id='loginForm:pclLoginMessages']")).to_have_text("")
        await expect(page.locator(MFA_DIALOG)).to_be_hidden()
        assert loads == []
        await context.close()


# -- the Authentication API ---------------------------------------------------------------


def _api(login_url: str, body: object, path: str = "/services/cso-auth") -> tuple[int, dict[str, str]]:
    parts = urlsplit(login_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request(
            "POST",
            path,
            json.dumps(body).encode(),
            {"Content-Type": "application/json", "Accept": "application/json"},
        )
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    return response.status, (json.loads(raw) if raw.startswith(b"{") else {})


def test_api_answers_success_rejections_and_invented_codes() -> None:
    person = make_attorney("jdoe")
    locked = make_attorney("locked", status=PacerStatus.LOCKED)
    court = _court(person, locked)
    base = {"loginId": "jdoe", "password": person.pacer_password}
    with serve(court) as running:
        url = running.login_url
        status, answer = _api(url, base | {"password": "Wrong-Password-123!", "otpCode": _code(person)})
        assert (status, answer["loginResult"], answer["errorDescription"]) == (200, *BAD_CREDENTIALS)
        # A missing passcode answers exactly like a wrong password.
        assert _api(url, base | {"redactFlag": "1"})[1]["loginResult"] == BAD_CREDENTIALS[0]
        _, answer = _api(url, base | {"otpCode": "000000", "redactFlag": "1"})
        assert answer["errorDescription"] == BAD_CREDENTIALS[1]
        _, answer = _api(url, base | {"otpCode": _code(person)})
        assert (answer["loginResult"], answer["errorDescription"]) == NEEDS_REDACTION
        assert not answer["nextGenCSO"]
        _, answer = _api(url, {"loginId": "locked", "password": "whatever"})
        assert answer["loginResult"] not in ("0", "13")
        assert "account has been locked" in answer["errorDescription"]
        _, answer = _api(url, base | {"otpCode": _code(person), "redactFlag": "1"})
        assert answer["loginResult"] == "0" and answer["errorDescription"] == ""
        assert len(answer["nextGenCSO"]) >= 32
        assert _api(url, {"nope": 1})[0] == 400
    assert court.api_calls == {"jdoe": 5, "locked": 1}
    assert court.login_posts == {"jdoe": 5, "locked": 1, "": 1}  # the malformed one too
    assert court.api_redact_flags == [
        ("jdoe", False),
        ("jdoe", True),
        ("jdoe", True),
        ("jdoe", False),
        ("locked", False),
        ("jdoe", True),
    ]
    assert court.sign_ins == {"jdoe": 1}


def test_api_switches_not_found_and_unknown_shape() -> None:
    person = make_attorney("jdoe")
    body = {"loginId": "jdoe", "password": person.pacer_password, "otpCode": _code(person), "redactFlag": "1"}
    with serve(_court(person, api_enabled=False)) as running:
        assert _api(running.login_url, body)[0] == 404
    court = _court(person, api_shape="unknown")
    with serve(court) as running:
        status, answer = _api(running.login_url, body)
        assert status == 200 and "loginResult" not in answer and "nextGenCSO" not in answer
    assert court.login_posts == {"jdoe": 1}
    assert court.sign_ins == {}


def test_inactive_account_gets_a_session_with_a_warning() -> None:
    person = make_attorney("jdoe", inactive=True)
    with serve(_court(person)) as running:
        _, answer = _api(
            running.login_url,
            {
                "loginId": "jdoe",
                "password": person.pacer_password,
                "otpCode": _code(person),
                "redactFlag": "1",
            },
        )
    assert answer["loginResult"] == "0" and answer["nextGenCSO"]
    assert "may continue to log in" in answer["errorDescription"]


async def _api_token(login_url: str, person: SampleAttorney) -> str:
    body = {"loginId": person.pacer_username, "password": person.pacer_password, "otpCode": _code(person)}
    _, answer = _api(login_url, body | {"redactFlag": "1"})
    assert answer["loginResult"] == "0"
    return answer["nextGenCSO"]


async def test_the_api_token_as_cookie_signs_in_at_the_court_and_the_login_host(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    court = _court(person)
    with serve(court) as running:
        token = await _api_token(running.login_url, person)
        context = await chromium.new_context()
        await context.add_cookies(
            [
                {"name": CSO_COOKIE, "value": token, "url": running.court_url},
                {"name": CSO_COOKIE, "value": token, "url": running.login_url},
            ]
        )
        page = await context.new_page()
        await page.goto(running.court_url + "/cgi-bin/login.pl")
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        # The login host, asked to sign in for the court, sends the browser straight back.
        await page.goto(court._login_url())
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        await context.close()

        # A bad token is no session.
        context = await chromium.new_context()
        await context.add_cookies([{"name": CSO_COOKIE, "value": "x" * 43, "url": running.court_url}])
        page = await context.new_page()
        await page.goto(running.court_url + "/cgi-bin/login.pl")
        await expect(page.get_by_text("PACER LOGIN")).to_be_visible()
        await context.close()
    assert court.login_posts == {"jdoe": 1}
    assert court.redaction_acks == []


async def test_a_court_that_ignores_the_cookie_asks_for_the_page_login(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    court = _court(person, court_ignores_cso_cookie=True)
    with serve(court) as running:
        token = await _api_token(running.login_url, person)
        context = await chromium.new_context()
        await context.add_cookies(
            [{"name": CSO_COOKIE, "value": token, "url": u} for u in (running.court_url, running.login_url)]
        )
        page = await context.new_page()
        await page.goto(running.court_url + "/cgi-bin/login.pl")
        # Neither the court nor its login link takes the cookie: the password is asked for.
        await expect(page.get_by_text("PACER LOGIN")).to_be_visible()
        await expect(page.get_by_label("Password *")).to_be_visible()
        await context.close()


# -- single sign-on across courts -------------------------------------------------------------


async def test_one_sign_in_serves_a_second_court_on_another_address(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    court_a, court_b = courts_sharing_signon(["canb", "cacb"], [person], login_style="inpage")
    with serve_courts([court_a, court_b]) as running:
        if running.shared_address:
            pytest.skip("this machine answers only on 127.0.0.1 (macOS without loopback aliases)")
        url_a, url_b = running.court_urls["canb"], running.court_urls["cacb"]
        assert urlsplit(url_a).hostname == "127.0.0.1"
        assert urlsplit(url_b).hostname == "127.0.0.2"
        assert urlsplit(running.login_url).hostname == "localhost"
        context = await chromium.new_context()
        page, _ = await _open_login(context, url_a)
        await _type_credentials(page, person)
        await page.get_by_label("Enter your one-time passcode:").fill(_code(person))
        await page.get_by_role("button", name="Submit", exact=True).click()
        await _tick_and_continue(page)
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        assert urlsplit(page.url).hostname == "127.0.0.1"

        # Court B knows nothing of this browser; its login link comes straight back signed in.
        await page.goto(url_b + "/cgi-bin/login.pl")
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        assert urlsplit(page.url).hostname == "127.0.0.2"
        assert {c["name"] for c in await context.cookies(url_b)} == {"CMECF_SESSION"}
        # Court A's session is untouched by court B's.
        await page.goto(url_a + "/cgi-bin/ShowIndex.pl")
        await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
        await context.close()
    assert court_a.login_posts == {"jdoe": 1}
    assert court_a.passcode_posts == {"jdoe": 1}
    assert court_a.redaction_acks == ["jdoe"], "a single sign-on return is not a login"
    assert court_b.sign_ins is court_a.sign_ins
    assert court_a.sign_ins == {"jdoe": 1}


async def test_an_api_token_works_at_both_courts(chromium: Browser) -> None:
    person = make_attorney("jdoe")
    courts = courts_sharing_signon(["canb", "cacb"], [person], login_style="inpage")
    with serve_courts(courts) as running:
        token = await _api_token(running.login_url, person)
        context = await chromium.new_context()
        await context.add_cookies(
            [{"name": CSO_COOKIE, "value": token, "url": url} for url in running.court_urls.values()]
        )
        page = await context.new_page()
        for url in running.court_urls.values():
            await page.goto(url + "/cgi-bin/login.pl")
            await expect(page.get_by_role("link", name="Utilities", exact=True)).to_be_visible()
            assert urlsplit(page.url).netloc == urlsplit(url).netloc
        await context.close()
    assert courts[0].login_posts == {"jdoe": 1}


def test_a_court_address_that_will_not_bind_falls_back_with_a_warning() -> None:
    from ecf_autolink.replica.http_server import RunningCourts

    courts = courts_sharing_signon(["canb", "cacb"], [make_attorney("jdoe")])
    # 192.0.2.1 is a documentation address no machine answers on.
    with pytest.warns(UserWarning, match="cannot bind 192.0.2.1"):
        running = RunningCourts(courts, addresses=("127.0.0.1", "192.0.2.1"))
    with running:
        assert running.shared_address
        assert {urlsplit(u).hostname for u in running.court_urls.values()} == {"127.0.0.1"}
        assert len(set(running.court_urls.values())) == 2


def test_serve_courts_needs_one_shared_sign_on() -> None:
    person = make_attorney("jdoe")
    apart = [_court(person), ReplicaCourt("cacb", "B", build_accounts([person]))]
    with pytest.raises(ValueError, match="share one SignOn"):
        serve_courts(apart)
