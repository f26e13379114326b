"""I/O trouble at run time (issue 15, items 4 and 7): a journal write that fails ends that
row and the batch goes on; a journal that can no longer be written stops the run with exit 3
and reports what is known; --json stays valid with stderr closed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import empty_env_file, env_without_credentials, replica_court

from ecf_autolink.cli import EXIT_RUN_FAILED, main
from ecf_autolink.demo import write_roster
from ecf_autolink.journal import FILE_NAME, Journal
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import SampleAttorney, make_attorney

try:
    import resource
except ImportError:  # Windows has no resource limits; the test using them is skipped
    resource = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

FULL = "database or disk is full"

PEOPLE = [
    make_attorney(f"disk{i}", pacer_name=f"Robin Disk{i}", cmecf_name=f"Robin Disk{i}", totp_secret=secret)
    for i, secret in enumerate(
        [
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
            "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
        ]
    )
]


@pytest.fixture
def court() -> Iterator[tuple[ReplicaCourt, str]]:
    replica = replica_court(*PEOPLE)
    with serve(replica) as served:
        yield replica, served.court_url


def _link(tmp_path: Path, court_url: str, people: list[SampleAttorney] = PEOPLE) -> Result:
    roster, env = write_roster(tmp_path, people)
    args = [
        "link",
        "--yes",
        "--roster",
        str(roster),
        "--court-url",
        court_url,
        "--out",
        str(tmp_path / "out"),
    ]
    args += ["--acknowledge-redaction"]
    args += ["--concurrency", "1", "--json", "--timeout", "10", "--env-file", str(empty_env_file(tmp_path))]
    return CliRunner().invoke(main, args, env={**env, "AUTOLINK_COURT_URL": None})


def _outcomes(result: Result) -> dict[str, str]:
    return {row["pacer_username"]: row["outcome"] for row in json.loads(result.stdout)}


def _reported(tmp_path: Path) -> dict[str, dict[str, str]]:
    rows = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    return {row["pacer_username"]: row for row in rows}


def test_a_row_the_journal_cannot_take_ends_error_and_the_batch_goes_on(
    tmp_path: Path, court: tuple[ReplicaCourt, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replica, url = court
    start = Journal.start
    failed: list[str] = []

    def start_once_full(self: Journal, key: str, step: str) -> None:
        if "disk1" in key and not failed:
            failed.append(key)
            raise sqlite3.OperationalError(FULL)
        start(self, key, step)

    monkeypatch.setattr(Journal, "start", start_once_full)
    result = _link(tmp_path, url)
    assert result.exit_code == 1, result.output
    assert _outcomes(result) == {"disk0": "linked", "disk1": "error", "disk2": "linked"}
    row = _reported(tmp_path)["disk1"]
    assert f"could not be recorded in the journal ({FULL})" in row["message"]
    assert "nothing was linked" in row["message"]
    assert sorted(replica.final_submits) == ["disk0", "disk2"]
    # The summary names the address the rows ran against and where it came from.
    assert f"canb ran against {url} (from --court-url)" in result.stderr
    # The error itself was recorded: the disk had room again.
    with Journal.open(tmp_path / "out") as journal:
        states = {s.key.split("/")[1]: s.state for s in journal.states()}
    assert states == {"disk0": "linked", "disk1": "error", "disk2": "linked"}


def test_a_journal_that_can_no_longer_be_written_stops_the_run_with_exit_3(
    tmp_path: Path, court: tuple[ReplicaCourt, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replica, url = court
    write, finish = Journal._write, Journal.finish
    full: list[bool] = []

    def write_unless_full(self: Journal, *, fsync: bool = True):  # type: ignore[no-untyped-def]
        if full:
            raise sqlite3.OperationalError(FULL)
        return write(self, fsync=fsync)

    def finish_then_fill(self: Journal, key: str, result: object) -> None:
        finish(self, key, result)  # type: ignore[arg-type]
        full.append(True)  # the disk fills up once the first row is recorded

    monkeypatch.setattr(Journal, "_write", write_unless_full)
    monkeypatch.setattr(Journal, "finish", finish_then_fill)
    result = _link(tmp_path, url)

    assert result.exit_code == EXIT_RUN_FAILED == 3, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    assert f"could no longer be written ({FULL})" in result.stderr
    assert "the run stopped" in result.stderr and "run the same command again" in result.stderr
    # --json and the reports say what is known: one linked, one refused by the journal, one never begun.
    outcomes = {"disk0": "linked", "disk1": "error", "disk2": "not_started"}
    assert _outcomes(result) == outcomes
    reported = _reported(tmp_path)
    assert {k: v["outcome"] for k, v in reported.items()} == outcomes
    assert "not written to the journal" in reported["disk1"]["message"]
    assert "its journal could no longer be written" in reported["disk2"]["message"]
    assert reported["disk0"]["court_url"] == url and reported["disk0"]["court_url_source"] == "--court-url"
    assert replica.final_submits == ["disk0"]


def test_a_journal_full_before_any_row_stops_with_exit_3_and_nothing_attempted(
    tmp_path: Path, court: tuple[ReplicaCourt, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replica, url = court

    def plan_full(self: Journal, keys: object) -> None:
        raise sqlite3.OperationalError(FULL)

    monkeypatch.setattr(Journal, "plan", plan_full)
    result = _link(tmp_path, url)
    assert result.exit_code == 3, result.output
    assert FULL in result.stderr and "nothing was attempted" in result.stderr
    assert set(_outcomes(result).values()) == {"not_started"}
    assert {row["outcome"] for row in _reported(tmp_path).values()} == {"not_started"}
    assert replica.final_submits == []


@pytest.mark.skipif(sys.platform == "win32", reason="closes a POSIX file descriptor")
def test_json_is_valid_with_stderr_closed(tmp_path: Path, court: tuple[ReplicaCourt, str]) -> None:
    replica, url = court
    person = PEOPLE[0]
    roster, env = write_roster(tmp_path, [person])
    args = ["--roster", str(roster), "--court-url", url, "--out", str(tmp_path / "out"), "--json"]
    args += ["--acknowledge-redaction"]
    args += ["--env-file", str(empty_env_file(tmp_path)), "--timeout", "10"]
    done = subprocess.run(
        [sys.executable, "-m", "ecf_autolink", "link", "--yes", *args],
        env={**env_without_credentials(), **env},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        # As `2>&-` does: the program starts with no descriptor 2 at all.
        preexec_fn=lambda: os.close(2),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout.decode()
    (row,) = json.loads(done.stdout)
    assert (row["pacer_username"], row["outcome"]) == (person.pacer_username, "linked")
    assert replica.final_submits == [person.pacer_username]
    # Nothing meant for stderr landed in the journal that took its descriptor.
    with Journal.open(tmp_path / "out") as journal:
        assert [s.state for s in journal.states()] == ["linked"]
    assert (tmp_path / "out" / FILE_NAME).read_bytes().startswith(b"SQLite format 3\x00")


def test_a_submit_marker_the_journal_cannot_take_sends_no_submit(
    tmp_path: Path, court: tuple[ReplicaCourt, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replica, url = court
    mark = Journal.mark_submitting

    def mark_full_for_disk1(self: Journal, key: str, window_s: float | None = None) -> None:
        if "disk1" in key:
            raise sqlite3.OperationalError(FULL)
        mark(self, key, window_s)

    monkeypatch.setattr(Journal, "mark_submitting", mark_full_for_disk1)
    result = _link(tmp_path, url)
    assert result.exit_code == 1, result.output
    outcomes = _outcomes(result)
    assert (outcomes["disk0"], outcomes["disk2"]) == ("linked", "linked")
    assert outcomes["disk1"] == "error", result.stdout
    message = _reported(tmp_path)["disk1"]["message"]
    assert "not sent" in message and FULL in message and "nothing was linked" in message
    # The one Submit the journal could not mark never reached the court.
    assert sorted(replica.final_submits) == ["disk0", "disk2"]
    assert sorted(replica.links.values()) == ["disk0", "disk2"]
    with Journal.open(tmp_path / "out") as journal:
        states = {s.key.split("/")[1]: s for s in journal.states()}
    assert states["disk1"].state == "error" and not states["disk1"].submit_sent


@pytest.mark.skipif(resource is None or not hasattr(resource, "prlimit"), reason="needs Linux prlimit")
def test_a_real_write_error_mid_run_stops_with_exit_3_and_a_rerun_finishes_the_rest(
    tmp_path: Path, court: tuple[ReplicaCourt, str]
) -> None:
    """No monkeypatch: once the browser is up, the run's process is limited in the size of
    any file it writes (RLIMIT_FSIZE), so SQLite's next growth of the journal fails for real
    (EFBIG, "disk I/O error"), as a full disk would make it."""
    replica, url = court
    roster, env = write_roster(tmp_path, PEOPLE)
    args = ["--roster", str(roster), "--court-url", url, "--out", str(tmp_path / "out"), "--json"]
    args += ["--acknowledge-redaction"]
    args += ["--concurrency", "1", "--env-file", str(empty_env_file(tmp_path)), "--timeout", "10"]
    command = [sys.executable, "-m", "ecf_autolink", "link", "--yes", *args]
    run_env = {**env_without_credentials(), **env}
    first = subprocess.Popen(
        command,
        env=run_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # Past the limit a write fails with EFBIG instead of killing the process.
        preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN),
    )
    assert first.stderr is not None
    said = []
    while not said or "browser:" not in said[-1]:
        said.append(first.stderr.readline().decode())
        assert said[-1], "".join(said)
    # About two rows' worth of journal writes from here (the browser, started already, is not limited).
    room = (tmp_path / "out" / f"{FILE_NAME}-wal").stat().st_size + 100_000
    resource.prlimit(first.pid, resource.RLIMIT_FSIZE, (room, room))
    stdout, stderr = first.communicate(timeout=120)
    text = "".join(said) + stderr.decode()
    assert first.returncode == 3, text
    assert "could no longer be written" in text and "Traceback" not in text
    outcomes = {row["pacer_username"]: row["outcome"] for row in json.loads(stdout)}
    assert set(outcomes) == {p.pacer_username for p in PEOPLE}
    assert "not_started" in outcomes.values(), outcomes
    # What the run reports as linked is exactly what the court holds, each once.
    assert sorted(replica.final_submits) == sorted(k for k, v in outcomes.items() if v == "linked")

    again = subprocess.run(command, env=run_env, cwd=tmp_path, capture_output=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr.decode()
    assert {row["outcome"] for row in json.loads(again.stdout)} <= {"linked", "already_linked"}
    assert sorted(replica.final_submits) == sorted(p.pacer_username for p in PEOPLE)
