"""What a run leaves behind for people: report.json/.csv/.html and the terminal summary.

Names and messages can come from court pages, so every value is treated as hostile
wherever it lands: escaped in HTML, defused against spreadsheet formulas in CSV,
stripped of terminal control sequences (and rich markup) on screen, and cut there when
very long; the files keep every value whole.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .outcome import NEXT_STEP, Outcome, Result
from .private import private_dir

CourtName = Callable[[str], str]
Tone = Literal["good", "warn", "bad"]

COLUMNS = (
    "court",
    "court_name",
    "court_url",
    "court_url_source",
    "name",
    "pacer_username",
    "outcome",
    "message",
    "cmecf_name",
    "pacer_name",
    "started",
    "finished",
    "evidence",
    # What signing in cost the row (credential posts, passcodes) and when the person
    # running it acknowledged PACER's Redaction Agreement for it, by this run.
    "sign_ins",
    "passcodes",
    "redaction_acknowledged",
)

TONE: dict[Outcome, Tone] = {
    Outcome.LINKED: "good",
    Outcome.ALREADY_LINKED: "good",
    Outcome.DRY_RUN: "warn",
    Outcome.REFUSED_SHARED_ACCOUNT: "warn",
    Outcome.REFUSED_NAME_MISMATCH: "warn",
    Outcome.UNCONFIRMED: "warn",
    Outcome.PACER_LOGIN_FAILED: "bad",
    Outcome.MFA_REQUIRED: "bad",
    Outcome.CMECF_LOGIN_FAILED: "bad",
    Outcome.COURT_NOT_READY: "bad",
    Outcome.SITE_CHANGED: "bad",
    Outcome.ERROR: "bad",
    Outcome.NOT_STARTED: "warn",
}

_RICH_STYLE: dict[Tone, str] = {"good": "green", "warn": "yellow", "bad": "red"}

# C0, DEL and C1 controls (ESC starts every terminal sequence; C1 CSI does too), the
# Unicode controls that reorder or break text so a name could disguise itself on screen,
# and lone surrogates (a page's broken UTF-16), which no terminal or UTF-8 file can take.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# On screen a value is cut to this many characters so one page's 10 000-character name
# cannot push every other row off the screen; the report files keep it whole.
NAME_LIMIT = 60
MESSAGE_LIMIT = 400

# Spreadsheets run a cell as a formula when it starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(s: str) -> str:
    """`s` with every control character shown as a visible escape instead of acting."""
    return _UNSAFE.sub(_visible, s)


def terminal_text(s: str | None, limit: int = NAME_LIMIT) -> str:
    """`safe_text`, cut to `limit` characters with a visible mark when longer."""
    text = safe_text(s or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def csv_cell(value: str | None) -> str:
    text = "" if value is None else value
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass(frozen=True)
class ReportPaths:
    json: Path
    csv: Path
    html: Path


def _records(results: Iterable[Result], court_name: CourtName) -> list[dict[str, str | None]]:
    names: dict[str, str] = {}
    records = []
    for result in results:
        if result.court not in names:
            names[result.court] = court_name(result.court)
        data = result.full()
        data["court_name"] = names[result.court]
        records.append({column: data.get(column) for column in COLUMNS})
    return records


def _write_private(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Atomic, so a reader never sees half a report; mkstemp already creates 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # A lone surrogate from a page cannot be encoded; written as "\udXXX" it is
        # visible text in CSV/HTML and the very same character again in JSON.
        with os.fdopen(fd, "w", encoding=encoding, errors="backslashreplace", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


class ReportsNotWritten(OSError):
    """Some report files could not be replaced; every other one was written."""

    def __init__(self, failures: dict[Path, OSError], paths: ReportPaths) -> None:
        self.failures = failures
        self.paths = paths
        super().__init__("; ".join(f"{path}: {exc.strerror or exc}" for path, exc in failures.items()))

    def lines(self) -> list[str]:
        """One line per file, naming it and the likely cause."""
        return [
            f"could not write {path} ({exc.strerror or type(exc).__name__}): if it is open in Excel or"
            " another program, close it; then run the same command again to rewrite the reports"
            " (the journal holds every row, nothing is linked twice)"
            for path, exc in self.failures.items()
        ]


def write_reports(results: list[Result], out_dir: Path, court_name: CourtName) -> ReportPaths:
    """Writes all three; one that cannot be replaced (a CSV open in Excel on Windows) does
    not stop the others, and `ReportsNotWritten` names it afterwards."""
    out_dir = private_dir(Path(out_dir))
    records = _records(results, court_name)
    paths = ReportPaths(
        json=out_dir / "report.json", csv=out_dir / "report.csv", html=out_dir / "report.html"
    )
    writes: list[tuple[Path, Callable[[], str], str]] = [
        (paths.json, lambda: render_json(records), "utf-8"),
        # The BOM makes Excel read UTF-8 names correctly.
        (paths.csv, lambda: render_csv(records), "utf-8-sig"),
        (paths.html, lambda: render_html(results, records, out_dir), "utf-8"),
    ]
    failures: dict[Path, OSError] = {}
    for path, render, encoding in writes:
        try:
            _write_private(path, render(), encoding)
        except OSError as exc:
            failures[path] = exc
    if failures:
        raise ReportsNotWritten(failures, paths)
    return paths


def render_json(records: list[dict[str, str | None]]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def render_csv(records: list[dict[str, str | None]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([csv_cell(_text(record[column])) for column in COLUMNS])
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML

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


def _text(value: object) -> str | None:
    return None if value is None else str(value)


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
        f"<td>{_esc(NEXT_STEP[o])}</td></tr>"
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


# ---------------------------------------------------------------- terminal


def _who(result: Result) -> str:
    who = result.name or result.pacer_username
    return f"{terminal_text(who)} ({terminal_text(result.pacer_username)}) at {terminal_text(result.court)}"


def summary_table(results: list[Result]) -> Table:
    """One line per outcome: how many, who, and what to do next."""
    table = Table(title="Summary", show_lines=True)
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Rows", justify="right")
    table.add_column("Attorneys")
    table.add_column("What to do next")
    groups: dict[Outcome, list[Result]] = {}
    for result in results:
        groups.setdefault(result.outcome, []).append(result)
    for outcome in Outcome:
        members = groups.get(outcome)
        if not members:
            continue
        table.add_row(
            Text(str(outcome), style=_RICH_STYLE[TONE[outcome]]),
            Text(str(len(members))),
            Text("\n".join(_who(r) for r in members)),
            Text(NEXT_STEP[outcome]),
        )
    return table


def print_summary(results: list[Result], console: Console) -> None:
    if not results:
        console.print(Text("No rows were attempted."))
        return
    console.print(summary_table(results))
    for court, (url, source) in sorted(sites_of(results).items()):
        console.print(
            Text(
                f"{terminal_text(court)} ran against {terminal_text(url, MESSAGE_LIMIT)}"
                f" (from {terminal_text(source or 'unknown', MESSAGE_LIMIT)})"
            )
        )


def sites_of(results: Iterable[Result]) -> dict[str, tuple[str, str | None]]:
    """court -> (address, where it came from), for the courts whose address is known."""
    return {r.court: (r.court_url, r.court_url_source) for r in results if r.court_url}
