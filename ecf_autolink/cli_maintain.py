"""`autolink check` and `autolink record`: keeping the selectors true to the courts' pages.

`check` needs no credentials and suits a nightly job; `record` needs one attorney's
and saves the pages a dry run passes as replica templates. Both only parse options
and print: the work is in `health.py` and `recorder.py`.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import browser as browser_mod
from .browser import BrowserNotFound
from .cli import (
    InputError,
    RedactionConsent,
    _attorneys,
    _court_url_values,
    _court_urls,
    _env_says_yes,
    _guard,
    _passcodes_for,
    _plan,
    browser_options,
    court_options,
    env_file_in_use,
    env_file_option,
    env_from,
    main,
    network_options,
    network_settings,
    selector_dirs,
    selectors_option,
)
from .health import CheckRow, Target, check_courts, failures
from .locators import SelectorError, load_selectors
from .network import NetworkSettings
from .outcome import Outcome
from .paths import data_root, fixtures_dir
from .progress import PlainProgress
from .recorder import Recording, RecordingError, record_pages, write_templates
from .runner import RunOptions

# -- check ------------------------------------------------------------------------------------------


def _targets(
    courts: tuple[str, ...], court_url: tuple[str, ...], every: bool, overrides: list[Path]
) -> list[Target]:
    if every and courts:
        raise InputError("Give --court ID (repeatable) or --all, not both.")
    if every:
        from .courts import all_courts

        courts = tuple(c.id for c in all_courts())
    if not courts:
        raise InputError("Give --court ID (for example --court canb, repeatable) or --all.")
    site = _court_url_values(court_url, os.environ, None)
    urls = _court_urls(tuple(dict.fromkeys(c.strip().lower() for c in courts)), site)
    try:
        return [Target(court, url, load_selectors(court, overrides=overrides)) for court, url in urls.items()]
    except SelectorError as exc:
        raise InputError(str(exc)) from None


async def _check_all(
    targets: list[Target],
    browser: str | None,
    headed: bool,
    timeout_ms: float,
    at_once: int,
    network: NetworkSettings,
) -> list[CheckRow]:
    async with browser_mod.launched(
        browser, headed=headed, extra_args=browser_mod.NO_IMAGES_ARGS, network=network
    ) as (own, choice):
        click.echo(f"browser: {choice.describe()}", err=True)
        return await check_courts(own, targets, timeout_ms=timeout_ms, concurrency=at_once)


def _table(rows: list[CheckRow], with_court: bool) -> Table:
    table = Table(title="Selectors on the courts' public pages", title_justify="left")
    if with_court:
        table.add_column("court", no_wrap=True)
    for name in ("page", "key", "selector"):
        table.add_column(name, overflow="fold")
    table.add_column("found", justify="right")
    table.add_column("verdict", no_wrap=True)
    table.add_column("file", overflow="fold")
    for row in rows:
        style = "green" if row.ok else "bold red"
        # Text, not markup: a CSS selector such as `input[name=x]` reads as a style tag.
        cells = [
            Text(row.page),
            Text(row.key),
            Text(row.selector),
            Text("-" if row.count is None else str(row.count)),
            Text(row.verdict, style=style),
            Text(Path(row.origin).name),
        ]
        table.add_row(*([Text(row.court)] if with_court else []), *cells)
    return table


def _verdict_message(bad: list[CheckRow], total: int) -> str:
    listed = "; ".join(
        f"{r.court} {r.key} {r.verdict}" + (f" ({r.detail})" if r.detail else "") + f" [{r.origin}]"
        for r in bad[:20]
    )
    more = f"; and {len(bad) - 20} more" if len(bad) > 20 else ""
    return (
        f"{len(bad)} of {total} selectors on the public pages do not resolve to exactly one element:"
        f" {listed}{more}. A court changed its pages, or the selector is wrong: record the court's"
        " pages (`autolink record --court ID`), fix the key in selectors/<court>.yaml, and run"
        " `make test` (docs/changing-pages.md); with an installed copy, put <court>.yaml in your own"
        " selectors folder (`autolink selectors --court ID` shows where)."
    )


@click.command("check")
@court_options
@click.option("--all", "every", is_flag=True, help="Check every district and bankruptcy court.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON on stdout instead of a table.")
@click.option(
    "--concurrency", type=click.IntRange(1, 16), default=4, show_default=True, help="Courts checked at once."
)
@selectors_option
@network_options
@browser_options
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
def check(
    courts: tuple[str, ...],
    court_url: tuple[str, ...],
    every: bool,
    as_json: bool,
    concurrency: int,
    selectors_dir: Path | None,
    headed: bool,
    browser: str | None,
    timeout: float,
    debug: bool,
    proxy: str | None,
    ca_file: Path | None,
) -> None:
    """Check, without credentials, that each court's public pages still match the selectors.

    Opens the front page, follows Document Filing System to the PACER login page, and
    reports for each selector there how many elements it finds (the flow needs exactly
    one). Exits 1 when any selector does not, 2 for bad input: made for a nightly job.
    """
    network = network_settings(proxy, ca_file, os.environ)
    targets = _targets(courts, court_url, every, selector_dirs(selectors_dir))
    click.echo(f"checking {len(targets)} court(s)", err=True)
    try:
        rows = asyncio.run(_check_all(targets, browser, headed, timeout * 1000, concurrency, network))
    except BrowserNotFound as exc:
        raise InputError(str(exc)) from None
    except Exception as exc:
        if debug:
            raise
        raise click.ClickException(
            f"the check stopped: unexpected {type(exc).__name__}; run again with --debug for the details"
        ) from None
    if as_json:
        import json

        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
    else:
        console = Console()
        if not console.is_terminal:
            # Logs and pipes get every word of a key, never an ellipsis.
            console = Console(width=200)
        console.print(_table(rows, with_court=len(targets) > 1))
    bad = failures(rows)
    if bad:
        raise click.ClickException(_verdict_message(bad, len(rows)))
    click.echo(f"all {len(rows)} selectors on the public pages resolve to exactly one element", err=True)


# -- record -----------------------------------------------------------------------------------------


def _default_folder(court: str) -> Path:
    if not (data_root() / "pyproject.toml").is_file():
        raise InputError(
            "autolink record saves pages into a source checkout's fixtures/html/<court>/, and this"
            " is an installed copy; give --out DIR."
        )
    return fixtures_dir() / court


def _outcome_ok(recording: Recording) -> bool:
    return recording.result.outcome in (Outcome.DRY_RUN, Outcome.ALREADY_LINKED)


def _report(recording: Recording, saved: list[Path], folder: Path) -> None:
    for path in saved:
        click.echo(f"saved   {path}  (from {recording.sources[path.name]})", err=True)
    for where in recording.unrecognised:
        click.echo(f"skipped {where}  (no page kind in the selectors matches it)", err=True)
    for problem in recording.problems:
        click.echo(f"skipped {problem}", err=True)
    missing = recording.missing()
    if missing:
        click.echo(
            f"not reached: {', '.join(missing)}; the replica keeps using fixtures/html/default/ for these",
            err=True,
        )
    click.echo(
        f"{len(saved)} page(s) in {folder}: review them (git diff), run `make test`, then commit", err=True
    )


@click.command("record")
@court_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for the pages (default: fixtures/html/<court>/ of this checkout).",
)
@env_file_option
@selectors_option
@network_options
@browser_options
@click.option(
    "--acknowledge-redaction",
    is_flag=True,
    help="You acknowledge PACER's Redaction Agreement for this attorney, for this recording.",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
def record(
    courts: tuple[str, ...],
    court_url: tuple[str, ...],
    out: Path | None,
    env_file: Path | None,
    selectors_dir: Path | None,
    headed: bool,
    browser: str | None,
    timeout: float,
    debug: bool,
    proxy: str | None,
    ca_file: Path | None,
    acknowledge_redaction: bool,
) -> None:
    """Save a court's pages, as a dry run passes them, as templates for the replica court.

    Signs in with one attorney's credentials (as `autolink --court ID` takes them) and
    stops at the confirmation table: nothing is submitted. Every password, passcode and
    client code is removed; names, usernames and the court's addresses become
    placeholders the replica fills in.
    """
    if len(courts) != 1:
        raise InputError("Give exactly one --court ID: the CM/ECF credentials belong to one court.")
    env_file = env_file_in_use(env_file)
    env = env_from(env_file)
    network = network_settings(proxy, ca_file, env)
    # As for linking: a .env naming a staging site must not leave the real court in its place.
    site = _court_url_values(court_url, env, env_file)
    _court_urls(courts, site)
    interactive = sys.stdin.isatty()
    attorneys = _attorneys(courts, None, env, interactive)
    urls = _court_urls((attorneys[0].court,), site)
    rows = _plan(attorneys, urls, site, selectors_dir)
    row = rows[0]
    folder = out if out is not None else _default_folder(row.attorney.court)
    # The page path, always: recording its pages is the point.
    options = RunOptions(
        out_dir=folder,
        headed=headed,
        browser=browser,
        timeout_ms=timeout * 1000,
        env=dict(env),
        network=network,
        sign_in="page",
    )
    consent = RedactionConsent.for_run(acknowledge_redaction or _env_says_yes(env), interactive)
    recording = _record(row, options, _guard(None, rows), interactive, debug, consent)
    if not recording.templates:
        raise click.ClickException(
            f"no page was saved: the dry run ended {recording.result.outcome} ({recording.result.message})"
            " before any page matched the selectors"
        )
    saved = write_templates(folder, recording.templates)
    _report(recording, saved, folder)
    if not _outcome_ok(recording):
        raise click.ClickException(
            f"the dry run ended {recording.result.outcome}: {recording.result.message}. The"
            f" {len(saved)} page(s) it passed were saved in {folder}."
        )


def _record(
    row: Any, options: RunOptions, guard: Any, interactive: bool, debug: bool, consent: Any = None
) -> Recording:
    try:
        return asyncio.run(
            record_pages(
                row,
                options,
                PlainProgress(),
                passcodes=_passcodes_for(interactive),
                guard=guard,
                acknowledge_redaction=consent,
            )
        )
    except BrowserNotFound as exc:
        raise InputError(str(exc)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; no page was saved") from None
    except RecordingError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        if debug:
            raise
        raise click.ClickException(
            f"the recording stopped: unexpected {type(exc).__name__}; no page was saved; run again"
            " with --debug for the details"
        ) from None


main.add_command(check)
main.add_command(record)
