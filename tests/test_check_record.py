"""`autolink check` and `autolink record` against the replica court, and the page-to-template rules."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import time
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner, Result
from playwright.async_api import Browser
from support import attorney_for, empty_env_file, replica_court, run_on_replica

from ecf_autolink.cli import main
from ecf_autolink.health import check_court
from ecf_autolink.locators import load_selectors
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome
from ecf_autolink.paths import fixtures_dir
from ecf_autolink.recorder import (
    DRY_RUN_PAGES,
    Hidden,
    ensure_message_slot,
    leftovers,
    looks_like_token,
    to_fixture,
)
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

PUBLIC_KEYS = {
    "court_front.document_filing_system",
    "pacer_login.username",
    "pacer_login.password",
    "pacer_login.client_code",
    "pacer_login.login",
    "texts.pacer_login_page",
}


def templates_root(root: Path, court_pages: dict[str, str] | None = None) -> Path:
    """A templates folder: the default pages, plus `court_pages` as canb's own."""
    shutil.copytree(fixtures_dir() / "default", root / "default")
    (root / "canb").mkdir()
    for name, text in (court_pages or {}).items():
        (root / "canb" / name).write_text(text, encoding="utf-8")
    return root


def default_page(name: str) -> str:
    return (fixtures_dir() / "default" / name).read_text(encoding="utf-8")


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


# -- check -----------------------------------------------------------------------------------------


@pytest.mark.browser
def test_check_on_the_replica_finds_every_public_selector_once(tmp_path: Path) -> None:
    court = replica_court(make_attorney())
    with serve(court) as replica:
        as_json = invoke(["check", "--court", "canb", "--court-url", replica.court_url, "--json"])
        as_table = invoke(["check", "--court", "canb", "--court-url", replica.court_url])
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert {r["key"] for r in rows} == PUBLIC_KEYS
    assert all(r["verdict"] == "ok" and r["count"] == 1 for r in rows), rows
    assert all(r["origin"].endswith("default.yaml") for r in rows)
    assert as_table.exit_code == 0, as_table.output
    for key in PUBLIC_KEYS:
        assert key in as_table.stdout
    assert "resolve to exactly one element" in as_table.stderr
    # Nobody signed in: the check only looked.
    assert court.final_submits == [] and not any(m == "POST" for m, _, _ in court.requests)


@pytest.mark.browser
def test_check_names_a_renamed_link_and_exits_non_zero(tmp_path: Path) -> None:
    renamed = default_page("court_front.html").replace(">Document Filing System<", ">Electronic Filing<")
    root = templates_root(tmp_path / "pages", {"court_front.html": renamed})
    court = replica_court(make_attorney(), templates_dir=root)
    with serve(court) as replica:
        result = invoke(["check", "--court", "canb", "--court-url", replica.court_url, "--timeout", "2"])
        as_json = invoke(
            ["check", "--court", "canb", "--court-url", replica.court_url, "--timeout", "2", "--json"]
        )
    assert result.exit_code == 1, result.output
    assert "court_front.document_filing_system" in result.stdout
    assert "court_front.document_filing_system missing" in result.stderr
    assert "default.yaml" in result.stderr and "autolink record" in result.stderr
    verdicts = {r["key"]: r["verdict"] for r in json.loads(as_json.stdout)}
    assert verdicts["court_front.document_filing_system"] == "missing"
    # Without the link the login page cannot be reached, and the check says so.
    assert verdicts["pacer_login.username"] == "unreachable"
    assert as_json.exit_code == 1


