"""Reports: the three files' contents, hostile names and cells, the terminal summary."""

from __future__ import annotations

import csv
import io
import json
import stat
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.report import COLUMNS, csv_cell, print_summary, safe_text, summary_table, write_reports
from ecf_autolink.words import ADVICE as NEXT_STEP

SCRIPT_NAME = '<script>alert("x")</script> Evil & Co'
ESC_NAME = "\x1b[31mRed Lawyer\x1b[0m"
COURTS = {
    "canb": "Bankruptcy Court for the Northern District of California",
    "nysd": "District Court for the Southern District of New York",
}


def court_name(court_id: str) -> str:
    return COURTS.get(court_id, court_id)


def sample(out: Path) -> list[Result]:
    evidence = out / "canb-jdoe"
    evidence.mkdir(parents=True)
    (evidence / "confirmation.png").write_bytes(b"\x89PNG")
    failed = out / "nysd-mallory"
    failed.mkdir()
    (failed / "failure-PACER_login.png").write_bytes(b"\x89PNG")
    return [
        Result(
            "canb",
            "Jane Doe",
            "jdoe",
            Outcome.LINKED,
            "linked Jane Doe",
            "JANE DOE",
            "Jane Doe",
            "2025-01-02T03:04:05+00:00",
            "2025-01-02T03:05:00+00:00",
            str(evidence),
        ),
        Result(
            "canb",
            "Sam Smith",
            "ssmith",
            Outcome.REFUSED_NAME_MISMATCH,
            "names differ",
            SCRIPT_NAME,
            "Sam Smith",
            "2025-01-02T03:06:00+00:00",
            "2025-01-02T03:07:00+00:00",
        ),
        Result(
            "nysd",
            ESC_NAME,
            "mallory",
            Outcome.ERROR,
            '=HYPERLINK("http://evil","click")',
            "+cmd|' /C calc'!A0",
            "@SUM(A1)",
            None,
            None,
            str(failed),
        ),
        Result("nysd", "Ann Lee", "alee", Outcome.UNCONFIRMED, "-2+3 answer lost"),
    ]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.classes_by_text: dict[str, str] = {}
        self._cls = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self._cls = dict(attrs).get("class") or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if data.strip():
            self.classes_by_text.setdefault(data.strip(), self._cls)


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_json_has_every_field_for_every_row(tmp_path: Path) -> None:
    results = sample(tmp_path)
    paths = write_reports(results, tmp_path, court_name)
    data = json.loads(paths.json.read_text(encoding="utf-8"))
    assert [list(d) for d in data] == [list(COLUMNS)] * 4
    assert [d["pacer_username"] for d in data] == ["jdoe", "ssmith", "mallory", "alee"]
    first = data[0]
    assert first["court_name"] == COURTS["canb"] and first["outcome"] == "linked"
    assert first["started"] == "2025-01-02T03:04:05+00:00"
    assert first["evidence"] == str(tmp_path / "canb-jdoe")
    assert data[1]["cmecf_name"] == SCRIPT_NAME  # data files keep the value as read
    assert data[3]["evidence"] is None and data[3]["outcome"] == "unconfirmed"


def test_csv_columns_and_formula_guard(tmp_path: Path) -> None:
    paths = write_reports(sample(tmp_path), tmp_path, court_name)
    with paths.csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 and list(rows[0]) == list(COLUMNS)
    assert rows[0]["name"] == "Jane Doe" and rows[0]["court_name"] == COURTS["canb"]
    evil = rows[2]
    assert evil["message"] == '\'=HYPERLINK("http://evil","click")'
    assert evil["cmecf_name"] == "'+cmd|' /C calc'!A0"
    assert evil["pacer_name"] == "'@SUM(A1)"
    assert rows[3]["message"] == "'-2+3 answer lost"
    assert rows[1]["cmecf_name"] == SCRIPT_NAME
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@")) for k, v in row.items() if k != "court_url_source")


def test_csv_keeps_what_the_tool_wrote_itself_unguarded(tmp_path: Path) -> None:
    results = sample(tmp_path)
    results[0] = results[0].with_(court_url="http://127.0.0.1:8080/", court_url_source="--court-url")
    paths = write_reports(results, tmp_path, court_name)
    with paths.csv.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # The address's source is the tool's own words; only values from pages and files are guarded.
    assert rows[0]["court_url_source"] == "--court-url"
    assert rows[2]["message"].startswith("'=")


def test_csv_cell() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("\t=1") == "'\t=1"
    assert csv_cell("plain") == "plain"
    assert csv_cell(None) == ""


