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
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import courts as court_list
from .attorney import Attorney
from .otp import parse_totp_secret
from .secret import Secret

REQUIRED_COLUMNS = ("name", "pacer_username", "pacer_password", "cmecf_username", "cmecf_password")
OPTIONAL_COLUMNS = ("court", "client_code", "totp_secret", "backup_codes_file")
COLUMNS = ("court", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS[1:])

CSV_SUFFIXES = frozenset({".csv"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})

# Only names shaped like this are ever echoed back, so a data line mistaken for a header
# (or a secret typed as a key) is never printed.
_ECHOABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]{0,39}$")
_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class RosterRow(BaseModel):
    """The shape of one row before `${VAR}` resolution: known keys, text values."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    court: str = ""
    name: str = ""
    pacer_username: str = ""
    pacer_password: str = Field(default="", repr=False)
    cmecf_username: str = ""
    cmecf_password: str = Field(default="", repr=False)
    client_code: str = ""
    totp_secret: str = Field(default="", repr=False)
    backup_codes_file: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a roster, located as precisely as the format allows."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    item: int | None = None
    column_word: str = "column"

    def __str__(self) -> str:
        where = self.file
        if self.item is not None:
            where += f" item {self.item}"
        if self.line is not None:
            where += f"{',' if self.item is not None else ''} line {self.line}"
        if self.column is not None:
            where += f", {self.column_word} {self.column}"
        return f"{where}: {self.message}"


class RosterError(ValueError):
    """Every problem found in a roster; `str()` is a readable multi-line summary."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.summary())

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    def summary(self) -> str:
        count = len(self.problems)
        head = f"the roster has {count} problem{'' if count == 1 else 's'}:"
        return "\n".join([head, *(f"  - {message}" for message in self.messages)])


@dataclass
class _RawRow:
    """One record as read from the file, with where each part of it came from."""

    file: str
    line: int
    values: dict[str, object]
    item: int | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    column_word: str = "column"

    def problem(self, message: str, column: str | None = None) -> Problem:
        line = self.key_lines.get(column, self.line) if column else self.line
        return Problem(self.file, message, line, column, self.item, self.column_word)

    def place(self) -> str:
        """How another row's message names this one."""
        if self.item is not None:
            return f"item {self.item} (line {self.line})"
        return f"line {self.line}"


@dataclass(frozen=True)
class _Cell:
    """A cell after `${VAR}` resolution; `references` are the variable names it used."""

    value: str
    references: tuple[str, ...] = ()

    def origin(self) -> str:
        return ", ".join(f"${{{name}}}" for name in self.references)


def load_roster(path: Path, *, courts: Sequence[str], env: Mapping[str, str]) -> list[Attorney]:
    """Read, validate and expand a roster; raise `RosterError` listing every problem."""
    path = Path(path)
    selected, problems = _selected_courts(courts)
    text, read_problem = _read_text(path)
    if read_problem is not None:
        raise RosterError([*problems, read_problem])
    rows, format_problems = _parse(path, text)
    problems.extend(format_problems)
    attorneys = _check_rows(rows, selected, env, path.absolute().parent, problems)
    if not rows and not format_problems:
        problems.append(Problem(path.name, "the roster has no attorney rows"))
    if problems:
        raise RosterError(sorted(problems, key=_reading_order))
    return attorneys


def _printable(text: str) -> str:
    """`text` with control characters written as escapes: messages end up on a terminal."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _reading_order(problem: Problem) -> tuple[int, int]:
    """--court first, then the file top to bottom (the sort is stable within a line)."""
    return (0 if problem.file == "--court" else 1, problem.line or 0)


def _selected_courts(courts: Sequence[str]) -> tuple[list[str], list[Problem]]:
    if isinstance(courts, str):
        courts = [courts]
    selected: list[str] = []
    problems: list[Problem] = []
    for court_id in courts:
        try:
            court = court_list.get_court(court_id)
        except ValueError as exc:
            problems.append(Problem("--court", str(exc)))
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


def _parse(path: Path, text: str) -> tuple[list[_RawRow], list[Problem]]:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _parse_csv(path.name, text)
    if suffix in YAML_SUFFIXES:
        return _parse_yaml(path.name, text)
    return [], [Problem(path.name, "a roster file must end in .csv, .yaml or .yml")]


def _column_name(text: str) -> str:
    """ "Pacer Username", "pacer-username" and "pacer_username" name the same column."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


# --- CSV -----------------------------------------------------------------------------


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


