"""One final Submit per (court, PACER account) per machine, whatever the --out folder (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import attorney_for, env_without_credentials, replica_court

from ecf_autolink.account_lock import AccountBusy, AccountLock, default_dir, lock_stem, process_alive
from ecf_autolink.demo import write_roster
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

COURT_URL = "http://127.0.0.1:9/"


def _lock(
    folder: Path, out: Path, user: str = "jdoe", url: str = COURT_URL, wait_s: float = 0.5
) -> AccountLock:
    return AccountLock(folder, court="canb", court_url=url, pacer_username=user, out_dir=out, wait_s=wait_s)


async def test_a_second_holder_waits_then_is_told_who_holds_the_account(tmp_path: Path) -> None:
    first = _lock(tmp_path / "locks", tmp_path / "out-a")
    await first.acquire()
    try:
        second = _lock(tmp_path / "locks", tmp_path / "out-b")
        with pytest.raises(AccountBusy) as busy:
            await second.acquire()
        message = str(busy.value)
        assert f"pid {os.getpid()}" in message and str((tmp_path / "out-a").resolve()) in message
        assert "jdoe" in message and "canb" in message and "nothing was linked" in message
        # Another account, or the same account at another site, is not held.
        other = _lock(tmp_path / "locks", tmp_path / "out-b", user="someone")
        await other.acquire()
        other.release()
        staging = _lock(tmp_path / "locks", tmp_path / "out-b", url="https://staging.example")
        await staging.acquire()
        staging.release()
    finally:
        first.release()
    second = _lock(tmp_path / "locks", tmp_path / "out-b")
    await second.acquire()  # free once released
    second.release()


async def test_the_sidecar_names_the_run_and_nothing_else(tmp_path: Path) -> None:
    lock = _lock(tmp_path / "locks", tmp_path / "out")
    await lock.acquire()
    try:
        info = json.loads(lock.sidecar.read_text(encoding="utf-8"))
        assert set(info) == {"pid", "started", "out", "court"}
        assert info["pid"] == os.getpid()
        assert oct(lock.sidecar.stat().st_mode & 0o777) == oct(0o600)
        # No username in any file name: a digest.
        assert all("jdoe" not in p.name for p in (tmp_path / "locks").iterdir())
    finally:
        lock.release()
    assert not lock.sidecar.exists()


def test_lock_names_ignore_spelling_but_not_the_site() -> None:
    assert lock_stem("CANB", "HTTP://Court.example/", " JDoe ") == lock_stem(
        "canb", "http://court.example", "jdoe"
    )
    assert lock_stem("canb", "http://court.example", "jdoe") != lock_stem("canb", "http://other", "jdoe")
    assert lock_stem("canb", "http://court.example", "jdoe") != lock_stem(
        "cacb", "http://court.example", "jdoe"
    )


def test_the_default_place_is_per_user() -> None:
    # The test session points XDG_STATE_HOME at a folder of its own (conftest).
    assert default_dir() == Path(os.environ["XDG_STATE_HOME"]) / "ecf-autolink" / "locks"


def test_a_finished_process_is_not_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_alive(child.pid)
    assert process_alive(os.getpid())


@pytest.mark.browser
async def test_a_row_whose_account_another_run_holds_ends_error_naming_it(
    chromium: Browser, tmp_path: Path
) -> None:
    person = make_attorney("held")
    court = replica_court(person)
    other_out = tmp_path / "other-run"
    with serve(court) as replica:
        holder = _lock(default_dir(), other_out, user=person.pacer_username, url=replica.court_url)
        await holder.acquire()
        try:
            from support import EventLog, _passcodes

            from ecf_autolink.locators import load_selectors
            from ecf_autolink.plan import Row
            from ecf_autolink.runner import Runner, RunOptions

            row = Row(attorney_for(person), replica.court_url, None, load_selectors("canb"))
            runner = Runner(
                RunOptions(out_dir=tmp_path / "out", timeout_ms=10_000, account_wait_s=1.0),
                EventLog(),
                passcodes=_passcodes,
                acknowledge_redaction=lambda notice: True,
            )
            [result] = await runner.run([row], chromium)
        finally:
            holder.release()
    assert result.outcome == Outcome.ERROR, result.message
    assert str(other_out.resolve()) in result.message and f"pid {os.getpid()}" in result.message
    assert "nothing was linked" in result.message
    assert court.final_submits == [] and court.links == {}
    # It signed in but never looked at the link page: the look waits for the lock.
    assert not any("LinkAccount" in path for _, _, path in court.requests)


def _autolink(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ecf_autolink", "link", "--yes", "--acknowledge-redaction", *args],
        env={**env_without_credentials(), **env},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.browser
def test_two_runs_with_different_folders_at_once_link_each_account_once(tmp_path: Path) -> None:
    """Two staff members, two terminals, the same roster, two --out folders, one machine."""
    # Backup codes from one shared file, not TOTP: the two runs would otherwise meet in one
    # passcode window, which PACER accepts once, and wait 30 s for the next.
    people = [
        make_attorney(
            f"pair{i}",
            pacer_name=f"Sam Pair{i}",
            cmecf_name=f"Sam Pair{i}",
            totp_secret=None,
            backup_codes=tuple(f"7{i:03d}{j:04d}" for j in range(4)),
            roster_mfa="backup",
        )
        for i in range(6)
    ]
    court = replica_court(*people)
    court.faults.latency = 0.05  # both runs reach each confirmation page at about the same time
    roster, env = write_roster(tmp_path, people)
    with serve(court) as replica:
        runs = [
            _autolink(
                [
                    "--roster",
                    str(roster),
                    "--court-url",
                    replica.court_url,
                    "--out",
                    str(tmp_path / out),
                    "--concurrency",
                    "3",
                    "--json",
                ],
                env,
                tmp_path,
            )
            for out in ("out-a", "out-b")
        ]
        answers = [run.communicate(timeout=600) for run in runs]
    for run, (_, stderr) in zip(runs, answers, strict=True):
        assert run.returncode == 0, stderr.decode()[-2000:]
    submits = Counter(court.final_submits)
    assert submits == Counter({p.pacer_username: 1 for p in people}), submits
    assert court.links == {p.cmecf_username: p.pacer_username for p in people}
    # Each account: one run linked it, the other found it linked.
    outcomes: dict[str, list[str]] = {}
    for stdout, _ in answers:
        for row in json.loads(stdout):
            outcomes.setdefault(row["pacer_username"], []).append(row["outcome"])
    assert {user: sorted(o) for user, o in outcomes.items()} == {
        p.pacer_username: ["already_linked", "linked"] for p in people
    }
