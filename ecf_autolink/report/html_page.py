"""report.html: the page a managing partner reads, drawn by `views.partner` from the
templates the page of `autolink serve` shares."""

from __future__ import annotations

from pathlib import Path

from ..outcome import Result
from ..views.partner import render_report, sign_ins_by_attorney

__all__ = ["render_html", "sign_ins_by_attorney"]


def render_html(results: list[Result], records: list[dict[str, str | None]], out_dir: Path) -> str:
    return render_report(results, records, out_dir)
