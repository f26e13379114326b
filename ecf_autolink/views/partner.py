"""report.html as a managing partner reads it: first what needs someone's action, grouped
by what to do; then the attorney x court matrix with the confirmation screenshots; the
counts; sign-ins and passcodes per attorney; every row. Times in this machine's zone,
with the zone named. Prints on letter paper (the print rules of `static/matrix.css`).

Screenshots are linked by relative path only, so the file works from the --out folder
and carries no address of anything else."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from ..outcome import Outcome, Result
from . import environment, static_text
from .matrix import Cell, build_matrix
from .words import ACTION, tone_of


@dataclass
class Group:
    action: str
    tone: str
    rows: list[Result]


def _shots(evidence: str | None) -> list[Path]:
    """The confirmation screenshot first, else the pictures of a failure."""
    if not evidence:
        return []
    path = Path(evidence)
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    confirmation = path / "confirmation.png"
    return [confirmation] if confirmation.is_file() else sorted(path.glob("failure-*.png"))


def _href(file: Path, out_dir: Path) -> str:
    relative = os.path.relpath(file.resolve(), out_dir.resolve())
    # ":" quoted too, so no path becomes a javascript: or other scheme URL.
    return quote(Path(relative).as_posix(), safe="/")


def needs_action(results: list[Result]) -> list[Group]:
    """Rows that did not end well, grouped by what a person does about them, worst first."""
    groups: dict[str, Group] = {}
    for r in results:
        if r.outcome.is_success:
            continue
        word = str(r.outcome)
        group = groups.setdefault(ACTION.get(word, ""), Group(ACTION.get(word, ""), tone_of(word), []))
        group.rows.append(r)
        if tone_of(word) == "bad":
            group.tone = "bad"
    return sorted(groups.values(), key=lambda g: (g.tone != "bad", -len(g.rows)))


def sign_ins_by_attorney(results: list[Result]) -> dict[str, tuple[int, int, str | None]]:
    """PACER username -> (sign-ins, passcodes, last Redaction acknowledgement) this run."""
    totals: dict[str, tuple[int, int, str | None]] = {}
    for r in results:
        sign_ins, passcodes, acknowledged = totals.get(r.pacer_username, (0, 0, None))
        totals[r.pacer_username] = (
            sign_ins + r.sign_ins,
            passcodes + r.passcodes,
            max(filter(None, (acknowledged, r.redaction_acknowledged)), default=None),
        )
    return totals


def render_report(results: list[Result], records: list[dict[str, str | None]], out_dir: Path) -> str:
    """report.html for these results (`records`: the same rows as report.csv holds them)."""
    started = sorted(r.started for r in results if r.started)
    finished = sorted(r.finished for r in results if r.finished)
    local = environment().filters["local_time"]
    span = (
        f"Run {local(started[0])} to {local(finished[-1])}"
        if started and finished
        else "No row was attempted"
    )
    cells = []
    rows = []
    for r, rec in zip(results, records, strict=True):
        shots = _shots(r.evidence)
        first = _href(shots[0], out_dir) if shots and shots[0].name == "confirmation.png" else None
        cells.append(
            (
                r.name or r.pacer_username,
                Cell(
                    r.court,
                    r.pacer_username,
                    str(r.outcome),
                    r.message,
                    r.cmecf_name,
                    r.pacer_name,
                    first,
                    finished=r.finished,
                ),
            )
        )
        rows.append((r, rec, [(s.name, _href(s, out_dir)) for s in shots]))
    counts = Counter(str(r.outcome) for r in results)
    zone = datetime.now().astimezone().tzname() or "local time"
    return (
        environment()
        .get_template("report.html")
        .render(
            css=static_text("matrix.css"),
            span=span,
            zone=zone,
            results=results,
            linked=counts.get(str(Outcome.LINKED), 0),
            written=datetime.now(UTC).isoformat(timespec="seconds"),
            groups=needs_action(results),
            matrix=build_matrix(cells),
            counts=[(str(o), counts[str(o)]) for o in Outcome if counts.get(str(o))],
            sign_ins=[item for item in sign_ins_by_attorney(results).items() if any(item[1])],
            rows=rows,
        )
    )
