"""Names and messages that fight back: markup, terminal escapes, rich markup, huge strings.

A name on the confirmation table is written by whoever controls the court's page (or the
roster), so it reaches four places as data: report.html (escaped), report.json and
report.csv (kept whole, as read), and the terminal (controls made visible, rich markup
shown literally, cut when very long).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from ecf_autolink.attorney import Attorney
from ecf_autolink.locators import Selectors, load_selectors
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import Row
from ecf_autolink.progress import LiveProgress, PlainProgress
from ecf_autolink.report import (
    MESSAGE_LIMIT,
    NAME_LIMIT,
    print_summary,
    safe_text,
    terminal_text,
    write_reports,
)
from ecf_autolink.secret import Secret

HTML_NAME = '"><img src=x onerror=alert(1)><script>alert("x")</script> &amp; O\'Brien'
CLEAR_SCREEN = "\x1b[2J\x1b[HAll linked"
HYPERLINK = "\x1b]8;;https://evil.example\x07Jane Doe\x1b]8;;\x07"
CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07Sam"
OVERWRITE = "Mallory\rJane Doe (jdoe) at canb: linked"
C1_CSI = "\x9b31mRed\x9b0m"
MARKUP = "[bold red]Loud[/] [link=https://evil.example]go[/link] [/]"
BIDI = "Ann \u202eeoD"
SURROGATE = "Broken \ud800 Name"
LONG = "Q" * 10_000
LONG_WORDS = "Very Long Name " * 700

HOSTILE = [HTML_NAME, CLEAR_SCREEN, HYPERLINK, CLIPBOARD, OVERWRITE, C1_CSI, MARKUP, BIDI, SURROGATE, LONG]

# What may not reach a terminal from a name: every C0/C1 control, DEL, lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# rich's own colour codes and the cursor moves and hide/show of its live display.
_RICH_OWN = re.compile(r"\x1b\[[0-9;]*[mAKG]|\x1b\[\?25[hl]|\r")


def results() -> list[Result]:
    rows = [
        Result("canb", name, f"user{i}", Outcome.REFUSED_NAME_MISMATCH, f"names differ: {name}", name, name)
        for i, name in enumerate(HOSTILE)
    ]
    rows.append(Result("canb", LONG_WORDS, "words", Outcome.LINKED, LONG_WORDS, LONG_WORDS, "Very Long"))
    rows.append(Result("canb", "Plain Name", OVERWRITE, Outcome.ERROR, CLIPBOARD))
    return rows


def court_name(court_id: str) -> str:
    return f"Court <b>{court_id}</b>"


# --- report.html ---------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_shows_every_hostile_name_as_inert_text(tmp_path: Path) -> None:
    paths = write_reports(results(), tmp_path, court_name)
    raw = paths.html.read_text(encoding="utf-8")
    page = _Page()
    page.feed(raw)
    page.close()
    text = "".join(page.text)
    assert set(page.tags) <= {
        *("html", "head", "meta", "title", "style", "body", "h1", "h2", "p"),
        *("table", "thead", "tbody", "tr", "th", "td", "br", "small", "a"),
        # The partner's report (issue 22): sections, the matrix's cells, the action groups.
        *("header", "section", "div", "h3", "ul", "li", "strong", "span", "dl", "dt", "dd"),
    }
    assert not [name for name, _ in page.attrs if name.startswith("on") or name in ("src", "srcset")]
    assert "<img" not in raw and "<script" not in raw and "<b>" not in raw
    assert HTML_NAME in text and "Court <b>canb</b>" in text  # read as text, exactly
    assert "&amp;amp;" in raw  # an entity in a name is shown, not decoded
    # Controls and bidi overrides are visible escapes; nothing is cut in the file.
    assert not _FORBIDDEN.search(raw.replace("\n", "")) and "\u202e" not in raw
    for name in (CLEAR_SCREEN, HYPERLINK, CLIPBOARD, OVERWRITE, C1_CSI, BIDI, SURROGATE):
        assert safe_text(name) in text
    assert MARKUP in text and LONG in text and LONG_WORDS in text


# --- report.json / report.csv ----------------------------------------------------------


def test_json_keeps_every_name_exactly(tmp_path: Path) -> None:
    paths = write_reports(results(), tmp_path, court_name)
    data = json.loads(paths.json.read_text(encoding="utf-8"))
    expected = results()
    assert [d["name"] for d in data] == [r.name for r in expected]
    assert [d["message"] for d in data] == [r.message for r in expected]
    assert [d["pacer_username"] for d in data] == [r.pacer_username for r in expected]
    assert data[HOSTILE.index(SURROGATE)]["cmecf_name"] == SURROGATE


def test_a_lone_surrogate_does_not_stop_the_reports_being_written(tmp_path: Path) -> None:
    # A page's broken UTF-16 once raised UnicodeEncodeError here, losing all three files.
    result = Result("canb", SURROGATE, "u", Outcome.LINKED, "ok", SURROGATE, "\udfff")
    paths = write_reports([result], tmp_path, court_name)
    assert json.loads(paths.json.read_text(encoding="utf-8"))[0]["pacer_name"] == "\udfff"
    assert "Broken \\ud800 Name" in paths.csv.read_text(encoding="utf-8-sig")
    assert "Broken \\ud800 Name" in paths.html.read_text(encoding="utf-8")


def test_csv_keeps_names_whole_and_defuses_formulas(tmp_path: Path) -> None:
    hostile = [*results(), Result("canb", '=HYPERLINK("http://evil")', "u", Outcome.LINKED, "-1+1")]
    paths = write_reports(hostile, tmp_path, court_name)
    with paths.csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(hostile)
    by_user = {row["pacer_username"]: row for row in rows}
    assert by_user["user0"]["name"] == HTML_NAME
    assert by_user["user1"]["name"] == CLEAR_SCREEN
    assert by_user[f"user{HOSTILE.index(LONG)}"]["name"] == LONG
    assert by_user["words"]["message"] == LONG_WORDS
    assert by_user["u"]["name"] == '\'=HYPERLINK("http://evil")' and by_user["u"]["message"] == "'-1+1"


# --- terminal ------------------------------------------------------------------------


def _screen(console: Console) -> str:
    return console.file.getvalue()  # type: ignore[attr-defined]


def _terminal_console() -> Console:
    return Console(file=io.StringIO(), width=160, force_terminal=True, color_system="truecolor")


def _plain_console() -> Console:
    return Console(file=io.StringIO(), width=160, force_terminal=False, color_system=None)


def _without_rich_codes(screen: str) -> str:
    return _RICH_OWN.sub("", screen)


def test_summary_on_a_colour_terminal_passes_no_control_from_a_name() -> None:
    console = _terminal_console()
    print_summary(results(), console)
    screen = _screen(console)
    assert "\x1b[2J" not in screen and "\x1b]" not in screen and "\x07" not in screen
    assert "\x9b" not in screen and "\u202e" not in screen and "\ud800" not in screen
    assert not _FORBIDDEN.search(_without_rich_codes(screen).replace("\n", ""))


def test_summary_shows_escapes_and_markup_literally_and_cuts_long_names() -> None:
    console = _plain_console()
    print_summary(results(), console)
    screen = _screen(console)
    lines = screen.splitlines()
    assert "\x1b" not in screen and "\r" not in screen
    # rich tables wrap long cells, so look for the escaped forms in the joined text.
    joined = "".join(line.strip("│ ") for line in lines)
    for shown in ("\\x1b[2J\\x1b[HAll", "\\x1b]52;c;", "Mallory\\rJane", "\\x9b31mRed", "\\u202eeoD"):
        assert shown in joined, shown
    assert "[bold red]Loud[/]" in joined and "[link=https://evil.example]go[/link]" in joined
    assert "Q" * NAME_LIMIT not in joined and "Q" * (NAME_LIMIT - 1) + "…" in joined
    assert f"(user{HOSTILE.index(LONG)}) at canb" in joined  # the cut keeps who and where
    assert len(screen) < 20_000


def attorney(name: str, username: str = "jdoe") -> Attorney:
    return Attorney(
        court="canb",
        pacer_username=username,
        pacer_password=Secret("p"),
        cmecf_username="c",
        cmecf_password=Secret("q"),
        name=name,
    )


@pytest.fixture(scope="module")
def selectors() -> Selectors:
    return load_selectors("canb")


def run_events(progress: PlainProgress | LiveProgress, rows: list[Row]) -> None:
    progress.planned(len(rows))
    progress.note(f"browser: {CLEAR_SCREEN}")
    for row in rows:
        progress.started(row)
        progress.step(row, f"pacer_login {HYPERLINK}")
        message = f"names differ: {row.attorney.name}"
        a = row.attorney
        result = Result(a.court, a.name, a.pacer_username, Outcome.ERROR, message)
        progress.finished(row, result)


def test_plain_progress_prints_one_clean_line_per_event(selectors: Selectors) -> None:
    rows = [Row(attorney(name, f"user{i}"), "https://x", None, selectors) for i, name in enumerate(HOSTILE)]
    stream = io.StringIO()
    run_events(PlainProgress(stream), rows)
    out = stream.getvalue()
    lines = out.split("\n")
    assert lines.pop() == ""
    # planned + note, then start, step and finished per row: a "\n" or "\r" in a name
    # cannot forge a line of its own.
    assert len(lines) == 2 + 3 * len(rows)
    assert not _FORBIDDEN.search(out.replace("\n", ""))
    assert "\\x1b]8;;https://evil.example\\x07Jane Doe" in out
    assert f"start   {MARKUP} (user6) at canb" in lines
    assert "start   Mallory\\rJane Doe (jdoe) at canb: linked (user4) at canb" in lines
    long_lines = [line for line in lines if "Q" * 10 in line]
    assert long_lines and all(len(line) < NAME_LIMIT + MESSAGE_LIMIT + 100 for line in long_lines)
    assert all(f"(user{HOSTILE.index(LONG)}) at canb" in line for line in long_lines)


def test_live_progress_passes_no_control_from_a_name(selectors: Selectors) -> None:
    rows = [Row(attorney(name, f"user{i}"), "https://x", None, selectors) for i, name in enumerate(HOSTILE)]
    console = _terminal_console()
    with LiveProgress(console) as progress:
        run_events(progress, rows)
    screen = _screen(console)
    for payload in ("\x1b[2J", "\x1b]8;", "\x1b]52;", "\x07", "\x9b", "\u202e", "\ud800", "Mallory\rJane"):
        assert payload not in screen, repr(payload)
    assert not _FORBIDDEN.search(_without_rich_codes(screen).replace("\n", ""))
    assert "[link=https://evil.example]go[/link]" in screen
    assert "Q" * MESSAGE_LIMIT not in screen  # the message is cut too, at its own length


def test_terminal_text() -> None:
    assert terminal_text(None) == ""
    assert terminal_text("Jane Doe") == "Jane Doe"
    assert terminal_text("x" * NAME_LIMIT) == "x" * NAME_LIMIT
    cut = terminal_text("x" * (NAME_LIMIT + 1))
    assert len(cut) == NAME_LIMIT and cut.endswith("…")
    assert terminal_text("\x1b[31m", 5) == "\\x1b…"
    assert safe_text(SURROGATE) == "Broken \\ud800 Name"


_NAMES = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),  # includes surrogates and every control
        st.sampled_from(["[", "]", "/", "\x1b", "\x9b", "\r", "\n", "\x07", "<", "&", "\udc80"]),
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_NAMES, message=_NAMES)
def test_no_name_reaches_a_terminal_with_a_control(name: str, message: str) -> None:
    result = Result("canb", name, name[:20], Outcome.REFUSED_NAME_MISMATCH, message, name, name)
    console = _terminal_console()
    print_summary([result], console)
    screen = _without_rich_codes(_screen(console))
    assert not _FORBIDDEN.search(screen.replace("\n", ""))
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.planned(1)
    progress.note(message)
    out = stream.getvalue()
    assert out.count("\n") == 2 and not _FORBIDDEN.search(out.replace("\n", ""))
    assert not [c for c in out if unicodedata.category(c) == "Cs"]
