"""`autolink plan`: sign in, reach each court's confirmation table, and stop there.

Nothing is ever submitted (the run is a dry run). What each court showed, the tool's
verdict and the courts' own warnings go to `<out>/plan.json`, the terminal and the
reports; `autolink apply` with the same inputs and --out links what a person approves.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .batch import RunStopped, finish, run_rows
from .errors import EXIT_FAILED, InputError, RunFailed
from .planning import check_out_folder, run_inputs, set_up


@click.command("plan")
@run_inputs
def plan_command(**params: Any) -> None:
    """Show what linking would do, row by row, and save it as a plan; submit nothing.

    Writes <out>/plan.json (no secret in it), report.html and the confirmation screenshots.
    A person reads it, then `autolink apply` (same inputs, same --out) links the rows they
    approve. A plan is also the firm's inventory: which attorney is linked where.
    """
    out: Path = params["out"]
    setup = set_up(params, dry_run=True, before_credentials=lambda: check_out_folder(out))
    try:
        results = run_rows(
            setup.rows,
            setup.options,
            setup.guard,
            setup.interactive,
            params["debug"],
            acknowledge_redaction=setup.consent,
        )
    except RunStopped as stop:
        finish(stop.results, out, params["as_json"])
        raise RunFailed(stop.message) from None
    from ..plan_file import PlanError
    from ..service import plan_of, save_plan

    # The same plan the page of `autolink serve` makes of the same results.
    plan = plan_of(setup.rows, results, setup.guard, setup.urls)
    try:
        path = save_plan(plan, out)
    except (OSError, PlanError) as exc:
        raise InputError(f"the plan could not be written to {out}: {exc}") from None
    all_ok, _ = finish(results, out, params["as_json"])
    _show(plan, path)
    if not all_ok:
        sys.exit(EXIT_FAILED)


def _show(plan: Any, path: Path) -> None:
    from ..safe_text import terminal_text

    table = Table(title=f"plan: {path}", title_justify="left")
    for column in ("court", "PACER account", "verdict", "CM/ECF name", "PACER name", "warnings"):
        table.add_column(column)
    for row in plan.rows:
        table.add_row(
            row.court,
            terminal_text(row.pacer_username),
            row.verdict,
            terminal_text(row.cmecf_name or ""),
            terminal_text(row.pacer_name or ""),
            terminal_text("; ".join(row.warnings), limit=400) if row.warnings else "",
        )
    console = Console(stderr=True)
    console.print(table)
    count = len(plan.would_link())
    click.echo(
        f"plan: {count} row(s) would be linked; nothing was submitted. To link them, a person"
        " reads this plan and runs `autolink apply` with the same inputs and --out.",
        err=True,
    )
