"""A roster a person chose in the page: its name and size checked, then read by the CLI's
own reader, its problems said as the CLI says them (without the private copy's folder)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..roster import RosterError, load_roster
from .refused import Refused

UPLOAD_LIMIT = 1_000_000
ROSTER_SUFFIXES = (".csv", ".yaml", ".yml")


def read_upload(
    name: str, data: bytes, courts: tuple[str, ...], env: dict[str, str], folder: Path
) -> tuple[str, list[Any]]:
    """The file's own name (no folder) and its attorneys at `courts`. `folder`: where the
    roster's relative file names (backup codes files) are."""
    clean = Path(name.replace("\\", "/")).name
    if not clean.lower().endswith(ROSTER_SUFFIXES):
        raise Refused(f"{clean or 'the file'}: a roster is a .csv, .yaml or .yml file")
    if len(data) > UPLOAD_LIMIT:
        raise Refused(f"{clean}: larger than {UPLOAD_LIMIT // 1000} kB; a roster is far smaller")
    # The reader takes a path; the copy lives only while it reads, in a private folder.
    with tempfile.TemporaryDirectory(prefix="autolink-roster-") as private:
        path = Path(private) / clean
        path.write_bytes(data)
        try:
            attorneys = load_roster(path, courts=list(courts), env=env, folder=folder)
        except RosterError as exc:
            raise Refused(str(exc).replace(private, "")) from None
    return clean, attorneys


def read_named(path: Path, courts: tuple[str, ...], env: dict[str, str]) -> list[Any]:
    """A roster named on the command line (`autolink serve --roster FILE`)."""
    try:
        return load_roster(path, courts=list(courts), env=env)
    except RosterError as exc:
        raise Refused(str(exc)) from None