def _parse_csv(file: str, text: str) -> tuple[list[_RawRow], list[Problem]]:
    problems: list[Problem] = []
    records = _csv_records(file, text, problems)
    first = next(records, None)
    if first is None:
        if not problems:
            message = f"the file is empty; its first line names the columns: {','.join(COLUMNS)}"
            problems.append(Problem(file, message))
        return [], problems
    header_line, header = first
    names = [_column_name(cell) for cell in header]
    problems.extend(_check_header(file, header_line, names))
    known = {index: name for index, name in enumerate(names) if name in COLUMNS}
    rows: list[_RawRow] = []
    for line, cells in records:
        if len(cells) != len(names):
            message = f"this row has {len(cells)} cells but the header has {len(names)}"
            problems.append(Problem(file, message, line))
            continue
        rows.append(_RawRow(file, line, {name: cells[index] for index, name in known.items()}))
    return rows, problems


def _check_header(file: str, line: int, names: list[str]) -> list[Problem]:
    if not any(name in COLUMNS for name in names):
        return [Problem(file, f"the first line must name the columns: {','.join(COLUMNS)}", line)]
    problems: list[Problem] = []
    for index, name in enumerate(names, start=1):
        if not name:
            problems.append(Problem(file, f"column {index} has no name in the header", line))
        elif name not in COLUMNS:
            problems.append(_unknown_name_problem(file, line, index, name, "column"))
        elif names.index(name) != index - 1:
            problems.append(Problem(file, f"column {name} appears more than once", line, name))
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problems.append(Problem(file, f"missing column{plural}: {', '.join(missing)}", line))
    return problems


def _unknown_name_problem(
    file: str, line: int, index: int, name: str, word: str, item: int | None = None
) -> Problem:
    if not _ECHOABLE_NAME.match(name):
        return Problem(file, f"{word} {index} has an unknown name", line, item=item)
    hint = difflib.get_close_matches(name, COLUMNS, n=1)
    suffix = f"; did you mean {hint[0]}?" if hint else f" (known: {', '.join(COLUMNS)})"
    return Problem(file, f"unknown {word} {name}{suffix}", line, name, item, word)


# --- YAML ----------------------------------------------------------------------------


def _parse_yaml(file: str, text: str) -> tuple[list[_RawRow], list[Problem]]:
    root, problem = _compose_yaml(file, text)
    if problem is not None:
        return [], [problem]
    items, problems = _yaml_items(file, root)
    rows: list[_RawRow] = []
    for index, node in enumerate(items, start=1):
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(Problem(file, "expected a mapping of column names to values", line, item=index))
            continue
        row, row_problems = _yaml_row(file, index, node)
        problems.extend(row_problems)
        rows.append(row)
    return rows, problems


def _compose_yaml(file: str, text: str) -> tuple[yaml.Node | None, Problem | None]:
    loader: yaml.BaseLoader | None = None
    try:
        # BaseLoader builds every scalar as text: no numbers, booleans, dates or objects.
        loader = yaml.BaseLoader(text)
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, Problem(file, f"not valid YAML: {_redact(_yaml_reason(exc))}", line)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        return None, Problem(file, "not valid YAML: it holds a control character YAML forbids", line)
    except (yaml.YAMLError, RecursionError):
        return None, Problem(file, "not valid YAML")
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem, context = exc.problem or "", exc.context or ""
    # Some of PyYAML's problems only read as a sentence after their context.
    return f"{context} {problem}" if problem.startswith("but ") and context else problem or context


def _redact(text: str) -> str:
    """PyYAML quotes bits of the document in its messages; keep them out."""
    return re.sub(r"'[^']{2,}'|\"[^\"]{2,}\"", "'…'", text).strip() or "syntax error"


def _yaml_items(file: str, root: yaml.Node | None) -> tuple[list[yaml.Node], list[Problem]]:
    expected = "expected a list of attorneys, or a mapping with the key attorneys holding that list"
    if root is None:
        return [], []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value), []
    if not isinstance(root, yaml.MappingNode):
        return [], [Problem(file, expected, root.start_mark.line + 1)]
    problems: list[Problem] = []
    items: list[yaml.Node] = []
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not (isinstance(key, yaml.ScalarNode) and key.value == "attorneys"):
            problems.append(Problem(file, f"unknown top-level key; {expected}", line))
        elif isinstance(value, yaml.SequenceNode):
            items.extend(value.value)
        elif not (isinstance(value, yaml.ScalarNode) and value.value == ""):
            problems.append(Problem(file, f"attorneys must hold a list; {expected}", line))
    return items, problems


