"""Shared test plumbing: sample attorneys as roster rows, and runs against the replica."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext

from ecf_autolink.attorney import Attorney
from ecf_autolink.locators import Selectors, load_selectors
from ecf_autolink.outcome import Result
from ecf_autolink.paths import fixtures_dir
from ecf_autolink.plan import Row
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.interception import default_court_url, install, replica_sender
from ecf_autolink.replica.scenarios import SampleAttorney, build_accounts, make_attorney
from ecf_autolink.runner import Runner, RunOptions
from ecf_autolink.secret import Secret
from ecf_autolink.shared_accounts import SharedAccountGuard, attorney_key


def attorney_for(sample: SampleAttorney, court: str = "canb", **overrides: object) -> Attorney:
    values: dict[str, object] = {
        "court": court,
        "pacer_username": sample.pacer_username,
        "pacer_password": Secret(sample.roster_password),
        "cmecf_username": sample.cmecf_username,
        "cmecf_password": Secret(sample.cmecf_password),
        "name": sample.cmecf_name,
        "totp_secret": Secret(sample.totp_secret)
        if sample.totp_secret and sample.roster_mfa == "totp"
        else None,
    }
    values.update(overrides)
    return Attorney(**values)  # type: ignore[arg-type]


@dataclass
class EventLog:
    """A Progress that remembers everything it was told."""

    lines: list[str] = field(default_factory=list)
    # Set to echo each event with a timestamp, for finding where a slow run spends it.
    echo: bool = False

    def __post_init__(self) -> None:
        self._start = time.monotonic()

    def _add(self, line: str) -> None:
        self.lines.append(line)
        if self.echo:
            print(f"{time.monotonic() - self._start:7.1f}s {line}", flush=True)

    def planned(self, total: int) -> None:
        self._add(f"planned {total}")

    def started(self, row: Row) -> None:
        self._add(f"started {row.attorney.label()}")

    def step(self, row: Row, step: str) -> None:
        self._add(f"step {row.attorney.pacer_username} {step}")

    def finished(self, row: Row, result: Result) -> None:
        self._add(f"finished {row.attorney.pacer_username} {result.outcome} {result.message}")

    def note(self, text: str) -> None:
        self._add(f"note {text}")


def replica_court(*people: SampleAttorney, **options: object) -> ReplicaCourt:
    return ReplicaCourt("canb", "Bankruptcy Court N.D. Cal.", build_accounts(people), **options)  # type: ignore[arg-type]


def court_with_page_changed(tmp: Path, page: str, old: str, new: str) -> ReplicaCourt:
    """A replica court (with sample attorney "jdoe") whose `page` has `old` replaced by
    `new`: a hostile, broken or older court's page."""
    root = tmp / "pages"
    shutil.copytree(fixtures_dir(), root)
    target = root / "default" / page
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{page} no longer holds {old!r}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return replica_court(make_attorney("jdoe"), templates_dir=root)


def env_without_credentials() -> dict[str, str]:
    """This process's environment less anything the developer's shell could lend a run."""
    prefixes = ("PACER_", "CMECF_", "ATTORNEY_", "AUTOLINK_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def _passcodes(row: Row):  # type: ignore[no-untyped-def]
    from ecf_autolink.otp import build_provider

    a = row.attorney
    return build_provider(a.totp_secret, a.backup_codes_file, None)


async def run_on_replica(
    browser: Browser,
    court: ReplicaCourt,
    attorneys: Iterable[Attorney],
    out: Path,
    *,
    mode: str = "http",
    selectors: Selectors | None = None,
    guard: SharedAccountGuard | None = None,
    log: EventLog | None = None,
    acknowledge: bool = True,
    **options: object,
) -> list[Result]:
    """Run the real runner and flow against the replica, over loopback or by interception.

    `acknowledge`: the person running it acknowledged PACER's Redaction Agreement for
    this run (--acknowledge-redaction); False is a run with no flag and no terminal."""
    people = list(attorneys)
    selectors = selectors or load_selectors("canb")
    if guard is None:
        guard = SharedAccountGuard(set())
        for a in people:
            guard.register(a.pacer_username, attorney_key(a.name, a.cmecf_username))
    options.setdefault("timeout_ms", 10_000)
    run_options = RunOptions(out_dir=out, **options)  # type: ignore[arg-type]
    log = log or EventLog()
    ack = (lambda notice: True) if acknowledge else None
    if mode == "http":
        with serve(court) as replica:
            rows = [Row(a, replica.court_url, None, selectors) for a in people]
            runner = Runner(run_options, log, guard=guard, passcodes=_passcodes, acknowledge_redaction=ack)
            return await runner.run(rows, browser)

    async def hook(context: BrowserContext) -> None:
        await install(context, court)

    rows = [Row(a, default_court_url(court), None, selectors) for a in people]
    runner = Runner(
        run_options,
        log,
        guard=guard,
        passcodes=_passcodes,
        context_hook=hook,
        sender=replica_sender(court),
        acknowledge_redaction=ack,
    )
    return await runner.run(rows, browser)


def written_files(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]


def assert_no_secret_written(folder: Path, secrets: Iterable[str]) -> None:
    """No secret in any file's name or bytes (plain or as text inside binary files)."""
    values = [s for s in secrets if s]
    for path in written_files(folder):
        data = path.read_bytes()
        for value in values:
            assert value not in str(path), f"secret in file name {path}"
            assert value.encode() not in data, f"secret inside {path}"
