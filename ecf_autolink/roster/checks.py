"""Each raw row checked and resolved: its keys and text values, `${VAR}` references, its
courts against --court, the required cells, TOTP secret and backup codes file; then one
`Attorney` per row and court, refusing the same accounts twice at one court."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import courts as court_list
from ..account_key import account_key
from ..attorney import Attorney
from ..otp import parse_totp_secret
from ..safe_text import LONE_SURROGATE, printable
from ..secret import Secret
from ..words import FLAGS
from .problems import COLUMNS, REQUIRED_COLUMNS, Problem, RawRow, unknown_name_problem

_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{")


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
class Cell:
    """A cell after `${VAR}` resolution; `references` are the variable names it used."""

    value: str
    references: tuple[str, ...] = ()

    def origin(self) -> str:
        return ", ".join(f"${{{name}}}" for name in self.references)


@dataclass
class _Checked:
    """A row that passed its checks, ready to become one Attorney per court."""

    row: RawRow
    courts: list[str]
    cells: dict[str, Cell]


def check_rows(
    rows: list[RawRow], selected: list[str], env: Mapping[str, str], base: Path, problems: list[Problem]
) -> list[Attorney]:
    checked = [_check_row(row, selected, env, base, problems) for row in rows]
    return _expand([item for item in checked if item is not None], problems)


def _check_row(
    row: RawRow, selected: list[str], env: Mapping[str, str], base: Path, problems: list[Problem]
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


def _validate_shape(row: RawRow, problems: list[Problem]) -> dict[str, str]:
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


def _shape_problem(row: RawRow, key: str, error_type: str) -> Problem:
    if error_type == "extra_forbidden":
        line = row.key_lines.get(key, row.line)
        position = list(row.values).index(key) + 1 if key in row.values else 0
        return unknown_name_problem(row.file, line, position, key, row.column_word, row.item)
    if error_type == "string_type":
        return row.problem(f"{key} must be a single text value, not a list or mapping", key)
    return row.problem(f"{key} has a value of the wrong kind", key)


def _resolve(
    row: RawRow, name: str, raw: str, env: Mapping[str, str], problems: list[Problem]
) -> Cell | None:
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
    if LONE_SURROGATE.search(value):
        # Only a YAML "\\u" escape or an environment variable holding bytes that are not
        # UTF-8 can give one; no page, report or terminal can carry it.
        problems.append(row.problem(f"{name} holds a character that is not valid Unicode text", name))
        return None
    if name not in ("pacer_password", "cmecf_password"):
        value = value.strip()
    return Cell(value, tuple(references))


def _row_courts(
    row: RawRow, cell: Cell | None, selected: list[str], problems: list[Problem]
) -> list[str] | None:
    """The courts this row runs at; None when --court skips it, [] when its court is bad.

    A row with a bad court is still checked in full, so every problem shows at once.
    """
    if cell is None:
        return []
    if not cell.value:
        if not selected:
            problems.append(row.problem(f"court is empty and no {FLAGS['court']} was given", "court"))
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


def _check_required(row: RawRow, cells: Mapping[str, Cell], problems: list[Problem]) -> None:
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


def _check_totp(row: RawRow, cells: dict[str, Cell], problems: list[Problem]) -> None:
    # One definition of a usable secret, shared with the single-attorney command.
    cell = cells.get("totp_secret")
    if cell is None or not cell.value:
        return
    try:
        secret = parse_totp_secret(cell.value, source="totp_secret")
    except ValueError as exc:
        problems.append(row.problem(str(exc), "totp_secret"))
        return
    cells["totp_secret"] = Cell(secret.reveal(), cell.references)


def _check_backup_file(row: RawRow, cells: dict[str, Cell], base: Path, problems: list[Problem]) -> None:
    cell = cells.get("backup_codes_file")
    if cell is None or not cell.value:
        return
    try:
        path = Path(cell.value).expanduser()
    except RuntimeError:
        # "~name/..." for a user this computer does not know.
        shown = cell.origin() if cell.references else printable(cell.value)
        message = f"backup_codes_file: {shown} starts with ~ but names no user on this computer"
        problems.append(row.problem(message, "backup_codes_file"))
        return
    path = path if path.is_absolute() else base / path
    try:
        exists = path.is_file()
    except (OSError, ValueError):
        exists = False
    if not exists:
        shown = cell.origin() if cell.references else printable(str(path))
        problems.append(row.problem(f"backup_codes_file: no file at {shown}", "backup_codes_file"))
        return
    cells["backup_codes_file"] = Cell(str(path), cell.references)


def _expand(checked: list[_Checked], problems: list[Problem]) -> list[Attorney]:
    """One Attorney per row and court, refusing the same accounts twice at one court."""
    seen: dict[tuple[str, str, str], RawRow] = {}
    attorneys: list[Attorney] = []
    for item in checked:
        for court_id in item.courts:
            attorney = _attorney(court_id, item.cells)
            key = (court_id, account_key(attorney.pacer_username), attorney.cmecf_username.casefold())
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


def _attorney(court_id: str, cells: Mapping[str, Cell]) -> Attorney:
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
