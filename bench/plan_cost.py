"""Benchmark (issue 20): what a plan costs against a link run, for the demo's roster.

The demo's three replica courts (`autolink demo`: canb and cacb behind one PACER login
host with the Authentication API, casb behind one without), each answer delayed by
`--latency`. Three phases, each on freshly started courts (a plan changes nothing at a
court, so the apply's courts look as the plan's did): `link` (a link run with --yes),
`plan` (a dry run to every confirmation table) and `apply` (a link run held to the plan's
names for the rows it would link). Printed per phase: rows, final Submits, sign-ins as the
login hosts counted them, requests the courts and login hosts saw (per row), wall time.

    .venv/bin/python bench/plan_cost.py [--latency 0.1] [--concurrency 4]

Measured 2026-12-05 on the 2-core development box shared with other work (wall times are
rough), the demo roster (10 rows, 7 attorneys, 3 courts), 250 ms per answer, concurrency 4:

    link   rows  10  submits   5  sign-ins   7  requests    91 (9.1/row)  wall 24.0-27.6 s
    plan   rows  10  submits   0  sign-ins   7  requests    81 (8.1/row)  wall 29.2-29.8 s
    apply  rows   5  submits   5  sign-ins   4  requests    58 (11.6/row)  wall 29.5-31.4 s

A plan costs what a link run costs up to the confirmation table (the same sign-ins, one
request per row fewer: no Submit); plan + apply signs in again for the rows it links.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import QuietProgress, scratch

from ecf_autolink.approval import FromPlan, row_id
from ecf_autolink.cli.inputs import build_guard, passcodes_for
from ecf_autolink.demo import acknowledge_for_samples, prepare_courts, serve_demo
from ecf_autolink.otp import forget_used_windows
from ecf_autolink.plan import build_plan
from ecf_autolink.plan_file import new_plan
from ecf_autolink.planned import approved_names, plan_rows
from ecf_autolink.runner import Runner, RunOptions


def _phase(name: str, out: Path, latency: float, concurrency: int, plan=None):  # type: ignore[no-untyped-def]
    forget_used_windows()
    attorneys, _ = prepare_courts(out)
    with serve_demo(latency) as demo:
        rows = build_plan(attorneys, demo.court_urls, login_origin=None, selector_dirs=[], source="bench")
        guard = build_guard(None, rows)
        approval = None
        if plan is not None:
            chosen = plan.would_link()
            ids = {p.id for p in chosen}
            rows = [r for r in rows if row_id(r.attorney.court, r.attorney.pacer_username) in ids]
            approval = FromPlan(approved_names(chosen, "bench", "now"), "the plan")
        options = RunOptions(out_dir=out / "run", concurrency=concurrency, dry_run=name == "plan")
        runner = Runner(
            options,
            QuietProgress(False),
            guard=guard,
            passcodes=passcodes_for(False),
            acknowledge_redaction=acknowledge_for_samples,
            approval=approval,
        )
        started = time.perf_counter()
        results = asyncio.run(runner.run(rows))
        wall = time.perf_counter() - started
        signons = {id(c.signon): c for c in demo.courts}.values()
        sign_ins = sum(sum(c.sign_ins.values()) for c in signons)
        # Each court object records what it handled, its login host's pages included.
        court_requests = sum(len(c.requests) for c in demo.courts)
        submits = demo.final_submits
    made = new_plan(plan_rows(rows, results, guard), demo.court_urls) if name == "plan" else None
    line = (
        f"{name:6} rows {len(rows):3}  submits {submits:3}  sign-ins {sign_ins:3}"
        f"  requests {court_requests:5} ({(court_requests) / max(1, len(rows)):.1f}/row)"
        f"  wall {wall:6.1f} s"
    )
    return line, made


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with scratch() as tmp:
        link, _ = _phase("link", tmp / "link", args.latency, args.concurrency)
        planned, plan = _phase("plan", tmp / "plan", args.latency, args.concurrency)
        applied, _ = _phase("apply", tmp / "apply", args.latency, args.concurrency, plan)
    print(f"demo roster, {args.latency * 1000:.0f} ms per answer, concurrency {args.concurrency}")
    for line in (link, planned, applied):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
