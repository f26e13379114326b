"""`autolink link` as a user meets it: help, input errors before anything runs, --json (issue 2)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import credentials_env, empty_env_file, replica_court

from ecf_autolink.cli import main
from ecf_autolink.journal import FILE_NAME, Journal
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

CREDENTIAL_VARS = ("PACER_USERNAME", "PACER_PASSWORD", "CMECF_USERNAME", "CMECF_PASSWORD")


def _invoke(args: list[str], env: dict[str, str | None]) -> Result:
    # None unsets: the developer's own shell must not lend the test a credential.
    base: dict[str, str | None] = {
        name: None
        for name in (
            *CREDENTIAL_VARS,
            "PACER_TOTP_SECRET",
            "AUTOLINK_COURT_URL",
            "AUTOLINK_ACKNOWLEDGE_REDACTION",
            "AUTOLINK_SIGN_IN",
        )
    }
    return CliRunner().invoke(main, args, env={**base, **env})


def _credentials(password: str = "Pw-Test-4471!") -> dict[str, str | None]:
    return {
        "PACER_USERNAME": "jdoe",
        "PACER_PASSWORD": password,
        "CMECF_USERNAME": "jdoe_ecf",
        "CMECF_PASSWORD": password,
        "PACER_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    }


def test_help_lists_the_options_and_takes_no_password() -> None:
    for args in (["--help"], ["link", "--help"]):
        result = _invoke(args, {})
        assert result.exit_code == 0, result.output
        assert "--court" in result.output
    link_help = _invoke(["link", "--help"], {}).output
    for option in ("--roster", "--json", "--dry-run", "--court-url", "--browser", "--headed", "--out"):
        assert option in link_help
    assert "password" not in " ".join(w for w in link_help.split() if w.startswith("--"))


def test_missing_credentials_without_a_terminal_name_each_and_exit_2(tmp_path: Path) -> None:
    result = _invoke(
        [
            *("link", "--yes", "--court", "canb", "--out", str(tmp_path / "out")),
            *("--env-file", str(empty_env_file(tmp_path))),
        ],
        {"PACER_USERNAME": "jdoe"},
    )
    assert result.exit_code == 2, result.output
    for name in ("PACER_PASSWORD", "CMECF_USERNAME", "CMECF_PASSWORD"):
        assert name in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_court_is_refused_before_any_credential_is_asked_for(tmp_path: Path) -> None:
    result = _invoke(["link", "--yes", "--court", "cnab", "--env-file", str(empty_env_file(tmp_path))], {})
    assert result.exit_code == 2, result.output
    assert "cnab" in result.output and "canb" in result.output  # the nearest id is suggested
    assert "PACER_PASSWORD" not in result.output


def test_a_court_url_in_the_env_file_is_used(tmp_path: Path) -> None:
    env_file = tmp_path / "staging.env"
    env_file.write_text("AUTOLINK_COURT_URL=https://staging.example.test\n", encoding="utf-8")
    # Two courts with one address is refused; it can only be refused if the file was read.
    result = _invoke(
        ["link", "--yes", "--court", "canb", "--court", "cacb", "--env-file", str(env_file)], _credentials()
    )
    assert result.exit_code == 2, result.output
    assert "--court-url points at one court's site" in result.output


def test_a_folder_used_against_another_site_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    journal = Journal.open(out)
    journal.bind_sites({"canb": "https://staging.example.test/"})
    journal.close()
    before = (out / FILE_NAME).read_bytes()

    result = _invoke(
        [
            "link",
            "--yes",
            "--court",
            "canb",
            "--court-url",
            "https://ecf.other.example.test",
            "--out",
            str(out),
            "--env-file",
            str(empty_env_file(tmp_path)),
        ],
        _credentials(),
    )
    assert result.exit_code == 2, result.output
    assert "https://staging.example.test/" in result.output
    assert "https://ecf.other.example.test" in result.output
    assert "another --out" in result.output
    with sqlite3.connect(out / FILE_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM rows").fetchone()[0] == 0
        assert conn.execute("SELECT court, url FROM sites").fetchall() == [
            ("canb", "https://staging.example.test/")
        ]
    assert len(before) > 0


@pytest.mark.browser
def test_json_prints_exactly_the_public_fields_and_exit_0(tmp_path: Path) -> None:
    person = make_attorney("jsonjoe")
    court = replica_court(person)
    env = {**credentials_env(person), "AUTOLINK_ACKNOWLEDGE_REDACTION": "1"}
    with serve(court) as replica:
        args = [
            "link",
            "--yes",
            "--court",
            "canb",
            "--court-url",
            replica.court_url,
            "--out",
            str(tmp_path / "out"),
        ]
        result = _invoke([*args, "--json", "--env-file", str(empty_env_file(tmp_path))], env)
    assert result.exit_code == 0, result.output
    start = result.stdout.index("[")
    (row,) = json.loads(result.stdout[start:])
    public = {"court", "name", "pacer_username", "outcome", "message", "cmecf_name", "pacer_name", "this_run"}
    assert set(row) == public
    assert (row["court"], row["pacer_username"], row["outcome"]) == ("canb", "jsonjoe", "linked")
    assert row["this_run"] == "attempted"
    assert row["cmecf_name"] and row["pacer_name"]
    assert person.pacer_password not in result.output and person.totp_secret not in result.output
    assert court.final_submits == ["jsonjoe"]


@pytest.mark.parametrize("command", ["link", "record"])
def test_a_bad_court_url_in_the_env_file_is_refused_by_name(tmp_path: Path, command: str) -> None:
    env_file = tmp_path / "staging.env"
    env_file.write_text("AUTOLINK_COURT_URL=ftp://staging.example.test\n", encoding="utf-8")
    result = _invoke([command, "--court", "canb", "--env-file", str(env_file)], {})
    assert result.exit_code == 2, result.output
    assert f"AUTOLINK_COURT_URL in {env_file} must start with http:// or https://" in result.output
    assert "ftp://staging.example.test" in result.output
    assert "PACER_PASSWORD" not in result.output  # refused before credentials were asked for


def test_a_concurrency_the_per_court_limit_cannot_reach_is_pointed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecf_autolink import runner as runner_mod

    async def nothing(self: object, rows: object, browser: object = None) -> list[object]:
        return []

    monkeypatch.setattr(runner_mod.Runner, "run", nothing)
    roster = tmp_path / "roster.csv"
    lines = ["court,name,pacer_username,pacer_password,cmecf_username,cmecf_password,totp_secret"]
    secret = "JBSWY3DPEHPK3PXP" * 2
    lines += [f"canb,Ann Lee{i},alee{i},pw-{i}-Xy,alee{i}_ecf,ecf-{i}-Xy,{secret}" for i in range(6)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["link", "--yes", "--roster", str(roster), "--out", str(tmp_path / "out")]
    args += ["--env-file", str(empty_env_file(tmp_path))]
    slow = _invoke([*args, "--concurrency", "8"], {})
    assert slow.exit_code == 0, slow.output
    assert "at most 4 rows run at once: --per-court 4" in slow.stderr
    fine = _invoke([*args, "--concurrency", "8", "--per-court", "8"], {})
    assert "at most" not in fine.stderr
