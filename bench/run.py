"""Benchmark (issue 5, "Speed"): a roster on the replica court, the product against the simplest script.

Both runs link the same sample roster over real loopback HTTP with a slow court
(`--latency` seconds before every answer), in this one process, one after the other:

- product: `Runner` exactly as `autolink link` builds it (one browser, a context per
  row, `--concurrency` / `--per-court` limits, resource blocking, journal, evidence);
- sequential: the simplest correct script, one attorney after another, each in a
  fresh browser, calling the same `link_attorney` flow.

Peak memory is that of the whole process tree (this Python, the replica's threads and
every Chromium process), sampled every 250 ms. The script exits 1 when a target is
missed and 2 when a run was wrong (a row not linked, a final Submit not seen exactly once).

    .venv/bin/python bench/run.py [--attorneys 40] [--latency 0.25] [--concurrency 8] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil
from playwright.async_api import Page, async_playwright

from ecf_autolink import browser as browser_mod
from ecf_autolink.attorney import Attorney

# The CLI's own guard and passcode wiring, so the product run is built as `autolink link` builds it.
from ecf_autolink.cli.inputs import build_guard, passcodes_for
from ecf_autolink.credentials import read_env
from ecf_autolink.evidence import Evidence, folder_name, private_dir
from ecf_autolink.flow.attempt import FlowDeps, FlowSettings
from ecf_autolink.flow.link import link_attorney
from ecf_autolink.otp import build_provider, forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import Row, build_plan
from ecf_autolink.replica.court import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import DEMO_COURT_ID, DEMO_COURT_NAME, SampleAttorney, build_accounts
from ecf_autolink.replica.scenarios import make_attorney as sample_attorney

TARGET_RATIO = 5.0
TARGET_PEAK_MB = 1500.0
# PSS comes from /proc/<pid>/smaps_rollup, which makes the kernel walk each process's
# page tables: at 100 ms that cost the product run a tenth of the two cores it is
# measured on. Rows live for seconds and memory follows them, so 250 ms still sees
# the peak of each wave.
SAMPLE_EVERY_S = 0.25
MB = 1024 * 1024

EXIT_TARGET_MISSED = 1
EXIT_WRONG = 2

_FIRST = ("Avery", "Blake", "Carmen", "Dmitri", "Elena", "Farah", "Gideon", "Hana", "Ivan", "Junia")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka")


class BenchWrong(Exception):
    """A run produced a wrong result: its speed means nothing then."""


# -- the roster --------------------------------------------------------------------------------


def _totp_secret(index: int) -> str:
    # Derived, not random: reruns see the same roster, and no two attorneys share a secret.
    digest = hashlib.sha1(f"ecf-autolink bench {index}".encode()).digest()
    return base64.b32encode(digest).decode()


def sample_roster(count: int) -> list[SampleAttorney]:
    """`count` plain, linkable attorneys, each with their own name, logins and TOTP secret."""
    people = []
    for i in range(count):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
        # Past 40 names repeat; a middle initial keeps them distinct people to the name check.
        name = f"{first} {last}" if i < len(_FIRST) * len(_LAST) else f"{first} {chr(65 + i % 26)}. {last}"
        people.append(
            sample_attorney(
                f"bench{i:03d}",
                scenario="benchmark attorney",
                pacer_name=name,
                cmecf_name=name,
                totp_secret=_totp_secret(i),
            )
        )
    return people


def roster_attorney(sample: SampleAttorney) -> Attorney:
    from ecf_autolink.secret import Secret

    return Attorney(
        court=DEMO_COURT_ID,
        pacer_username=sample.pacer_username,
        pacer_password=Secret(sample.pacer_password),
        cmecf_username=sample.cmecf_username,
        cmecf_password=Secret(sample.cmecf_password),
        name=sample.cmecf_name,
        totp_secret=Secret(sample.totp_secret) if sample.totp_secret else None,
    )


def fresh_court(samples: list[SampleAttorney], latency: float) -> ReplicaCourt:
    """A court that has linked nobody yet, and whose TOTP windows are all unused."""
    # The process-wide TOTP sources remember windows already spent; a fresh court has
    # seen none, and without this the second run would wait for new 30 s windows.
    forget_used_windows()
    court = ReplicaCourt(DEMO_COURT_ID, DEMO_COURT_NAME, build_accounts(samples))
    court.faults.latency = latency
    return court


# -- memory of the whole process tree ---------------------------------------------------------


@dataclass
class MemoryPeak:
    total_mb: float = 0.0  # PSS where the kernel gives it, else RSS (see `kind`)
    rss_sum_mb: float = 0.0  # counts shared pages once per process: an upper bound
    processes: int = 0
    kind: str = "pss"


class MemorySampler:
    """Samples this process and all its descendants every 250 ms in a thread.

    PSS (from /proc/<pid>/smaps_rollup via psutil) splits each shared page among the
    processes mapping it, so summing it over Chromium's many processes does not count
    the shared libraries once per process as an RSS sum would.
    """

    def __init__(self, every_s: float = SAMPLE_EVERY_S) -> None:
        self.every_s = every_s
        self.peak = MemoryPeak()
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bench-memory", daemon=True)

    def __enter__(self) -> MemorySampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def _sample(self) -> None:
        try:
            procs = [self._me, *self._me.children(recursive=True)]
        except psutil.Error:
            return
        total = rss = 0
        alive = 0
        for proc in procs:
            # Chromium starts and ends processes all the time; one gone mid-sample is normal.
            with contextlib.suppress(psutil.Error):
                try:
                    info = proc.memory_full_info()
                    share = getattr(info, "pss", None) or getattr(info, "uss", None)
                    if share is None:
                        self.peak.kind = "rss"
                        share = info.rss
                except psutil.AccessDenied:
                    info = proc.memory_info()
                    share = info.rss
                    self.peak.kind = "rss"
                total += share
                rss += info.rss
                alive += 1
        peak = self.peak
        peak.total_mb = max(peak.total_mb, total / MB)
        peak.rss_sum_mb = max(peak.rss_sum_mb, rss / MB)
        peak.processes = max(peak.processes, alive)


# -- the two runs ------------------------------------------------------------------------------


@dataclass
class Figures:
    mode: str
    rows: int
    linked: int
    wall_s: float
    links_per_min: float
    peak_mb: float
    peak_rss_sum_mb: float
    peak_processes: int
    requests_per_row: float
    cpu_s: float
    memory_kind: str
    outcomes: dict[str, int] = field(default_factory=dict)


class QuietProgress:
    """The runner's progress hooks, kept silent so the terminal does not slow the run."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.notes: list[str] = []

    def planned(self, total: int) -> None:
        return None

    def started(self, row: Row) -> None:
        return None

    def step(self, row: Row, step: str) -> None:
        return None

    def finished(self, row: Row, result: Result) -> None:
        if self.verbose:
            print(f"  {result.outcome:10} {row.attorney.pacer_username}", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)


