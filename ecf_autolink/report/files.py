"""report.json, report.csv and report.html written beside the journal, each atomically and
for the user alone; one file that cannot be replaced does not stop the others."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..outcome import Result
from ..private import private_dir
from ..safe_text import csv_cell
from .html_page import render_html
from .records import COLUMNS, CourtName, records_of, text_of


@dataclass(frozen=True)
class ReportPaths:
    json: Path
    csv: Path
    html: Path


def write_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
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
    records = records_of(results, court_name)
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
            write_atomic(path, render(), encoding)
        except OSError as exc:
            failures[path] = exc
    if failures:
        raise ReportsNotWritten(failures, paths)
    return paths


def render_json(records: list[dict[str, str | None]]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


# Columns whose every value the tool writes itself in its own words ("--court-url"): no
# formula guard, which would turn "--court-url" into "'--court-url".
TOOL_WRITTEN = frozenset({"court_url_source"})


def render_csv(records: list[dict[str, str | None]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow(
            [
                text_of(record[column]) if column in TOOL_WRITTEN else csv_cell(text_of(record[column]))
                for column in COLUMNS
            ]
        )
    return buffer.getvalue()
