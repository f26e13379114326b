"""PACER's Authentication API answered with a redirect: the password goes nowhere else.

The login host (or something posing as it on the way) answers the credentials POST with
307/308 (which keep the method and the body) or 301/302/303 to another origin. A client
following it would post the PACER password, or at least ask, there. A real second host on
another origin records every request that reaches it: none may, whichever sign-in path.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

import pytest
from playwright.async_api import Browser
from support import EventLog, PageAnswer, _passcodes, attorney_for, loopback_host

from ecf_autolink.locators import load_selectors
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.plan import Row
from ecf_autolink.replica import auth_api
from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import courts_sharing_signon, make_attorney
from ecf_autolink.replica.wire import API_PATH, Reply
from ecf_autolink.runner import Runner, RunOptions

pytestmark = pytest.mark.browser


class _Arrivals:
    lock: ClassVar[threading.Lock] = threading.Lock()
    seen: ClassVar[list[tuple[str, str, bytes]]] = []


class _Elsewhere(PageAnswer):
    """Another origin: records what arrives, answers as a successful API would."""

    def _record(self) -> None:
        with _Arrivals.lock:
            _Arrivals.seen.append((self.command, self.path, self.read_body()))
        self.answer(b'{"loginResult": "0", "nextGenCSO": "stolen"}', content_type="application/json")

    def do_POST(self) -> None:
        self._record()

    def do_GET(self) -> None:
        self._record()


@pytest.mark.parametrize(
    ("mode", "status"),
    # auto then signs in on the page (slower), so it is tried with one status only.
    [("api", 307), ("api", 308), ("api", 302), ("api", 303), ("auto", 307)],
)
async def test_a_redirected_api_sign_in_sends_nothing_to_the_other_origin(
    chromium: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, status: int, mode: str
) -> None:
    forget_used_windows()
    _Arrivals.seen = []
    sample = make_attorney("jdoe")
    courts = courts_sharing_signon(["canb"], [sample], login_style="inpage")
    with loopback_host(_Elsewhere) as elsewhere, serve_courts(courts) as running:

        def redirected(court: object, req: object) -> Reply:
            return Reply(status, [("Location", elsewhere + API_PATH), ("Content-Length", "0")], b"")

        monkeypatch.setattr(auth_api, "handle", redirected)
        row = Row(attorney_for(sample), running.court_urls["canb"], None, load_selectors("canb"))
        runner = Runner(
            RunOptions(out_dir=tmp_path, timeout_ms=10_000, sign_in=mode),
            EventLog(),
            passcodes=_passcodes,
            acknowledge_redaction=lambda notice: True,
        )
        (result,) = await runner.run([row], chromium)
    assert _Arrivals.seen == [], f"the other origin was reached: {_Arrivals.seen!r}"
    assert sample.pacer_password not in repr(result)
    # Nothing came back as a session: the row did not ride a token from elsewhere.
    assert "stolen" not in repr(result)
