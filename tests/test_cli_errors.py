"""An unexpected failure deep in a run reaches the user as one line, not a traceback (issue 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support import empty_env_file

from ecf_autolink import runner as runner_mod
from ecf_autolink.cli import EXIT_RUN_FAILED, main

# What a Playwright error can carry: the page's markup, with whatever was typed into it.
PAGE_TEXT = '<input name="password" value="Hunter2-secret">'


@pytest.fixture
def exploding_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    async def explode(self: object, rows: object, browser: object = None) -> None:
        raise RuntimeError(f"Locator.fill: element is not attached {PAGE_TEXT}")

    monkeypatch.setattr(runner_mod.Runner, "run", explode)


def _link(tmp_path: Path, *extra: str, command: str = "link") -> Result:
    env = {
        "PACER_USERNAME": "jdoe",
        "PACER_PASSWORD": "Hunter2-secret",
        "CMECF_USERNAME": "jdoe_ecf",
        "CMECF_PASSWORD": "Hunter2-secret",
        "PACER_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    }
    args = [
        command,
        *(["--yes"] if command == "link" else []),
        "--court",
        "canb",
        "--out",
        str(tmp_path / "out"),
        "--env-file",
        str(empty_env_file(tmp_path)),
    ]
    return CliRunner().invoke(main, [*args, *extra], env=env)


@pytest.mark.usefixtures("exploding_runner")
def test_an_unexpected_exception_is_one_line_pointing_at_the_evidence(tmp_path: Path) -> None:
    result = _link(tmp_path)
    assert result.exit_code == EXIT_RUN_FAILED == 3  # not 1, which means "some rows failed"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "unexpected RuntimeError" in lines[0]
    assert str(tmp_path / "out") in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in result.output
    assert "Hunter2" not in result.output and "<input" not in result.output


@pytest.mark.usefixtures("exploding_runner")
def test_debug_lets_the_exception_through(tmp_path: Path) -> None:
    result = _link(tmp_path, "--debug")
    assert result.exit_code == EXIT_RUN_FAILED
    assert "Traceback" in result.stderr and "not attached" in result.stderr


def test_a_click_ending_from_deep_in_a_run_is_still_unexpected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import click

    async def abort(self: object, rows: object, browser: object = None) -> None:
        raise click.Abort()  # what a prompt raises when its input closes

    monkeypatch.setattr(runner_mod.Runner, "run", abort)
    result = _link(tmp_path)
    assert result.exit_code == EXIT_RUN_FAILED
    assert "unexpected Abort" in result.output and "--debug" in result.output


def test_check_and_record_say_which_of_them_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from ecf_autolink import recorder
    from ecf_autolink.cli import check

    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"Locator.fill: element is not attached {PAGE_TEXT}")

    monkeypatch.setattr(check, "_check_all", explode)
    monkeypatch.setattr(recorder, "record_pages", explode)
    checked = CliRunner().invoke(main, ["check", "--court", "canb"])
    assert checked.exit_code == 1  # as for a selector that no longer matches: look at the court
    assert "the check stopped: unexpected RuntimeError; run again with --debug" in checked.output
    recorded = _record(tmp_path)
    assert recorded.exit_code == 1
    assert "the recording stopped: unexpected RuntimeError; no page was saved; run again with --debug" in (
        recorded.output
    )
    for result in (checked, recorded):
        assert "Traceback" not in result.output and "Hunter2" not in result.output
    # With --debug both end as a broken run, the traceback shown.
    for result in (
        CliRunner().invoke(main, ["check", "--court", "canb", "--debug"]),
        _record(tmp_path, "--debug"),
    ):
        assert result.exit_code == EXIT_RUN_FAILED
        assert "Traceback" in result.stderr and "unexpected RuntimeError (traceback above)" in result.stderr


def _record(tmp_path: Path, *extra: str) -> Result:
    return _link(tmp_path, *extra, command="record")


def test_an_environment_variable_that_is_not_utf8_is_a_named_input_error(tmp_path: Path) -> None:
    # Bytes from a Latin-1 terminal or script, as the operating system hands them over.
    env = {k: v for k, v in os.environb.items() if not k.startswith((b"PACER_", b"CMECF_", b"ATTORNEY_"))}
    env.update(
        {
            b"PACER_USERNAME": b"jdoe",
            b"PACER_PASSWORD": b"Hunter2-secret",
            b"CMECF_USERNAME": b"jdoe_ecf",
            b"CMECF_PASSWORD": b"Hunter2-secret",
            b"PACER_TOTP_SECRET": b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            b"ATTORNEY_NAME": b"Jos\xe9 Nu\xf1ez",
        }
    )
    out = tmp_path / "out"
    args = [
        "link",
        "--yes",
        "--court",
        "canb",
        "--out",
        str(out),
        "--env-file",
        str(empty_env_file(tmp_path)),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "ecf_autolink", *args], env=env, capture_output=True, timeout=120
    )
    said = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, said
    assert "the environment variable ATTORNEY_NAME is not UTF-8 text" in said
    assert "the byte 0xe9" in said and "nothing was attempted" in said
    assert "Traceback" not in said and "Hunter2" not in said and not out.exists()
