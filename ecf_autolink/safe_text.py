"""Values from court pages made harmless wherever they land: control characters shown as
escapes, cut on screen when very long, defused against spreadsheet formulas in CSV."""

from __future__ import annotations

import re

# C0, DEL and C1 controls (ESC starts every terminal sequence; C1 CSI does too), the
# Unicode controls that reorder or break text so a name could disguise itself on screen,
# and lone surrogates (a page's broken UTF-16), which no terminal or UTF-8 file can take.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# A lone surrogate in an input: a YAML "\\u" escape, or an environment variable whose
# bytes are not UTF-8 (Python keeps each such byte as U+DC80-U+DCFF). Refused where it
# comes in, since no page, report or terminal can carry it.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

# On screen a value is cut to this many characters so one page's 10 000-character name
# cannot push every other row off the screen; the report files keep it whole.
NAME_LIMIT = 60
MESSAGE_LIMIT = 400

# Spreadsheets run a cell as a formula when it starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(s: str) -> str:
    """`s` with every control character shown as a visible escape instead of acting."""
    return _UNSAFE.sub(_visible, s)


def terminal_text(s: str | None, limit: int = NAME_LIMIT) -> str:
    """`safe_text`, cut to `limit` characters with a visible mark when longer."""
    text = safe_text(s or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(text: object) -> str:
    """`text` on one line with every character Python calls unprintable written as its
    escape: a value from a user's file (a roster cell, a YAML key) quoted in an error
    message must not break the message or act on the terminal."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in str(text))


def csv_cell(value: str | None) -> str:
    text = "" if value is None else value
    return "'" + text if text.startswith(_FORMULA_START) else text
