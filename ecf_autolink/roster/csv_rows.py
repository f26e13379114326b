"""A CSV roster: a header line naming the columns, then one record per attorney."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .problems import COLUMNS, REQUIRED_COLUMNS, Problem, RawRow, column_name, unknown_name_problem


def _csv_records(file: str, text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on; a malformed record ends the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(file, f"malformed CSV: {exc}", reader.line_num or 1))
            return
        start, previous_end = previous_end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def parse_csv(file: str, text: str) -> tuple[list[RawRow], list[Problem]]:
    problems: list[Problem] = []
    records = _csv_records(file, text, problems)
    first = next(records, None)
    if first is None:
        if not problems:
            message = f"the file is empty; its first line names the columns: {','.join(COLUMNS)}"
            problems.append(Problem(file, message))
        return [], problems
    header_line, header = first
    names = [column_name(cell) for cell in header]
    problems.extend(_check_header(file, header_line, names))
    known = {index: name for index, name in enumerate(names) if name in COLUMNS}
    rows: list[RawRow] = []
    for line, cells in records:
        if len(cells) != len(names):
            message = f"this row has {len(cells)} cells but the header has {len(names)}"
            problems.append(Problem(file, message, line))
            continue
        rows.append(RawRow(file, line, {name: cells[index] for index, name in known.items()}))
    return rows, problems


def _check_header(file: str, line: int, names: list[str]) -> list[Problem]:
    if not any(name in COLUMNS for name in names):
        return [Problem(file, f"the first line must name the columns: {','.join(COLUMNS)}", line)]
    problems: list[Problem] = []
    for index, name in enumerate(names, start=1):
        if not name:
            problems.append(Problem(file, f"column {index} has no name in the header", line))
        elif name not in COLUMNS:
            problems.append(unknown_name_problem(file, line, index, name, "column"))
        elif names.index(name) != index - 1:
            problems.append(Problem(file, f"column {name} appears more than once", line, name))
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problems.append(Problem(file, f"missing column{plural}: {', '.join(missing)}", line))
    return problems
