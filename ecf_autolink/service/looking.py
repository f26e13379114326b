"""A dry run's results as the plan a person approves, and `plan.json` beside the journal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..outcome import Result
from ..plan import Row
from ..plan_file import Plan, new_plan, write_plan
from ..planned import plan_rows

if TYPE_CHECKING:
    from ..flow.attempt import SharedGuard


def plan_of(
    rows: Sequence[Row], results: Iterable[Result], guard: SharedGuard | None, urls: dict[str, str]
) -> Plan:
    """The plan of a dry run: one row per run row, each with the judge's verdict on the
    names its court showed, and the address each court was planned against."""
    return new_plan(plan_rows(rows, results, guard), urls)


def save_plan(plan: Plan, out: Path) -> Path:
    """`<out>/plan.json`; raises OSError or PlanError (the caller says what to do)."""
    return write_plan(plan, out)