def _yaml_row(file: str, index: int, node: yaml.MappingNode) -> tuple[_RawRow, list[Problem]]:
    row = _RawRow(file, node.start_mark.line + 1, {}, item=index, column_word="key")
    problems: list[Problem] = []
    for position, (key, value) in enumerate(node.value, start=1):
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            problems.append(Problem(file, f"key {position} is not a plain name", line, item=index))
            continue
        name = _column_name(key.value)
        if name in row.values:
            problems.append(row.problem(f"key {name} appears more than once", name))
            continue
        row.values[name] = value.value if isinstance(value, yaml.ScalarNode) else [value.tag]
        row.key_lines[name] = line
    return row, problems


# --- rows ----------------------------------------------------------------------------


@dataclass
class _Checked:
    """A row that passed its checks, ready to become one Attorney per court."""

    row: _RawRow
    courts: list[str]
    cells: dict[str, _Cell]


def _check_rows(
    rows: list[_RawRow], selected: list[str], env: Mapping[str, str], base: Path, problems: list[Problem]
) -> list[Attorney]:
    checked = [_check_row(row, selected, env, base, problems) for row in rows]
    return _expand([item for item in checked if item is not None], problems)


def _check_row(
    row: _RawRow, selected: list[str], env: Mapping[str, str], base: Path, problems: list[Problem]
) -> _Checked | None:
    start = len(problems)
    values = _validate_shape(row, problems)
    court_cell = None
    if "court" in values or "court" not in row.values:
        court_cell = _resolve(row, "court", values.get("court", ""), env, problems)
    courts = _row_courts(row, court_cell, selected, problems)
    if courts is None:
        return None
    cells = {"court": court_cell} if court_cell else {}
    for name in COLUMNS[1:]:
        if name in values:
            cell = _resolve(row, name, values[name], env, problems)
            if cell is not None:
                cells[name] = cell
    _check_required(row, cells, problems)
    _check_totp(row, cells, problems)
    _check_backup_file(row, cells, base, problems)
    return _Checked(row, courts, cells) if len(problems) == start else None


def _validate_shape(row: _RawRow, problems: list[Problem]) -> dict[str, str]:
    """Known keys holding text; anything else is reported and left out."""
    try:
        RosterRow.model_validate(row.values)
        return {key: str(value) for key, value in row.values.items()}
    except ValidationError as exc:
        bad: set[str] = set()
        for error in exc.errors(include_input=False, include_url=False):
            key = str(error["loc"][0]) if error["loc"] else ""
            bad.add(key)
            problems.append(_shape_problem(row, key, error["type"]))
        return {k: v for k, v in row.values.items() if k not in bad and isinstance(v, str)}


def _shape_problem(row: _RawRow, key: str, error_type: str) -> Problem:
    if error_type == "extra_forbidden":
        line = row.key_lines.get(key, row.line)
        position = list(row.values).index(key) + 1 if key in row.values else 0
        return _unknown_name_problem(row.file, line, position, key, row.column_word, row.item)
    if error_type == "string_type":
        return row.problem(f"{key} must be a single text value, not a list or mapping", key)
    return row.problem(f"{key} has a value of the wrong kind", key)


def _resolve(
    row: _RawRow, name: str, raw: str, env: Mapping[str, str], problems: list[Problem]
) -> _Cell | None:
    """Substitute `${VAR}` references; None (and a problem) when one cannot be resolved."""
    references: list[str] = []
    missing: list[str] = []
    malformed = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal malformed
        token, variable = match.group(0), match.group(1)
        if token == "$${":
            return "${"
        if variable is None:
            malformed = True
            return ""
        references.append(variable)
        if variable not in env:
            missing.append(variable)
            return ""
        return env[variable]

    value = _REFERENCE.sub(substitute, raw)
    if malformed:
        message = f"{name} has a malformed ${{...}} reference (write $${{ for a literal ${{)"
        problems.append(row.problem(message, name))
    for variable in dict.fromkeys(missing):
        problems.append(row.problem(f"{name} refers to ${{{variable}}}, which is not set", name))
    if malformed or missing:
        return None
    if _SURROGATE.search(value):
        # Only a YAML "\\u" escape or an environment variable holding bytes that are not
        # UTF-8 can give one; no page, report or terminal can carry it.
        problems.append(row.problem(f"{name} holds a character that is not valid Unicode text", name))
        return None
    if name not in ("pacer_password", "cmecf_password"):
        value = value.strip()
    return _Cell(value, tuple(references))


