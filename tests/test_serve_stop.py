"""`autolink serve` (issue 22, item 3): closing the tab does not stop a run, and opening
the address again (the cookie kept) shows it going on; Ctrl-C on the server while a run
goes stops it as Ctrl-C stops `autolink plan`: finished rows recorded, reports written,
exit 130."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect
from serve_support import served
from support import empty_env_file, env_without_credentials, replica_court, with_backup_codes

from ecf_autolink.demo import write_roster
from ecf_autolink.replica.http_server import serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.name == "nt", reason="Ctrl-C is sent to a console group on Windows"),
]


async def test_a_run_outlives_its_tab_and_ctrl_c_stops_it_with_rows_recorded(
    browser: Browser, tmp_path: Path
) -> None:
    people = [with_backup_codes(key) for key in ("ann", "bob", "cat", "dan")]
    court = replica_court(*people)
    # Slow enough that the run is still going when the tab closes and when Ctrl-C comes.
    court.faults.latency = 0.4
    folder = tmp_path / "in"
    folder.mkdir()
    roster, roster_env = write_roster(folder, people)
    env = {**env_without_credentials(), **roster_env}
    with serve(court) as replica:
        args = [
            *("--court-url", f"canb={replica.court_url}", "--env-file", str(empty_env_file(tmp_path))),
            *("--roster-folder", str(folder), "--concurrency", "1"),
        ]
        with served(tmp_path, env, *args) as server:
            context = await browser.new_context()
            page = await context.new_page()
            await page.goto(server.url)
            await page.set_input_files("#roster-file", roster)
            await expect(page.locator("#notice")).to_contain_text("4 attorney-court row(s)")
            await page.get_by_label(
                "I acknowledge the Redaction Agreement for the attorneys of this run"
            ).check()
            await expect(page.locator("#notice")).to_have_text("recorded")
            await page.get_by_role("button", name="Look at the courts").click()
            await expect(page.locator("td.cell .word").filter(has_text="running")).to_have_count(
                1, timeout=60_000
            )
            await page.close()  # the tab, not the browser: the cookie stays, as in a person's browser

            again = await context.new_page()
            await again.goto(f"{server.base}/")  # the address without its token
            await expect(again.locator("#job")).to_contain_text("Looking at the courts")
            words = again.locator("td.cell .word")
            await expect(words.filter(has_text="dry_run")).to_have_count(1, timeout=60_000)
            # The run is going on while the reopened tab watches it.
            assert await again.locator("#job").get_attribute("data-running") == "yes"
            finished = [(await words.nth(i).text_content() or "").strip() for i in range(await words.count())]
            server.process.send_signal(signal.SIGINT)
            code = server.process.wait(timeout=60)
            await context.close()

    assert code == 130, server.stderr()
    assert "interrupted; every finished row is recorded in" in server.stderr()
    recorded = json.loads((server.out / "report.json").read_text(encoding="utf-8"))
    outcomes = {r["pacer_username"]: r["outcome"] for r in recorded}
    # Every row that had finished when Ctrl-C came is in the reports, as it ended.
    assert finished.count("dry_run") >= 1
    assert list(outcomes.values()).count("dry_run") >= finished.count("dry_run")
    assert (server.out / "report.html").is_file() and (server.out / "report.csv").is_file()
    # ...and the run was cut short: not every row got to the court.
    assert list(outcomes.values()).count("dry_run") < len(people), outcomes
    assert court.final_submits == []
    # A plan is made only from a whole look at the courts.
    assert not (server.out / "plan.json").exists()
