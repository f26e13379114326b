"""TOTP codes, backup codes and the choice of passcode provider."""

from __future__ import annotations

import base64
import multiprocessing
import stat
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

from ecf_autolink.otp import (
    BackupCodes,
    BackupCodesProvider,
    PasscodeProvider,
    PromptProvider,
    TotpProvider,
    TotpSource,
    build_provider,
    parse_totp_secret,
)
from ecf_autolink.otp import backup_codes as backup_codes_mod
from ecf_autolink.secret import Secret

# RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
# The RFC's 8-digit values reduced to PACER's 6 digits (value mod 10**6).
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def source_at(now: float, min_remaining: float = 3.0) -> tuple[TotpSource, FakeTime]:
    fake = FakeTime(now)
    return TotpSource(Secret(RFC_SECRET), clock=fake, sleep=fake.sleep, min_remaining=min_remaining), fake


def reference_code(moment: float) -> str:
    return pyotp.TOTP(RFC_SECRET).at(moment)


# --- TOTP ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("moment", "eight_digits"), RFC_VECTORS)
async def test_codes_match_rfc6238_vectors(moment: float, eight_digits: str) -> None:
    source, fake = source_at(moment, min_remaining=0)
    code = await source.code()
    assert isinstance(code, Secret)
    assert code.reveal() == eight_digits[-6:]
    assert fake.slept == []


async def test_code_near_the_end_of_a_window_waits_for_the_next_one() -> None:
    # 1111111109 is one second before a window boundary; the RFC's 1111111111 is in the next.
    source, fake = source_at(1111111109, min_remaining=3)
    code = await source.code()
    assert fake.slept == [pytest.approx(1.0)]
    assert code.reveal() == "050471"


async def test_code_with_enough_time_left_does_not_wait() -> None:
    source, fake = source_at(1111111081, min_remaining=3)
    assert (await source.code()).reveal() == "081804"
    assert fake.slept == []


async def test_next_code_waits_for_the_window_after_the_last_used() -> None:
    source, fake = source_at(45.0)
    first = await source.code()
    assert first.reveal() == "287082" and fake.slept == []
    retry = await source.next_code()
    assert fake.slept == [pytest.approx(15.0)]
    assert fake.now == pytest.approx(60.0)
    assert retry.reveal() == reference_code(60) != first.reveal()
    again = await source.next_code()
    assert fake.slept[-1] == pytest.approx(30.0)
    assert again.reveal() == reference_code(90)


async def test_next_code_after_a_long_pause_uses_the_current_window_without_waiting() -> None:
    source, fake = source_at(45.0)
    await source.code()
    fake.now = 200.0
    assert (await source.next_code()).reveal() == reference_code(200)
    assert fake.slept == []


async def test_a_window_is_never_handed_out_twice() -> None:
    source, fake = source_at(31.0)
    first = await source.code()
    second = await source.code()
    assert fake.slept == [pytest.approx(29.0)]
    assert first.reveal() == reference_code(31) and second.reveal() == reference_code(60)


async def test_next_code_before_any_code_is_the_current_code() -> None:
    source, fake = source_at(1234567890)
    assert (await source.next_code()).reveal() == "005924"
    assert fake.slept == []


def test_totp_source_repr_hides_the_secret() -> None:
    source, _ = source_at(0)
    assert RFC_SECRET not in repr(source)


# --- parsing secrets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown",
    [
        RFC_SECRET,
        RFC_SECRET.lower(),
        " ".join(RFC_SECRET[i : i + 4] for i in range(0, len(RFC_SECRET), 4)).lower(),
        f"  {RFC_SECRET}==\n",
    ],
)
def test_base32_as_apps_show_it_is_normalised(shown: str) -> None:
    assert parse_totp_secret(shown).reveal() == RFC_SECRET


def test_otpauth_uri_gives_its_secret() -> None:
    uri = (
        "otpauth://totp/PACER%3Ajdoe%40firm.example?secret="
        f"{RFC_SECRET.lower()}&issuer=PACER&algorithm=SHA1&digits=6&period=30"
    )
    assert parse_totp_secret(uri).reveal() == RFC_SECRET