def check_linked(
    mode: str, results: list[Result], court: ReplicaCourt, samples: list[SampleAttorney]
) -> None:
    """Every row linked, and the court saw each attorney's final Submit exactly once."""
    wrong = [f"{r.pacer_username}: {r.outcome} ({r.message})" for r in results if r.outcome != Outcome.LINKED]
    if len(results) != len(samples):
        wrong.append(f"{len(results)} results for {len(samples)} attorneys")
    submits = Counter(court.final_submits)
    for s in samples:
        if submits[s.pacer_username] != 1:
            wrong.append(f"{s.pacer_username}: the court saw {submits[s.pacer_username]} final Submit(s)")
        if court.links.get(s.cmecf_username) != s.pacer_username:
            wrong.append(f"{s.pacer_username}: the court holds no link for {s.cmecf_username}")
    extra = set(submits) - {s.pacer_username for s in samples}
    if extra:
        wrong.append(f"final Submits from unknown sessions: {sorted(extra)}")
    if wrong:
        raise BenchWrong(f"{mode} run was wrong:\n  " + "\n  ".join(wrong[:20]))


def cpu_seconds() -> float:
    """CPU time of this process plus every descendant that has ended and been reaped.

    Each Chromium process is reaped by its parent (zygote, browser, Playwright's driver),
    so once a run has closed its browser its whole tree's CPU time is in here.
    """
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure(
    mode: str,
    samples: list[SampleAttorney],
    latency: float,
    out: Path,
    body: Callable[[list[Row], Path], list[Result]],
) -> Figures:
    court = fresh_court(samples, latency)
    with MemorySampler() as memory, serve(court) as replica:
        rows = build_plan(
            [roster_attorney(s) for s in samples], {DEMO_COURT_ID: replica.court_url}, login_origin=None
        )
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        results = body(rows, out)
        wall = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
    check_linked(mode, results, court, samples)
    linked = sum(r.outcome == Outcome.LINKED for r in results)
    return Figures(
        mode=mode,
        rows=len(results),
        linked=linked,
        wall_s=round(wall, 2),
        links_per_min=round(linked / wall * 60, 1),
        peak_mb=round(memory.peak.total_mb),
        peak_rss_sum_mb=round(memory.peak.rss_sum_mb),
        peak_processes=memory.peak.processes,
        requests_per_row=round(len(court.requests) / max(1, len(results)), 1),
        cpu_s=round(cpu, 1),
        memory_kind=memory.peak.kind,
        outcomes=dict(Counter(str(r.outcome) for r in results)),
    )


