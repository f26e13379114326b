"""A Submit possibly still on its way is not sent again (issue 23 item 4).

A proxy between the tool and the court holds the final POST. The run that sent it ends
while it is held; the same command at once finds the court not linked yet, and the
process that sent it gone. "Gone" does not prove "nothing in flight": the row stays
`unconfirmed`, saying when a rerun may look again; the held POST then lands, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from forward_proxy import ForwardProxy
from support import EventLog, _passcodes, backup_codes_attorney, replica_court, with_backup_codes

from ecf_autolink.journal import Journal
from ecf_autolink.locators import load_selectors
from ecf_autolink.network import NetworkSettings
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan import Row
from ecf_autolink.replica.http_server import serve
from ecf_autolink.runner import Runner, RunOptions

COURT_HOST = "ecf.canb.held.test"
LOGIN_HOST = "pacer-login.held.test"
NAMES = {COURT_HOST: "127.0.0.1", LOGIN_HOST: "127.0.0.1"}
HOLD_S = 8.0
TIMEOUT_MS = 4_000
MARGIN_S = 6.0


def _renamed(url: str, host: str) -> str:
    return f"http://{host}:{urlsplit(url).port}"


def _runner(out: Path, proxy: ForwardProxy) -> Runner:
    options = RunOptions(
        out_dir=out,
        timeout_ms=TIMEOUT_MS,
        network=NetworkSettings(proxy=proxy.url, proxy_source="test"),
        submit_margin_s=MARGIN_S,
    )
    return Runner(options, EventLog(), passcodes=_passcodes, acknowledge_redaction=lambda notice: True)


async def _until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        await asyncio.sleep(0.05)


@pytest.mark.browser
async def test_a_submit_held_on_the_wire_is_not_sent_again_by_the_next_run(tmp_path: Path) -> None:
    person = with_backup_codes("held")
    court = replica_court(person)
    attorney = backup_codes_attorney(person, tmp_path / "codes")
    out = tmp_path / "out"
    held: list[float] = []

    def hold_the_first_submit(target: str, chunk: bytes) -> float:
        # Only the final Submit reaches the court as a POST through a tunnel (the request
        # API); the sign-in API's POST goes to the login host.
        if target.startswith(COURT_HOST) and chunk.startswith(b"POST ") and not held:
            held.append(time.monotonic())
            return HOLD_S
        return 0.0

    with serve(court) as replica, ForwardProxy(NAMES, hold=hold_the_first_submit) as proxy:
        court_url = _renamed(replica.court_url, COURT_HOST)
        court.set_bases(court_url, _renamed(replica.login_url, LOGIN_HOST))
        row = Row(attorney, court_url, None, load_selectors("canb"))

        # The first run hands the Submit over; it is held; the run ends (Ctrl-C).
        first = asyncio.create_task(_runner(out, proxy).run([row]))
        await _until(proxy.holding.is_set, 60)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
        with Journal.open(out) as journal:
            [state] = journal.states()
        assert (
            state.state == "submitting"
            and state.submit_at
            and state.submit_window_s == TIMEOUT_MS / 1000 + MARGIN_S
        )
        assert court.final_submits == []  # still held

        # The same command at once: the court shows no link yet, the sender is gone, but
        # its Submit may still be on its way: nothing is sent, and it says when to look.
        [second] = await _runner(out, proxy).run([row])
        assert second.outcome == Outcome.UNCONFIRMED, second.message
        assert "may still be on its way" in second.message and "may look again after" in second.message
        until = datetime.fromisoformat(state.submit_at).timestamp() + TIMEOUT_MS / 1000 + MARGIN_S
        assert datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%d %H:%M:%S UTC") in second.message
        assert court.final_submits == []

        # The held POST arrives: the one Submit.
        await _until(lambda: court.final_submits, HOLD_S + 10)
        assert court.final_submits == [person.pacer_username]

        # After the window a rerun looks, finds the link, and sends nothing.
        await _until(lambda: time.time() > until + 1, 60)
        [third] = await _runner(out, proxy).run([row])
        assert third.outcome == Outcome.LINKED, third.message
        assert court.final_submits == [person.pacer_username]
