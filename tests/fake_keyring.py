"""A keyring backend for `autolink serve` run as a subprocess in tests: a JSON file named
by FAKE_KEYRING_FILE (chosen with PYTHON_KEYRING_BACKEND=fake_keyring.FileKeyring), so a
test reads what the page saved and never touches the machine's own keyring."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["FAKE_KEYRING_FILE"])

    def _entries(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._entries()
        entries[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(entries), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        entries.pop(f"{service}/{username}", None)
        self._path().write_text(json.dumps(entries), encoding="utf-8")