@pytest.mark.browser
async def test_check_counts_an_ambiguous_link_and_still_follows_it(chromium: Browser, tmp_path: Path) -> None:
    doubled = default_page("court_front.html").replace(
        "</table>\n<hr>", '</table>\n<p><a href="/cgi-bin/login.pl">Document Filing System</a></p>\n<hr>'
    )
    root = templates_root(tmp_path / "pages", {"court_front.html": doubled})
    court = replica_court(make_attorney(), templates_dir=root)
    context = await chromium.new_context()
    try:
        with serve(court) as replica:
            page = await context.new_page()
            rows = await check_court(page, "canb", replica.court_url, load_selectors("canb"), timeout_ms=5000)
    finally:
        await context.close()
    by_key = {r.key: r for r in rows}
    assert (
        by_key["court_front.document_filing_system"].count,
        by_key["court_front.document_filing_system"].verdict,
    ) == (
        2,
        "ambiguous",
    )
    assert by_key["pacer_login.username"].verdict == "ok"
    assert "/csologin/login.jsf" in by_key["pacer_login.username"].url


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.browser
def test_check_reports_a_court_that_does_not_answer() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = invoke(["check", "--court", "canb", "--court-url", url, "--json", "--timeout", "3"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {r["verdict"] for r in rows} == {"unreachable"}
    assert "ERR_CONNECTION_REFUSED" in rows[0]["detail"]
    assert "could not be opened" in rows[-1]["detail"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check"], "--all"),
        (["check", "--all", "--court", "canb"], "not both"),
        (["check", "--court", "canb", "--court", "cacd", "--court-url", "http://x"], "exactly one --court"),
        (["check", "--court", "zzzz"], "unknown court"),
        (["record", "--court", "canb", "--court", "cacd"], "exactly one --court"),
    ],
)
def test_bad_input_is_exit_2_with_a_sentence(args: list[str], said: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert said in result.stderr


# -- record -----------------------------------------------------------------------------------------

SECRET_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SCRIPT_TOKEN = "Hq7ZtX2mPw9LkR4vNs8Yb3Jc"
HIDDEN_TOKEN = "4f9a8c7e6d5b4a3928171615141312a1"
SESSION_ID = "S3ss10nIdQwErTy"

# canb's pages for the recording: they show who is signed in, and carry tokens, the way
# real CM/ECF pages may. Everything here that names or authenticates must not survive.
SHOWS_WHO = {
    "cmecf_main.html": default_page("cmecf_main.html").replace(
        '<div id="cmecfMainContent">',
        '<div id="cmecfMainContent">\n<p id="who">Signed in as {{pacer_name}} ({{pacer_username}}).'
        " Notices go to {{pacer_username}}@marlowe-law.example.</p>\n"
        f'<script>var sessionToken = "{SCRIPT_TOKEN}"; var who = "{{{{pacer_username}}}}";</script>\n'
        f'<form action="/cgi-bin/Search.pl"><input type="hidden" name="csrf" value="{HIDDEN_TOKEN}"></form>\n'
        f'<a href="/cgi-bin/Help.pl?session={SESSION_ID}">Help for {{{{pacer_name}}}}</a>',
    ),
    "link_confirm.html": default_page("link_confirm.html").replace(
        "<tr><td>PACER</td>", "<tr><td>CM/ECF login</td><td>{{cmecf_username}}</td></tr>\n<tr><td>PACER</td>"
    ),
}


def _marlowe():  # type: ignore[no-untyped-def]
    return make_attorney(
        "qmarlowe",
        pacer_password="Marlowe&Pacer+Pass 2025!",
        pacer_name="Quentin Marlowe",
        cmecf_username="qm_ecf_7",
        cmecf_password="Ecf<Secret>'77",
        cmecf_name="QUENTIN MARLOWE",
        totp_secret=SECRET_TOTP,
        requires_client_code=True,
    )


def _env(sample, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "PACER_USERNAME": sample.pacer_username,
        "PACER_PASSWORD": sample.pacer_password,
        "PACER_CLIENT_CODE": "matter-7731",
        "CMECF_USERNAME": sample.cmecf_username,
        "CMECF_PASSWORD": sample.cmecf_password,
        "ATTORNEY_NAME": "Quentin Marlowe",
        "PACER_TOTP_SECRET": SECRET_TOTP,
        "PACER_BACKUP_CODES_FILE": "",
        **extra,
    }


def _recent_passcodes() -> set[str]:
    totp = pyotp.TOTP(SECRET_TOTP)
    now = time.time()
    return {totp.at(now + step * 30) for step in range(-4, 2)}


def _forbidden(sample, replica_urls: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        sample.pacer_username,
        sample.pacer_password,
        sample.cmecf_username,
        sample.cmecf_password,
        "matter-7731",
        SECRET_TOTP,
        "Quentin",
        "Marlowe",
        "marlowe-law",
        SCRIPT_TOKEN,
        HIDDEN_TOKEN,
        SESSION_ID,
        *(url.split("//", 1)[1] for url in replica_urls),
        *_recent_passcodes(),
    ]


@pytest.mark.browser
async def test_record_saves_pages_without_secrets_and_the_replica_serves_them_back(
    chromium: Browser, tmp_path: Path
) -> None:
    sample = _marlowe()
    # The plain-form login: each step is a page of its own, so each is recorded.
    court = replica_court(
        sample, templates_dir=templates_root(tmp_path / "live", SHOWS_WHO), login_style="form"
    )
    recorded = tmp_path / "recorded"
    with serve(court) as replica:
        args = [
            "record",
            "--court",
            "canb",
            "--court-url",
            replica.court_url,
            "--out",
            str(recorded / "canb"),
            "--acknowledge-redaction",
        ]
        args += ["--env-file", str(empty_env_file(tmp_path)), "--timeout", "10"]
        # The command runs its own event loop; this test's loop keeps running meanwhile.
        result = await asyncio.to_thread(invoke, args, _env(sample))
        urls = [replica.court_url, replica.login_url]
    assert result.exit_code == 0, result.output
    assert court.final_submits == [] and court.links == {}, "record must never submit"

    saved = {p.name: p.read_text(encoding="utf-8") for p in (recorded / "canb").iterdir()}
    assert set(DRY_RUN_PAGES) | {"pacer_mfa.html"} == set(saved), sorted(saved)
    everything = "\n".join(saved.values()).casefold()
    for value in _forbidden(sample, urls):
        assert value.casefold() not in everything, f"a typed or identifying value was saved ({value[:2]}…)"
    assert "{{pacer_name}}" in saved["cmecf_main.html"] and "{{pacer_username}}" in saved["cmecf_main.html"]
    assert "filer@example.com" in saved["cmecf_main.html"]
    confirm = saved["link_confirm.html"]
    assert "<td>{{cmecf_name}}</td>" in confirm and "<td>{{pacer_name}}</td>" in confirm
    assert "{{cmecf_username}}" in confirm and 'value="{{token}}"' in confirm
    assert 'value="{{court_base}}/cgi-bin/login.pl"' in saved["pacer_login.html"]
    assert "{{error}}" in saved["pacer_login.html"] and "{{error}}" in saved["link_form.html"]
    assert "Signed in as" in result.stderr or "saved" in result.stderr

    # The recorded pages are canb's templates now: a full run links through them.
    shutil.copytree(fixtures_dir() / "default", recorded / "default")
    forget_used_windows()  # a new court has seen no passcode; the recording used this window's
    replay = replica_court(sample, templates_dir=recorded, login_style="form")
    assert replay.templates.path("cmecf_main.html") == recorded / "canb" / "cmecf_main.html"
    attorney = attorney_for(sample, client_code="matter-7731")
    [linked] = await run_on_replica(chromium, replay, [attorney], tmp_path / "run")
    assert linked.outcome == Outcome.LINKED, linked.message
    assert (linked.cmecf_name, linked.pacer_name) == ("QUENTIN MARLOWE", "Quentin Marlowe")
    assert replay.final_submits == ["qmarlowe"]


@pytest.mark.browser
async def test_record_with_a_wrong_password_keeps_the_clean_pages_and_exits_1(tmp_path: Path) -> None:
    sample = _marlowe()
    # The plain-form login (`record` names in-page dialogs' pages by their hidden words yet).
    court = replica_court(sample, login_style="form")
    out = tmp_path / "canb"
    with serve(court) as replica:
        args = ["record", "--court", "canb", "--court-url", replica.court_url, "--out", str(out)]
        args += ["--env-file", str(empty_env_file(tmp_path)), "--timeout", "10", "--acknowledge-redaction"]
        result = await asyncio.to_thread(invoke, args, _env(sample, PACER_PASSWORD="Not-The-Password-1!"))
    assert result.exit_code == 1, result.output
    assert "pacer_login_failed" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["court_front.html", "pacer_login.html"]
    # The first login page seen is kept, not the one saying "Login failed".
    assert "Login failed" not in (out / "pacer_login.html").read_text()
    assert court.final_submits == []


# -- the page-to-template rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "S3cr3t&Pw! x",  # plain
        "S3cr3t&amp;Pw! x",  # HTML-escaped
        "S3cr3t&#38;Pw&#x21; x",  # numeric entities
        "S3cr3t%26Pw%21+x",  # URL-encoded
        "s3CR3T&pw! X",  # another letter case
        "S3cr3t\\u0026Pw! x",  # JS-escaped
    ],
)
def test_a_credential_is_removed_however_the_page_spells_it(spelling: str) -> None:
    page = f'<p>before {spelling} after</p><a href="/x?q={spelling}">y</a>'
    out = to_fixture(page, {"S3cr3t&Pw! x": ""})
    assert "S3cr3t".casefold() not in out.casefold()
    assert out.startswith("<p>before  after</p>")


