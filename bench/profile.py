"""Where a link's CPU goes (issue 21): counts of what the tool asks of the browser, and
Chromium's own trace of what that costs, per link.

One product run on the replica court (as bench/run.py's, in this process), with:

- counts from the tool's side: pages opened, loads, in-page looks (each a round trip to
  the page and a JavaScript evaluation in it), screenshots and their time, requests at
  the court;
- a Chromium trace (`Browser.start_tracing`) summed by thread and by event: CPU time
  (`tdur`) of every top-level task per thread kind, and the named work inside them
  (script, style, layout, paint, HTML parsing, screenshot capture).

    .venv/bin/python bench/profile.py [--attorneys 10] [--latency 0.25] [--trace-file FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import fresh_court, roster_attorney, sample_roster
from worker import product

from ecf_autolink import browser as browser_mod
from ecf_autolink import evidence as evidence_mod
from ecf_autolink.pages import base
from ecf_autolink.plan import build_plan
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import DEMO_COURT_ID

CATEGORIES = [
    "toplevel",
    "devtools.timeline",
    "v8.execute",
    "blink",
    "disabled-by-default-devtools.timeline",
]
# Work inside tasks worth naming; their CPU overlaps the task totals, not each other much.
NAMED = (
    "ParseHTML",
    "EvaluateScript",
    "v8.run",
    "v8.compile",
    "FunctionCall",
    "V8.Execute",
    "UpdateLayoutTree",
    "Layout",
    "PrePaint",
    "Paint",
    "Layerize",
    "Commit",
    "CaptureScreenshot",
    "PNGImageEncoder::encode",
    "ProxyMain::BeginMainFrame",
    "RenderFrameImpl::didCommitNavigation",
    "HTMLDocumentParser::PumpTokenizer",
)

counts: Counter[str] = Counter()
timings: Counter[str] = Counter()
protocol: Counter[str] = Counter()


def instrument() -> None:
    """Count what the tool asks of each page, by wrapping the few methods that ask."""

    def counted(cls: Any, name: str, label: str) -> None:
        original = getattr(cls, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[label] += 1
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                timings[label] += time.perf_counter() - started

        setattr(cls, name, wrapper)

    counted(base.PageKit, "shows", "in-page look (one kind)")
    counted(base.PageKit, "_shows_any", "in-page look (all kinds at once)")
    counted(base.PageKit, "wait_for_answer", "wait for an in-page answer")
    counted(base.PageKit, "wait_for_any", "wait for one of several kinds")
    counted(base.PageKit, "goto", "load by address")
    counted(base.PageKit, "submit", "form submit with load")
    counted(base.PageKit, "press", "press (answer in the page)")
    counted(evidence_mod.Evidence, "_screenshot", "screenshot")
    counted(evidence_mod.Evidence, "_empty_fields", "screenshot: empty typed fields")

    original_post_init = base.PageKit.__post_init__

    def post_init(self: base.PageKit) -> None:
        counts["page kit (a page the flow drives)"] += 1
        original_post_init(self)

    base.PageKit.__post_init__ = post_init  # type: ignore[method-assign]

    # Every call the tool makes goes Python -> driver -> browser -> page, and every event
    # the tool listens to comes back the same way: count both, by name.
    from playwright._impl import connection

    send = connection.Connection.send_message_to_server
    dispatch = connection.Connection.dispatch

    def counted_send(self: Any, obj: Any, method: str, params: Any, options: Any) -> Any:
        if method != "__waitInfo__":
            protocol[f"call {obj._type}.{method}"] += 1
        return send(self, obj, method, params, options)

    def counted_dispatch(self: Any, message: dict[str, Any]) -> None:
        if not message.get("id") and message.get("method") not in (None, "__create__", "__adopt__"):
            protocol[f"event {message['method']}"] += 1
        return dispatch(self, message)

    connection.Connection.send_message_to_server = counted_send  # type: ignore[method-assign]
    connection.Connection.dispatch = counted_dispatch  # type: ignore[method-assign]


def trace_into(path: Path, categories: list[str]) -> None:
    """Wrap the one browser factory: trace from launch to just before close."""
    original = browser_mod.launched

    @contextlib.asynccontextmanager
    async def launched(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with original(*args, **kwargs) as (browser, choice):
            await browser.start_tracing(path=str(path), categories=categories)
            try:
                yield browser, choice
            finally:
                await browser.stop_tracing()

    browser_mod.launched = launched  # type: ignore[assignment]


def summarise(path: Path, links: int) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    events = data["traceEvents"] if isinstance(data, dict) else data
    process_names: dict[int, str] = {}
    thread_names: dict[tuple[int, int], str] = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "process_name":
            process_names[e["pid"]] = e["args"].get("name", "?")
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            thread_names[(e["pid"], e["tid"])] = e["args"].get("name", "?")
    by_thread: Counter[str] = Counter()
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    open_b: dict[tuple[int, int, str], list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        ph = e.get("ph")
        if ph not in ("X", "B", "E"):
            continue
        key = (e["pid"], e["tid"])
        where = f"{process_names.get(e['pid'], '?')}/{_thread_kind(thread_names.get(key, '?'))}"
        tdur = e.get("tdur")
        if ph == "B":
            open_b[(e["pid"], e["tid"], e["name"])].append(e)
            continue
        if ph == "E":
            stack = open_b.get((e["pid"], e["tid"], e.get("name", "")))
            if not stack:
                continue
            begin = stack.pop()
            if "tts" in begin and "tts" in e:
                tdur = e["tts"] - begin["tts"]
        if tdur is None:
            continue
        name = e.get("name", "")
        # Chromium nests "RunTask" inside "ThreadControllerImpl::RunTask": count the outer one.
        if name in ("ThreadControllerImpl::RunTask", "ThreadPool_RunTask"):
            by_thread[where] += tdur
        if name in NAMED:
            by_name[where][name] += tdur
    lines = ["CPU ms per link by thread (top-level tasks, thread time):"]
    for where, us in by_thread.most_common(14):
        lines.append(f"  {us / 1000 / links:8.1f}  {where}")
    lines.append("named work inside them, CPU ms per link:")
    for where, names in sorted(by_name.items(), key=lambda item: -sum(item[1].values())):
        for name, us in names.most_common():
            if us / 1000 / links >= 0.5:
                lines.append(f"  {us / 1000 / links:8.1f}  {where}: {name}")
    return lines


def _thread_kind(name: str) -> str:
    return name.rstrip("0123456789").rstrip("/_ ") or name


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attorneys", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--per-court", type=int, default=8)
    parser.add_argument("--sign-in", default="api")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--browser")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--no-trace", action="store_true", help="counts only")
    parser.add_argument("--trace-file", type=Path, help="keep Chromium's trace here")
    parser.add_argument("--categories", help="Chromium trace categories, comma-separated")
    args = parser.parse_args()
    instrument()
    samples = sample_roster(args.attorneys)
    court = fresh_court(samples, args.latency)
    with tempfile.TemporaryDirectory(prefix="autolink-profile-") as tmp:
        trace = args.trace_file or Path(tmp) / "trace.json"
        if not args.no_trace:
            trace_into(trace, args.categories.split(",") if args.categories else CATEGORIES)
        with serve(court) as replica:
            rows = build_plan(
                [roster_attorney(s) for s in samples], {DEMO_COURT_ID: replica.court_url}, login_origin=None
            )
            results = product(rows, Path(tmp) / "out", args)
        linked = sum(str(r.outcome) == "linked" for r in results)
        n = max(1, linked)
        print(f"{linked}/{len(results)} linked; per link:")
        for label, count in sorted(counts.items()):
            extra = f"  ({timings[label] / count * 1000:.0f} ms each)" if label in timings else ""
            print(f"  {count / n:7.1f}  {label}{extra}")
        print(f"  {len(court.requests) / n:7.1f}  requests at the court")
        print(f"  {sum(protocol.values()) / n:7.1f}  Playwright protocol messages, of which:")
        for label, count in protocol.most_common(25):
            print(f"  {count / n:9.1f}  {label}")
        if not args.no_trace:
            print("\n".join(summarise(trace, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
