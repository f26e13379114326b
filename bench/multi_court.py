"""Benchmark (issue 12): every attorney at three courts, one PACER sign-in each.

Three replica courts on their own loopback addresses (127.0.0.1, .2, .3; fewer where the
machine will not bind them) share one PACER login host on `localhost`, which signs in the
way PACER does today (in-page login, passcode dialog, Redaction Agreement; the
Authentication API). The roster is linked twice, once per sign-in path (`--sign-in api`,
then `--sign-in page`), each by `Runner` as `autolink link` builds it, with the
Redaction Agreement acknowledged for the sample attorneys (they are fake).

Printed per path: rows linked, sign-ins per attorney (as the login host counted them and
as the tool reported them) and passcodes per attorney. CPU per link is bench/run.py's to
count (in a cgroup, the tool's whole process tree): here the replica courts share this
process, and `getrusage` missed about half of Chromium's CPU.

    .venv/bin/python bench/multi_court.py [--attorneys 6] [--latency 0.1] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import QuietProgress, roster_attorney, sample_roster, scratch

from ecf_autolink.cli.inputs import build_guard, passcodes_for
from ecf_autolink.credentials import read_env
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.plan import build_plan
from ecf_autolink.replica.court import ReplicaCourt
from ecf_autolink.replica.http_server import serve_courts
from ecf_autolink.replica.scenarios import SampleAttorney, courts_sharing_signon

COURT_IDS = ("canb", "cacb", "casb")
EXIT_WRONG = 2


class BenchWrong(Exception):
    pass


@dataclass
class PathFigures:
    sign_in: str
    courts: int
    rows: int
    linked: int
    wall_s: float
    # Per attorney: what the login host saw, and what the tool reported.
    sign_ins_per_attorney: float
    reported_sign_ins_per_attorney: float
    passcodes_per_attorney: float
    credential_posts: int
    final_submits: int
    shared_address: bool


def _acknowledge(_notice: str) -> bool:
    # The sample attorneys are fake; the benchmark acknowledges on their behalf.
    return True


def measure(sign_in: str, samples: list[SampleAttorney], args: argparse.Namespace, out: Path) -> PathFigures:
    from ecf_autolink.runner import Runner, RunOptions

    forget_used_windows()
    courts = courts_sharing_signon(COURT_IDS[: args.courts], samples, login_style="inpage")
    for court in courts:
        court.faults.latency = args.latency
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        running = serve_courts(courts)
    with running:
        attorneys = [replace(roster_attorney(s), court=court.court_id) for court in courts for s in samples]
        rows = build_plan(attorneys, dict(running.court_urls), login_origin=None)
        options = RunOptions(
            out_dir=out,
            concurrency=args.concurrency,
            per_court=args.concurrency,
            timeout_ms=args.timeout * 1000,
            env=read_env(None),
            sign_in=sign_in,
        )
        runner = Runner(
            options,
            QuietProgress(args.verbose),
            guard=build_guard(None, rows),
            passcodes=passcodes_for(False),
            acknowledge_redaction=_acknowledge,
        )
        started = time.perf_counter()
        results = asyncio.run(runner.run(rows))
        wall = time.perf_counter() - started
    _check(sign_in, results, courts, samples)
    login = courts[0]
    linked = sum(r.outcome == Outcome.LINKED for r in results)
    people = len(samples)
    reported = Counter[str]()
    for r in results:
        reported[r.pacer_username] = max(reported[r.pacer_username], getattr(r, "sign_ins", 0) or 0)
    return PathFigures(
        sign_in=sign_in,
        courts=len(courts),
        rows=len(results),
        linked=linked,
        wall_s=round(wall, 2),
        sign_ins_per_attorney=round(sum(login.sign_ins.values()) / people, 2),
        reported_sign_ins_per_attorney=round(sum(reported.values()) / people, 2),
        passcodes_per_attorney=round(sum(login.passcode_posts.values()) / people, 2),
        credential_posts=sum(login.login_posts.values()),
        final_submits=sum(len(c.final_submits) for c in courts),
        shared_address=running.shared_address,
    )


def _check(
    sign_in: str, results: list[Result], courts: list[ReplicaCourt], samples: list[SampleAttorney]
) -> None:
    wrong = [
        f"{r.pacer_username}@{r.court}: {r.outcome} ({r.message})"
        for r in results
        if r.outcome != Outcome.LINKED
    ]
    for court in courts:
        submits = Counter(court.final_submits)
        wrong += [
            f"{s.pacer_username}@{court.court_id}: {submits[s.pacer_username]} final Submits"
            for s in samples
            if submits[s.pacer_username] != 1
        ]
    if wrong:
        raise BenchWrong(f"{sign_in} run was wrong:\n  " + "\n  ".join(wrong[:20]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attorneys", type=int, default=6, help="attorneys, each at every court (6)")
    parser.add_argument("--courts", type=int, default=3, choices=(1, 2, 3), help="courts per attorney (3)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer (0.1)")
    parser.add_argument("--concurrency", type=int, default=4, help="rows at once (4)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each page (30)")
    parser.add_argument("--paths", default="api,page", help="sign-in paths to run, in order (api,page)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--verbose", action="store_true", help="print each row's outcome as it ends")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    samples = sample_roster(args.attorneys)
    print(
        f"{args.attorneys} attorneys x {args.courts} courts, {args.latency * 1000:.0f} ms per answer, "
        f"concurrency {args.concurrency}",
        file=sys.stderr,
        flush=True,
    )
    figures: list[PathFigures] = []
    try:
        with scratch() as tmp:
            for path in [p.strip() for p in args.paths.split(",") if p.strip()]:
                print(f"{path} path ...", file=sys.stderr, flush=True)
                figures.append(measure(path, samples, args, tmp / path))
    except BenchWrong as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_WRONG
    head = (
        f"{'path':<6} {'rows':>5} {'linked':>6} {'wall s':>7} "
        f"{'sign-ins/att':>12} {'(tool)':>6} {'passcodes/att':>13} {'cred posts':>10}"
    )
    print(head)
    for f in figures:
        print(
            f"{f.sign_in:<6} {f.rows:>5} {f.linked:>6} {f.wall_s:>7.1f} "
            f"{f.sign_ins_per_attorney:>12.2f} {f.reported_sign_ins_per_attorney:>6.2f} "
            f"{f.passcodes_per_attorney:>13.2f} {f.credential_posts:>10}"
        )
    if any(f.shared_address for f in figures):
        print(
            "note: some courts shared 127.0.0.1 (no loopback alias); their cookies collided", file=sys.stderr
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