def test_names_and_usernames_become_placeholders_as_whole_words_only() -> None:
    page = "<p>Jane&nbsp;DOE (jdoe) signed in; jdoe2 is someone else; Janet Doerr too.</p>"
    out = to_fixture(page, {"Jane Doe": "pacer_name", "jdoe": "pacer_username"})
    assert out == (
        "<p>{{pacer_name}} ({{pacer_username}}) signed in; jdoe2 is someone else; Janet Doerr too.</p>"
    )


def test_markup_and_field_names_survive_only_values_change() -> None:
    page = '<form name="form" action="/cgi-bin/x"><input name="form" value="form"></form><p>form</p>'
    out = to_fixture(page, {"form": "pacer_username"})
    assert out == (
        '<form name="form" action="/cgi-bin/x"><input name="form"'
        ' value="{{pacer_username}}"></form><p>{{pacer_username}}</p>'
    )
    # ...and the last check refuses such a page rather than save a username in it.
    assert leftovers(out, [Hidden("the PACER username", "form", "pacer_username")]) == ["the PACER username"]
    # A credential goes from wherever it is.
    assert (
        to_fixture('<input name="pw" id="Hunter2-secret">', {"Hunter2-secret": ""})
        == '<input name="pw" id="">'
    )


def test_tokens_in_hidden_inputs_meta_scripts_and_addresses_are_emptied() -> None:
    page = (
        '<meta name="csrf-token" content="aB3dE5fG7hJ9kL1mN3pQ">'
        '<input type="hidden" name="t" value="-8541964546227379047:-8453654734657254906">'
        '<input type="hidden" name="loginForm" value="loginForm">'
        '<input type="text" name="q" value="aB3dE5fG7hJ9kL1mN3pQ">'
        '<script>var s = "Zx81kQpL0aBcDeFgHiJkLm"; var lib = "jquery-1.12.4.min.js"; if (a<b) {}</script>'
        '<a href="/x;jsessionid=ABC123?sid=42&amp;page=2">x</a>'
    )
    out = to_fixture(page, {})
    assert 'content=""' in out and 'value=""' in out
    assert 'value="loginForm"' in out, "a short word is not a token"
    assert '<input type="text" name="q" value="aB3dE5fG7hJ9kL1mN3pQ">' in out, "only hidden inputs"
    assert 'var s = ""' in out and "jquery-1.12.4.min.js" in out and "if (a<b) {}" in out
    assert 'href="/x;jsessionid=?sid=&amp;page=2"' in out


