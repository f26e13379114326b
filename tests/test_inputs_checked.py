"""Every input is checked before anything runs: exit 2, one line naming the path or value,
nothing stored; and the court address is named with where it came from (issue 15, items 5-7)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import empty_env_file

from ecf_autolink import runner as runner_mod
from ecf_autolink.cli import main
from ecf_autolink.credentials import read_env
from ecf_autolink.journal import FILE_NAME, Journal
from ecf_autolink.journal import folder as journal_folder

PASSWORD = "Pw-Test-4471!"


def _credentials() -> dict[str, str | None]:
    return {
        "PACER_USERNAME": "jdoe",
        "PACER_PASSWORD": PASSWORD,
        "CMECF_USERNAME": "jdoe_ecf",
        "CMECF_PASSWORD": PASSWORD,
        "PACER_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "AUTOLINK_COURT_URL": None,
    }


def _link(tmp_path: Path, *extra: str, env: dict[str, str | None] | None = None) -> Result:
    args = ["link", "--yes", "--court", "canb", "--env-file", str(empty_env_file(tmp_path)), *extra]
    if "--out" not in extra:
        args += ["--out", str(tmp_path / "out")]
    return CliRunner().invoke(main, args, env={**_credentials(), **(env or {})})


@pytest.fixture
def runner_never_runs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Stands in for the browser run; records the rows it was given."""
    seen: list[object] = []

    async def nothing(self: object, rows: list[object], browser: object = None) -> list[object]:
        seen.extend(rows)
        return []

    monkeypatch.setattr(runner_mod.Runner, "run", nothing)
    return seen


def _refused(result: Result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.output
    # One line of reason; only a note naming the court's address may precede it.
    (line,) = [text for text in result.output.strip().splitlines() if not text.startswith("note: ")]
    for word in words:
        assert word in line, line
    assert PASSWORD not in result.output
    return line


# ---------------------------------------------------------------- --out and the journal


def test_out_under_a_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    _refused(_link(tmp_path, "--out", str(afile / "sub")), str(afile), "is a file")
    assert afile.read_text(encoding="utf-8") == "x"


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    # Click itself refuses an existing file for a folder option; still exit 2 and one line.
    result = _link(tmp_path, "--out", str(afile))
    assert result.exit_code == 2, result.output
    assert str(afile) in result.output and "Traceback" not in result.output


def test_out_on_a_read_only_disk_is_refused_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = tmp_path / "readonly"
    parent.mkdir()
    real_access = os.access

    # This machine runs tests as root, whom no mode bit stops; a read-only mount answers
    # access() with EROFS, which is what this stands for.
    def access(path: object, mode: int) -> bool:
        if Path(str(path)) == parent and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(journal_folder.os, "access", access)
    _refused(_link(tmp_path, "--out", str(parent / "out")), str(parent), "not writable")
    assert list(parent.iterdir()) == []


def test_a_journal_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / FILE_NAME).mkdir(parents=True)
    _refused(_link(tmp_path, "--out", str(out)), str(out / FILE_NAME), "not a regular file")


def test_a_symlinked_journal_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.sqlite3"
    with Journal.open(tmp_path / "other") as other:
        other.bind_sites({"canb": "https://ecf.canb.uscourts.gov"})
    target.write_bytes((tmp_path / "other" / FILE_NAME).read_bytes())
    before = target.read_bytes()
    (out / FILE_NAME).symlink_to(target)
    _refused(_link(tmp_path, "--out", str(out)), str(out / FILE_NAME), "symbolic link")
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [FILE_NAME]


def test_a_file_that_is_not_a_journal_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / FILE_NAME).write_bytes(b"this is a spreadsheet someone saved here\n" * 40)
    before = (out / FILE_NAME).read_bytes()
    _refused(_link(tmp_path, "--out", str(out)), str(out / FILE_NAME), "cannot be read", "another --out")
    assert (out / FILE_NAME).read_bytes() == before


def test_a_journal_with_damaged_pages_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Journal.open(out) as journal:
        journal.bind_sites({"canb": "https://ecf.canb.uscourts.gov"})
        journal.plan([(f"canb/user{i}/ecf{i}", f"user{i}") for i in range(200)])
    path = out / FILE_NAME
    data = bytearray(path.read_bytes())
    assert data.startswith(b"SQLite format 3\x00") and len(data) > 8192
    # Keep the header, scribble over the pages after the first.
    data[4096:8192] = b"\xa5" * 4096
    path.write_bytes(bytes(data))
    _refused(_link(tmp_path, "--out", str(out)), str(path), "cannot be read")


def test_a_folder_poisoned_by_an_unusable_address_says_how_to_recover(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Journal.open(out):
        pass
    # As an earlier version stored whatever --court-url was given.
    with sqlite3.connect(out / FILE_NAME) as conn:
        conn.execute("INSERT INTO sites (court, url) VALUES ('canb', 'http://[::1')")
    conn.close()
    # Refused in the runner before a browser starts (any other address would clash anyway).
    result = _link(tmp_path, "--out", str(out), "--court-url", "http://127.0.0.1:9")
    line = _refused(result, "'http://[::1'", str(out / FILE_NAME), "new --out")
    assert "canb" in line
    with sqlite3.connect(out / FILE_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0] == 0
    conn.close()


# ---------------------------------------------------------------- --court-url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1", "not a valid address"),
        ("ecf.canb.uscourts.gov", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("https://ecf.canb.uscourts.gov/cgi bin", "space"),
        ("https://", "names no host"),
        ("https://ecf.canb.uscourts.gov:44x3", "not a valid address"),
        ("https://admin:pw@ecf.canb.uscourts.gov", "user name or password"),
        ("https://ecf.canb.uscourts.gov/?next=x", "?query"),
    ],
)
def test_a_malformed_court_url_is_refused_before_anything_is_stored(
    tmp_path: Path, url: str, why: str
) -> None:
    line = _refused(_link(tmp_path, "--court-url", url), why, "--court-url")
    assert url in line
    assert not (tmp_path / "out").exists()