def test_html_is_escaped_standalone_and_coloured(tmp_path: Path) -> None:
    paths = write_reports(sample(tmp_path), tmp_path, court_name)
    raw = paths.html.read_text(encoding="utf-8")
    page = parse(paths.html)
    assert "<script" not in raw.lower() and "&lt;script&gt;" in raw
    assert "\x1b" not in raw and "\\x1b[31mRed Lawyer" in "".join(page.text)
    # The partner's report: sections, a matrix and thumbnails, but never a script, a form
    # or anything that loads from elsewhere.
    assert set(page.tags) <= {
        *("html", "head", "meta", "title", "style", "body", "header", "section", "div", "span"),
        *("h1", "h2", "h3", "p", "strong", "small", "br", "ul", "li", "dl", "dt", "dd", "a", "img"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
    assert not [name for name, _ in page.attrs if name.startswith("on") or name == "srcset"]
    hrefs = [value for name, value in page.attrs if name == "href"]
    assert sorted(set(hrefs)) == ["canb-jdoe/confirmation.png", "nysd-mallory/failure-PACER_login.png"]
    # A thumbnail is only ever the row's own confirmation picture, beside the report.
    srcs = [value for name, value in page.attrs if name == "src"]
    assert srcs == ["canb-jdoe/confirmation.png"]
    assert all((tmp_path / h).is_file() for h in [*hrefs, *srcs])
    assert "http" not in raw.replace("http-equiv", "").replace("http://evil", "")
    assert "CM/ECF account linking report" in page.text
    assert SCRIPT_NAME in "".join(page.text)  # shown to the reader, as text
    assert COURTS["nysd"] in page.text
    # Matrix cells and summary rows carry their colour; the summary says what to do next.
    assert '<td class="cell tone-good" data-row="canb:jdoe">' in raw
    assert '<td class="cell tone-warn" data-row="canb:ssmith">' in raw
    assert '<td class="cell tone-warn" data-row="nysd:alee">' in raw
    assert '<td class="cell tone-bad" data-row="nysd:mallory">' in raw
    for word, tone in [("linked", "good"), ("refused_name_mismatch", "warn"), ("error", "bad")]:
        assert f'<td class="word tone-{tone}">{word}</td>' in raw
    assert NEXT_STEP[Outcome.UNCONFIRMED] in page.text
    # Times in this computer's zone, the zone named (a partner does not read UTC offsets).
    started = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).astimezone()
    assert started.strftime("%b %d, %Y %I:%M:%S %p") in raw
    assert "+00:00" not in raw and f"local time ({started.tzname()})" in raw
    # What needs action comes before the matrix; four attorneys, one row each.
    assert raw.index("What needs someone's action") < raw.index('class="matrix"')
    assert raw.count('<th scope="row">') == 4
    assert "@media print" in raw


def test_reports_are_private_and_replace_old_ones(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_text("stale")
    (tmp_path / "report.csv").chmod(0o644)
    paths = write_reports(sample(tmp_path), tmp_path, court_name)
    for path in (paths.json, paths.csv, paths.html):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert "stale" not in paths.csv.read_text(encoding="utf-8-sig")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_safe_text_neutralises_controls() -> None:
    assert safe_text(ESC_NAME) == "\\x1b[31mRed Lawyer\\x1b[0m"
    assert safe_text("a\x9b2Jb\x07\x00") == "a\\x9b2Jb\\x07\\x00"
    assert safe_text("line\nnext\ttab") == "line\\nnext\\ttab"
    assert safe_text("abc\u202edcba") == "abc\\u202edcba"
    assert safe_text("José Ñúñez, Esq. [bold]") == "José Ñúñez, Esq. [bold]"


@given(st.text())
def test_safe_text_never_lets_a_control_through(s: str) -> None:
    assert not [c for c in safe_text(s) if unicodedata.category(c) == "Cc"]


def render(results: list[Result]) -> str:
    console = Console(file=io.StringIO(), width=200, force_terminal=False, color_system=None)
    print_summary(results, console)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_summary_groups_counts_and_next_steps(tmp_path: Path) -> None:
    results = sample(tmp_path)
    results.append(Result("nysd", "Bob Ray", "bray", Outcome.LINKED, "ok"))
    table = summary_table(results)
    assert table.row_count == 4
    out = render(results)
    linked_line = next(line for line in out.splitlines() if "linked " in line and "│" in line)
    assert " 2 " in linked_line
    for who in ("Jane Doe (jdoe) at canb", "Bob Ray (bray) at nysd", "Ann Lee (alee) at nysd"):
        assert who in out
    for outcome in (Outcome.LINKED, Outcome.UNCONFIRMED, Outcome.ERROR):
        assert NEXT_STEP[outcome][:30] in out
    assert "already_linked" not in out  # empty groups are left out


def test_summary_neutralises_escapes_and_markup(tmp_path: Path) -> None:
    results = [
        Result("canb", ESC_NAME, "evil", Outcome.ERROR, "x"),
        Result("canb", "[bold red]Loud[/] [link=http://x]y[/link]", "loud", Outcome.LINKED, "ok"),
    ]
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system="truecolor")
    print_summary(results, console)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[31mRed" not in out and "\\x1b[31mRed Lawyer" in out
    plain = render(results)
    assert "\x1b" not in plain
    assert "[bold red]Loud[/] [link=http://x]y[/link]" in plain


def test_empty_summary() -> None:
    assert "No rows" in render([])
