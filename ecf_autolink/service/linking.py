"""A plan's approved rows, as the journal keeps them and as the flow asks them before each
final Submit (`FromPlan`): only rows a person approved, only for the names they saw."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..approval import Approved, FromPlan, row_id
from ..journal import Journal
from ..journal.approvals import RowApproval, approvals, record_approvals
from ..outcome import Result, now
from ..pages.confirmation import ConfirmationNames
from ..plan import Row
from ..plan_file import Plan, PlanRow, digest
from ..planned import select


def approval_key(entry: PlanRow) -> str:
    court, user = entry.id
    return f"{court}:{user}"


def approve_rows(
    chosen: Iterable[PlanRow], plan: Plan, by: str, at: str | None = None
) -> dict[str, RowApproval]:
    """Each chosen row approved by `by`, now, for this plan (its digest)."""
    plan_id, when = digest(plan), at or now()
    return {approval_key(p): RowApproval(approval_key(p), by, when, plan_id) for p in chosen}


def recorded_approvals(out: Path, plan: Plan) -> dict[str, RowApproval]:
    """The approvals the journal holds for this very plan (none for another plan)."""
    with Journal.open(out) as journal:
        return approvals(journal, digest(plan))


def record(out: Path, approved: Mapping[str, RowApproval]) -> None:
    """Written, fsynced, before any of these rows is attempted."""
    with Journal.open(out) as journal:
        record_approvals(journal, approved.values())


@dataclass(frozen=True)
class Linking:
    """What an apply attempts: the run's rows for the chosen plan rows, and what the flow
    asks at each confirmation table."""

    rows: list[Row]
    plan_rows: list[PlanRow]
    names: dict[tuple[str, str], Approved]
    approval: FromPlan
    # Chosen plan rows the run's inputs hold no credentials for (they cannot be signed in).
    missing: list[str]


def approval_for(
    plan: Plan,
    rows: Sequence[Row],
    approved: Mapping[str, RowApproval],
    plan_name: str,
    only: Sequence[tuple[str, str]] = (),
    skip: Sequence[tuple[str, str]] = (),
) -> Linking:
    """The rows to link and the approval the flow holds them to."""
    selection, missing = select(plan, rows, only, skip)
    names = {
        p.id: Approved(
            ConfirmationNames(p.cmecf_name or "", p.pacer_name or ""),
            approved[approval_key(p)].approved_by,
            approved[approval_key(p)].approved_at,
        )
        for p in selection.plan_rows
        if approval_key(p) in approved
    }
    return Linking(selection.rows, selection.plan_rows, names, FromPlan(names, plan_name), missing)


def note_approvers(results: Iterable[Result], names: Mapping[tuple[str, str], Approved]) -> list[Result]:
    """Each linked-or-not row of an apply, saying who approved it and when."""
    noted = []
    for result in results:
        entry = names.get(row_id(result.court, result.pacer_username))
        if entry is not None and entry.by:
            result = result.with_(message=f"{result.message} (approved by {entry.by} at {entry.at})")
        noted.append(result)
    return noted
