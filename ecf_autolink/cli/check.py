"""`autolink check`: whether each court's public pages still match the selectors.

It needs no credentials and suits a nightly job. This module only parses options and
prints; the counting is `health.py`'s.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import InputError, reported_errors
from .inputs import court_url_values, court_urls, network_settings, selector_dirs
from .options import (
    browser_options,
    court_options,
    debug_option,
    json_option,
    network_options,
    selectors_option,
)

if TYPE_CHECKING:
    from rich.table import Table

    from ..health import CheckRow, Target
    from ..network import NetworkSettings


def _targets(
    courts: tuple[str, ...], court_url: tuple[str, ...], every: bool, overrides: list[Path]
) -> list[Target]:
    from ..health import Target
    from ..locators import SelectorError, load_selectors

    if every and courts:
        raise InputError("Give --court ID (repeatable) or --all, not both.")
    if every:
        from ..courts import all_courts

        courts = tuple(c.id for c in all_courts())
    if not courts:
        raise InputError("Give --court ID (for example --court canb, repeatable) or --all.")
    site = court_url_values(court_url, os.environ, None)
    urls = court_urls(tuple(dict.fromkeys(c.strip().lower() for c in courts)), site)
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
    from .. import browser as browser_mod
    from ..health import check_courts

    async with browser_mod.launched(
        browser, headed=headed, extra_args=browser_mod.NO_IMAGES_ARGS, network=network
    ) as (own, choice):
        click.echo(f"browser: {choice.describe()}", err=True)
        return await check_courts(own, targets, timeout_ms=timeout_ms, concurrency=at_once)


def _table(rows: list[CheckRow], with_court: bool) -> Table:
    from rich.table import Table
    from rich.text import Text

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
@json_option(help="Print the rows as JSON on stdout instead of a table.")
@click.option(
    "--concurrency", type=click.IntRange(1, 16), default=4, show_default=True, help="Courts checked at once."
)
@selectors_option
@network_options
@browser_options
@debug_option
def check_command(
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
    from ..browser import BrowserNotFound
    from ..health import failures

    network = network_settings(proxy, ca_file, os.environ)
    targets = _targets(courts, court_url, every, selector_dirs(selectors_dir))
    click.echo(f"checking {len(targets)} court(s)", err=True)
    try:
        with reported_errors(
            debug, stopped="the check stopped: ", error=click.ClickException, keep=(BrowserNotFound,)
        ):
            rows = asyncio.run(_check_all(targets, browser, headed, timeout * 1000, concurrency, network))
    except BrowserNotFound as exc:
        raise InputError(str(exc)) from None
    if as_json:
        import json

        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
    else:
        from rich.console import Console

        console = Console()
        if not console.is_terminal:
            # Logs and pipes get every word of a key, never an ellipsis.
            console = Console(width=200)
        console.print(_table(rows, with_court=len(targets) > 1))
    bad = failures(rows)
    if bad:
        raise click.ClickException(_verdict_message(bad, len(rows)))
    click.echo(f"all {len(rows)} selectors on the public pages resolve to exactly one element", err=True)
