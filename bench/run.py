"""Benchmark (issues 5 and 21): a roster on the replica court, the product against the simplest script.

Both runs link the same sample roster over real loopback HTTP with a slow court
(`--latency` seconds before every answer), one after the other, each in a process of
its own (bench/worker.py) started inside a cgroup (bench/meter.py), while the replica
court answers from this process:

- product: `Runner` exactly as `autolink link` builds it (one browser, a context per
  PACER account, `--concurrency` / `--per-court` limits, journal, evidence), signing in
  through PACER's Authentication API (`--sign-in`);
- sequential: the simplest correct script, one attorney after another, each in a
  fresh browser, calling the same `link_attorney` flow.

CPU is that of each run's whole process tree as the kernel counted it (Python,
Playwright's driver, every Chromium process, reaped or not), split by kind from
samples of each process; peak memory is the PSS summed over the tree. CPU seconds per
link do not depend on what else the machine is doing; wall time and links per minute
do, so the machine's other load during each run is printed beside them.

Exits 1 when a target is missed and 2 when a run was wrong (a row not linked, a final
Submit not seen exactly once).

    .venv/bin/python bench/run.py [--attorneys 40] [--latency 0.25] [--concurrency 8] [--json FILE]
    .venv/bin/python bench/run.py --growth 10,40,160 --no-sequential   # CPU and memory as rosters grow
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import platform
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ecf_autolink.attorney import Attorney
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import Row
from ecf_autolink.replica.court import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import DEMO_COURT_ID, DEMO_COURT_NAME, SampleAttorney, build_accounts
from ecf_autolink.replica.scenarios import make_attorney as sample_attorney

TARGET_CPU_PER_LINK_S = 0.5
TARGET_RATIO = 8.0
TARGET_PEAK_MB = 1024.0
MB = 1024 * 1024
HERE = Path(__file__).resolve().parent

EXIT_TARGET_MISSED = 1
EXIT_WRONG = 2

_FIRST = ("Avery", "Blake", "Carmen", "Dmitri", "Elena", "Farah", "Gideon", "Hana", "Ivan", "Junia")
_LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka")


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


class BenchWrong(Exception):
    """A run produced a wrong result: its speed means nothing then."""


# -- the runs ----------------------------------------------------------------------------------


@dataclass
class Figures:
    mode: str
    rows: int
    linked: int
    wall_s: float  # the run itself, browser launch and close included
    links_per_min: float
    cpu_s: float  # the whole process tree, interpreter start-up included
    cpu_s_per_link: float
    counted_by: str
    cpu_by_kind: dict[str, float]
    processes_by_kind: dict[str, int]
    unattributed_cpu_s: float
    error_bound_cpu_s: float
    peak_pss_mb: float
    peak_processes: int
    requests_per_row: float
    # CPU the rest of the machine used meanwhile (other work, the replica, the sampler),
    # in cores: wall-time figures taken beside a busy machine are not comparable.
    other_load_cores: float
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
    mode: str, results: list[dict[str, str]], court: ReplicaCourt, samples: list[SampleAttorney]
) -> None:
    """Every row linked, and the court saw each attorney's final Submit exactly once."""
    wrong = [
        f"{r['pacer_username']}: {r['outcome']} ({r['message']})"
        for r in results
        if r["outcome"] != Outcome.LINKED
    ]
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


def _busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    with contextlib.suppress(OSError):
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        ticks = [int(f) for f in fields]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
        return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return 0.0


