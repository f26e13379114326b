"""The memory of PACER's refusals: for the rest of the run, and for a while on this machine."""

from __future__ import annotations

from pathlib import Path

from ecf_autolink.refusals import HOLD_S, Refusals


class _Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_first_refusal_is_kept_for_the_run_whatever_the_spelling(tmp_path: Path) -> None:
    memory = Refusals(None)
    assert memory.earlier("JDoe", "https://pacer.login.uscourts.gov") is None
    memory.remember(" jdoe ", "https://pacer.login.uscourts.gov", "canb", "refused the username or password")
    memory.remember("jdoe", "https://pacer.login.uscourts.gov", "cacb", "refused the one-time passcode")
    earlier = memory.earlier("JDOE", "https://pacer.login.uscourts.gov")
    assert earlier is not None and earlier.court == "canb" and earlier.this_run
    assert "refused the username or password at canb" in earlier.describe()
    # PACER's QA host has its own accounts.
    assert memory.earlier("jdoe", "https://qa-login.uscourts.gov") is None


def test_another_run_honours_the_ledger_for_the_hold_and_no_longer(tmp_path: Path) -> None:
    clock = _Clock()
    Refusals(tmp_path, clock=clock).remember(
        "jdoe", "http://localhost:1", "canb", "refused the username or password"
    )
    [ledger] = list(tmp_path.glob("*.json"))
    assert "jdoe" not in ledger.read_text(encoding="utf-8")
    # A new process, the stand-in on another port: the same accounts.
    later = Refusals(tmp_path, clock=clock)
    clock.now += HOLD_S - 1
    earlier = later.earlier("jdoe", "http://localhost:2")
    assert earlier is not None and not earlier.this_run and str(ledger) in earlier.describe()
    clock.now += 2
    assert later.earlier("jdoe", "http://localhost:2") is None


def test_an_unwritable_ledger_still_keeps_the_run_safe(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    memory = Refusals(blocked / "refusals")
    memory.remember("jdoe", "x", "canb", "refused the username or password")
    assert memory.earlier("jdoe", "x") is not None