def product_body(args: argparse.Namespace) -> Callable[[list[Row], Path], list[Result]]:
    from ecf_autolink.runner import Runner, RunOptions

    def body(rows: list[Row], out: Path) -> list[Result]:
        options = RunOptions(
            out_dir=out,
            concurrency=args.concurrency,
            per_court=args.per_court,
            timeout_ms=args.timeout * 1000,
            browser=args.browser,
            env=read_env(None),
        )
        progress = QuietProgress(args.verbose)
        # The bench's attorneys are samples on the replica: their acknowledgement is ours to give.
        runner = Runner(
            options,
            progress,
            guard=build_guard(None, rows),
            passcodes=passcodes_for(False),
            acknowledge_redaction=lambda notice: True,
        )
        # As the CLI does: the runner launches and closes its own browser inside the timing.
        return asyncio.run(runner.run(rows))

    return body


async def _sequential(rows: list[Row], out: Path, timeout_s: float, browser: str | None) -> list[Result]:
    results = []
    async with async_playwright() as pw:
        # The same executable as the product run, so the ratio measures the runner, not the build.
        choice = browser_mod.find_browser(browser, playwright_path=pw.chromium.executable_path)
        executable = str(choice.executable) if choice.executable else None
        # The one flag it cannot do without: Chromium's sandbox will not start as root.
        args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        for row in rows:
            a = row.attorney
            browser = await pw.chromium.launch(executable_path=executable, args=args)
            try:

                async def new_page(browser=browser) -> Page:  # type: ignore[no-untyped-def]
                    return await browser.new_page()

                deps = FlowDeps(
                    new_page=new_page,
                    evidence=Evidence(out / folder_name(a.court, a.pacer_username), a.secret_values()),
                    passcodes=build_provider(a.totp_secret, None, None),
                    # Sample attorneys on the replica, as in the product run.
                    acknowledge_redaction=lambda notice: True,
                )
                settings = FlowSettings(
                    court_url=row.court_url, login_origin=row.login_origin, timeout_ms=timeout_s * 1000
                )
                page = await new_page()
                results.append(await link_attorney(page, a, row.selectors, settings, deps))
            finally:
                await browser.close()
    return results


def sequential_body(args: argparse.Namespace) -> Callable[[list[Row], Path], list[Result]]:
    def body(rows: list[Row], out: Path) -> list[Result]:
        return asyncio.run(_sequential(rows, private_dir(out), args.timeout, args.browser))

    return body


# -- report ------------------------------------------------------------------------------------