def _row_courts(
    row: _RawRow, cell: _Cell | None, selected: list[str], problems: list[Problem]
) -> list[str] | None:
    """The courts this row runs at; None when --court skips it, [] when its court is bad.

    A row with a bad court is still checked in full, so every problem shows at once.
    """
    if cell is None:
        return []
    if not cell.value:
        if not selected:
            problems.append(row.problem("court is empty and no --court was given", "court"))
        return list(selected)
    try:
        court_id = court_list.get_court(cell.value).id
    except court_list.AppellateCourt as exc:
        message = str(exc) if not cell.references else f"court ({cell.origin()}) names a court of appeals"
        problems.append(row.problem(message, "court"))
        return []
    except court_list.UnknownCourt as exc:
        message = str(exc) if not cell.references else f"court ({cell.origin()}) names no known court"
        problems.append(row.problem(message, "court"))
        return []
    return [court_id] if not selected or court_id in selected else None


def _check_required(row: _RawRow, cells: Mapping[str, _Cell], problems: list[Problem]) -> None:
    for name in REQUIRED_COLUMNS:
        cell = cells.get(name)
        if cell is None:
            # A cell present but unusable is already reported; a CSV header without the
            # column is reported once at the header.
            if name not in row.values and row.item is not None:
                problems.append(row.problem(f"{name} is missing"))
            continue
        if not cell.value.strip():
            note = f" ({cell.origin()} is set but empty)" if cell.references else ""
            problems.append(row.problem(f"{name} is empty{note}", name))


def _check_totp(row: _RawRow, cells: dict[str, _Cell], problems: list[Problem]) -> None:
    # One definition of a usable secret, shared with the single-attorney command.
    cell = cells.get("totp_secret")
    if cell is None or not cell.value:
        return
    try:
        secret = parse_totp_secret(cell.value, source="totp_secret")
    except ValueError as exc:
        problems.append(row.problem(str(exc), "totp_secret"))
        return
    cells["totp_secret"] = _Cell(secret.reveal(), cell.references)


def _check_backup_file(row: _RawRow, cells: dict[str, _Cell], base: Path, problems: list[Problem]) -> None:
    cell = cells.get("backup_codes_file")
    if cell is None or not cell.value:
        return
    try:
        path = Path(cell.value).expanduser()
    except RuntimeError:
        # "~name/..." for a user this computer does not know.
        shown = cell.origin() if cell.references else _printable(cell.value)
        message = f"backup_codes_file: {shown} starts with ~ but names no user on this computer"
        problems.append(row.problem(message, "backup_codes_file"))
        return
    path = path if path.is_absolute() else base / path
    try:
        exists = path.is_file()
    except (OSError, ValueError):
        exists = False
    if not exists:
        shown = cell.origin() if cell.references else _printable(str(path))
        problems.append(row.problem(f"backup_codes_file: no file at {shown}", "backup_codes_file"))
        return
    cells["backup_codes_file"] = _Cell(str(path), cell.references)


def _expand(checked: list[_Checked], problems: list[Problem]) -> list[Attorney]:
    """One Attorney per row and court, refusing the same accounts twice at one court."""
    seen: dict[tuple[str, str, str], _RawRow] = {}
    attorneys: list[Attorney] = []
    for item in checked:
        for court_id in item.courts:
            attorney = _attorney(court_id, item.cells)
            key = (court_id, attorney.pacer_username.casefold(), attorney.cmecf_username.casefold())
            first = seen.setdefault(key, item.row)
            if first is not item.row:
                problems.append(
                    item.row.problem(
                        f"duplicate of {first.place()}: same court, pacer_username and cmecf_username"
                    )
                )
                continue
            attorneys.append(attorney)
    return attorneys


def _attorney(court_id: str, cells: Mapping[str, _Cell]) -> Attorney:
    def text(name: str) -> str:
        cell = cells.get(name)
        return cell.value if cell else ""

    backup = text("backup_codes_file")
    totp = text("totp_secret")
    return Attorney(
        court=court_id,
        name=" ".join(text("name").split()),
        pacer_username=text("pacer_username"),
        pacer_password=Secret(text("pacer_password")),
        cmecf_username=text("cmecf_username"),
        cmecf_password=Secret(text("cmecf_password")),
        client_code=text("client_code"),
        totp_secret=Secret(totp) if totp else None,
        backup_codes_file=Path(backup) if backup else None,
    )
