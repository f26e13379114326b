"""The "Do you want to link these accounts?" page: reading its table of names."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class ConfirmationNames:
    cmecf_name: str
    pacer_name: str


class _TableRows(HTMLParser):
    """Collects every table row as a list of its cells' visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is None:
                self._row = []
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table"):
            self._close_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self._row:
            self.rows.append(self._row)
        self._row = None

    def close(self) -> None:
        super().close()
        self._close_row()


def table_rows(html: str) -> list[list[str]]:
    parser = _TableRows()
    parser.feed(html)
    parser.close()
    return parser.rows


def _label(cell: str) -> str:
    return cell.rstrip(":").strip().casefold()


def parse_confirmation(html: str, cmecf_label: str, pacer_label: str) -> ConfirmationNames | None:
    """Both names as the court shows them, or None when the table cannot be read.

    Exactly one row must start with each label and hold a non-empty name: two
    PACER rows, say, would make "which name is linked" a guess.
    """
    found: dict[str, list[str]] = {"cmecf": [], "pacer": []}
    for row in table_rows(html):
        if len(row) < 2:
            continue
        label = _label(row[0])
        name = next((cell for cell in row[1:] if cell), "")
        if label == _label(cmecf_label):
            found["cmecf"].append(name)
        elif label == _label(pacer_label):
            found["pacer"].append(name)
    if len(found["cmecf"]) != 1 or len(found["pacer"]) != 1:
        return None
    cmecf, pacer = found["cmecf"][0], found["pacer"][0]
    if not cmecf or not pacer:
        return None
    return ConfirmationNames(cmecf, pacer)
