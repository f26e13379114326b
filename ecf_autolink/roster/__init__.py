"""Reading and validating a firm's roster: one row per attorney and court.

A roster is a CSV file with a header line, or a YAML file holding a list of mappings (or
`{attorneys: [...]}`) with the same keys. Columns: `court`, `name`, `pacer_username`,
`pacer_password`, `cmecf_username`, `cmecf_password`, and optionally `client_code`,
`totp_secret`, `backup_codes_file`. The `court` column may be left out or left empty.

Decisions worth knowing:
- Any cell may hold `${VAR}` references, resolved from the `env` mapping the caller
  builds (os.environ merged with `.env`), so the file itself can hold no secret. `$${`
  writes a literal `${`. A reference that is not set is a problem naming the variable;
  no message ever shows a resolved value, a password or a TOTP secret.
- `--court` (the `courts` argument) selects rows. A row with an empty `court` runs at
  every court given; with no `--court` it is a problem. Rows whose court is not selected
  are skipped: only their shape (keys, text values) and their court id are checked, so a
  mistyped court id never makes a row vanish silently; their credentials are not checked.
  A roster whose rows are all skipped gives an empty list, not an error.
- YAML is read with no implicit typing, so `pacer_password: 012345` stays the text
  "012345" rather than becoming a number.
- Passwords are kept exactly as written; every other cell is stripped of spaces.
- A TOTP secret is checked and normalised by `otp.parse_totp_secret` (base32 or an
  `otpauth://totp/` URI; stored as bare upper-case base32 without `=` padding).
- `backup_codes_file` is resolved against the roster file's folder and must exist.
- A cell holding a lone UTF-16 surrogate (a YAML `\\ud800` escape, or an environment
  variable whose bytes are not UTF-8) is a problem: no page, report or terminal can carry it.

Here: reading the file and choosing its format; `problems`: the columns, a raw record and
a located problem; `csv_rows` and `yaml_rows`: each format into raw records; `checks`:
each record checked and resolved into attorneys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import courts as court_list
from ..attorney import Attorney
from ..words import FLAGS
from .checks import RosterRow, check_rows
from .csv_rows import parse_csv
from .problems import COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Problem, RawRow, RosterError
from .yaml_rows import parse_yaml

__all__ = [
    "COLUMNS",
    "CSV_SUFFIXES",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "YAML_SUFFIXES",
    "Problem",
    "RosterError",
    "RosterRow",
    "load_roster",
]

CSV_SUFFIXES = frozenset({".csv"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def load_roster(
    path: Path, *, courts: Sequence[str], env: Mapping[str, str], folder: Path | None = None
) -> list[Attorney]:
    """Read, validate and expand a roster; raise `RosterError` listing every problem.
    `folder`: where its relative file names are (the file's own folder unless given: a
    roster chosen in the page of `autolink serve` is read from a copy)."""
    path = Path(path)
    selected, problems = _selected_courts(courts)
    text, read_problem = _read_text(path)
    if read_problem is not None:
        raise RosterError([*problems, read_problem])
    rows, format_problems = _parse(path, text)
    problems.extend(format_problems)
    attorneys = check_rows(rows, selected, env, folder or path.absolute().parent, problems)
    if not rows and not format_problems:
        problems.append(Problem(path.name, "the roster has no attorney rows"))
    if problems:
        raise RosterError(sorted(problems, key=_reading_order))
    return attorneys


def _reading_order(problem: Problem) -> tuple[int, int]:
    """--court first, then the file top to bottom (the sort is stable within a line)."""
    return (0 if problem.file == FLAGS["court"] else 1, problem.line or 0)


def _selected_courts(courts: Sequence[str]) -> tuple[list[str], list[Problem]]:
    if isinstance(courts, str):
        courts = [courts]
    selected: list[str] = []
    problems: list[Problem] = []
    for court_id in courts:
        try:
            court = court_list.get_court(court_id)
        except ValueError as exc:
            problems.append(Problem(FLAGS["court"], str(exc)))
            continue
        if court.id not in selected:
            selected.append(court.id)
    return selected, problems


def _read_text(path: Path) -> tuple[str, Problem | None]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "", Problem(path.name, f"no such file: {path}")
    except IsADirectoryError:
        return "", Problem(path.name, f"{path} is a folder, not a roster file")
    except PermissionError:
        return "", Problem(path.name, f"{path} cannot be read: permission denied")
    except OSError as exc:
        return "", Problem(path.name, f"{path} cannot be read: {exc.strerror or 'input/output error'}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", Problem(path.name, "the file is not UTF-8 text; save it as UTF-8", line)


def _parse(path: Path, text: str) -> tuple[list[RawRow], list[Problem]]:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return parse_csv(path.name, text)
    if suffix in YAML_SUFFIXES:
        return parse_yaml(path.name, text)
    return [], [Problem(path.name, "a roster file must end in .csv, .yaml or .yml")]
