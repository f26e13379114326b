"""Look, then link (issue 20): `autolink plan` submits nothing and says what each court
showed; `autolink apply` links only the approved rows, only for the names the plan
showed; without a terminal a run that would submit needs --yes or an approved plan."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import empty_env_file, env_without_credentials, replica_court, with_backup_codes

from ecf_autolink.demo import write_roster
from ecf_autolink.plan_file import read_plan, write_plan
from ecf_autolink.replica.faults import FaultKind
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import SampleAttorney

pytestmark = pytest.mark.browser


def _autolink(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecf_autolink", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


class Firm:
    """A roster of sample attorneys at the replica's canb, and the inputs plan and apply share."""

    def __init__(self, tmp: Path, people: list[SampleAttorney], court_url: str) -> None:
        folder = tmp / "in"
        folder.mkdir(exist_ok=True)
        self.roster, roster_env = write_roster(folder, people)
        self.env = {**env_without_credentials(), **roster_env}
        self.out = tmp / "out"
        self.tmp = tmp
        self.inputs = [
            *("--roster", str(self.roster), "--court-url", f"canb={court_url}"),
            *("--out", str(self.out), "--env-file", str(empty_env_file(tmp))),
            "--acknowledge-redaction",
        ]

    def run(self, command: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return _autolink([command, *self.inputs, *extra], self.env, self.tmp)


def _people(*keys: str) -> list[SampleAttorney]:
    return [with_backup_codes(key) for key in keys]


def test_a_roster_planned_then_two_rows_applied_with_only_leaves_the_rest_untouched(tmp_path: Path) -> None:
    people = _people("ann", "bob", "cat", "dan")
    court = replica_court(*people)
    with serve(court) as replica:
        firm = Firm(tmp_path, people, replica.court_url)
        planned = firm.run("plan")
        assert planned.returncode == 0, planned.stderr
        assert court.final_submits == []  # a plan never submits
        plan = read_plan(firm.out)
        assert [(r.pacer_username, r.verdict) for r in plan.rows] == [
            (p.pacer_username, "would_link") for p in people
        ]
        assert all(r.cmecf_name == "Jane Doe" and r.pacer_name == "Jane Doe" for r in plan.rows)
        assert all(r.screenshot and Path(r.screenshot).is_file() for r in plan.rows)
        assert "would_link" in planned.stderr and "nothing was submitted" in planned.stderr
        applied = firm.run("apply", "--only", "canb:ann,canb:CAT", "--yes", "--json")
        assert applied.returncode == 0, applied.stderr
    assert sorted(court.final_submits) == ["ann", "cat"]
    assert sorted(court.links.values()) == ["ann", "cat"]
    by_user = {r["pacer_username"]: r for r in json.loads(applied.stdout)}
    assert by_user["ann"]["outcome"] == by_user["cat"]["outcome"] == "linked"
    assert "approved by" in by_user["ann"]["message"]
    assert by_user["bob"]["outcome"] == "dry_run"  # as the plan left it
    with sqlite3.connect(firm.out / "journal.sqlite3") as conn:
        approvals = conn.execute("SELECT key, approved_by FROM approvals ORDER BY key").fetchall()
    assert [key for key, _ in approvals] == ["canb:ann", "canb:cat"]
    assert all(by for _, by in approvals)


def test_a_name_changed_since_the_plan_ends_changed_since_plan_with_no_submit(tmp_path: Path) -> None:
    people = _people("ann", "bob")
    court = replica_court(*people)
    with serve(court) as replica:
        firm = Firm(tmp_path, people, replica.court_url)
        assert firm.run("plan").returncode == 0
        # Still the same person to the tool's checks, but not the names the approver read.
        court.rename("Jane Q. Doe", pacer="bob")
        applied = firm.run("apply", "--yes", "--json")
    assert applied.returncode == 1, applied.stderr
    assert court.final_submits == ["ann"]
    bob = next(r for r in json.loads(applied.stdout) if r["pacer_username"] == "bob")
    assert bob["outcome"] == "changed_since_plan"
    assert 'the plan showed CM/ECF "Jane Doe", PACER "Jane Doe"' in bob["message"]
    assert 'PACER "Jane Q. Doe"' in bob["message"]


def test_no_terminal_and_no_yes_exits_2_before_any_request(tmp_path: Path) -> None:
    people = _people("ann")
    court = replica_court(*people)
    with serve(court) as replica:
        firm = Firm(tmp_path, people, replica.court_url)
        linked = firm.run("link")
        assert linked.returncode == 2, linked.stderr
        assert "--yes" in linked.stderr and "autolink apply" in linked.stderr
        assert court.requests == []
        assert firm.run("plan").returncode == 0
        court.requests.clear()
        applied = firm.run("apply")  # nobody approved this plan
        assert applied.returncode == 2, applied.stderr
        assert "--yes" in applied.stderr and "--approve-only" in applied.stderr
        assert court.requests == []
    assert court.final_submits == []


def test_a_stale_plan_is_refused_before_anything_runs(tmp_path: Path) -> None:
    people = _people("ann")
    court = replica_court(*people)
    with serve(court) as replica:
        firm = Firm(tmp_path, people, replica.court_url)
        assert firm.run("plan").returncode == 0
        plan = read_plan(firm.out)
        old = plan.model_copy(update={"created_at": datetime.now(UTC) - timedelta(days=8)})
        write_plan(old, firm.out)
        court.requests.clear()
        applied = firm.run("apply", "--yes")
        assert applied.returncode == 2, applied.stderr
        assert "--max-plan-age" in applied.stderr
        assert court.requests == []
        # A longer allowance is the operator's choice.
        assert firm.run("apply", "--yes", "--max-plan-age", "9d").returncode == 0
    assert court.final_submits == ["ann"]


def test_an_apply_after_an_interrupted_apply_resumes_without_a_second_submit(tmp_path: Path) -> None:
    people = _people("ann")
    court = replica_court(*people)
    with serve(court) as replica:
        firm = Firm(tmp_path, people, replica.court_url)
        assert firm.run("plan").returncode == 0
        court.requests.clear()
        approved = firm.run("apply", "--approve-only", "--yes")
        assert approved.returncode == 0 and court.requests == []
        # The court takes the Submit and never answers; the apply is killed meanwhile.
        court.faults.add(FaultKind.HANG, final_only=True, after_processing=True, times=1)
        first = subprocess.Popen(
            [sys.executable, "-m", "ecf_autolink", "apply", *firm.inputs],  # approved: no terminal needed
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=firm.env,
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 240
            while not court.final_submits and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert court.final_submits == ["ann"]
        finally:
            first.kill()
            first.wait(timeout=30)
        resumed = firm.run("apply", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert court.final_submits == ["ann"]  # looked, never sent again
    [row] = json.loads(resumed.stdout)
    assert row["outcome"] == "linked", row["message"]
    assert "nothing was sent again" in row["message"]
