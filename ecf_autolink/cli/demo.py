"""`autolink demo`: the whole flow on the built-in replica court, for a first look and
for checking an install, with no network and no credentials."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .batch import RunStopped, finish, run_rows
from .errors import EXIT_FAILED, InputError, RunFailed
from .inputs import build_guard
from .options import browser_options, debug_option, json_option


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-out"),
    show_default=True,
    help="Folder for the demo's roster, journal, reports and evidence.",
)
@browser_options
@click.option(
    "--latency",
    type=click.FloatRange(0, 5),
    default=0.0,
    help="Seconds the replica waits before each answer.",
)
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@json_option()
@click.option("--trace", is_flag=True, help="Keep a scrubbed Playwright trace of each row.")
@debug_option
def demo_command(
    out: Path,
    headed: bool,
    browser: str | None,
    timeout: float,
    latency: float,
    concurrency: int,
    as_json: bool,
    trace: bool,
    debug: bool,
) -> None:
    """Link a sample roster on the built-in replica court (no network, no credentials).

    Exits 0 when every sample attorney ended as the scenario says it should (some are
    meant to be refused).
    """
    from ..demo import acknowledge_for_samples, own_state, prepare_courts, serve_demo
    from ..journal import FolderRefused, check_folder
    from ..plan import build_plan
    from ..runner import RunOptions

    try:
        # The same checks as a real run's, before the demo writes its roster there.
        check_folder(out)
        attorneys, expected = prepare_courts(out)
    except (ValueError, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    # Three replica courts, two behind one PACER login host (demo.py says which is which).
    with own_state(out), serve_demo(latency) as demo:
        for line in demo.describe():
            click.echo(line, err=True)
        # The replica serves the built-in pages: the user's own overrides are not for it.
        rows = build_plan(
            attorneys,
            demo.court_urls,
            login_origin=None,
            selector_dirs=[],
            source="the demo's replica",
        )
        options = RunOptions(
            out_dir=out,
            concurrency=concurrency,
            headed=headed,
            browser=browser,
            timeout_ms=timeout * 1000,
            trace=trace,
        )
        try:
            results = run_rows(
                rows,
                options,
                build_guard(None, rows),
                interactive=False,
                debug=debug,
                acknowledge_redaction=acknowledge_for_samples,
            )
        except RunStopped as stop:
            finish(stop.results, out, as_json)
            raise RunFailed(stop.message) from None
    for line in demo.summary():
        click.echo(line, err=True)
    surprises = [
        f"{r.pacer_username}: expected {expected[r.pacer_username]}, got {r.outcome}"
        for r in results
        if r.outcome != expected.get(r.pacer_username, r.outcome)
    ]
    # The demo's refusals are intended; its verdict is whether each row ended as planned.
    _, reports_ok = finish(results, out, as_json)
    if surprises:
        raise click.ClickException("the demo did not go as planned: " + "; ".join(surprises))
    click.echo(
        f"demo: all {len(results)} sample attorneys ended as planned "
        f"(replica recorded {demo.links} new link(s), "
        f"{demo.final_submits} final Submit(s))",
        err=True,
    )
    if not reports_ok:
        sys.exit(EXIT_FAILED)
