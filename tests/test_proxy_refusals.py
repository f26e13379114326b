"""A proxy that refuses the request API right before the final Submit: nothing is sent.

The browser reaches the court through the proxy up to the confirmation table. Then the
proxy answers the next tunnel to the court itself (the check before the Submit) with a
refusal: 407 (it wants its own user name and password), 403 (policy forbids the court),
401 (a proxy asking for a login the wrong way). Only that one tunnel is refused, so a
Submit sent anyway would land: the row must end `error` with the court untouched.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from forward_proxy import ForwardProxy
from support import EventLog, attorney_for, replica_court

from ecf_autolink.journal import Journal
from ecf_autolink.locators import load_selectors
from ecf_autolink.network import NetworkSettings
from ecf_autolink.otp import build_provider
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan import Row
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney
from ecf_autolink.runner import Runner, RunOptions

COURT_HOST = "ecf.canb.refusing.test"
LOGIN_HOST = "pacer-login.refusing.test"
NAMES = {COURT_HOST: "127.0.0.1", LOGIN_HOST: "127.0.0.1"}

REFUSALS = {
    407: b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="firm"\r\n',
    403: b"HTTP/1.1 403 Forbidden\r\nX-Squid-Error: ERR_ACCESS_DENIED 0\r\n",
    401: b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n",
}


class RefusingOnce(ForwardProxy):
    """Forwards everything, except that once armed it refuses the next tunnel to the court."""

    def __init__(self, status: int) -> None:
        super().__init__(NAMES, down_after=self._arm)
        self.status = status
        self.armed = threading.Event()
        self.refusals: list[str] = []

    def _arm(self, method: str, target: str) -> bool:
        # The CM/ECF login POST brings the confirmation table: the Submit comes next.
        if method == "POST" and target.endswith("/cgi-bin/LinkAccount.pl") and not self.refusals:
            self.armed.set()
        return False

    def _tunnel(self, client: socket.socket, target: str, rest: bytes) -> None:
        if self.armed.is_set() and target.startswith(COURT_HOST):
            self.armed.clear()
            self.refusals.append(target)
            body = b"<html><body>Access denied by the firm's proxy</body></html>"
            head = (
                REFUSALS[self.status] + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            )
            client.sendall(head + body)
            return
        super()._tunnel(client, target, rest)


def _renamed(url: str, host: str) -> str:
    return f"http://{host}:{urlsplit(url).port}"


def _passcodes(row: Row):  # type: ignore[no-untyped-def]
    return build_provider(row.attorney.totp_secret, None, None)


@pytest.mark.browser
@pytest.mark.parametrize("status", [407, 403, 401])
async def test_a_proxy_refusing_the_check_before_the_submit_sends_nothing(
    tmp_path: Path, status: int
) -> None:
    person = make_attorney("jdoe")
    court = replica_court(person)
    with serve(court) as replica, RefusingOnce(status) as proxy:
        court_url = _renamed(replica.court_url, COURT_HOST)
        court.set_bases(court_url, _renamed(replica.login_url, LOGIN_HOST))
        options = RunOptions(
            out_dir=tmp_path / "out",
            timeout_ms=10_000,
            network=NetworkSettings(proxy=proxy.url, proxy_source="test"),
        )
        row = Row(attorney_for(person), court_url, None, load_selectors("canb"))
        runner = Runner(options, EventLog(), passcodes=_passcodes, acknowledge_redaction=lambda notice: True)
        (result,) = await runner.run([row])
    # The refusal met the check before the Submit, not something earlier.
    assert len(proxy.refusals) == 1
    assert court.final_submits == [] and court.links == {}, result.message
    assert result.outcome == Outcome.ERROR, result.message
    assert "the Submit was not sent, nothing was linked" in result.message
    assert str(status) in result.message
    with Journal.open(tmp_path / "out") as journal:
        state = journal.state(journal.row_key(row.attorney))
    assert state is not None and not state.submit_sent
