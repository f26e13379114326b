"""Behind a proxy (issue 13): the browser and the final Submit both go through it, and a
Submit path the proxy no longer carries ends the row `error` with nothing sent.

The replica court is published under host names only the test's proxy resolves, so
every request that reached it, the final Submit included, went through the proxy.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from forward_proxy import ForwardProxy
from support import EventLog, attorney_for, credentials_env, empty_env_file, replica_court

from ecf_autolink.cli import main
from ecf_autolink.journal import Journal
from ecf_autolink.locators import load_selectors
from ecf_autolink.network import NetworkSettings
from ecf_autolink.otp import build_provider
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan import Row
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney
from ecf_autolink.runner import Runner, RunOptions

COURT_HOST = "ecf.canb.proxied.test"
LOGIN_HOST = "pacer-login.proxied.test"
NAMES = {COURT_HOST: "127.0.0.1", LOGIN_HOST: "127.0.0.1"}


def _renamed(url: str, host: str) -> str:
    return f"http://{host}:{urlsplit(url).port}"


def _passcodes(row: Row):  # type: ignore[no-untyped-def]
    return build_provider(row.attorney.totp_secret, None, None)


def _unresolvable(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 80)
    except OSError:
        return True
    return False


@pytest.mark.browser
def test_a_court_reachable_only_through_the_proxy_is_linked_through_it(tmp_path: Path) -> None:
    assert _unresolvable(COURT_HOST) and _unresolvable(LOGIN_HOST)
    person = make_attorney("jdoe")
    court = replica_court(person)
    env = {
        **credentials_env(person),
        # The proxy comes from --proxy, not from the developer's shell.
        **{name: None for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY")},
    }
    with serve(court) as replica, ForwardProxy(NAMES) as proxy:
        court_url = _renamed(replica.court_url, COURT_HOST)
        login_url = _renamed(replica.login_url, LOGIN_HOST)
        court.set_bases(court_url, login_url)
        args = ["link", "--yes", "--court", "canb", "--court-url", court_url, "--proxy", proxy.url]
        args.append("--acknowledge-redaction")
        result = CliRunner().invoke(
            main,
            [*args, "--out", str(tmp_path / "out"), "--json", "--env-file", str(empty_env_file(tmp_path))],
            env=env,
        )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout[result.stdout.index("[") :])
    assert row["outcome"] == "linked", row["message"]
    assert court.final_submits == ["jdoe"]
    # The browser's pages came as proxied requests to both hosts ...
    methods = {(m, urlsplit(t).hostname, urlsplit(t).path) for m, t in proxy.seen.requests}
    assert ("POST", COURT_HOST, "/cgi-bin/LinkAccount.pl") in methods
    # ... and the request API through tunnels: the sign-in by PACER's Authentication API
    # (auto's first path), the check before the Submit, then the Submit.
    tunnels = [t for m, t in proxy.seen.requests if m == "CONNECT"]
    assert f"{LOGIN_HOST}:{urlsplit(login_url).port}" in tunnels
    assert court.signon.seen.api_sign_ins["jdoe"] == 1, "the sign-in did not use the Authentication API"
    assert tunnels.count(f"{COURT_HOST}:{urlsplit(court_url).port}") >= 2
    assert f"proxy: {proxy.url}" in result.stderr


@pytest.mark.browser
async def test_the_proxy_gone_before_the_submit_ends_the_row_error_with_nothing_sent(tmp_path: Path) -> None:
    person = make_attorney("jdoe")
    court = replica_court(person)

    def after_the_confirmation_page(method: str, target: str) -> bool:
        # The CM/ECF login POST brings the confirmation table; then the proxy dies.
        return method == "POST" and target.endswith("/cgi-bin/LinkAccount.pl")

    with serve(court) as replica, ForwardProxy(NAMES, down_after=after_the_confirmation_page) as proxy:
        court_url = _renamed(replica.court_url, COURT_HOST)
        court.set_bases(court_url, _renamed(replica.login_url, LOGIN_HOST))
        options = RunOptions(
            out_dir=tmp_path / "out",
            timeout_ms=10_000,
            network=NetworkSettings(proxy=proxy.url, proxy_source="test"),
        )
        log = EventLog()
        row = Row(attorney_for(person), court_url, None, load_selectors("canb"))
        runner = Runner(options, log, passcodes=_passcodes, acknowledge_redaction=lambda notice: True)
        (result,) = await runner.run([row])
    assert result.outcome == Outcome.ERROR, result.message
    assert "proxy or certificate trouble" in result.message
    assert "the Submit was not sent, nothing was linked" in result.message
    assert "step 'submit' stopped before sending" in result.message
    assert "request API" in result.message
    # The confirmation table came through the proxy; nothing after it did.
    assert proxy.down.is_set() and proxy.seen.refused >= 1
    assert court.final_submits == []
    assert court.links == {}
    with Journal.open(tmp_path / "out") as journal:
        state = journal.state(journal.row_key(row.attorney))
    assert state is not None and not state.submit_sent
    assert state.outcome == Outcome.ERROR
    assert any(line == f"step {person.pacer_username} submit" for line in log.lines)


@pytest.mark.browser
def test_check_reaches_a_court_only_the_proxy_knows(tmp_path: Path) -> None:
    court = replica_court(make_attorney("jdoe"))
    with serve(court) as replica, ForwardProxy(NAMES) as proxy:
        court_url = _renamed(replica.court_url, COURT_HOST)
        court.set_bases(court_url, _renamed(replica.login_url, LOGIN_HOST))
        result = CliRunner().invoke(
            main,
            ["check", "--court", "canb", "--court-url", court_url, "--proxy", proxy.url, "--json"],
            env={"HTTPS_PROXY": None, "HTTP_PROXY": None, "NO_PROXY": None},
        )
    assert result.exit_code == 0, result.output
    assert all(row["verdict"] == "ok" for row in json.loads(result.stdout))
    hosts = {urlsplit(t).hostname for m, t in proxy.seen.requests if m == "GET"}
    assert {COURT_HOST, LOGIN_HOST} <= hosts
