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


def _lock(folder: Path, out: Path, user: str = "jdoe", wait_s: float = 0.5) -> AccountLock:
    return AccountLock(folder, court="canb", pacer_username=user, out_dir=out, wait_s=wait_s)


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
        # Another account is not held.
        other = _lock(tmp_path / "locks", tmp_path / "out-b", user="someone")
        await other.acquire()
        other.release()
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


def test_lock_names_key_the_court_id_and_the_account_not_an_address() -> None:
    assert lock_stem("CANB", " JDoe ") == lock_stem("canb", "jdoe")
    assert lock_stem("canb", "jdoe") != lock_stem("cacb", "jdoe")
    assert lock_stem("canb", "jdoe") != lock_stem("canb", "rroe")


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
        holder = _lock(default_dir(), other_out, user=person.pacer_username)
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


def _spelled(url: str, spelling: str) -> str:
    """The replica's address written another way that reaches the same court."""
    port = url.rstrip("/").rsplit(":", 1)[1]
    return {
        "dot segment": f"http://127.0.0.1:{port}/./",
        "trailing slash": f"http://127.0.0.1:{port}/",
    }[spelling]


@pytest.mark.browser
# Only spellings of one origin: the replica links its pages to 127.0.0.1, so a run given
# `localhost` refuses to type credentials there (trust.py), as it should. The lock for
# `localhost` is the same file all the same (keyed by court id; the site test below).
@pytest.mark.parametrize("spelling", ["dot segment"])
def test_two_runs_spelling_one_court_two_ways_link_each_account_once(tmp_path: Path, spelling: str) -> None:
    """Issue 23, item 1: `--court-url http://127.0.0.1:PORT/` in one terminal and the same
    court written another way in the other, two --out folders: one lock, one Submit each."""
    people = [
        make_attorney(
            f"spell{i}",
            pacer_name=f"Kim Spell{i}",
            cmecf_name=f"Kim Spell{i}",
            totp_secret=None,
            backup_codes=tuple(f"6{i:03d}{j:04d}" for j in range(4)),
            roster_mfa="backup",
        )
        for i in range(3)
    ]
    court = replica_court(*people)
    court.faults.latency = 0.05
    roster, env = write_roster(tmp_path, people)
    with serve(court) as replica:
        urls = [_spelled(replica.court_url, "trailing slash"), _spelled(replica.court_url, spelling)]
        runs = [
            _autolink(
                ["--roster", str(roster), "--court-url", url, "--out", str(tmp_path / out), "--json"],
                env,
                tmp_path,
            )
            for url, out in zip(urls, ("out-a", "out-b"), strict=True)
        ]
        answers = [run.communicate(timeout=600) for run in runs]
    for run, (_, stderr) in zip(runs, answers, strict=True):
        assert run.returncode == 0, stderr.decode()[-2000:]
    assert Counter(court.final_submits) == Counter({p.pacer_username: 1 for p in people})
    outcomes = sorted(row["outcome"] for stdout, _ in answers for row in json.loads(stdout))
    assert outcomes == ["already_linked"] * 3 + ["linked"] * 3


def test_a_folder_keeps_to_its_site_however_the_address_is_spelled(tmp_path: Path) -> None:
    from ecf_autolink.court_urls import site_of
    from ecf_autolink.journal import FolderRefused, Journal

    one = {
        "http://127.0.0.1:8080/",
        "http://localhost:8080",
        "HTTP://127.0.0.1:8080/./",
        "http://[::1]:8080/",
    }
    assert len({site_of(u) for u in one}) == 1
    assert site_of("https://ecf.canb.uscourts.gov:443/") == site_of("https://ECF.canb.uscourts.gov")
    assert site_of("https://ecf.canb.uscourts.gov/staging/") != site_of("https://ecf.canb.uscourts.gov/")
    with Journal.open(tmp_path) as journal:
        journal.bind_sites({"canb": "http://127.0.0.1:8080/"})
        journal.bind_sites({"canb": "http://localhost:8080/./"})
        with pytest.raises(FolderRefused):
            journal.bind_sites({"canb": "http://127.0.0.2:8080/"})
