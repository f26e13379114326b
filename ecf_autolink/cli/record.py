"""`autolink record`: saving a court's pages, as a dry run passes them, as replica templates.

It needs one attorney's credentials, set up exactly as `link` sets up a run. This module
only parses options and prints; the capturing and scrubbing are the recorder's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import InputError, reported_errors
from .inputs import (
    RedactionConsent,
    build_guard,
    env_says_yes,
    passcodes_for,
    prepare_rows,
    read_settings,
)
from .options import (
    browser_options,
    court_options,
    debug_option,
    env_file_option,
    network_options,
    selectors_option,
)

if TYPE_CHECKING:
    from ..plan import Row
    from ..recorder import Recording
    from ..runner import RunOptions
    from ..shared_accounts import SharedAccountGuard


def _default_folder(court: str) -> Path:
    from ..paths import data_root, fixtures_dir

    if not (data_root() / "pyproject.toml").is_file():
        raise InputError(
            "autolink record saves pages into a source checkout's fixtures/html/<court>/, and this"
            " is an installed copy; give --out DIR."
        )
    return fixtures_dir() / court


def _outcome_ok(recording: Recording) -> bool:
    from ..outcome import Outcome

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
@debug_option
def record_command(
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
    from ..recorder import write_templates
    from ..runner import RunOptions

    if len(courts) != 1:
        raise InputError("Give exactly one --court ID: the CM/ECF credentials belong to one court.")
    settings = read_settings(env_file, proxy, ca_file, court_url)
    prepared = prepare_rows(settings, courts, None, selectors_dir)
    row = prepared.rows[0]
    folder = out if out is not None else _default_folder(row.attorney.court)
    # The page path, always: recording its pages is the point.
    options = RunOptions(
        out_dir=folder,
        headed=headed,
        browser=browser,
        timeout_ms=timeout * 1000,
        env=dict(settings.env),
        network=settings.network,
        sign_in="page",
    )
    consent = RedactionConsent.for_run(
        acknowledge_redaction or env_says_yes(settings.env), prepared.interactive
    )
    guard = build_guard(None, prepared.rows)
    recording = _record(row, options, guard, prepared.interactive, debug, consent)
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
    row: Row,
    options: RunOptions,
    guard: SharedAccountGuard,
    interactive: bool,
    debug: bool,
    consent: RedactionConsent | None,
) -> Recording:
    from ..browser import BrowserNotFound
    from ..progress import PlainProgress
    from ..recorder import RecordingError, record_pages

    try:
        with reported_errors(
            debug,
            stopped="the recording stopped: ",
            known="; no page was saved",
            error=click.ClickException,
            keep=(BrowserNotFound, RecordingError),
        ):
            return asyncio.run(
                record_pages(
                    row,
                    options,
                    PlainProgress(),
                    passcodes=passcodes_for(interactive),
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
