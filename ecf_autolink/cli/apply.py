"""`autolink apply`: link exactly the rows of a plan a person approved.

Only the plan's `would_link` rows (narrowed by --only, --skip) are attempted, each only
while the court shows the names the plan showed; a plan older than --max-plan-age is
refused before anything runs. Approval is typing the row count back at a terminal,
`--yes`, or an earlier `apply --approve-only` recorded in the journal (a scheduled apply
then needs no terminal). Every guarantee of a link run holds: it is one, with the flow
asking the plan before each Submit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .batch import RunStopped, finish, run_rows
from .errors import EXIT_FAILED, InputError, RunFailed
from .planning import check_out_folder, parse_age, parse_row_list, run_inputs, set_up, yes_option

if TYPE_CHECKING:
    from ..journal.approvals import RowApproval
    from ..plan_file import Plan, PlanRow

NOBODY_APPROVED = (
    "there is no terminal to ask, and nobody approved these rows of this plan, so nothing was"
    " sent to any site. Either give --yes (you approve them now), or have a person run"
    " `autolink apply --approve-only` with the same --out in a terminal first"
)


def approval_key(entry: PlanRow) -> str:
    court, user = entry.id
    return f"{court}:{user}"


@click.command("apply")
@run_inputs
@yes_option(
    "Approve the chosen rows of the plan without asking (a scheduled job whose author approved them)."
)
@click.option("--only", metavar="COURT:PACER_USERNAME,...", help="Apply only these rows of the plan.")
@click.option("--skip", metavar="COURT:PACER_USERNAME,...", help="Leave these rows of the plan alone.")
@click.option(
    "--max-plan-age",
    default="7d",
    show_default=True,
    metavar="AGE",
    help="Refuse a plan older than this (7d, 36h, 90m): what the courts showed may have changed.",
)
@click.option(
    "--approve-only",
    is_flag=True,
    help="Record your approval of the chosen rows in the journal and link nothing; a later"
    " `autolink apply` (a scheduled one too) then links them without asking.",
)
def apply_command(
    yes: bool, only: str | None, skip: str | None, max_plan_age: str, approve_only: bool, **params: Any
) -> None:
    """Link the rows of <out>/plan.json that a person approves, and nothing else.

    Give the same inputs as the plan (credentials are never in a plan: the roster, .env
    or keyring supply them again) and the same --out.
    """
    from ..plan_file import PlanError, digest, read_plan

    out: Path = params["out"]
    max_age = parse_age(max_plan_age)
    only_ids, skip_ids = parse_row_list(only, "--only"), parse_row_list(skip, "--skip")
    check_out_folder(out)
    try:
        plan = read_plan(out)
    except PlanError as exc:
        raise InputError(str(exc)) from None
    _check_age(plan, max_age, out)
    from ..planned import unknown

    for option, ids in (("--only", only_ids), ("--skip", skip_ids)):
        strangers = unknown(ids, plan)
        if strangers:
            raise InputError(f"{option}: {', '.join(strangers)} not in the plan {out / 'plan.json'}")
    chosen = [p for p in plan.would_link() if (not only_ids or p.id in only_ids) and p.id not in skip_ids]
    if not chosen:
        click.echo(
            "apply: no row of the plan to link (none would_link, or all left out); nothing was sent", err=True
        )
        return
    plan_id = digest(plan)
    approved = _approve(chosen, plan_id, out, yes=yes, interactive=sys.stdin.isatty())
    if approve_only:
        _record(out, approved)
        click.echo(
            f"apply: {len(chosen)} row(s) approved and recorded in {out}; nothing was linked", err=True
        )
        return
    setup = set_up(params, dry_run=False, before_credentials=lambda: None)
    from ..service import approval_for, note_approvers

    # The same rows and approval the page of `autolink serve` links with.
    linking = approval_for(plan, setup.rows, approved, f"the plan {out / 'plan.json'}", only_ids, skip_ids)
    if linking.missing:
        raise InputError(
            f"the run's inputs have no credentials for {', '.join(linking.missing)} (the same PACER account"
            " and CM/ECF login as in the plan): give the plan's roster, or leave them out with --skip;"
            " nothing was sent"
        )
    _same_sites(plan, setup.urls, out)
    _record(out, approved)
    try:
        results = run_rows(
            linking.rows,
            setup.options,
            setup.guard,
            setup.interactive,
            params["debug"],
            acknowledge_redaction=setup.consent,
            approval=linking.approval,
        )
    except RunStopped as stop:
        finish(stop.results, out, params["as_json"])
        raise RunFailed(stop.message) from None
    results = note_approvers(results, linking.names)
    all_ok, _ = finish(results, out, params["as_json"])
    if not all_ok:
        sys.exit(EXIT_FAILED)


def _check_age(plan: Plan, max_age: Any, out: Path) -> None:
    age = plan.age()
    if age > max_age:
        hours = age.total_seconds() / 3600
        raise InputError(
            f"the plan {out / 'plan.json'} was made {hours:.0f} hours ago ({plan.created_at.isoformat()}),"
            f" more than --max-plan-age {max_age}: what the courts show may have changed; run"
            " `autolink plan` again and have it approved; nothing was attempted"
        )


def _same_sites(plan: Plan, urls: dict[str, str], out: Path) -> None:
    from ..court_urls import site_of

    differ = [
        f"{court} was planned against {plan.courts[court]}, this run points at {url}"
        for court, url in sorted(urls.items())
        if court in plan.courts and site_of(plan.courts[court]) != site_of(url)
    ]
    if differ:
        raise InputError(f"{out / 'plan.json'}: {'; '.join(differ)}; nothing was attempted")


def _approve(
    chosen: list[PlanRow], plan_id: str, out: Path, *, yes: bool, interactive: bool
) -> dict[str, RowApproval]:
    """Each chosen row's approval: earlier recorded for this plan, --yes, or the person
    typing the row count back; exit 2 when none can be had without a terminal."""
    from ..journal import FolderRefused, Journal, JournalError
    from ..journal.approvals import RowApproval, approvals
    from ..outcome import now
    from ..plan_file import os_user

    try:
        with Journal.open(out) as journal:
            recorded = approvals(journal, plan_id)
    except (FolderRefused, JournalError) as exc:
        raise InputError(str(exc)) from None
    keys = [approval_key(p) for p in chosen]
    if all(k in recorded for k in keys) and not yes:
        who = sorted({f"{recorded[k].approved_by} at {recorded[k].approved_at}" for k in keys})
        click.echo(f"apply: these {len(keys)} row(s) were approved by {', '.join(who)}", err=True)
        return {k: recorded[k] for k in keys}
    if not yes:
        if not interactive:
            raise InputError(NOBODY_APPROVED)
        _show(chosen)
        count = len(chosen)
        typed = click.prompt(
            f"Type {count} to link these {count} rows", default="", show_default=False, err=True
        )
        if typed.strip() != str(count):
            click.echo("apply: not approved; nothing was sent", err=True)
            sys.exit(EXIT_FAILED)
    by, at = os_user(), now()
    return {k: RowApproval(k, by, at, plan_id) for k in keys}


def _record(out: Path, approved: dict[str, RowApproval]) -> None:
    from ..journal import WRITE_ERRORS, FolderRefused, Journal, JournalError
    from ..journal.approvals import record_approvals

    try:
        with Journal.open(out) as journal:
            record_approvals(journal, approved.values())
    except (FolderRefused, JournalError, *WRITE_ERRORS) as exc:
        raise InputError(f"the approvals could not be recorded in {out}: {exc}; nothing was sent") from None


def _show(chosen: list[PlanRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..safe_text import terminal_text

    table = Table(title="rows to link (permanent: a link cannot be undone)", title_justify="left")
    for column in ("court", "PACER account", "CM/ECF login", "CM/ECF name", "PACER name", "warnings"):
        table.add_column(column)
    for p in chosen:
        table.add_row(
            p.court,
            terminal_text(p.pacer_username),
            terminal_text(p.cmecf_username),
            terminal_text(p.cmecf_name),
            terminal_text(p.pacer_name),
            terminal_text("; ".join(p.warnings), limit=400),
        )
    Console(stderr=True).print(table)
