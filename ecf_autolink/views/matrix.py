"""The attorney x court matrix both the page and report.html draw: one line per
attorney, one column per court, each cell the row's word, the two names the court
showed and its confirmation screenshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..account_key import account_key


@dataclass
class Cell:
    court: str
    pacer_username: str
    word: str
    message: str = ""
    cmecf_name: str | None = None
    pacer_name: str | None = None
    # The screenshot as the reader's page reaches it (a URL on the page, a relative path
    # in report.html), or None.
    screenshot: str | None = None
    step: str | None = None
    approvable: bool = False
    finished: str | None = None

    @property
    def key(self) -> str:
        return f"{self.court}:{account_key(self.pacer_username)}"


@dataclass
class Line:
    name: str
    pacer_username: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Matrix:
    courts: list[str]
    lines: list[Line]

    def cells(self) -> list[Cell]:
        return [c for line in self.lines for c in line.cells.values()]


def build_matrix(cells: Iterable[tuple[str, Cell]]) -> Matrix:
    """`(attorney's name, cell)` pairs in the run's order into lines and columns."""
    courts: list[str] = []
    lines: dict[str, Line] = {}
    for name, cell in cells:
        if cell.court not in courts:
            courts.append(cell.court)
        line = lines.setdefault(account_key(cell.pacer_username), Line(name, cell.pacer_username))
        line.cells[cell.court] = cell
    return Matrix(courts, list(lines.values()))
