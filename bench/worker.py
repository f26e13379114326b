"""One measured run, in a process of its own (started by bench/run.py inside a cgroup).

The replica court runs in the parent, so its CPU is not counted as the tool's; this
process and everything it starts (Playwright's driver, the browser and all its
processes) is. Writes the rows' outcomes and the run's wall time to `--results`.

    python bench/worker.py {product,sequential} --court-url URL --attorneys N --out DIR --results FILE
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.async_api import Page, async_playwright
from run import QuietProgress, roster_attorney, sample_roster

from ecf_autolink import browser as browser_mod
from ecf_autolink.cli.inputs import build_guard, passcodes_for
from ecf_autolink.credentials import read_env
from ecf_autolink.evidence import Evidence, folder_name, private_dir
from ecf_autolink.flow.attempt import FlowDeps, FlowSettings
from ecf_autolink.flow.link import link_attorney
from ecf_autolink.otp import build_provider
from ecf_autolink.outcome import Result
from ecf_autolink.plan import Row, build_plan
from ecf_autolink.replica.scenarios import DEMO_COURT_ID


def product(rows: list[Row], out: Path, args: argparse.Namespace) -> list[Result]:
    from ecf_autolink.runner import Runner, RunOptions

    options = RunOptions(
        out_dir=out,
        concurrency=args.concurrency,
        per_court=args.per_court,
        timeout_ms=args.timeout * 1000,
        browser=args.browser,
        env=read_env(None),
        sign_in=args.sign_in,
    )
    # The bench's attorneys are samples on the replica: their acknowledgement is ours to give.
    runner = Runner(
        options,
        QuietProgress(args.verbose),
        guard=build_guard(None, rows),
        passcodes=passcodes_for(False),
        acknowledge_redaction=lambda notice: True,
    )
    # As the CLI does: the runner launches and closes its own browser inside the timing.
    return asyncio.run(runner.run(rows))


async def _sequential(rows: list[Row], out: Path, args: argparse.Namespace) -> list[Result]:
    """The simplest correct script: one attorney after another, each in a fresh browser."""
    results = []
    async with async_playwright() as pw:
        # The same executable as the product run, so the ratio measures the runner, not the build.
        choice = browser_mod.find_browser(args.browser, playwright_path=pw.chromium.executable_path)
        executable = str(choice.executable) if choice.executable else None
        # The one flag it cannot do without: Chromium's sandbox will not start as root.
        launch_args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        for row in rows:
            a = row.attorney
            browser = await pw.chromium.launch(executable_path=executable, args=launch_args)
            try:

                async def new_page(browser=browser) -> Page:  # type: ignore[no-untyped-def]
                    return await browser.new_page()

                deps = FlowDeps(
                    new_page=new_page,
                    evidence=Evidence(out / folder_name(a.court, a.pacer_username), a.secret_values()),
                    passcodes=build_provider(a.totp_secret, None, None),
                    acknowledge_redaction=lambda notice: True,
                )
                settings = FlowSettings(
                    court_url=row.court_url,
                    login_origin=row.login_origin,
                    timeout_ms=args.timeout * 1000,
                    sign_in=args.sign_in,
                )
                page = await new_page()
                results.append(await link_attorney(page, a, row.selectors, settings, deps))
            finally:
                await browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("product", "sequential"))
    parser.add_argument("--court-url", required=True)
    parser.add_argument("--attorneys", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--per-court", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--sign-in", default="api")
    parser.add_argument("--browser")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--chromium-arg",
        action="append",
        default=[],
        help="an extra Chromium flag for the product run (to measure a flag before browser.py takes it)",
    )
    args = parser.parse_args()
    if args.chromium_arg:
        browser_mod.NO_IMAGES_ARGS = (*browser_mod.NO_IMAGES_ARGS, *args.chromium_arg)
    samples = sample_roster(args.attorneys)
    rows = build_plan(
        [roster_attorney(s) for s in samples], {DEMO_COURT_ID: args.court_url}, login_origin=None
    )
    started = time.perf_counter()
    if args.mode == "product":
        results = product(rows, args.out, args)
    else:
        results = asyncio.run(_sequential(rows, private_dir(args.out), args))
    wall = time.perf_counter() - started
    record = {
        "wall_s": wall,
        "results": [
            {"pacer_username": r.pacer_username, "outcome": str(r.outcome), "message": r.message}
            for r in results
        ],
    }
    args.results.write_text(json.dumps(record), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
