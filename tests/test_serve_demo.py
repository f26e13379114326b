"""`autolink serve --demo` (issue 22): one command starts the page on the demo's replica
courts with the demo's sample roster loaded; looking at the courts gives each sample
attorney's planned verdict, and nothing leaves this computer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, expect
from serve_support import served
from support import env_without_credentials

from ecf_autolink.account_key import account_key
from ecf_autolink.outcome import Outcome
from ecf_autolink.plan_file import read_plan
from ecf_autolink.replica.scenarios import DEMO_ATTORNEYS

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("AUTOLINK_SHOTS")


def _verdict(expected: Outcome) -> str:
    return "would_link" if expected == Outcome.LINKED else str(expected)


async def test_serve_demo_opens_the_page_on_the_replica_courts_with_the_demo_roster(
    browser: Browser, tmp_path: Path
) -> None:
    rows = {
        (court, s.pacer_username): _verdict(s.expected) for s in DEMO_ATTORNEYS for court in s.demo_courts
    }
    with served(tmp_path, env_without_credentials(), "--demo") as server:
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(server.url)
        await expect(page.locator("#board")).to_contain_text(
            f"Roster the demo's roster.csv: {len(rows)} attorney-court row(s)."
        )
        await expect(page.locator("td.cell .word")).to_have_count(len(rows))
        await expect(page.locator("table.matrix thead th")).to_have_text(["Attorney", "canb", "cacb", "casb"])
        await page.get_by_label("I acknowledge the Redaction Agreement for the attorneys of this run").check()
        await expect(page.locator("#notice")).to_have_text("recorded")
        await page.get_by_role("button", name="Look at the courts").click()
        # Tom Baker has no authenticator (PACER wants him to enrol): nobody has a code to type.
        box = page.locator("form.passcode")
        await expect(box.locator("h2")).to_have_text(
            "One-time passcode for Tom Baker (tbaker) at canb", timeout=120_000
        )
        await box.get_by_role("button", name="No code: skip this attorney").click()
        await expect(page.locator("#job")).to_contain_text("nothing was submitted", timeout=240_000)
        for (court, user), verdict in rows.items():
            cell = page.locator(f'td.cell[data-row="{court}:{account_key(user)}"] .word')
            await expect(cell).to_have_text(verdict)
        if SHOTS:
            await page.screenshot(path=str(Path(SHOTS) / "serve-demo.png"), full_page=True)
        await page.close()
        stderr = server.stderr()
    assert server.process.returncode == 0, stderr
    assert "replica court canb at http://127.0.0.1:" in stderr
    plan = read_plan(server.out)
    assert {(p.court, p.pacer_username): p.verdict for p in plan.rows} == rows
    # Every court the plan was made against is on this computer.
    assert {urlsplit(url).hostname for url in plan.courts.values()} <= {
        "127.0.0.1",
        "127.0.0.2",
        "127.0.0.3",
        "localhost",
    }


def test_serve_demo_refuses_a_roster_or_a_court_address_of_the_users(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("court\n", encoding="utf-8")
    for extra in (["--roster", "r.csv"], ["--court-url", "canb=https://ecf.canb.uscourts.gov"]):
        done = subprocess.run(
            [sys.executable, "-m", "ecf_autolink", "serve", "--demo", "--no-open", *extra],
            capture_output=True,
            text=True,
            env=env_without_credentials(),
            cwd=tmp_path,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert f"{extra[0]} is not for --demo" in done.stderr and done.stdout == ""