@pytest.mark.parametrize(
    "uri",
    [
        f"otpauth://totp/PACER:jdoe?secret={RFC_SECRET}&digits=8",
        f"otpauth://totp/PACER:jdoe?secret={RFC_SECRET}&algorithm=SHA256",
        f"otpauth://totp/PACER:jdoe?secret={RFC_SECRET}&period=60",
        f"otpauth://hotp/PACER:jdoe?secret={RFC_SECRET}&counter=1",
        "otpauth://totp/PACER:jdoe?issuer=PACER",
    ],
)
def test_otpauth_uris_pacer_cannot_use_are_refused_without_the_secret(uri: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_totp_secret(uri)
    assert RFC_SECRET not in str(caught.value)
    assert "PACER_TOTP_SECRET" in str(caught.value)


@pytest.mark.parametrize(
    "bad",
    ["", "123456", "not a secret at all!", "GEZDGNBVGY3TQOJQ1EZDGNBV", "ABCDEFGH", "GEZDGNBVGY3TQOJQG"],
)
def test_bad_secret_error_never_shows_the_value(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_totp_secret(bad, source="the roster's totp column")
    message = str(caught.value)
    assert message == "the roster's totp column is not a base32 secret or an otpauth:// URI"
    # Nothing chained to the error (a decoder's message, say) may carry the value either.
    shown = "".join(traceback.format_exception(caught.value))
    assert not bad or bad not in shown


# --- backup codes ----------------------------------------------------------------------------

CODES = [f"{n:08d}" for n in range(11111111, 11111111 + 10 * 1111, 1111)]


def write_codes(tmp_path: Path, codes: list[str], mode: int = 0o600, header: str = "") -> Path:
    path = tmp_path / "backup-codes.txt"
    path.write_text(header + "\n".join(codes) + "\n")
    path.chmod(mode)
    return path


def fixed_now() -> datetime:
    return datetime(2026, 11, 24, 18, 0, 0, tzinfo=UTC)


def test_take_marks_the_code_in_the_file_before_returning_it(tmp_path: Path) -> None:
    path = write_codes(tmp_path, CODES, header="# PACER backup codes for jdoe\n\n")
    codes = BackupCodes(path, now=fixed_now)
    assert codes.remaining() == 10
    taken = codes.take()
    assert taken is not None and taken.reveal() == CODES[0]
    lines = path.read_text().splitlines()
    assert lines[0] == "# PACER backup codes for jdoe"
    assert lines[2] == f"# used 2026-11-24T18:00:00Z {CODES[0]}"
    assert lines[3:] == CODES[1:]
    assert codes.remaining() == 9


def test_codes_are_never_repeated_and_run_out(tmp_path: Path) -> None:
    codes = BackupCodes(write_codes(tmp_path, CODES))
    taken = [codes.take() for _ in range(10)]
    assert [t.reveal() for t in taken if t] == CODES
    assert codes.take() is None
    assert codes.remaining() == 0


def test_a_new_object_after_a_crash_continues_where_the_file_says(tmp_path: Path) -> None:
    path = write_codes(tmp_path, CODES)
    first = BackupCodes(path).take()
    second = BackupCodes(path).take()  # as if the first process had died after take()
    assert first is not None and second is not None
    assert (first.reveal(), second.reveal()) == (CODES[0], CODES[1])


def test_a_crash_while_writing_leaves_the_file_whole_and_gives_no_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_codes(tmp_path, CODES)
    before = path.read_text()

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_codes_mod.os, "replace", broken_replace)
    codes = BackupCodes(path)
    with pytest.raises(OSError):
        codes.take()
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup-codes.txt", "backup-codes.txt.lock"]
    monkeypatch.undo()
    taken = codes.take()
    assert taken is not None and taken.reveal() == CODES[0]


def test_file_and_lock_are_owner_only(tmp_path: Path) -> None:
    path = write_codes(tmp_path, CODES, mode=0o644)
    BackupCodes(path).take()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.with_name("backup-codes.txt.lock").stat().st_mode) == 0o600


def test_missing_or_unreadable_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(ValueError, match=r"nope\.txt does not exist"):
        BackupCodes(missing)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ValueError, match="a-folder cannot be read"):
        BackupCodes(folder)


def test_repr_shows_only_the_path(tmp_path: Path) -> None:
    codes = BackupCodes(write_codes(tmp_path, CODES))
    assert CODES[0] not in repr(codes) and "backup-codes.txt" in repr(codes)


def test_concurrent_takes_from_threads_never_share_a_code(tmp_path: Path) -> None:
    many = [f"T{n:05d}" for n in range(120)]
    path = write_codes(tmp_path, many)
    results: list[str] = []
    guard = threading.Lock()

    def worker() -> None:
        codes = BackupCodes(path)
        for _ in range(20):
            taken = codes.take()
            assert taken is not None
            with guard:
                results.append(taken.reveal())

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == many
    assert BackupCodes(path).remaining() == 0


