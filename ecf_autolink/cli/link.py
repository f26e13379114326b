"""`autolink link` (also `autolink --court ...`): the command firms run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .batch import RunStopped, finish, public, run_rows
from .errors import EXIT_FAILED, InputError, Interrupted, RunFailed
from .inputs import (
    RedactionConsent,
    build_guard,
    env_says_yes,
    prepare_rows,
    read_settings,
    sign_in_mode,
)
from .options import (
    browser_options,
    court_options,
    debug_option,
    env_file_option,
    json_option,
    network_options,
    selectors_option,
    sign_in_options,
)
from .planning import submit_gate, yes_option


def _check_out_and_browser(out: Path, browser: str | None, env: dict[str, str]) -> None:
    from ..browser import BrowserNotFound, find_browser
    from ..journal import FolderRefused, check_folder

    try:
        check_folder(out)
        if browser or env.get("AUTOLINK_BROWSER"):
            # A named browser is checked now; finding one otherwise needs Playwright running.
            find_browser(browser, env=env, playwright_path=None)
    except (FolderRefused, BrowserNotFound) as exc:
        raise InputError(str(exc)) from None


@click.command("link")
@court_options
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV or YAML roster of attorneys and courts.",
)
@json_option()
@click.option("--dry-run", is_flag=True, help="Stop at the confirmation table; submit nothing.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("autolink-out"),
    show_default=True,
    help="Folder for the journal, reports and evidence.",
)
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option(
    "--per-court",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Sessions at once per court.",
)
@click.option(
    "--shared-accounts",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="File of PACER usernames that are shared firm accounts, one a line.",
)
@click.option("--fail-fast", is_flag=True, help="Start no new row after the first failure.")
@click.option(
    "--recheck",
    is_flag=True,
    # What a run does with --recheck, row by row (row_life.decide).
    help="Only look, never submit: for each row whose final Submit an earlier run in this --out"
    " folder sent without seeing the answer, sign in and see whether the court shows the link."
    " Every other row (linked, refused, or its Submit never sent) is not attempted and"
    " reported as recorded (not_started if no run ever began it).",
)
@click.option(
    "--submit-margin",
    type=click.FloatRange(0, 3600),
    default=60.0,
    hidden=True,
    help="Seconds added to --timeout for how long a Submit handed over may still be on its way"
    " (a later run sends again only after that).",
)
@env_file_option
@selectors_option
@network_options
@browser_options
@click.option(
    "--trace",
    is_flag=True,
    help="Keep a Playwright trace of each row in its evidence folder, secrets scrubbed, no screenshots.",
)
@debug_option
@sign_in_options
@yes_option(
    "Link every row whose checks pass without asking at each confirmation table (needed"
    " without a terminal; or use `autolink plan` and `autolink apply`)."
)
def link_command(
    courts: tuple[str, ...],
    court_url: tuple[str, ...],
    roster: Path | None,
    as_json: bool,
    dry_run: bool,
    out: Path,
    concurrency: int,
    per_court: int,
    shared_accounts: Path | None,
    fail_fast: bool,
    recheck: bool,
    env_file: Path | None,
    selectors_dir: Path | None,
    headed: bool,
    browser: str | None,
    timeout: float,
    trace: bool,
    debug: bool,
    proxy: str | None,
    ca_file: Path | None,
    sign_in: str | None,
    acknowledge_redaction: bool,
    submit_margin: float,
    yes: bool,
) -> None:
    """Link attorneys' CM/ECF accounts to their PACER accounts (the default command).

    Passwords are never taken as arguments: they come from the environment, a .env
    file, the OS keyring, the roster (as ${VAR} references) or a hidden prompt.
    """
    settings = read_settings(env_file, proxy, ca_file, court_url)
    env, site = settings.env, settings.site
    mode = sign_in_mode(sign_in, env)
    acknowledged = acknowledge_redaction or env_says_yes(env)
    prepared = prepare_rows(
        settings,
        courts,
        roster,
        selectors_dir,
        before_credentials=lambda: _check_out_and_browser(out, browser, env),
    )
    rows, interactive = prepared.rows, prepared.interactive
    # Before any site is reached: who says yes to each permanent Submit.
    approval = submit_gate(yes=yes, dry_run=dry_run, recheck=recheck, interactive=interactive)
    for court, url in sorted(prepared.urls.items()):
        if site.replaced(court):
            # Said before anything runs: a stale staging address in .env must be seen at once.
            # (The summary names every court's address, the built-in ones too.)
            click.echo(f"note: {court} runs against {url} (from {site.source})", err=True)
    consent = RedactionConsent.for_run(acknowledged, interactive)
    guard = build_guard(shared_accounts, rows)
    from ..runner import RunOptions

    options = RunOptions(
        out_dir=out,
        concurrency=concurrency,
        per_court=per_court,
        dry_run=dry_run,
        recheck=recheck,
        fail_fast=fail_fast,
        headed=headed,
        browser=browser,
        timeout_ms=timeout * 1000,
        env=dict(env),
        network=settings.network,
        trace=trace,
        debug=debug,
        sign_in=mode,
        submit_margin_s=submit_margin,
    )
    court_count = len({r.attorney.court for r in rows})
    if concurrency > per_court * court_count and len(rows) > per_court * court_count:
        # Otherwise `--concurrency 8` at one court quietly runs four at a time.
        click.echo(
            f"note: at most {per_court * court_count} rows run at once: --per-court {per_court} limits"
            f" each of {court_count} court(s); raise it to use --concurrency {concurrency}",
            err=True,
        )
    try:
        results = run_rows(
            rows, options, guard, interactive, debug, acknowledge_redaction=consent, approval=approval
        )
    except RunStopped as stop:
        finish(stop.results, out, as_json)
        raise RunFailed(stop.message) from None
    except Interrupted:
        if as_json:
            # A script reading --json gets what is known at the stop: the journal's rows.
            _echo_journal_json(out)
        raise
    if not all(finish(results, out, as_json)):
        sys.exit(EXIT_FAILED)


def _echo_journal_json(out: Path) -> None:
    import json

    from ..journal import Journal, JournalError

    try:
        with Journal.open(out) as journal:
            results = journal.results()
    except (JournalError, OSError):
        results = []
    click.echo(json.dumps([public(r) for r in results], indent=2, ensure_ascii=True))
