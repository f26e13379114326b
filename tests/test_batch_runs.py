"""Firm batches through the real CLI: killed mid-run and started again, reports, and one
PACER account never signed in twice at once (issue 5)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import Browser
from support import (
    EventLog,
    attorney_for,
    backup_codes_attorney,
    env_without_credentials,
    replica_court,
    run_on_replica,
    with_backup_codes,
)

from ecf_autolink.demo import write_roster
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import SampleAttorney, make_attorney

pytestmark = pytest.mark.browser

PEOPLE = [
    make_attorney(
        f"firm{i}", pacer_name=f"Robin Lawyer{i}", cmecf_name=f"Robin Lawyer{i}", totp_secret=secret
    )
    for i, secret in enumerate(
        [
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
            "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "ONSWG4TFOQYTEMZUONSWG4TFOQYTEMZU",
            "NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE",
        ]
    )
]


def _batch_args(roster: Path, court_url: str, out: Path, *extra: str) -> list[str]:
    # A scheduled batch: the person who set it up acknowledged the Redaction Agreement.
    args = ["--roster", str(roster), "--court-url", court_url, "--out", str(out), "--acknowledge-redaction"]
    return [*args, *extra]


def _autolink(
    args: list[str], env: dict[str, str], cwd: Path, *, sigint_ignored: bool = False
) -> subprocess.Popen[bytes]:
    clean = env_without_credentials()
    return subprocess.Popen(
        [sys.executable, "-m", "ecf_autolink", "link", "--yes", *args],
        env={**clean, **env},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # Its own process group, so the kill below takes Chromium down with it, as a
        # power cut or `kill -9` of the whole job would.
        start_new_session=True,
        # As a job a script starts with `&` (SIGINT ignored) would be.
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None,
    )


def _wait_for(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never came true")
        time.sleep(0.05)


def _linked_once(court: ReplicaCourt, people: list[SampleAttorney]) -> None:
    submits = Counter(court.final_submits)
    for p in people:
        assert submits[p.pacer_username] == 1, (
            f"{p.pacer_username}: {submits[p.pacer_username]} final Submits"
        )
        assert court.links.get(p.cmecf_username) == p.pacer_username


def test_a_batch_killed_mid_run_finishes_on_the_next_run_and_links_each_attorney_once(tmp_path: Path) -> None:
    court = replica_court(*PEOPLE)
    court.faults.latency = 0.15  # slow enough that the kill lands mid-batch
    roster, env = write_roster(tmp_path, PEOPLE)
    out = tmp_path / "out"
    with serve(court) as replica:
        args = _batch_args(roster, replica.court_url, out, "--concurrency", "2")
        first = _autolink(args, env, tmp_path)
        try:
            # Killed right after the court took some final Submits, with other rows mid-flow.
            _wait_for(lambda: len(court.final_submits) >= 2 or first.poll() is not None, timeout=240)
            assert first.poll() is None, "the first run finished before it could be killed"
            os.killpg(first.pid, signal.SIGKILL)
        finally:
            first.wait(timeout=30)
        linked_before_rerun = dict(court.links)
        assert 2 <= len(linked_before_rerun) < len(PEOPLE)

        second = _autolink([*args, "--json"], env, tmp_path)
        stdout, stderr = second.communicate(timeout=600)
        results = json.loads(stdout)
        # A row killed between its Submit and the answer is not submitted again: only looked at.
        if second.returncode != 0:
            assert {r["outcome"] for r in results} <= {"linked", "unconfirmed"}, stderr.decode()
            third = _autolink([*args, "--recheck", "--json"], env, tmp_path)
            stdout, stderr = third.communicate(timeout=600)
            results = json.loads(stdout)
            assert third.returncode == 0, stderr.decode()

    _linked_once(court, PEOPLE)
    assert sorted(r["pacer_username"] for r in results) == sorted(p.pacer_username for p in PEOPLE)
    assert {r["outcome"] for r in results} == {"linked"}
    # The report on disk agrees, and holds every row.
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {r["pacer_username"]: r["outcome"] for r in report} == {p.pacer_username: "linked" for p in PEOPLE}
    with (out / "report.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(PEOPLE)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert all(p.cmecf_name in html for p in PEOPLE)


def test_a_finished_batch_run_again_submits_nothing(tmp_path: Path) -> None:
    people = PEOPLE[:2]
    court = replica_court(*people)
    roster, env = write_roster(tmp_path, people)
    with serve(court) as replica:
        args = _batch_args(roster, replica.court_url, tmp_path / "out", "--json")
        seen = []
        for _ in range(2):
            run = _autolink(args, env, tmp_path)
            stdout, stderr = run.communicate(timeout=300)
            assert run.returncode == 0, stderr.decode()
            seen.append(len(court.requests))
    _linked_once(court, people)
    assert {r["outcome"] for r in json.loads(stdout)} == {"linked"}
    # The second run reports from the journal: not one request reached the court.
    assert seen[0] == seen[1]


async def test_rows_of_one_pacer_account_run_one_at_a_time(chromium: Browser, tmp_path: Path) -> None:
    # One attorney at three courts (all served by the replica): with room for all three
    # at once, the runner still signs the account in at one court at a time.
    sample = make_attorney("solo")
    court = replica_court(sample)
    rows = [attorney_for(sample, court=c) for c in ("canb", "cacb", "caeb")]
    log = EventLog()
    results = await run_on_replica(chromium, court, rows, tmp_path, concurrency=3, per_court=3, log=log)
    events = [line for line in log.lines if line.startswith(("started", "finished"))]
    assert [e.split()[0] for e in events] == ["started", "finished"] * 3, events
    assert [r.outcome for r in results].count(Outcome.LINKED) == 1
    assert [r.outcome for r in results].count(Outcome.ALREADY_LINKED) == 2


class _BrokenCodes:
    """A passcode source whose storage fails the moment a code is needed."""

    async def first(self) -> None:
        raise OSError("No space left on device: <input value='would-be-secret'>")

    async def retry(self) -> None:
        return None

    def describe(self) -> str:
        return "a backup-codes file on a broken disk"

    def spent(self) -> None:
        return None


async def test_one_rows_unexpected_failure_is_recorded_and_the_batch_goes_on(
    chromium: Browser, tmp_path: Path
) -> None:
    from support import _passcodes

    from ecf_autolink.journal import Journal
    from ecf_autolink.locators import load_selectors
    from ecf_autolink.plan import Row
    from ecf_autolink.runner import Runner, RunOptions

    broken, fine = PEOPLE[0], PEOPLE[1]
    court = replica_court(broken, fine)
    log = EventLog()

    def passcodes(row: Row):  # type: ignore[no-untyped-def]
        return _BrokenCodes() if row.attorney.pacer_username == broken.pacer_username else _passcodes(row)

    with serve(court) as replica:
        rows = [Row(attorney_for(p), replica.court_url, None, load_selectors("canb")) for p in (broken, fine)]
        runner = Runner(
            RunOptions(out_dir=tmp_path, timeout_ms=10_000, sign_in="page"),
            log,
            passcodes=passcodes,
            acknowledge_redaction=lambda notice: True,
        )
        results = await runner.run(rows, chromium)

    by_user = {r.pacer_username: r for r in results}
    failed = by_user[broken.pacer_username]
    assert failed.outcome == Outcome.ERROR
    assert "step 'passcode' ended in an unexpected OSError" in failed.message
    assert "nothing was linked" in failed.message and "would-be-secret" not in failed.message
    assert by_user[fine.pacer_username].outcome == Outcome.LINKED
    assert court.final_submits == [fine.pacer_username]
    # The journal holds both rows as finished, for the report and for a resume.
    journal = Journal.open(tmp_path)
    try:
        states = {journal.key_parts(s.key)[1]: s.state for s in journal.states()}
    finally:
        journal.close()
    assert states == {broken.pacer_username: "error", fine.pacer_username: "linked"}


def _marked_submitting(out: Path, attorney, pid: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """The journal an earlier run leaves when killed right after handing the Submit over."""
    import sqlite3

    from ecf_autolink.journal import FILE_NAME, Journal

    with Journal.open(out) as journal:
        key = journal.row_key(attorney)
        journal.plan([(key, attorney.label())])
        journal.start(key, "start")
        journal.mark_submitting(key)
    if pid is not None:
        with sqlite3.connect(out / FILE_NAME) as conn:
            conn.execute("UPDATE rows SET submit_pid = ?", (pid,))


def _posted_link_forms(court: ReplicaCourt) -> int:
    return sum(1 for method, _, path in court.requests if method == "POST" and "LinkAccount" in path)


async def test_a_submitting_row_whose_link_landed_is_only_confirmed(
    chromium: Browser, tmp_path: Path
) -> None:
    # An earlier run was killed between handing the Submit over and hearing the answer, and
    # the court did take it: the account shows as linked now.
    # Backup codes: each of the runs below would otherwise wait for a fresh TOTP window.
    person = with_backup_codes("killed", already_linked=True)
    court = replica_court(person)
    attorney = backup_codes_attorney(person, tmp_path / "codes")
    _marked_submitting(tmp_path, attorney)

    [looked] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception", recheck=True)
    assert looked.outcome == Outcome.LINKED, looked.message
    assert court.final_submits == [] and _posted_link_forms(court) == 0  # it looked, and sent nothing
    assert any(path.startswith("/cgi-bin/") for _, _, path in court.requests)  # it did look

    # A plain run looks too, before anything else, and only confirms.
    court = replica_court(person)
    [again] = await run_on_replica(chromium, court, [attorney], tmp_path / "other", mode="interception")
    assert again.outcome == Outcome.ALREADY_LINKED  # a fresh folder knows of no earlier Submit
    _marked_submitting(tmp_path / "plain", attorney)
    [plain] = await run_on_replica(chromium, court, [attorney], tmp_path / "plain", mode="interception")
    assert plain.outcome == Outcome.LINKED, plain.message
    assert "earlier run's final Submit had landed" in plain.message
    assert "nothing was sent again" in plain.message
    assert court.final_submits == [] and _posted_link_forms(court) == 0

    [after] = await run_on_replica(chromium, court, [attorney], tmp_path / "plain", mode="interception")
    assert after.outcome == Outcome.LINKED  # retired: reported from the journal
    assert court.final_submits == []


async def test_a_submitting_row_whose_link_did_not_land_is_linked_exactly_once_by_a_later_run(
    chromium: Browser, tmp_path: Path
) -> None:
    # Killed after marking `submitting` but before the court took the Submit (a kill between
    # the mark's fsync and the hand-over, or a request that never arrived): not linked.
    person = with_backup_codes("stranded")
    court = replica_court(person)
    attorney = backup_codes_attorney(person, tmp_path / "codes")
    sender = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        # While the process recorded as having sent it still runs, nothing is sent again.
        _marked_submitting(tmp_path, attorney, pid=sender.pid)
        [waiting] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception")
        assert waiting.outcome == Outcome.UNCONFIRMED, waiting.message
        assert f"pid {sender.pid}" in waiting.message and "still running" in waiting.message
        assert court.final_submits == []
    finally:
        sender.kill()
        sender.wait()

    # --recheck only looks, and says how the row gets linked.
    [looked] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception", recheck=True)
    assert looked.outcome == Outcome.UNCONFIRMED, looked.message
    assert "did not land" in looked.message and "without --recheck" in looked.message
    assert court.final_submits == []

    # That process gone, a plain run looks, finds it not linked, and links it once.
    [linked] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception")
    assert linked.outcome == Outcome.LINKED, linked.message
    assert "sent once more" in linked.message
    assert court.final_submits == [person.pacer_username]
    assert court.links == {person.cmecf_username: person.pacer_username}

    [again] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception")
    assert again.outcome == Outcome.LINKED
    assert court.final_submits == [person.pacer_username]


async def test_recheck_reports_a_first_session_expiry_as_it_is(chromium: Browser, tmp_path: Path) -> None:
    # --recheck looks once and never starts over, so one expiry is not "twice in a row".
    person = with_backup_codes("expiring")
    court = replica_court(person)
    court.faults.add(
        "session_expire", host_kind="court", method="GET", path="/cgi-bin/LinkAccount.pl", times=1
    )
    attorney = backup_codes_attorney(person, tmp_path / "codes")
    _marked_submitting(tmp_path, attorney)
    [looked] = await run_on_replica(chromium, court, [attorney], tmp_path, mode="interception", recheck=True)
    assert looked.outcome == Outcome.ERROR, looked.message
    assert "session ended mid-flow" in looked.message
    assert "twice" not in looked.message
    assert court.final_submits == []


async def test_recheck_on_a_fresh_folder_sends_nothing_and_says_why(
    chromium: Browser, tmp_path: Path
) -> None:
    people = PEOPLE[:2]
    court = replica_court(*people)
    rows = [attorney_for(p) for p in people]
    results = await run_on_replica(chromium, court, rows, tmp_path, mode="interception", recheck=True)
    assert [r.outcome for r in results] == [Outcome.NOT_STARTED] * 2
    assert all("--recheck only looks" in r.message and "without --recheck" in r.message for r in results)
    assert court.final_submits == [] and court.requests == []  # not even signed in


def test_recheck_help_says_what_each_kind_of_row_gets() -> None:
    from click.testing import CliRunner

    from ecf_autolink.cli import main

    shown = " ".join(CliRunner().invoke(main, ["link", "--help"], terminal_width=200).output.split())
    start = shown.index("--recheck")
    recheck = shown[start : shown.index("--env-file", start)]
    # As row_life.decide treats them: a row whose Submit was sent is looked at, any other is
    # left alone and reported as its record says (issue 19 item 7); nothing is ever submitted.
    assert recheck.startswith("--recheck Only look, never submit:")
    assert "Submit an earlier run" in recheck and "sent without seeing the answer" in recheck
    assert "not attempted and reported as recorded" in recheck
    assert "not_started if no run ever began it" in recheck


# Where a run is stopped, as the court sees it: on the confirmation page (the Submit not
# yet handed over), with the Submit arrived but not acted on (handed over, not landed),
# and right after the court recorded the link.
STOP_POINTS = ("before hand-over", "after hand-over", "after the court recorded")
# The stopped runs' --timeout, with no margin: how long their Submit may be on its way.
SUBMIT_WINDOW_S = 6


def _stop_at(court: ReplicaCourt, point: str, stop) -> None:  # type: ignore[no-untyped-def]
    """Stop the run (by `stop()`, which returns once it has ended) when its requests reach
    `point`: the court itself pulls the trigger, so the moment is exact."""
    from ecf_autolink.replica.wire import Request

    handle = court.handle
    posts: list[str] = []

    def stopping(req: Request):  # type: ignore[no-untyped-def]
        if req.method != "POST" or not req.path.endswith("/LinkAccount.pl") or len(posts) >= 2:
            return handle(req)
        posts.append(req.path)
        # The first is the CM/ECF login, whose answer is the confirmation page; the second
        # is the final Submit. The court sees the request, then the run is stopped before
        # any answer goes back.
        if point == "after hand-over" and len(posts) == 2:
            court.faults.add("reset_before", host_kind="court", method="POST", final_only=True, times=1)
        reply = handle(req)
        if len(posts) == (1 if point == "before hand-over" else 2):
            stop()
        return reply

    court.handle = stopping  # type: ignore[method-assign]


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("point", STOP_POINTS)
def test_a_run_stopped_at_each_point_of_the_submit_leaves_no_stranded_row(
    tmp_path: Path, point: str, how: str
) -> None:
    person = with_backup_codes("stopped", pacer_name="Kim Stop", cmecf_name="Kim Stop")
    court = replica_court(person)
    roster, env = write_roster(tmp_path, [person])
    window = ["--timeout", str(SUBMIT_WINDOW_S), "--submit-margin", "0"]
    out = tmp_path / "out"
    running: list[subprocess.Popen[bytes]] = []

    def stop() -> None:
        run = running[0]
        if how == "SIGKILL":
            os.killpg(run.pid, signal.SIGKILL)  # with its browser, as a power cut would
        else:
            run.send_signal(signal.SIGTERM)
        run.wait(timeout=120)

    _stop_at(court, point, stop)
    with serve(court) as replica:
        args = _batch_args(roster, replica.court_url, out, *window)
        running.append(_autolink(args, env, tmp_path))
        running[0].communicate(timeout=300)
        arrived = len(court.final_submits)
        landed = court.links.get(person.cmecf_username) == person.pacer_username
        assert (arrived, landed) == {
            "before hand-over": (0, False),
            "after hand-over": (1, False),
            "after the court recorded": (1, True),
        }[point]
        if how == "SIGTERM":
            # A graceful stop writes the reports: a row never handed over is not `unconfirmed`.
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
            [row] = report
            expected = "error" if point == "before hand-over" else "unconfirmed"
            assert row["outcome"] == expected, row["message"]

        if point == "after hand-over":
            # A Submit handed over may still be on its way until its timeout plus the margin
            # has passed (test_in_flight.py); here it certainly is not (the court reset it).
            time.sleep(SUBMIT_WINDOW_S + 1)
        later = _autolink([*args, "--json"], env, tmp_path)
        stdout, stderr = later.communicate(timeout=300)
        assert later.returncode == 0, stderr.decode()[-2000:]
    [row] = json.loads(stdout)
    assert row["outcome"] == "linked", row["message"]
    # The later run sent a Submit only where none had landed, and exactly one.
    sent_later = len(court.final_submits) - arrived
    assert sent_later == (0 if landed else 1), court.final_submits
    assert court.links == {person.cmecf_username: person.pacer_username}
    if point == "after hand-over":
        assert "sent once more" in row["message"]
    if point == "after the court recorded":
        assert "had landed" in row["message"]


@pytest.mark.parametrize(
    ("how", "background"),
    [(signal.SIGTERM, False), (signal.SIGINT, False), (signal.SIGTERM, True)],
    ids=["SIGTERM", "SIGINT", "SIGTERM-started-in-the-background"],
)
def test_a_batch_stopped_by_a_signal_writes_its_reports_and_resumes(
    tmp_path: Path, how: int, background: bool
) -> None:
    people = PEOPLE[:4]
    court = replica_court(*people)
    court.faults.latency = 0.15
    roster, env = write_roster(tmp_path, people)
    out = tmp_path / "out"
    with serve(court) as replica:
        args = _batch_args(roster, replica.court_url, out, "--concurrency", "1")
        first = _autolink([*args, "--json"], env, tmp_path, sigint_ignored=background)
        # One row at a time: by the second final Submit the first row has finished.
        _wait_for(lambda: len(court.final_submits) >= 2 or first.poll() is not None, timeout=240)
        assert first.poll() is None, "the run finished before it could be stopped"
        first.send_signal(how)  # to the process only, as `kill` or a service manager would
        stdout, stderr = first.communicate(timeout=120)
        assert first.returncode == 130, stderr.decode()
        # --json still says what is known: every row, the finished one as it ended.
        known = {r["pacer_username"]: r["outcome"] for r in json.loads(stdout)}
        assert known[court.final_submits[0]] == "linked" and len(known) == len(people), known
        assert "interrupted" in stderr.decode() and "report.html" in stderr.decode()
        assert "Traceback" not in stderr.decode()
        # The reports hold the rows finished before the stop, and the one caught in flight.
        report = {r["pacer_username"]: r["outcome"] for r in json.loads((out / "report.json").read_text())}
        assert report[court.final_submits[0]] == "linked"
        assert court.final_submits[1] in report

        # A plain run: the row caught in flight is looked at first, the rest are linked.
        second = _autolink([*args, "--json"], env, tmp_path)
        _, stderr = second.communicate(timeout=600)
        assert second.returncode == 0, stderr.decode()
    _linked_once(court, people)


async def test_fail_fast_starts_no_row_after_a_failure_and_reports_the_rest(
    chromium: Browser, tmp_path: Path
) -> None:
    wrong = make_attorney("wrongpw", pacer_name="Ann Wrong", cmecf_name="Ann Wrong")
    rest = PEOPLE[:2]
    court = replica_court(wrong, *rest)
    bad = attorney_for(wrong, pacer_password=attorney_for(wrong).pacer_password.__class__("not-it"))
    rows = [bad, *(attorney_for(p) for p in rest)]

    async def run(log: EventLog, **options: object) -> list:  # type: ignore[type-arg]
        # Interception keeps one court address across runs, as one real court has.
        return await run_on_replica(chromium, court, rows, tmp_path, mode="interception", log=log, **options)

    log = EventLog()
    results = await run(log, concurrency=1, fail_fast=True)
    assert [(r.pacer_username, r.outcome) for r in results] == [
        ("wrongpw", Outcome.PACER_LOGIN_FAILED),
        *((p.pacer_username, Outcome.NOT_STARTED) for p in rest),
    ]
    assert all("not started" in r.message for r in results[1:])
    assert sum(line.startswith("started") for line in log.lines) == 1
    assert court.final_submits == []

    # Without --fail-fast the failure is tried again and the rest start.
    again = await run(EventLog(), concurrency=2)
    assert [r.outcome for r in again] == [Outcome.PACER_LOGIN_FAILED, Outcome.LINKED, Outcome.LINKED]

    # A third run attempts only the failure, yet its progress counts every row.
    log = EventLog()
    await run(log, concurrency=2)
    assert sum(line.startswith("started") for line in log.lines) == 1
    assert sum(line.startswith("finished") for line in log.lines) == 3
    assert sorted(court.final_submits) == sorted(p.pacer_username for p in rest)