def measure(mode: str, samples: list[SampleAttorney], args: argparse.Namespace, out: Path) -> Figures:
    from meter import TreeMeter

    court = fresh_court(samples, args.latency)
    results_file = out.with_suffix(".json")
    with serve(court) as replica:
        command = [
            sys.executable,
            str(HERE / "worker.py"),
            mode,
            "--court-url",
            replica.court_url,
            "--attorneys",
            str(len(samples)),
            "--concurrency",
            str(args.concurrency),
            "--per-court",
            str(args.per_court),
            "--timeout",
            str(args.timeout),
            "--sign-in",
            args.sign_in,
            "--out",
            str(out),
            "--results",
            str(results_file),
        ]
        if args.browser:
            command += ["--browser", args.browser]
        if args.verbose:
            command.append("--verbose")
        command += [f"--chromium-arg={flag}" for flag in args.chromium_arg]
        busy_before = _busy_s()
        code, tree = TreeMeter(mode, use_cgroup=args.cgroup).run(command)
        busy = _busy_s() - busy_before
    if code != 0:
        raise BenchWrong(f"{mode} run exited {code}")
    record = json.loads(results_file.read_text(encoding="utf-8"))
    results = record["results"]
    check_linked(mode, results, court, samples)
    linked = sum(r["outcome"] == Outcome.LINKED for r in results)
    wall = record["wall_s"]
    return Figures(
        mode=mode,
        rows=len(results),
        linked=linked,
        wall_s=round(wall, 2),
        links_per_min=round(linked / wall * 60, 1),
        cpu_s=round(tree.cpu_s, 2),
        cpu_s_per_link=round(tree.cpu_s / max(1, linked), 3),
        counted_by=tree.counted_by,
        cpu_by_kind=tree.by_kind,
        processes_by_kind=tree.processes_by_kind,
        unattributed_cpu_s=tree.unattributed_s,
        error_bound_cpu_s=tree.error_bound_s,
        peak_pss_mb=tree.peak_pss_mb,
        peak_processes=tree.peak_processes,
        requests_per_row=round(len(court.requests) / max(1, len(results)), 1),
        other_load_cores=round(max(0.0, busy - tree.cpu_s) / max(tree.wall_s, 0.001), 2),
        outcomes=dict(Counter(r["outcome"] for r in results)),
    )


# -- report ------------------------------------------------------------------------------------


def table(figures: list[Figures]) -> str:
    head = (
        f"{'mode':<11}{'rows':>5}{'CPU s':>8}{'CPU s/link':>11}{'peak PSS MB':>12}{'procs':>6}"
        f"{'wall s':>8}{'links/min':>10}{'other load':>11}"
    )
    lines = [head, "-" * len(head)]
    for f in figures:
        lines.append(
            f"{f.mode:<11}{f.rows:>5}{f.cpu_s:>8.1f}{f.cpu_s_per_link:>11.3f}{f.peak_pss_mb:>12.0f}"
            f"{f.peak_processes:>6}{f.wall_s:>8.1f}{f.links_per_min:>10.1f}{f.other_load_cores:>9.2f} c"
        )
    return "\n".join(lines)


def split(f: Figures) -> str:
    """CPU s per link by kind of process, and how many of each the run started."""
    parts = [
        f"{kind} {cpu / max(1, f.linked):.3f} ({f.processes_by_kind.get(kind, 0)})"
        for kind, cpu in f.cpu_by_kind.items()
    ]
    if f.unattributed_cpu_s:
        parts.append(f"between samples {f.unattributed_cpu_s / max(1, f.linked):.3f}")
    bound = f"; the sampler may have missed up to {f.error_bound_cpu_s:.1f} s" if f.error_bound_cpu_s else ""
    return f"  {f.mode}: CPU s/link by kind (processes): " + ", ".join(parts) + f" [{f.counted_by}{bound}]"


def verdicts(product: Figures, ratio: float | None) -> list[str]:
    missed = []
    if product.cpu_s_per_link > TARGET_CPU_PER_LINK_S:
        missed.append(
            f"CPU is {product.cpu_s_per_link:.2f} s per link; the target is at most {TARGET_CPU_PER_LINK_S:g}"
        )
    if ratio is not None and ratio < TARGET_RATIO:
        missed.append(f"throughput is {ratio:.2f}x the sequential script's; the target is {TARGET_RATIO:g}x")
    if product.peak_pss_mb >= TARGET_PEAK_MB:
        missed.append(
            f"peak memory is {product.peak_pss_mb:.0f} MB; the target is under {TARGET_PEAK_MB:g} MB"
        )
    return missed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attorneys", type=int, default=40, help="roster size (default 40)")
    parser.add_argument("--latency", type=float, default=0.25, help="seconds before each answer (0.25)")
    parser.add_argument("--concurrency", type=int, default=8, help="rows at once in the product run (8)")
    parser.add_argument("--per-court", type=int, default=8, help="sessions at once per court (8)")
    parser.add_argument("--sign-in", default="api", choices=("api", "page", "auto"), help="both runs (api)")
    parser.add_argument(
        "--sequential",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the sequential baseline and compare (default on)",
    )
    parser.add_argument(
        "--growth",
        metavar="N,N,...",
        help="instead: the product run at each roster size, to show CPU per link and memory as it grows",
    )
    parser.add_argument(
        "--cgroup",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="count CPU in a cgroup when one can be made (default); --no-cgroup: the sampler only",
    )
    parser.add_argument(
        "--browser",
        metavar="PATH",
        help="Chromium executable for both runs (default: as autolink finds one; AUTOLINK_BROWSER works too)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each page (30)")
    parser.add_argument(
        "--chromium-arg",
        action="append",
        default=[],
        metavar="FLAG",
        help="an extra Chromium flag for the product run, to measure what a flag buys",
    )
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


