"""Every yes/no question the CLI asks means no when a person presses Enter alone.

The Redaction Agreement's question gives the attorneys' acknowledgement to PACER for the
whole run: a reflexive Enter must not give it. Asked through a real terminal (a pseudo
terminal, so `autolink` sees a TTY as a person's shell would), answered with Enter, the
run must tick nothing at PACER and say how to give the acknowledgement.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import credentials_env, empty_env_file, env_without_credentials

from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import courts_sharing_signon, make_attorney

QUESTION = b"Do you acknowledge it"


def _read_until(
    fd: int, wanted: bytes, seen: bytearray, process: subprocess.Popen[bytes], limit: float
) -> bool:
    import select

    deadline = time.monotonic() + limit
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            seen.extend(chunk)
        elif process.poll() is not None:
            break
    return wanted in seen


@pytest.mark.browser
@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo terminal is POSIX's; the prompt's code is not")
@pytest.mark.parametrize("sign_in", ["page", "api"])
def test_enter_alone_at_the_redaction_question_acknowledges_nothing(tmp_path: Path, sign_in: str) -> None:
    import pty  # noqa: F401  (POSIX only: the skip above)

    person = make_attorney("jdoe")
    courts = courts_sharing_signon(["canb"], [person], login_style="inpage")
    out = tmp_path / "out"
    master, slave = os.openpty()
    seen = bytearray()
    with serve_courts(courts) as running:
        env = {
            **env_without_credentials(),
            **{k: v for k, v in credentials_env(person).items() if v is not None},
            "AUTOLINK_SIGN_IN": sign_in,
        }
        command = [sys.executable, "-m", "ecf_autolink", "link", "--court", "canb"]
        command += ["--court-url", f"canb={running.court_urls['canb']}", "--out", str(out)]
        command += ["--env-file", str(empty_env_file(tmp_path)), "--timeout", "20"]
        process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        try:
            asked = _read_until(master, QUESTION, seen, process, limit=120)
            assert asked, f"the question never came:\n{seen.decode(errors='replace')}"
            os.write(master, b"\r")  # Enter, as a terminal sends it
            _read_until(master, b"\0never", seen, process, limit=120)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
            os.close(master)
    shown = seen.decode(errors="replace")
    assert code == 1, shown
    (row,) = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert row["outcome"] == "pacer_login_failed" and "--acknowledge-redaction" in row["message"], row
    assert not row["redaction_acknowledged"]
    signon = courts[0].signon.seen
    assert signon.redaction_acks == [] and signon.api_redact_flags == []
    assert not list(out.rglob("redaction-acknowledgement.json"))
    assert shown.count("Do you acknowledge it") == 1 and "[y/N]" in shown
