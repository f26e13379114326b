"""Where the editable data lives: a source checkout's root, or the installed wheel's copy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding `selectors/` and `fixtures/html/`.

    A checkout (editable install, tests, `make demo`) uses the repository root so
    an edit to a YAML file takes effect at once; a wheel carries a copy under
    `_data/` (see pyproject's force-include).
    """
    checkout = _PACKAGE.parent
    if (checkout / "selectors" / "default.yaml").is_file():
        return checkout
    return _PACKAGE / "_data"


def selectors_dir() -> Path:
    return data_root() / "selectors"


def fixtures_dir() -> Path:
    return data_root() / "fixtures" / "html"
