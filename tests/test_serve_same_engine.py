"""One engine (issue 22, item 4): the same roster against the replica through the command
line (`autolink plan`, then `autolink apply --yes`, as subprocesses) and through the page
(look at the courts, approve all clean rows, link them) gives the same outcome for each
row and the same report.json / report.csv fields; only times, paths, run ids and who
approved differ."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect
from serve_support import served
from support import empty_env_file, env_without_credentials, replica_court, with_backup_codes

from ecf_autolink.demo import write_roster
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import SampleAttorney

pytestmark = pytest.mark.browser

# Fields that name a moment, a place on this disk or one run, whichever face ran it.
_VARYING = re.compile(
    r"(^|_)(at|time|started|finished|duration|seconds|elapsed|path|evidence|screenshot|run_id|run)(_|$)"
)
# Who approved: this computer's user, "(on the page)" added for the page.
_APPROVED = re.compile(r" \(approved by .+ at \S+\)$")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.+-]+Z?")
# Each face ran against a replica court of its own, on a port of its own.
_PORT = re.compile(r"(127\.0\.0\.\d+|localhost):\d+")


def _people() -> list[SampleAttorney]:
    return [
        with_backup_codes("ann"),
        with_backup_codes("bob"),
        with_backup_codes("eve", pacer_name="Roberta Cheng", cmecf_name="Robert Chen"),
        with_backup_codes("gus", roster_pacer_password="Not-Gus-Password-1!"),
    ]


def _same(value: Any) -> Any:
    """A report value without what may differ between two runs of the same rows."""
    if isinstance(value, str):
        return _PORT.sub(r"\1:<port>", _TIME.sub("<time>", _APPROVED.sub("", value)))
    return value


def _rows(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        f"{r['court']}:{r['pacer_username']}": {k: _same(v) for k, v in r.items() if not _VARYING.search(k)}
        for r in records
    }


def _reports(out: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[str]]:
    as_json = json.loads((out / "report.json").read_text(encoding="utf-8"))
    text = (out / "report.csv").read_text(encoding="utf-8-sig")
    as_csv = list(csv.DictReader(io.StringIO(text)))
    return _rows(as_json), _rows(as_csv), list(as_csv[0].keys())


def _cli(tmp: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecf_autolink", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


async def test_the_cli_and_the_page_give_the_same_outcomes_and_reports(
    browser: Browser, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    roster, roster_env = write_roster(folder, _people())
    env = {**env_without_credentials(), **roster_env}
    empty = str(empty_env_file(tmp_path))

    # The command line, on a replica court of its own (a court remembers its links), and
    # with a state folder of its own: this computer's memory of a refused password would
    # otherwise keep the page's run from sending gus's at all (rightly, on a real machine).
    cli_court = replica_court(*_people())
    cli_env = {**env, "XDG_STATE_HOME": str(tmp_path / "cli-state")}
    with serve(cli_court) as replica:
        inputs = [
            *("--roster", str(roster), "--court-url", f"canb={replica.court_url}"),
            *("--env-file", empty, "--out", str(tmp_path / "cli"), "--acknowledge-redaction"),
        ]
        planned = _cli(tmp_path, cli_env, "plan", *inputs)
        assert planned.returncode in (0, 1), planned.stderr
        applied = _cli(tmp_path, cli_env, "apply", "--yes", *inputs)
        assert applied.returncode in (0, 1), applied.stderr

    page_court = replica_court(*_people())
    with serve(page_court) as replica:
        args = [
            *("--court-url", f"canb={replica.court_url}", "--env-file", empty),
            *("--roster-folder", str(folder)),
        ]
        with served(tmp_path, env, *args) as server:
            page = await browser.new_page()
            await page.goto(server.url)
            await page.set_input_files("#roster-file", roster)
            await expect(page.locator("#notice")).to_contain_text("4 attorney-court row(s)")
            await page.get_by_label(
                "I acknowledge the Redaction Agreement for the attorneys of this run"
            ).check()
            await expect(page.locator("#notice")).to_have_text("recorded")
            await page.get_by_role("button", name="Look at the courts").click()
            await expect(page.locator("#job")).to_contain_text("nothing was submitted", timeout=120_000)
            await expect(page.locator(".approve-box")).to_have_count(2)
            await page.get_by_role("button", name="Approve all would_link rows").click()
            await page.get_by_role("button", name="Link approved rows").click()
            await expect(page.locator("#notice")).to_contain_text("linking 2 approved row(s)")
            await expect(page.locator("#job")).to_contain_text("Linking finished", timeout=120_000)
            await page.close()

    assert sorted(cli_court.final_submits) == sorted(page_court.final_submits) == ["ann", "bob"]
    cli_json, cli_csv, cli_columns = _reports(tmp_path / "cli")
    page_json, page_csv, page_columns = _reports(server.out)
    assert {k: r["outcome"] for k, r in page_json.items()} == {
        "canb:ann": "linked",
        "canb:bob": "linked",
        # The plan's verdict on eve is refused_name_mismatch; her row of the run stays the look's.
        "canb:eve": "dry_run",
        "canb:gus": "pacer_login_failed",
    }
    differing = {
        (row, field): (cli_json[row].get(field), value)
        for row, fields in page_json.items()
        for field, value in fields.items()
        if cli_json.get(row, {}).get(field) != value
    }
    assert not differing and page_json == cli_json
    assert page_columns == cli_columns
    assert page_csv == cli_csv
    # Each linked row says who approved it, on either face.
    for out in (tmp_path / "cli", server.out):
        linked = [r for r in json.loads((out / "report.json").read_text()) if r["outcome"] == "linked"]
        assert linked and all(_APPROVED.search(r["message"]) for r in linked)
