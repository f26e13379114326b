"""report.html: one page a person opens from disk and prints, with no script and no fetch;
every value from a page is escaped, and screenshots are linked by relative path only."""

from __future__ import annotations

import html
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from ..outcome import Outcome, Result
from ..safe_text import safe_text
from ..words import ADVICE
from .records import TONE

_CSS = """
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
.meta { color: #444; margin: 0 0 1.5em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2em; }
th, td { border: 1px solid #bbb; padding: .35em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.msg { min-width: 16em; max-width: 40em; overflow-wrap: anywhere; }
.good { background: #d8f0d8; color: #0b4d0b; }
.warn { background: #fbebc4; color: #6b4a00; }
.bad { background: #f6d3d3; color: #7a0c0c; }
.outcome { font-weight: 600; white-space: nowrap; }
@media print {
  body { margin: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr { break-inside: avoid; }
  a { color: inherit; }
}
"""


def _esc(value: str | None) -> str:
    return html.escape(safe_text(value or ""), quote=True)


def _evidence_files(evidence: str | None) -> list[Path]:
    """The screenshots worth linking: the confirmation first, else failure pictures."""
    if not evidence:
        return []
    path = Path(evidence)
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    confirmation = path / "confirmation.png"
    if confirmation.is_file():
        return [confirmation]
    return sorted(path.glob("failure-*.png"))


def _href(file: Path, out_dir: Path) -> str:
    relative = os.path.relpath(file.resolve(), out_dir.resolve())
    # Quoting ":" too means no path can become a javascript: or other scheme URL.
    return quote(Path(relative).as_posix(), safe="/")


def _evidence_cell(evidence: str | None, out_dir: Path) -> str:
    links = [
        f'<a href="{html.escape(_href(file, out_dir), quote=True)}">{_esc(file.name)}</a>'
        for file in _evidence_files(evidence)
    ]
    return "<br>".join(links) if links else _esc("")


def _run_times(results: list[Result]) -> tuple[str, str]:
    started = sorted(r.started for r in results if r.started)
    finished = sorted(r.finished for r in results if r.finished)
    return (started[0] if started else "", finished[-1] if finished else "")


def _counts_html(results: list[Result]) -> str:
    counts = Counter(r.outcome for r in results)
    rows = [
        f'<tr><td class="outcome {TONE[o]}">{_esc(str(o))}</td><td>{counts[o]}</td>'
        f"<td>{_esc(ADVICE[o])}</td></tr>"
        for o in Outcome
        if counts[o]
    ]
    return (
        "<table><thead><tr><th>Outcome</th><th>Rows</th><th>What to do next</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _rows_html(results: list[Result], records: list[dict[str, str | None]], out_dir: Path) -> str:
    heads = (
        "Court",
        "Attorney",
        "PACER username",
        "Outcome",
        "Message",
        "This run",
        "CM/ECF name",
        "PACER name",
        "Started",
        "Finished",
        "Screenshot",
    )
    body = []
    for result, rec in zip(results, records, strict=True):
        tone = TONE[result.outcome]
        court = f"{_esc(rec['court'])}<br><small>{_esc(rec['court_name'])}</small>"
        if rec["court_url"]:
            # A stale staging address must be visible beside the "linked" it produced.
            court += (
                f"<br><small>{_esc(rec['court_url'])} (from {_esc(rec['court_url_source'] or 'unknown')})"
                "</small>"
            )
        cells = (
            f"<td>{court}</td>",
            f"<td>{_esc(rec['name'])}</td>",
            f"<td>{_esc(rec['pacer_username'])}</td>",
            f'<td class="outcome {tone}">{_esc(rec["outcome"])}</td>',
            f'<td class="msg">{_esc(rec["message"])}</td>',
            f"<td>{_esc(rec['this_run'])}</td>",
            f"<td>{_esc(rec['cmecf_name'])}</td>",
            f"<td>{_esc(rec['pacer_name'])}</td>",
            f"<td>{_esc(rec['started'])}</td>",
            f"<td>{_esc(rec['finished'])}</td>",
            f"<td>{_evidence_cell(result.evidence, out_dir)}</td>",
        )
        body.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f"<th>{h}</th>" for h in heads)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def sign_ins_by_attorney(results: list[Result]) -> dict[str, tuple[int, int, str | None]]:
    """PACER username → (sign-ins, passcodes, last redaction acknowledgement) this run."""
    totals: dict[str, tuple[int, int, str | None]] = {}
    for r in results:
        sign_ins, passcodes, acknowledged = totals.get(r.pacer_username, (0, 0, None))
        totals[r.pacer_username] = (
            sign_ins + r.sign_ins,
            passcodes + r.passcodes,
            max(filter(None, (acknowledged, r.redaction_acknowledged)), default=None),
        )
    return totals


def _sign_ins_html(results: list[Result]) -> str:
    totals = sign_ins_by_attorney(results)
    if not any(sign_ins or passcodes or ack for sign_ins, passcodes, ack in totals.values()):
        return ""
    rows = "".join(
        f"<tr><td>{_esc(user)}</td><td>{sign_ins}</td><td>{passcodes}</td>"
        f"<td>{_esc(f'acknowledged by this run at {ack}' if ack else 'not asked this run')}</td></tr>"
        for user, (sign_ins, passcodes, ack) in totals.items()
    )
    return (
        "<h2>Sign-ins per attorney</h2>"
        "<p>Credential posts (PACER's login page or its sign-in API) and one-time passcodes each"
        " attorney used in this run; later courts are reached by single sign-on.</p>"
        "<table><thead><tr><th>PACER username</th><th>Sign-ins</th><th>Passcodes</th>"
        "<th>Redaction Agreement</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_html(results: list[Result], records: list[dict[str, str | None]], out_dir: Path) -> str:
    from ..views.partner import render_report  # the page a managing partner reads (issue 22)

    return render_report(results, records, out_dir)


def render_rows_table(results: list[Result], records: list[dict[str, str | None]], out_dir: Path) -> str:
    first, last = _run_times(results)
    written = datetime.now(UTC).isoformat(timespec="seconds")
    span = f"{_esc(first)} to {_esc(last)}" if first or last else "no row was attempted"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        # No scripts, no fetches: the file is opened from disk by people who trust it.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        "<title>CM/ECF account linking report</title>"
        f"<style>{_CSS}</style></head><body>"
        "<h1>CM/ECF account linking report</h1>"
        f'<p class="meta">Run: {span} (UTC) &middot; {len(results)} attorney-court rows'
        f" &middot; report written {_esc(written)}</p>"
        f"<h2>Summary</h2>{_counts_html(results)}"
        f"<h2>Every row</h2>{_rows_html(results, records, out_dir)}"
        f"{_sign_ins_html(results)}"
        "</body></html>\n"
    )
