"""Between a run's rows and a plan's: a dry run's results become plan rows, and a plan's
approved rows pick the run's rows for `autolink apply`. Pure: no page, no file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .approval import Approved, row_id
from .court_warnings import warnings_for
from .flow.judge import judge
from .outcome import Outcome, Result
from .pages.confirmation import ConfirmationNames
from .plan import Row
from .plan_file import Plan, PlanRow, verdict_of
from .words import NOT_STARTED

if TYPE_CHECKING:
    from .flow.attempt import SharedGuard


def _screenshot(result: Result) -> str | None:
    if not result.evidence:
        return None
    shot = Path(result.evidence) / "confirmation.png"
    return str(shot) if shot.is_file() else None


def plan_rows(rows: Sequence[Row], results: Iterable[Result], guard: SharedGuard | None) -> list[PlanRow]:
    """One plan row per run row, in the run's order. The verdict of a row that reached the
    confirmation table is the judge's own, on the names the court showed."""
    by_id = {row_id(r.court, r.pacer_username): r for r in results}
    planned = []
    for row in rows:
        attorney = row.attorney
        result = by_id.get(row_id(attorney.court, attorney.pacer_username))
        outcome = result.outcome if result is not None else Outcome.NOT_STARTED
        names = None
        if result is not None and result.cmecf_name is not None and result.pacer_name is not None:
            names = ConfirmationNames(result.cmecf_name, result.pacer_name)
        refusal = judge(names, attorney, guard) if names is not None and outcome == Outcome.DRY_RUN else None
        planned.append(
            PlanRow(
                court=attorney.court,
                pacer_username=attorney.pacer_username,
                cmecf_username=attorney.cmecf_username,
                name=attorney.name,
                verdict=verdict_of(outcome, refusal.outcome if refusal else None),
                cmecf_name=names.cmecf_name if names else None,
                pacer_name=names.pacer_name if names else None,
                screenshot=_screenshot(result) if result is not None else None,
                message=refusal.message if refusal else (result.message if result else NOT_STARTED),
                warnings=warnings_for(attorney),
            )
        )
    return planned


@dataclass(frozen=True)
class Selection:
    """What an apply will attempt: the roster's rows for the chosen plan rows."""

    rows: list[Row]
    plan_rows: list[PlanRow]


def unknown(ids: Iterable[tuple[str, str]], plan: Plan) -> list[str]:
    known = {r.id for r in plan.rows}
    return [f"{court}:{user}" for court, user in ids if (court, user) not in known]


def select(
    plan: Plan,
    rows: Sequence[Row],
    only: Sequence[tuple[str, str]] = (),
    skip: Sequence[tuple[str, str]] = (),
) -> tuple[Selection, list[str]]:
    """The plan's `would_link` rows (only those in `only` when given, none in `skip`)
    matched to the run's rows by court, PACER account and CM/ECF login; and the chosen
    plan rows the run's inputs do not hold (they cannot be signed in for)."""
    chosen = [p for p in plan.would_link() if (not only or p.id in set(only)) and p.id not in set(skip)]
    by_id = {row_id(r.attorney.court, r.attorney.pacer_username): r for r in rows}
    picked, missing = [], []
    for entry in chosen:
        row = by_id.get(entry.id)
        if row is None or row.attorney.cmecf_username.strip() != entry.cmecf_username.strip():
            missing.append(entry.label)
        else:
            picked.append(row)
    return Selection(picked, [p for p in chosen if p.label not in missing]), missing


def approved_names(entries: Iterable[PlanRow], by: str, at: str) -> dict[tuple[str, str], Approved]:
    return {
        p.id: Approved(ConfirmationNames(p.cmecf_name or "", p.pacer_name or ""), by, at) for p in entries
    }
