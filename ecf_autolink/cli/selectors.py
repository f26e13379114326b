"""`autolink selectors`: which selector is in force for a court, and which file it came from."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import InputError
from .inputs import court_urls, selector_dirs
from .options import selectors_option


@click.command("selectors")
@click.option("--court", default="", metavar="ID", help="Show the merged selectors for this court.")
@selectors_option
def selectors_command(court: str, selectors_dir: Path | None) -> None:
    """Print the selectors in force for a court, and the file each came from.

    A court's keys are looked for in <court>.yaml in each folder listed first (on stderr),
    the first folder's file winning; your own folder is where to put an override.
    """
    from ..locators import SelectorError, load_selectors

    if court:
        # A typo would otherwise print the defaults as if they were that court's.
        court_urls((court,), None)
    try:
        sel = load_selectors(court.lower(), overrides=selector_dirs(selectors_dir))
    except SelectorError as exc:
        raise InputError(str(exc)) from None
    for folder in sel.searched:
        there = "" if folder.is_dir() else "  (does not exist yet)"
        click.echo(f"searched: {folder}{there}", err=True)
    for key in sel.all_keys():
        click.echo(f"{key:45} {sel.spec(key).describe():60} {sel.origin(key)}")
    for key, label in sel.confirm_rows.items():
        click.echo(f"{'confirm_rows.' + key:45} {label!r:60} {sel.origin('confirm_rows.' + key)}")
    for key, phrases in sel.texts.items():
        click.echo(f"{'texts.' + key:45} {'; '.join(phrases)[:60]:60} {sel.origin('texts.' + key)}")