def test_the_confirmation_token_becomes_the_replicas_placeholder() -> None:
    page = '<input type="hidden" name="confirm_token" value="Zx81kQpL0aBcDeFgHiJkLm">'
    assert to_fixture(page, {}, token_placeholder="token") == (
        '<input type="hidden" name="confirm_token" value="{{token}}">'
    )


def test_equal_names_are_told_apart_by_their_row() -> None:
    page = (
        "<table><tr><td>CM/ECF:</td><td><b>Jane Doe</b></td></tr>\n"
        "<tr><td>PACER</td><td> Jane Doe </td></tr></table><p>Jane Doe</p>"
    )
    out = to_fixture(
        page, {"Jane Doe": "pacer_name"}, row_names={"CM/ECF": "cmecf_name", "PACER": "pacer_name"}
    )
    assert out == (
        "<table><tr><td>CM/ECF:</td><td><b>{{cmecf_name}}</b></td></tr>\n"
        "<tr><td>PACER</td><td> {{pacer_name}} </td></tr></table><p>{{pacer_name}}</p>"
    )


def test_braces_already_in_a_page_do_not_become_placeholders() -> None:
    page = "<p>{{ price }}</p><script>var t = '{{x}}';</script>"
    assert to_fixture(page, {}) == "<p>&#123;{ price }}</p><script>var t = '{ {x}}';</script>"