def _take_in_child(path: str, count: int, out: multiprocessing.Queue) -> None:
    codes = BackupCodes(path)
    out.put([c.reveal() for c in (codes.take() for _ in range(count)) if c is not None])


def test_concurrent_takes_from_processes_never_share_a_code(tmp_path: Path) -> None:
    many = [f"P{n:05d}" for n in range(80)]
    path = write_codes(tmp_path, many)
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_take_in_child, args=(str(path), 20, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    results = [code for _ in procs for code in queue.get(timeout=30)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    assert sorted(results) == many
    assert sum(line.startswith("# used ") for line in path.read_text().splitlines()) == 80


# --- providers -------------------------------------------------------------------------------


async def test_totp_provider_first_then_retry_in_the_next_window() -> None:
    source, _ = source_at(45.0)
    provider = TotpProvider(source)
    first, retry = await provider.first(), await provider.retry()
    assert first is not None and retry is not None
    assert (first.reveal(), retry.reveal()) == (reference_code(45), reference_code(60))
    assert RFC_SECRET not in provider.describe()


async def test_backup_provider_retry_takes_a_fresh_code(tmp_path: Path) -> None:
    provider = BackupCodesProvider(BackupCodes(write_codes(tmp_path, CODES)))
    first, retry = await provider.first(), await provider.retry()
    assert first is not None and retry is not None
    assert (first.reveal(), retry.reveal()) == (CODES[0], CODES[1])
    described = provider.describe()
    assert "8 left" in described and CODES[2] not in described


async def test_prompt_provider_passes_the_message_and_strips_spaces() -> None:
    asked: list[str] = []

    def ask(message: str) -> str:
        asked.append(message)
        return " 123 456 " if len(asked) == 1 else ""

    provider = PromptProvider(ask, label="J. Doe (jdoe) at canb")
    first = await provider.first()
    assert first is not None and first.reveal() == "123456"
    assert await provider.retry() is None
    assert asked[0].endswith("for J. Doe (jdoe) at canb")
    assert "rejected" in asked[1] and "rejected" not in asked[0]


async def test_prompt_provider_accepts_async_and_argumentless_prompts() -> None:
    async def ask_async(message: str) -> str:
        return "654321"

    def ask_plain() -> str:
        return "111222"

    got_async = await PromptProvider(ask_async).first()
    got_plain = await PromptProvider(ask_plain).first()
    assert got_async is not None and got_async.reveal() == "654321"
    assert got_plain is not None and got_plain.reveal() == "111222"


def never_prompt() -> str:
    raise AssertionError("the prompt must not be used")


def test_provider_choice_prefers_totp_then_backup_codes_then_prompt(tmp_path: Path) -> None:
    path = write_codes(tmp_path, CODES)
    assert isinstance(build_provider(Secret(RFC_SECRET), path, never_prompt), TotpProvider)
    assert isinstance(build_provider(RFC_SECRET.lower(), None, None), TotpProvider)
    assert isinstance(build_provider(None, path, never_prompt), BackupCodesProvider)
    assert isinstance(build_provider(None, None, never_prompt), PromptProvider)
    assert build_provider(None, None, None) is None
    assert isinstance(build_provider(Secret(""), None, never_prompt), PromptProvider)
    assert isinstance(build_provider(None, None, never_prompt), PasscodeProvider)


def test_used_up_backup_codes_give_way_to_the_prompt(tmp_path: Path) -> None:
    path = write_codes(tmp_path, [f"# used 2026-01-01T00:00:00Z {c}" for c in CODES])
    assert isinstance(build_provider(None, path, never_prompt), PromptProvider)
    assert isinstance(build_provider(None, path, None), BackupCodesProvider)


def test_provider_configuration_errors_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PACER_TOTP_SECRET"):
        build_provider(Secret("hunter2"), None, None)
    with pytest.raises(ValueError, match=r"missing\.txt"):
        build_provider(None, tmp_path / "missing.txt", None)


def test_same_secret_shares_one_source_so_rows_never_reuse_a_window() -> None:
    a = build_provider(Secret(RFC_SECRET), None, None)
    b = build_provider(Secret(" ".join(RFC_SECRET.lower())), None, None)
    assert isinstance(a, TotpProvider) and isinstance(b, TotpProvider)
    assert a.source is b.source


def test_describe_survives_a_vanished_codes_file(tmp_path: Path) -> None:
    path = write_codes(tmp_path, CODES)
    provider = BackupCodesProvider(BackupCodes(path))
    path.unlink()
    assert "unreadable" in provider.describe()
