"""Reports that remember (issue 19 item 7): after any sequence of runs, every report and
--json show each row's recorded outcome, and separately what this run did with it; the
advice fits the recorded outcome."""

from __future__ import annotations

import csv
import html
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import empty_env_file, replica_court

from ecf_autolink.cli import main
from ecf_autolink.demo import write_roster
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import DEMO_ATTORNEYS, make_attorney
from ecf_autolink.words import ADVICE, THIS_RUN

pytestmark = pytest.mark.browser

SHARED = next(p for p in DEMO_ATTORNEYS if p.key == "shared_firm")
MISMATCH = next(p for p in DEMO_ATTORNEYS if p.key == "name_mismatch")
PLAIN = make_attorney("rememb", pacer_name="Dana Remember", cmecf_name="Dana Remember")
PEOPLE = [PLAIN, replace(SHARED, demo_courts=("canb",)), replace(MISMATCH, demo_courts=("canb",))]


def _link(tmp_path: Path, court_url: str, *extra: str):  # type: ignore[no-untyped-def]
    roster, env = write_roster(tmp_path, PEOPLE)
    args = ["link", "--roster", str(roster), "--court-url", court_url, "--out", str(tmp_path / "out")]
    args += ["--yes", "--acknowledge-redaction", "--json", "--timeout", "10"]
    args += ["--env-file", str(empty_env_file(tmp_path)), *extra]
    return CliRunner().invoke(main, args, env={**env, "AUTOLINK_COURT_URL": None})


def _by_user(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["pacer_username"]: row for row in rows}


def test_a_recheck_run_keeps_the_refusals_with_their_advice(tmp_path: Path) -> None:
    court = replica_court(*PEOPLE)
    with serve(court) as replica:
        first = _link(tmp_path, replica.court_url)
        assert first.exit_code == 1, first.output
        before = _by_user(json.loads(first.stdout))
        assert {u: r["outcome"] for u, r in before.items()} == {
            PLAIN.pacer_username: "linked",
            SHARED.pacer_username: "refused_shared_account",
            MISMATCH.pacer_username: "refused_name_mismatch",
        }
        assert {r["this_run"] for r in before.values()} == {THIS_RUN["attempted"]}
        requests = len(court.requests)

        again = _link(tmp_path, replica.court_url, "--recheck")
    assert again.exit_code == 1, again.output
    assert len(court.requests) == requests  # --recheck had nothing to look at
    out = tmp_path / "out"
    reports = {
        "--json": _by_user(json.loads(again.stdout)),
        "report.json": _by_user(json.loads((out / "report.json").read_text(encoding="utf-8"))),
        "report.csv": _by_user(list(csv.DictReader((out / "report.csv").open(encoding="utf-8-sig")))),
    }
    for name, rows in reports.items():
        for user in (SHARED.pacer_username, MISMATCH.pacer_username):
            # The refusal is what the row's record says, with the words it was refused in.
            assert rows[user]["outcome"] == before[user]["outcome"], name
            assert rows[user]["message"] == before[user]["message"], name
            assert rows[user]["this_run"] == THIS_RUN["recheck_leaves"], name
            assert "without --recheck" not in rows[user]["message"], name
        assert rows[PLAIN.pacer_username]["outcome"] == "linked", name
        assert rows[PLAIN.pacer_username]["this_run"] == THIS_RUN["recorded_earlier"], name
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    assert "not_started" not in page and "run again without --recheck" not in page
    for outcome in (Outcome.REFUSED_SHARED_ACCOUNT, Outcome.REFUSED_NAME_MISMATCH):
        assert ADVICE[outcome] in page
    assert THIS_RUN["recheck_leaves"] in page
    assert "not_started" not in again.stderr


def test_a_fail_fast_run_reports_the_rows_it_never_reached_as_recorded(tmp_path: Path) -> None:
    court = replica_court(*PEOPLE)
    with serve(court) as replica:
        first = _link(tmp_path, replica.court_url, "--concurrency", "1")
        before = _by_user(json.loads(first.stdout))
        again = _link(tmp_path, replica.court_url, "--concurrency", "1", "--fail-fast")
    rows = _by_user(json.loads(again.stdout))
    # The linked row is skipped; the first refusal, attempted again, stops the run; the
    # other refusal is never reached and keeps its recorded outcome.
    assert rows[PLAIN.pacer_username]["this_run"] == THIS_RUN["recorded_earlier"]
    attempted = [u for u, r in rows.items() if r["this_run"] == THIS_RUN["attempted"]]
    reached_not = [u for u, r in rows.items() if r["this_run"] == THIS_RUN["not_reached"]]
    assert len(attempted) == 1 and len(reached_not) == 1, rows
    assert rows[reached_not[0]]["outcome"] == before[reached_not[0]]["outcome"]
