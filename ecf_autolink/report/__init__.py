"""What a run leaves behind for people: report.json/.csv/.html and the terminal summary.

Names and messages can come from court pages, so every value is treated as hostile
wherever it lands: escaped in HTML, defused against spreadsheet formulas in CSV,
stripped of terminal control sequences (and rich markup) on screen, and cut there when
very long; the files keep every value whole.

- `records`: the columns, each outcome's tone, rows as records of text;
- `safe`: hostile values made harmless (escapes, length on screen, formulas);
- `files`: writing report.json, report.csv and report.html;
- `html_page`: the HTML page itself;
- `terminal`: the summary at the end of a run.
"""

from __future__ import annotations

from ..safe_text import MESSAGE_LIMIT, NAME_LIMIT, csv_cell, safe_text, terminal_text
from .files import ReportPaths, ReportsNotWritten, render_csv, render_json, write_reports
from .html_page import render_html, sign_ins_by_attorney
from .records import COLUMNS, TONE, CourtName, Tone
from .terminal import print_summary, sites_of, summary_table

__all__ = [
    "COLUMNS",
    "MESSAGE_LIMIT",
    "NAME_LIMIT",
    "TONE",
    "CourtName",
    "ReportPaths",
    "ReportsNotWritten",
    "Tone",
    "csv_cell",
    "print_summary",
    "render_csv",
    "render_html",
    "render_json",
    "safe_text",
    "sign_ins_by_attorney",
    "sites_of",
    "summary_table",
    "terminal_text",
    "write_reports",
]
