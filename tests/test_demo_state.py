"""The demo's sample accounts leave no trace in the user's own state folder.

A demo run refuses one sample password on purpose. Remembered in the user's state folder,
that refusal would change the next demo's message, and the demo's locks and passcode
windows would sit beside a real run's. The demo keeps them inside its own --out folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_the_demo_keeps_its_state_in_its_own_folder(tmp_path: Path) -> None:
    user_state = tmp_path / "user-state"
    out = tmp_path / "out"
    env = {**os.environ, "XDG_STATE_HOME": str(user_state), "NO_COLOR": "1"}
    env.pop("AUTOLINK_STATE_DIR", None)
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "ecf_autolink", "demo", "--out", str(out)],
            capture_output=True,
            timeout=600,
            env=env,
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
        rows = {r["pacer_username"]: r for r in json.loads((out / "report.json").read_text("utf-8"))}
        # The second demo meets the same refusal afresh, not one remembered from the first.
        assert rows["dwhite"]["outcome"] == "pacer_login_failed"
        assert "another run" not in rows["dwhite"]["message"]
        assert "earlier" not in rows["dwhite"]["message"]
    kept = [p for p in user_state.rglob("*") if p.is_file()] if user_state.exists() else []
    assert kept == []
    assert list((out / ".state" / "refusals").iterdir()), "the demo's refusal was not kept beside it"
    # Beside the journal, and as private as it.
    assert not [p for p in (out / ".state").rglob("*") if p.is_dir() and p.stat().st_mode & 0o077]
    assert (out / ".state").stat().st_mode & 0o777 == 0o700
    assert "AUTOLINK_STATE_DIR" not in os.environ
