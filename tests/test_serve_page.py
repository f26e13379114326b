"""`autolink serve` (issue 22): the page end to end in a real browser against the replica
court: open it with the token, choose the roster, acknowledge, look at the courts,
approve two rows, link them, see `linked`, download the report; the court sees exactly
two final Submits. Also: the same roster gives the CLI's plan, and no secret reaches
the browser."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

import psutil
import pytest
from playwright.async_api import Browser, Response, expect
from serve_support import served
from support import empty_env_file, env_without_credentials, replica_court, with_backup_codes

from ecf_autolink.demo import write_roster
from ecf_autolink.plan_file import read_plan
from ecf_autolink.replica.http_server import serve

pytestmark = pytest.mark.browser

# Where the screenshots for docs/serve.md go when a person wants to look at them again.
SHOTS = os.environ.get("AUTOLINK_SHOTS")


def _secrets(people: list, env: dict[str, str]) -> list[str]:
    values = [v for k, v in env.items() if k.startswith("DEMO_")]
    for p in people:
        values += [p.roster_password, p.cmecf_password, *p.backup_codes]
    return [v for v in values if v and len(v) >= 4]


async def test_the_page_plans_approves_two_rows_links_them_and_downloads_the_report(
    browser: Browser, tmp_path: Path
) -> None:
    people = [with_backup_codes(key) for key in ("ann", "bob", "cat")]
    court = replica_court(*people)
    folder = tmp_path / "in"
    folder.mkdir()
    roster, roster_env = write_roster(folder, people)
    env = {**env_without_credentials(), **roster_env}
    secrets = _secrets(people, roster_env)
    with serve(court) as replica:
        args = [
            *("--court-url", f"canb={replica.court_url}", "--env-file", str(empty_env_file(tmp_path))),
            *("--roster-folder", str(folder)),
        ]
        with served(tmp_path, env, *args) as server:
            idle_rss = psutil.Process(server.process.pid).memory_info().rss
            context = await browser.new_context(
                accept_downloads=True, viewport={"width": 1280, "height": 900}
            )
            page = await context.new_page()
            bodies: list[str] = []

            async def keep(response: Response) -> None:
                if response.url.startswith(server.base) and "/events" not in response.url:
                    with contextlib.suppress(Exception):  # a download's body is read below
                        bodies.append((await response.body()).decode("utf-8", "replace"))

            page.on("response", keep)
            await page.goto(server.url)
            # The token is swapped for a cookie at once and leaves the address bar.
            assert page.url == f"{server.base}/"
            await page.set_input_files("#roster-file", roster)
            await expect(page.locator("#notice")).to_contain_text(
                "3 attorney-court row(s) read from roster.csv"
            )
            await page.get_by_label(
                "I acknowledge the Redaction Agreement for the attorneys of this run"
            ).check()
            await expect(page.locator("#notice")).to_have_text("recorded")
            await page.get_by_role("button", name="Look at the courts").click()
            words = page.locator("td.cell .word")
            await expect(words).to_have_text(["would_link"] * 3, timeout=90_000)
            await expect(page.locator("#job")).to_contain_text("nothing was submitted")
            assert court.final_submits == []
            await expect(page.locator("a.shot img")).to_have_count(3)
            if SHOTS:
                await page.screenshot(path=str(Path(SHOTS) / "serve-plan.png"), full_page=True)
            await page.get_by_label("Approve ann at canb").check()
            await page.get_by_label("Approve cat at canb").check()
            pressed = time.monotonic()
            await page.get_by_role("button", name="Link approved rows").click()
            first = page.locator('td.cell[data-row="canb:ann"] .word, td.cell[data-row="canb:cat"] .word')
            await expect(first.filter(has_text="linked").first).to_be_visible(timeout=90_000)
            to_first_linked = time.monotonic() - pressed
            await expect(words).to_have_text(["linked", "would_link", "linked"], timeout=90_000)
            await expect(page.locator("#job")).to_contain_text("Linking finished")
            if SHOTS:
                await page.screenshot(path=str(Path(SHOTS) / "serve-linked.png"), full_page=True)
            async with page.expect_download() as waiting:
                await page.get_by_role("link", name="Download report").click()
            download = await waiting.value
            report = Path(await download.path()).read_text(encoding="utf-8")
            assert download.suggested_filename == "report.html"
            storage = await page.evaluate("() => [localStorage.length, sessionStorage.length]")
            cookies = await context.cookies()
            await context.close()
        # The server stopped by Ctrl-C as a person stops it.
        assert server.process.returncode == 0, server.stderr()

        report_page = await browser.new_page()
        await report_page.goto((server.out / "report.html").as_uri())
        await expect(report_page.locator("td.cell .word")).to_have_text(["linked", "dry_run", "linked"])
        if SHOTS:
            await report_page.emulate_media(media="print")
            await report_page.screenshot(path=str(Path(SHOTS) / "report-print.png"), full_page=True)
            await report_page.pdf(path=str(Path(SHOTS) / "report.pdf"), format="Letter")
        await report_page.close()

    assert sorted(court.final_submits) == ["ann", "cat"]
    assert "linked" in report and "ann" in report
    by_user = {
        r["pacer_username"]: r["outcome"] for r in json.loads((server.out / "report.json").read_text())
    }
    assert by_user == {"ann": "linked", "bob": "dry_run", "cat": "linked"}
    assert read_plan(server.out).rows[1].verdict == "would_link"
    # No secret in anything the browser was sent, nor kept by it.
    assert bodies
    for secret in secrets:
        assert not any(secret in body for body in [*bodies, report]), "a secret reached the browser"
    assert storage == [0, 0]
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [
        ("autolink_session", True, "Strict")
    ]
    for secret in secrets:
        assert secret not in server.stderr()
    print(
        f"\nmeasure: Link pressed -> first row linked {to_first_linked:.2f} s;"
        f" idle server RSS {idle_rss / 2**20:.1f} MiB"
    )
