"""The CLI at a real terminal (a pseudo-terminal): hidden prompts for a missing password
and for the one-time passcode when PACER asks (issue 4)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest
from support import empty_env_file, env_without_credentials, replica_court

from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

pytestmark = pytest.mark.browser


class Terminal:
    """A child process on a pseudo-terminal; everything it shows is kept in `screen`."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True
        )
        os.close(slave)
        self.screen = b""

    def _read(self, timeout: float) -> bool:
        """Take what the child wrote within `timeout`; False once the terminal is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # Linux reports a closed terminal as EIO
            return False
        self.screen += chunk
        return bool(chunk)

    def expect(self, text: bytes, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            open_ = self._read(0.5)
            if time.monotonic() > deadline or not open_:
                shown = self.screen.decode(errors="replace")
                raise AssertionError(f"never saw {text!r}; the terminal showed:\n{shown}")

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.5):
            pass
        code = self.proc.wait(timeout=10)
        os.close(self.master)
        return code


def test_a_person_at_a_terminal_types_the_password_and_the_passcode_hidden(tmp_path: Path) -> None:
    sample = make_attorney("jdoe")
    court = replica_court(sample)
    env = env_without_credentials()
    # No TOTP secret and no backup codes: PACER's passcode must come from the person.
    env.update(
        PACER_USERNAME=sample.pacer_username,
        CMECF_USERNAME=sample.cmecf_username,
        CMECF_PASSWORD=sample.cmecf_password,
        ATTORNEY_NAME=sample.cmecf_name,
        TERM="dumb",
        NO_COLOR="1",
    )
    with serve(court) as replica:
        term = Terminal(
            [
                sys.executable,
                "-m",
                "ecf_autolink",
                "link",
                "--yes",
                "--court",
                "canb",
                "--court-url",
                replica.court_url,
                "--out",
                str(tmp_path / "out"),
                "--env-file",
                str(empty_env_file(tmp_path)),
            ],
            env,
            tmp_path,
        )
        term.expect(b"PACER password")
        term.type(sample.pacer_password)
        # The Redaction Agreement is the operator's to acknowledge: shown, then asked once.
        term.expect(b"NOTICE OF REDACTION RESPONSIBILITY")
        term.expect(b"Do you acknowledge it")
        term.type("y")
        term.expect(b"one-time passcode")
        code = pyotp.TOTP(sample.totp_secret or "").now()
        term.type(code)
        status = term.finish()
    shown = term.screen.decode(errors="replace")
    assert status == 0, shown
    assert court.final_submits == [sample.pacer_username]
    assert "linked" in shown
    assert shown.count("NOTICE OF REDACTION RESPONSIBILITY") == 1
    # Hidden prompts: what was typed is not echoed back.
    assert sample.pacer_password not in shown
    assert code not in shown


def test_without_a_terminal_a_missing_passcode_is_mfa_required_naming_the_ways(tmp_path: Path) -> None:
    sample = make_attorney("jdoe")
    court = replica_court(sample)
    env = env_without_credentials()
    env.update(
        PACER_USERNAME=sample.pacer_username,
        PACER_PASSWORD=sample.pacer_password,
        CMECF_USERNAME=sample.cmecf_username,
        CMECF_PASSWORD=sample.cmecf_password,
    )
    with serve(court) as replica:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "ecf_autolink",
                "link",
                "--yes",
                "--court",
                "canb",
                "--court-url",
                replica.court_url,
                "--out",
                str(tmp_path / "out"),
                "--json",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=300,
        )
    assert run.returncode == 1, run.stderr.decode()
    assert b'"outcome": "mfa_required"' in run.stdout
    for way in (b"PACER_TOTP_SECRET", b"PACER_BACKUP_CODES_FILE", b"terminal"):
        assert way in run.stdout
    assert court.final_submits == []