def table(figures: list[Figures]) -> str:
    head = (
        f"{'mode':<11}{'rows':>5}{'wall s':>9}{'links/min':>11}{'peak MB':>9}"
        f"{'RSS-sum MB':>12}{'procs':>7}{'CPU s':>8}"
    )
    lines = [head, "-" * len(head)]
    for f in figures:
        lines.append(
            f"{f.mode:<11}{f.rows:>5}{f.wall_s:>9.1f}{f.links_per_min:>11.1f}"
            f"{f.peak_mb:>9.0f}{f.peak_rss_sum_mb:>12.0f}{f.peak_processes:>7}{f.cpu_s:>8.1f}"
        )
    return "\n".join(lines)


def verdicts(product: Figures, ratio: float | None) -> list[str]:
    missed = []
    if ratio is not None and ratio < TARGET_RATIO:
        missed.append(f"throughput is {ratio:.2f}x the sequential script's; the target is {TARGET_RATIO:g}x")
    if product.peak_mb >= TARGET_PEAK_MB:
        missed.append(f"peak memory is {product.peak_mb:.0f} MB; the target is under {TARGET_PEAK_MB:g} MB")
    return missed


def chromium_version() -> str:
    async def ask() -> str:
        async with browser_mod.launched() as (browser, choice):
            return f"{browser.version} ({choice.describe()})"

    return asyncio.run(ask())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attorneys", type=int, default=40, help="roster size (default 40)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds before each answer (0.25)")
    parser.add_argument("--concurrency", type=int, default=8, help="rows at once in the product run (8)")
    parser.add_argument("--per-court", type=int, default=8, help="sessions at once per court (8)")
    parser.add_argument(
        "--sequential",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the sequential baseline and compare (default on)",
    )
    parser.add_argument(
        "--browser",
        metavar="PATH",
        help="Chromium executable for both runs (default: as autolink finds one; AUTOLINK_BROWSER works too)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each page (30)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--verbose", action="store_true", help="print each row's outcome as it ends")
    args = parser.parse_args(argv)
    if args.attorneys < 1 or args.concurrency < 1 or args.per_court < 1:
        parser.error("--attorneys, --concurrency and --per-court must be at least 1")
    return args


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    # Journals, reports and evidence screenshots are written as in a real run, then dropped.
    with tempfile.TemporaryDirectory(prefix="autolink-bench-") as tmp:
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    samples = sample_roster(args.attorneys)
    print(
        f"{args.attorneys} attorneys, {args.latency * 1000:.0f} ms per answer, "
        f"concurrency {args.concurrency}, per court {args.per_court}, {os.cpu_count()} CPUs",
        file=sys.stderr,
        flush=True,
    )
    figures: list[Figures] = []
    try:
        with scratch() as tmp:
            print("product run ...", file=sys.stderr, flush=True)
            figures.append(measure("product", samples, args.latency, tmp / "product", product_body(args)))
            if args.sequential:
                print("sequential run ...", file=sys.stderr, flush=True)
                figures.append(
                    measure("sequential", samples, args.latency, tmp / "sequential", sequential_body(args))
                )
    except BenchWrong as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_WRONG
    product = figures[0]
    ratio = round(product.links_per_min / figures[1].links_per_min, 2) if len(figures) > 1 else None
    print(table(figures))
    if ratio is not None:
        print(f"ratio: {ratio:.2f}x the sequential script's links/min (target >= {TARGET_RATIO:g}x)")
    print(
        f"peak memory: {product.peak_mb:.0f} MB {product.memory_kind.upper()} summed over the whole"
        f" process tree, {product.peak_processes} processes at most (target < {TARGET_PEAK_MB:g} MB)"
    )
    missed = verdicts(product, ratio)
    if args.json:
        record = {
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "machine": {
                "cpus": os.cpu_count(),
                "memory_mb": round(psutil.virtual_memory().total / MB),
                "python": platform.python_version(),
                "chromium": chromium_version(),
            },
            "runs": [asdict(f) for f in figures],
            "ratio": ratio,
            "targets": {"ratio": TARGET_RATIO, "peak_mb": TARGET_PEAK_MB},
            "missed": missed,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for line in missed:
        print(f"target missed: {line}", file=sys.stderr)
    return EXIT_TARGET_MISSED if missed else 0


if __name__ == "__main__":
    sys.exit(main())
