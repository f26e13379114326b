"""`autolink link --json` prints every row whatever the court's pages show.

A name on the confirmation table may carry a lone surrogate (a page's script writing half
of a character pair) or a control character: the first cannot be encoded, the second a
terminal would obey. --json must escape both rather than crash with nothing on stdout
after the run has linked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import court_with_page_changed, credentials_env, empty_env_file

from ecf_autolink.cli import main
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

CELL = "<td>{{cmecf_name}}</td>"


@pytest.mark.browser
@pytest.mark.parametrize(
    "odd", ["0xD800", "0xDCFF", "0x85, 0x202E"], ids=["lone-high", "lone-low", "c1-and-bidi"]
)
def test_json_prints_a_court_name_holding_what_cannot_be_encoded(tmp_path: Path, odd: str) -> None:
    # The script puts the characters after the name, as text: the name still folds to the
    # attorney's (they are not letters), so the row links and --json has it to print.
    script = f"<script>document.currentScript.replaceWith(String.fromCharCode({odd}))</script>"
    court = court_with_page_changed(
        tmp_path, "link_confirm.html", CELL, f"<td>{{{{cmecf_name}}}}{script}</td>"
    )
    person = make_attorney("jdoe")
    env = {**credentials_env(person), "AUTOLINK_ACKNOWLEDGE_REDACTION": "1"}
    out = tmp_path / "out"
    with serve(court) as replica:
        args = [
            "link",
            "--yes",
            "--court",
            "canb",
            "--court-url",
            replica.court_url,
            "--out",
            str(out),
            "--json",
        ]
        result = CliRunner().invoke(main, [*args, "--env-file", str(empty_env_file(tmp_path))], env=env)
    assert court.final_submits == ["jdoe"]
    assert result.exit_code == 0, (result.output, result.exception)
    printed = result.stdout[result.stdout.index("[") :]
    assert printed.isascii()  # nothing a terminal would obey, nothing that cannot be encoded
    (row,) = json.loads(printed)
    assert row["outcome"] == "linked" and row["cmecf_name"].startswith("Jane Doe")
    # A lone surrogate is kept as its escape (the journal is UTF-8); the rest as it came.
    assert row["cmecf_name"] in ("Jane Doe\\ud800", "Jane Doe\\udcff", "Jane Doe \u202e")
    # The row's outcome reached the journal and the report, not only stdout.
    (kept,) = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert kept["outcome"] == "linked"
