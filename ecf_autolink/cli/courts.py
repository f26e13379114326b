"""`autolink courts`: the courts the tool knows, for people and (with --json) for scripts."""

from __future__ import annotations

import dataclasses
import json

import click

from .options import json_option


@click.command("courts")
@json_option(help=None)
def courts_command(as_json: bool) -> None:
    """List the district and bankruptcy courts ecf-autolink knows."""
    from ..courts import all_courts

    courts = all_courts()
    if as_json:
        click.echo(
            json.dumps(
                [dataclasses.asdict(c) | {"nextgen_live": str(c.nextgen_live or "")} for c in courts],
                indent=2,
            )
        )
        return
    for c in courts:
        click.echo(f"{c.id:6} {c.type:10} {c.cmecf_url:38} {c.name}")