def chromium_version() -> str:
    import asyncio

    from ecf_autolink import browser as browser_mod

    async def ask() -> str:
        async with browser_mod.launched() as (browser, choice):
            return f"{browser.version} ({choice.describe()})"

    return asyncio.run(ask())


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    args = parse_args(argv)
    sizes = [int(n) for n in args.growth.split(",")] if args.growth else [args.attorneys]
    cpus = os.cpu_count() or 1
    print(
        f"{', '.join(map(str, sizes))} attorneys, {args.latency * 1000:.0f} ms per answer, "
        f"concurrency {args.concurrency}, per court {args.per_court}, --sign-in {args.sign_in}, {cpus} CPUs,"
        f" load average {os.getloadavg()[0]:.1f} before",
        file=sys.stderr,
        flush=True,
    )
    figures: list[Figures] = []
    try:
        with scratch() as tmp:
            for size in sizes:
                samples = sample_roster(size)
                print(f"product run, {size} attorneys ...", file=sys.stderr, flush=True)
                figures.append(measure("product", samples, args, tmp / f"product-{size}"))
            if args.sequential and not args.growth:
                print("sequential run ...", file=sys.stderr, flush=True)
                figures.append(measure("sequential", sample_roster(args.attorneys), args, tmp / "sequential"))
    except BenchWrong as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_WRONG
    print(table(figures))
    for f in figures:
        print(split(f))
    product = figures[0]
    ratio = cpu_ratio = None
    if len(figures) > 1 and figures[1].mode == "sequential":
        sequential = figures[1]
        ratio = round(product.links_per_min / sequential.links_per_min, 2)
        cpu_ratio = round(sequential.cpu_s_per_link / product.cpu_s_per_link, 2)
        print(
            f"ratio: {ratio:.2f}x the sequential script's links/min (target >= {TARGET_RATIO:g}x;"
            f" wall time: depends on the machine's other load); {cpu_ratio:.2f}x less CPU per link"
        )
    for f in figures:
        if f.mode == "product":
            print(
                f"product, {f.rows} rows: {f.cpu_s_per_link:.3f} CPU s per link"
                f" (target <= {TARGET_CPU_PER_LINK_S:g}),"
                f" {f.links_per_min / cpus:.1f} links/min per core, peak {f.peak_pss_mb:.0f} MB PSS over"
                f" {f.peak_processes} processes at most (target < {TARGET_PEAK_MB:g} MB)"
            )
    missed = [] if args.growth else verdicts(product, ratio)
    if args.json:
        record = {
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
            "machine": {
                "cpus": cpus,
                "python": platform.python_version(),
                "chromium": chromium_version(),
            },
            "runs": [asdict(f) for f in figures],
            "ratio": ratio,
            "cpu_ratio": cpu_ratio,
            "targets": {
                "cpu_s_per_link": TARGET_CPU_PER_LINK_S,
                "ratio": TARGET_RATIO,
                "peak_mb": TARGET_PEAK_MB,
            },
            "missed": missed,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for line in missed:
        print(f"target missed: {line}", file=sys.stderr)
    return EXIT_TARGET_MISSED if missed else 0


if __name__ == "__main__":
    sys.exit(main())