def test_other_peoples_email_addresses_go_and_the_courts_stay() -> None:
    out = to_fixture("<p>jane@firm.com, ecf_help@canb.uscourts.gov</p>", {})
    assert out == "<p>filer@example.com, ecf_help@canb.uscourts.gov</p>"


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("Zx81kQpL0aBcDeFgHiJkLm", True),
        ("-8541964546227379047:-8453654734657254906", True),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", True),
        ("loginFormSubmitButton", False),
        ("jquery-1.12.4.min.js", False),
        ("/cgi-bin/LinkAccount.pl", False),
        ("https://ecf.canb.uscourts.gov/", False),
        ("short1", False),
    ],
)
def test_what_looks_like_a_token(value: str, token: bool) -> None:
    assert looks_like_token(value) is token


def test_a_page_the_replica_writes_messages_on_gets_a_place_for_them() -> None:
    page = '<html><body class="x">\n<form></form></body></html>'
    with_slot = ensure_message_slot("pacer_login.html", page)
    assert '<body class="x">\n<!-- autolink record' in with_slot and "{{error}}" in with_slot
    assert ensure_message_slot("pacer_login.html", with_slot) == with_slot
    assert ensure_message_slot("cmecf_main.html", page) == page


def test_leftovers_name_what_is_still_there_but_never_the_value() -> None:
    hidden = [
        Hidden("the PACER password", "Pw-123-secret", ""),
        Hidden("the PACER name", "Jane Doe", "pacer_name"),
    ]
    assert leftovers("<p>{{pacer_name}}</p>", hidden) == []
    assert leftovers("<jane doe>Pw%2D123-secret", hidden) == ["the PACER password", "the PACER name"]


def test_the_check_table_prints_css_selectors_as_written() -> None:
    from rich.console import Console

    from ecf_autolink.cli.check import _table
    from ecf_autolink.health import CheckRow

    row = CheckRow(
        "canb",
        "PACER login",
        "pacer_login.username",
        "css='input[name=loginForm:x]'",
        0,
        "missing",
        "selectors/canb.yaml",
    )
    console = Console(width=200, record=True, color_system=None)
    console.print(_table([row], with_court=True))
    text = console.export_text()
    assert "input[name=loginForm:x]" in text and "missing" in text


def test_names_are_also_hidden_surname_first_and_a_lone_surname_is_caught() -> None:
    from ecf_autolink.recorder import surname_first, surname_words

    assert surname_first("Quentin A. Marlowe") == "Marlowe, Quentin A."
    assert surname_first("Marlowe") == "" and surname_first("Marlowe, Quentin") == ""
    hidden = [Hidden("the PACER name, surname first", surname_first("Quentin Marlowe"), "pacer_name")]
    assert leftovers("<td>MARLOWE, QUENTIN</td>", hidden) == ["the PACER name, surname first"]
    # A lone surname is only looked for, and not when the pages' own words include it.
    found = surname_words(["Quentin Marlowe", "Ann Link"], "Link a CM/ECF account")
    assert [h.value for h in found] == ["Marlowe"]
    assert leftovers("<p>Welcome back, Marlowe</p>", found) == ["the attorney's surname"]
    assert leftovers("<p>Marlowes</p>", found) == []
