"""A roster's columns, one raw record with where each part came from, and each problem
found, located by file, line (or YAML item) and column (or key)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

REQUIRED_COLUMNS = ("name", "pacer_username", "pacer_password", "cmecf_username", "cmecf_password")
OPTIONAL_COLUMNS = ("court", "client_code", "totp_secret", "backup_codes_file")
COLUMNS = ("court", *REQUIRED_COLUMNS, *OPTIONAL_COLUMNS[1:])

# Only names shaped like this are ever echoed back, so a data line mistaken for a header
# (or a secret typed as a key) is never printed.
_ECHOABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_ -]{0,39}$")


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
class RawRow:
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


def column_name(text: str) -> str:
    """ "Pacer Username", "pacer-username" and "pacer_username" name the same column."""
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def unknown_name_problem(
    file: str, line: int, index: int, name: str, word: str, item: int | None = None
) -> Problem:
    if not _ECHOABLE_NAME.match(name):
        return Problem(file, f"{word} {index} has an unknown name", line, item=item)
    hint = difflib.get_close_matches(name, COLUMNS, n=1)
    suffix = f"; did you mean {hint[0]}?" if hint else f" (known: {', '.join(COLUMNS)})"
    return Problem(file, f"unknown {word} {name}{suffix}", line, name, item, word)
