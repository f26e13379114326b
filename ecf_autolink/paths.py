"""Where the editable data lives: a source checkout's root, or the installed wheel's copy."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "ecf-autolink"
# Points the user's configuration folder elsewhere (a firm's shared folder, a test's).
CONFIG_DIR_VAR = "AUTOLINK_CONFIG_DIR"
# Points the per-user state (account locks, refusals, passcode windows) elsewhere: the demo
# keeps its sample accounts' traces inside its own --out folder this way.
STATE_DIR_VAR = "AUTOLINK_STATE_DIR"

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


def user_config_dir() -> Path:
    """The user's own configuration folder: %LOCALAPPDATA%\\ecf-autolink on Windows,
    ~/Library/Application Support/ecf-autolink on macOS, ~/.config/ecf-autolink on Linux,
    or $AUTOLINK_CONFIG_DIR."""
    configured = os.environ.get(CONFIG_DIR_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_state_dir() -> Path:
    """The per-user place every run on this machine shares (locks, refusals, passcode
    windows): platformdirs' user state folder, or $AUTOLINK_STATE_DIR."""
    configured = os.environ.get(STATE_DIR_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def user_selectors_dir() -> Path:
    """Per-court selector overrides an installed user keeps, so nobody edits site-packages."""
    return user_config_dir() / "selectors"