def test_a_malformed_court_url_from_env_file_names_the_file(tmp_path: Path) -> None:
    env_file = tmp_path / "site.env"
    env_file.write_text("AUTOLINK_COURT_URL=http://[::1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["link", "--yes", "--court", "canb", "--env-file", str(env_file), "--out", str(tmp_path / "out")],
        env=_credentials(),
    )
    _refused(result, "http://[::1", str(env_file))
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- .env


def test_an_env_file_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / "latin1.env"
    env_file.write_bytes(b"PACER_USERNAME=jdoe\nPACER_PASSWORD=caf\xe9-Secret\n")
    result = CliRunner().invoke(
        main,
        ["link", "--yes", "--court", "canb", "--env-file", str(env_file), "--out", str(tmp_path / "out")],
        env={"PACER_USERNAME": None, "PACER_PASSWORD": None, "AUTOLINK_COURT_URL": None},
    )
    line = _refused(result, str(env_file), "not UTF-8", "line 2")
    assert "Secret" not in line and "caf" not in line
    assert not (tmp_path / "out").exists()


def test_env_values_are_literal_dollars_and_quoted_hashes_kept(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "A='pa${HOME}ss'\nB=pa$$ss${HOME}\nC=\"x${HOME}\"\nD='a #b'\nE=a#b\nF=a #comment\n",
        encoding="utf-8",
    )
    env = read_env(env_file, environ={"HOME": "/home/someone"})
    assert (env["A"], env["B"], env["C"]) == ("pa${HOME}ss", "pa$$ss${HOME}", "x${HOME}")
    assert (env["D"], env["E"], env["F"]) == ("a #b", "a#b", "a")


@pytest.mark.usefixtures("runner_never_runs")
def test_a_password_cut_by_an_unquoted_hash_is_pointed_out_by_line(tmp_path: Path) -> None:
    env_file = tmp_path / "firm.env"
    env_file.write_text(
        "PACER_USERNAME=jdoe # Jane's account\nPACER_PASSWORD=Open #Sesame9\nCMECF_PASSWORD='Kept #Whole'\n",
        encoding="utf-8",
    )
    env = {**_credentials(), "PACER_USERNAME": None, "PACER_PASSWORD": None, "CMECF_PASSWORD": None}
    result = CliRunner().invoke(
        main,
        ["link", "--yes", "--court", "canb", "--env-file", str(env_file), "--out", str(tmp_path / "out")],
        env=env,
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert f"{env_file} line 2: PACER_PASSWORD" in warnings[0] and "single quotes" in warnings[0]
    assert "Sesame" not in result.output and "Open" not in result.output and "Kept" not in result.output


# ---------------------------------------------------------------- where the address came from


@pytest.mark.parametrize("origin", ["flag", "env file", "environment"])
def test_the_note_names_where_the_court_address_came_from(
    tmp_path: Path, runner_never_runs: list[object], origin: str
) -> None:
    url = "https://staging.example.test"
    env_file = tmp_path / "site.env"
    env_file.write_text(f"AUTOLINK_COURT_URL={url}\n", encoding="utf-8")
    args = ["link", "--yes", "--court", "canb", "--out", str(tmp_path / "out")]
    env = _credentials()
    if origin == "flag":
        args += ["--court-url", url, "--env-file", str(empty_env_file(tmp_path))]
        expected = "(from --court-url)"
    elif origin == "env file":
        args += ["--env-file", str(env_file)]
        expected = f"(from AUTOLINK_COURT_URL in {env_file})"
    else:
        args += ["--env-file", str(empty_env_file(tmp_path))]
        env["AUTOLINK_COURT_URL"] = url
        expected = "(from environment variable AUTOLINK_COURT_URL)"
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert f"note: canb runs against {url} {expected}" in result.stderr
    assert "from --court-url" not in result.stderr or origin == "flag"
    (row,) = runner_never_runs
    assert row.court_url == url  # type: ignore[attr-defined]
    assert f"(from {row.court_url_source})" == expected  # type: ignore[attr-defined]


def test_reports_name_each_rows_address_and_its_origin(tmp_path: Path) -> None:
    from ecf_autolink.report import write_reports

    out = tmp_path / "out"
    with Journal.open(out) as journal:
        journal.bind_sites({"canb": "https://staging.example.test"}, {"canb": "AUTOLINK_COURT_URL in .env"})
        journal.plan([("canb/jdoe/jdoe_ecf", "Jane Doe (jdoe) at canb")])
        results = journal.results()
    write_reports(results, out, lambda court: court)
    (record,) = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert record["court_url"] == "https://staging.example.test"
    assert record["court_url_source"] == "AUTOLINK_COURT_URL in .env"
    header, row = (out / "report.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "court_url,court_url_source" in header and "https://staging.example.test" in row
    assert "https://staging.example.test (from AUTOLINK_COURT_URL in .env)" in (
        out / "report.html"
    ).read_text(encoding="utf-8")


def test_the_demo_checks_its_out_folder_too(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["demo", "--out", str(afile / "sub")])
    _refused(result, str(afile), "is a file")


def test_a_named_browser_that_does_not_exist_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-chrome"
    _refused(_link(tmp_path, "--browser", str(missing)), str(missing), "--browser")
    assert not (tmp_path / "out").exists()
