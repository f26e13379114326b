"""One TOTP window per PACER account on this machine: runs share a ledger (issue 23 item 6).

Two processes for one attorney at two courts at once used to send the same code, and
PACER may refuse the second use of a window.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyotp
import pytest

from ecf_autolink.otp import STEP, TotpProvider, TotpSource, WindowLedger, build_provider
from ecf_autolink.secret import Secret

REPO = Path(__file__).resolve().parent.parent
SECRET = base64.b32encode(b"ledger-test-secret-2026").decode()
OTHER_SECRET = base64.b32encode(b"another-attorney-secret!").decode()
# 20 s into a window: ten seconds left, plenty to type a code.
MOMENT = 1_800_000_000 - 1_800_000_000 % STEP + 20.0


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def process_at(folder: Path, username: str, secret: str = SECRET) -> tuple[TotpSource, FakeTime]:
    """A source as a separate process would have it: its own windows, the shared ledger."""
    fake = FakeTime(MOMENT)
    source = TotpSource(Secret(secret), clock=fake, sleep=fake.sleep, ledger=WindowLedger(folder, username))
    return source, fake


def window_of(code: Secret, around: float, secret: str = SECRET) -> int:
    totp = pyotp.TOTP(secret)
    for window in range(int(around // STEP) - 1, int(around // STEP) + 4):
        if totp.at(window * STEP) == code.reveal():
            return window
    raise AssertionError("the code is of no window near the moment")


async def test_two_processes_asking_at_the_same_moment_get_different_windows(tmp_path: Path) -> None:
    first, first_time = process_at(tmp_path, "JDoe")
    # The same account as PACER compares it, spelled as another roster might.
    second, second_time = process_at(tmp_path, " jdoe ")

    a = await first.code()
    b = await second.code()

    now_window = int(MOMENT // STEP)
    assert window_of(a, MOMENT) == now_window and first_time.slept == []
    assert window_of(b, MOMENT) == now_window + 1
    # It waited for its window to begin instead of sending a future code early.
    assert second_time.slept == [pytest.approx(10.0)]
    assert first.ledger_trouble is None and second.ledger_trouble is None


async def test_a_third_process_waits_window_by_window_never_past_the_next(tmp_path: Path) -> None:
    sources = [process_at(tmp_path, "jdoe") for _ in range(3)]
    windows = [window_of(await source.code(), MOMENT) for source, _ in sources]
    assert len(set(windows)) == 3
    now_window = int(MOMENT // STEP)
    assert windows == [now_window, now_window + 1, now_window + 2]
    third_time = sources[2][1]
    # No single wait is longer than one window: it waited for the next to begin, then claimed.
    assert third_time.slept == [pytest.approx(10.0), pytest.approx(30.0)]


async def test_a_different_account_is_not_delayed(tmp_path: Path) -> None:
    busy, _ = process_at(tmp_path, "jdoe")
    await busy.code()
    other, other_time = process_at(tmp_path, "asmith", OTHER_SECRET)
    code = await other.code()
    assert window_of(code, MOMENT, OTHER_SECRET) == int(MOMENT // STEP)
    assert other_time.slept == []


async def test_the_ledger_holds_no_code_no_secret_and_no_name(tmp_path: Path) -> None:
    sources = [process_at(tmp_path, "Quentin.Marlowe") for _ in range(2)]
    codes = [(await source.code()).reveal() for source, _ in sources]
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert files, "the ledger wrote nothing"
    for path in files:
        assert "marlowe" not in path.name.lower()
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in (*codes, SECRET, SECRET.lower(), "Quentin", "quentin"):
            assert secret not in text, path.name
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in files if p.suffix == ".json"]
    assert set(record) == {"window", "at"}
    assert record["window"] == int(MOMENT // STEP) + 1


async def test_an_unusable_ledger_falls_back_to_this_process_with_a_note(tmp_path: Path) -> None:
    # A file where the folder should be: no OS can make a folder under it.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    source, _ = process_at(blocked / "totp", "jdoe")
    provider = TotpProvider(source)
    first, retry = await provider.first(), await provider.retry()
    assert first is not None and retry is not None
    assert window_of(retry, MOMENT) == window_of(first, MOMENT) + 1  # still never twice in here
    note = provider.spent()
    assert note is not None and "passcode ledger" in note and str(blocked) in note
    assert "jdoe" not in note and first.reveal() not in note


async def test_a_record_past_the_next_window_is_not_trusted(tmp_path: Path) -> None:
    # A clock set back, or an edited file: honouring it would hold every code for hours.
    ledger = WindowLedger(tmp_path, "jdoe")
    ledger.claim(lambda last: int(MOMENT // STEP) + 500)
    source, fake = process_at(tmp_path, "jdoe")
    assert window_of(await source.code(), MOMENT) == int(MOMENT // STEP)
    assert fake.slept == []


async def test_the_provider_says_how_long_it_waited_for_another_run(tmp_path: Path) -> None:
    first, _ = process_at(tmp_path, "jdoe")
    await first.code()
    second, _ = process_at(tmp_path, "jdoe")
    provider = TotpProvider(second)
    await provider.first()
    assert provider.spent() == (
        "waited 10 s for a passcode window that no other run on this machine had used for this account"
    )


def test_rows_built_for_an_account_claim_through_the_users_state_folder(tmp_path: Path) -> None:
    # conftest points XDG_STATE_HOME at a folder of this test's own.
    provider = build_provider(Secret(SECRET), None, None, pacer_username="JDoe")
    assert isinstance(provider, TotpProvider)
    ledger = provider.source._ledger
    assert ledger is not None and "jdoe" not in str(ledger.path).lower()
    if sys.platform.startswith("linux"):
        assert str(ledger.path).startswith(os.environ["XDG_STATE_HOME"])


CHILD = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from ecf_autolink.otp import build_provider
    from ecf_autolink.secret import Secret

    provider = build_provider(Secret(sys.argv[1]), None, None, pacer_username=sys.argv[2])
    print("ready", flush=True)
    offset = float(sys.stdin.readline())
    # Both children share one shifted clock, so the test need not wait for a real boundary.
    provider.source._clock = lambda: time.time() + offset
    started = time.monotonic()
    code = asyncio.run(provider.first()).reveal()
    print(json.dumps({"code": code, "waited": time.monotonic() - started, "note": provider.spent()}))
    """
)


def test_two_real_processes_for_one_account_send_two_codes(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, SECRET, name],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("JDoe", "jdoe")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        now = time.time()
        # Six seconds before a window ends, on the children's clock.
        offset = (now // STEP) * STEP + STEP - 6.0 - now
        for child in children:
            assert child.stdin is not None
            child.stdin.write(f"{offset}\n")
            child.stdin.flush()
        answers = []
        for child in children:
            out, err = child.communicate(timeout=90)
            assert child.returncode == 0, err
            answers.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    shifted = now + offset
    windows = sorted(window_of(Secret(a["code"]), shifted) for a in answers)
    assert windows[0] != windows[1]
    assert windows[1] - windows[0] == 1
    # The later one waited for its window to begin; nobody waited more than about one window.
    assert max(a["waited"] for a in answers) >= 1.0
    assert all(a["waited"] < STEP + 2 for a in answers)
