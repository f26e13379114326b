"""One attorney at a real terminal (a pseudo-terminal): the court, both names and the
verdict, then "Link ...? This cannot be undone. [y/N]" before the permanent Submit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from support import credentials_env, empty_env_file, env_without_credentials, replica_court
from test_cli_terminal import Terminal

from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("answer", "submits", "status"), [("n", [], 1), ("y", ["jdoe"], 0)])
def test_the_person_at_the_terminal_is_asked_before_the_submit(
    tmp_path: Path, answer: str, submits: list[str], status: int
) -> None:
    sample = make_attorney("jdoe")
    court = replica_court(sample)
    env = env_without_credentials()
    env.update({k: v for k, v in credentials_env(sample).items() if v is not None}, TERM="dumb", NO_COLOR="1")
    with serve(court) as replica:
        term = Terminal(
            [
                *(sys.executable, "-m", "ecf_autolink", "--court", "canb"),
                *("--court-url", replica.court_url, "--out", str(tmp_path / "out")),
                *("--env-file", str(empty_env_file(tmp_path)), "--acknowledge-redaction"),
            ],
            env,
            tmp_path,
        )
        term.expect(b"This cannot be undone.")
        assert court.final_submits == []  # asked first
        term.type(answer)
        code = term.finish()
    shown = term.screen.decode(errors="replace")
    assert code == status, shown
    assert court.final_submits == submits
    assert 'CM/ECF account  "Jane Doe" (jdoe_ecf)' in shown
    assert "The tool's verdict: the checks pass" in shown
    assert ("not_approved" in shown) == (answer == "n")
