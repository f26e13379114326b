"""What a desktop user meets (issue 13): a report open in Excel, a mistyped --env-file,
and a run that breaks, each told apart by its exit status."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import env_without_credentials

from ecf_autolink import courts as courts_mod
from ecf_autolink import runner as runner_mod
from ecf_autolink.cli import EXIT_FAILED, EXIT_INPUT, EXIT_RUN_FAILED, main
from ecf_autolink.journal import Journal
from ecf_autolink.replica.scenarios import DEMO_ATTORNEYS

CREDENTIALS = {
    "PACER_USERNAME": "jdoe",
    "PACER_PASSWORD": "Pw-Desk-4471!",
    "CMECF_USERNAME": "jdoe_ecf",
    "CMECF_PASSWORD": "Pw-Desk-4471!",
    "PACER_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
}


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    base: dict[str, str | None] = {k: None for k in os.environ if k not in env_without_credentials()}
    return CliRunner().invoke(main, args, env={**base, **(env or {})})


@pytest.fixture
def no_browser_run(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The runner replaced by one that records it was reached and runs no row."""
    reached: list[object] = []

    async def nothing(self: object, rows: list[object], browser: object = None) -> list[object]:
        reached.extend(rows)
        return []

    monkeypatch.setattr(runner_mod.Runner, "run", nothing)
    return reached


def test_a_missing_env_file_given_by_name_is_refused_naming_it(
    tmp_path: Path, no_browser_run: list[object]
) -> None:
    missing = tmp_path / "firm" / "autolink.env"
    out = tmp_path / "out"
    result = _invoke(
        ["link", "--yes", "--court", "canb", "--out", str(out), "--env-file", str(missing)], CREDENTIALS
    )
    assert result.exit_code == EXIT_INPUT, result.output
    assert str(missing) in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output
    assert not no_browser_run and not out.exists()  # nothing attempted


def test_the_default_env_file_may_be_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_browser_run: list[object]
) -> None:
    monkeypatch.chdir(tmp_path)  # a folder with no .env in it
    result = _invoke(["link", "--yes", "--court", "canb", "--out", str(tmp_path / "out")], CREDENTIALS)
    assert result.exit_code == 0, result.output
    assert len(no_browser_run) == 1


def test_the_default_env_file_is_read_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_browser_run: list[object]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in CREDENTIALS.items()), encoding="utf-8")
    result = _invoke(["link", "--yes", "--court", "canb", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(no_browser_run) == 1


def test_an_unexpected_error_in_any_command_has_its_own_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[object]:
        raise KeyError("courts-db changed its layout")

    monkeypatch.setattr(courts_mod, "all_courts", broken)
    result = _invoke(["courts"])
    assert result.exit_code == EXIT_RUN_FAILED == 3
    assert result.stderr.strip().splitlines() == [
        "Error: unexpected KeyError; run again with --debug for the details"
    ]


@pytest.mark.browser
def test_a_report_open_in_another_program_is_named_and_nothing_else_is_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file Excel holds open: os.replace raises PermissionError."""
    out = tmp_path / "demo"
    real_replace = os.replace
    attempts: list[str] = []

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).name == "report.csv":
            attempts.append(str(dst))
            raise PermissionError(
                13, "The process cannot access the file because it is being used by another process"
            )
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = _invoke(["demo", "--out", str(out), "--json"])

    assert attempts == [str(out / "report.csv")]
    assert result.exit_code == EXIT_FAILED, result.output
    assert "Traceback" not in result.output
    named = [line for line in result.stderr.splitlines() if str(out / "report.csv") in line]
    assert len(named) == 1 and "open in Excel or" in named[0], result.stderr
    # --json still on stdout, every row in it.
    rows = json.loads(result.stdout)
    assert {r["pacer_username"] for r in rows} == {s.pacer_username for s in DEMO_ATTORNEYS}
    # The other reports were written, the one in the way left alone, no temp file left behind.
    reported = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [r["outcome"] for r in reported] == [r["outcome"] for r in rows]
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()
    assert not (out / "report.csv").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    # The summary was printed, and the journal holds every row as the run ended it.
    assert "Summary" in result.stderr and "What to do next" in result.stderr
    assert f"reports: {out / 'report.html'}" in result.stderr
    assert "demo: all" in result.stderr
    with Journal.open(out) as journal:
        assert {r.pacer_username: str(r.outcome) for r in journal.results()} == {
            r["pacer_username"]: r["outcome"] for r in rows
        }


def test_a_relative_env_file_that_is_missing_says_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_browser_run: list[object]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _invoke(["link", "--yes", "--court", "canb", "--env-file", "autolink.env"], CREDENTIALS)
    assert result.exit_code == EXIT_INPUT
    assert f"looked for {tmp_path / 'autolink.env'}" in result.stderr
    assert not no_browser_run
