"""`autolink link` and today's PACER sign-on: --sign-in, --acknowledge-redaction and
--court-url COURT=URL, as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import credentials_env, empty_env_file

from ecf_autolink.cli import main
from ecf_autolink.court_urls import CourtUrlError, parse_court_urls, split_env
from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import courts_sharing_signon, make_attorney
from ecf_autolink.secret import Secret
from ecf_autolink.sign_in_api import Answer, classify, failed_call, request_body, session_cookies

UNSET = (
    "PACER_USERNAME",
    "PACER_PASSWORD",
    "CMECF_USERNAME",
    "CMECF_PASSWORD",
    "PACER_TOTP_SECRET",
    "PACER_BACKUP_CODES_FILE",
    "ATTORNEY_NAME",
    "AUTOLINK_COURT_URL",
    "AUTOLINK_ACKNOWLEDGE_REDACTION",
    "AUTOLINK_SIGN_IN",
)


def _invoke(args: list[str], env: dict[str, str | None], tmp_path: Path) -> Result:
    base: dict[str, str | None] = dict.fromkeys(UNSET)
    return CliRunner().invoke(main, [*args, "--env-file", str(empty_env_file(tmp_path))], env={**base, **env})


# -- --court-url forms ------------------------------------------------------------


def test_court_url_forms() -> None:
    assert parse_court_urls(["https://staging.test"]).bare == "https://staging.test"
    both = parse_court_urls(["canb=http://127.0.0.1:8000", " CACB = https://b.test/ "])
    assert both.by_court == {"canb": "http://127.0.0.1:8000", "cacb": "https://b.test/"}
    assert both.url_for("canb", "official") == "http://127.0.0.1:8000"
    assert both.url_for("nysd", "official") == "official" and not both.replaced("nysd")
    assert split_env("canb=http://a.test,cacb=http://b.test") == ["canb=http://a.test", "cacb=http://b.test"]
    assert split_env("https://x.test/?a=1,2") == ["https://x.test/?a=1,2"]
    assert not parse_court_urls([])


@pytest.mark.parametrize(
    ("values", "named"),
    [
        (["ftp://a.test"], "ftp://a.test"),
        (["canb=ftp://a.test"], "canb=ftp://a.test"),
        (["zzzz=http://a.test"], "zzzz=http://a.test"),
        (["ca9=http://a.test"], "ca9=http://a.test"),
        (["canb=http://a.test", "canb=http://b.test"], "canb=http://b.test"),
        (["http://a.test", "http://b.test"], "http://b.test"),
        (["http://a.test", "canb=http://b.test"], "http://a.test"),
    ],
)
def test_a_bad_court_url_is_refused_naming_it(values: list[str], named: str, tmp_path: Path) -> None:
    with pytest.raises(CourtUrlError) as caught:
        parse_court_urls(values)
    assert named in str(caught.value)
    args = ["link", "--yes", "--court", "canb"]
    for value in values:
        args += ["--court-url", value]
    result = _invoke(args, {}, tmp_path)
    assert result.exit_code == 2, result.output
    assert named in result.output and "PACER_PASSWORD" not in result.output


def test_bad_sign_in_settings_exit_2(tmp_path: Path) -> None:
    result = _invoke(["link", "--yes", "--court", "canb", "--sign-in", "browser"], {}, tmp_path)
    assert result.exit_code == 2 and "browser" in result.output
    (tmp_path / "bad.env").write_text("AUTOLINK_ACKNOWLEDGE_REDACTION=maybe\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["link", "--yes", "--court", "canb", "--env-file", str(tmp_path / "bad.env")],
        env=dict.fromkeys(UNSET),
    )
    assert result.exit_code == 2 and "AUTOLINK_ACKNOWLEDGE_REDACTION" in result.output


# -- the Authentication API's answers (pure) ----------------------------------------


def test_api_answers_are_read_by_their_documented_shape() -> None:
    ok = classify(200, json.dumps({"loginResult": "0", "nextGenCSO": "tok-123"}).encode())
    assert ok.answer == Answer.SIGNED_IN and ok.token is not None and ok.token.reveal() == "tok-123"
    warned = classify(200, b'{"loginResult": "0", "nextGenCSO": "t", "errorDescription": "inactive"}')
    assert warned.answer == Answer.SIGNED_IN and warned.description == "inactive"
    no = classify(
        200, b'{"loginResult": "13", "errorDescription": "Invalid username, password, or one-time passcode"}'
    )
    assert no.answer == Answer.REJECTED and "one-time passcode" in no.description
    assert classify(401, b'{"loginResult": "1"}').answer == Answer.REJECTED
    # Only an answer that proves the password was not checked lets `auto` use the page.
    for status, body in ((404, b""), (405, b"<html>"), (415, b"{}")):
        assert classify(status, body).answer == Answer.NOT_CHECKED
    for status, body in (
        (500, b"{}"),
        (503, b""),
        (502, b"<html>gateway</html>"),
        (302, b""),
        (200, b"<html>"),
    ):
        assert classify(status, body).answer == Answer.LOST, (status, body)
    for body in (b'{"status": "OK"}', b"[]", b'{"loginResult": "0"}'):
        assert classify(200, body).answer == Answer.UNKNOWN
    assert all(classify(200, b).answer.maybe_checked for b in (b"<html>", b"[]", b"\xff"))


def test_a_failed_api_call_is_not_checked_only_when_it_never_connected() -> None:
    never = (
        "connect ECONNREFUSED 127.0.0.1:443",
        "getaddrinfo ENOTFOUND pacer.example",
        "net::ERR_CERT_AUTHORITY_INVALID",
    )
    for text in never:
        assert failed_call(text).answer == Answer.NOT_CHECKED, text
    for text in ("Timeout 30000ms exceeded.", "read ECONNRESET", "socket hang up"):
        assert failed_call(text).answer == Answer.LOST, text


def test_redact_flag_and_client_code_only_when_given() -> None:
    person = make_attorney("jdoe")
    from support import attorney_for

    plain = request_body(attorney_for(person), Secret("123456"), redact=False)
    assert "redactFlag" not in plain and "clientCode" not in plain and plain["otpCode"] == "123456"
    flagged = request_body(attorney_for(person, client_code="m-7"), Secret("123456"), redact=True)
    assert flagged["redactFlag"] == "1" and flagged["clientCode"] == "m-7"


def test_the_session_cookie_goes_to_every_court_or_to_the_two_replaced_hosts() -> None:
    token = Secret("tok")
    [real] = session_cookies(
        token, "https://ecf.canb.uscourts.gov", "https://pacer.login.uscourts.gov", real_court=True
    )
    assert real["domain"] == ".uscourts.gov" and real["name"] == "NextGenCSO" and real["secure"]
    local = session_cookies(token, "http://127.0.0.1:1", "http://localhost:2", real_court=False)
    assert [c["url"] for c in local] == ["http://127.0.0.1:1/", "http://localhost:2/"]


# -- whole runs through the CLI, on two replica courts -------------------------------


@pytest.mark.browser
def test_without_acknowledgement_or_terminal_the_run_exits_1_naming_the_flag(tmp_path: Path) -> None:
    person = make_attorney("jdoe")
    courts = courts_sharing_signon(["canb"], [person], login_style="inpage")
    with serve_courts(courts) as running:
        args = ["link", "--yes", "--court", "canb", "--court-url", f"canb={running.court_urls['canb']}"]
        result = _invoke([*args, "--out", str(tmp_path / "out"), "--json"], credentials_env(person), tmp_path)
    assert result.exit_code == 1, result.output
    (row,) = json.loads(result.stdout[result.stdout.index("[") :])
    assert row["outcome"] == "pacer_login_failed" and "--acknowledge-redaction" in row["message"]
    seen = courts[0].signon.seen
    assert seen.redaction_acks == [] and seen.api_calls["jdoe"] == 0 and seen.login_posts["jdoe"] == 0


@pytest.mark.browser
@pytest.mark.parametrize("sign_in", ["page", "api"])
def test_two_courts_by_court_url_one_sign_in(tmp_path: Path, sign_in: str) -> None:
    person = make_attorney("jdoe")
    courts = courts_sharing_signon(["canb", "cacb"], [person], login_style="inpage")
    with serve_courts(courts) as running:
        urls = ",".join(f"{court}={url}" for court, url in running.court_urls.items())
        env = {**credentials_env(person), "AUTOLINK_COURT_URL": urls, "AUTOLINK_SIGN_IN": sign_in}
        args = ["link", "--yes", "--court", "canb", "--court", "cacb", "--acknowledge-redaction"]
        result = _invoke([*args, "--out", str(tmp_path / "out"), "--json"], env, tmp_path)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout[result.stdout.index("[") :])
    assert [r["outcome"] for r in rows] == ["linked", "linked"]
    seen = courts[0].signon.seen
    assert seen.login_posts["jdoe"] == 1 and seen.passcode_posts["jdoe"] == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert sum(r["sign_ins"] for r in report) == 1 and sum(r["passcodes"] for r in report) == 1
    assert report[0]["redaction_acknowledged"]
    assert person.pacer_password not in result.output and (person.totp_secret or "") not in result.output


async def test_in_a_terminal_the_notice_is_shown_and_asked_once_per_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    from ecf_autolink.cli.inputs import RedactionConsent

    asked: list[str] = []

    def confirm(text: str, **_: object) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(click, "confirm", confirm)
    consent = RedactionConsent.for_run(False, interactive=True)
    assert consent is not None
    assert [await consent("NOTICE OF REDACTION RESPONSIBILITY ...") for _ in range(3)] == [True, True, True]
    assert len(asked) == 1
    assert capsys.readouterr().err.count("NOTICE OF REDACTION RESPONSIBILITY") == 1
    assert RedactionConsent.for_run(False, interactive=False) is None
    flagged = RedactionConsent.for_run(True, interactive=False)
    assert flagged is not None and await flagged("any words") is True
