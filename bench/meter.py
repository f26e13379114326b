"""The CPU and memory of one process and everything it starts, counted truthfully.

`getrusage(RUSAGE_CHILDREN)` sees only children that were waited for, and Chromium's
zygote and renderers are not waited for by the process that started the run: it
missed about half of a run's CPU. Here the measured process is started inside a cgroup
of its own (v1 `cpuacct` or v2 `cpu.stat`; the bench runs as root or with a delegated
subtree), so the kernel counts every descendant, reparented or not, to the nanosecond.

Where no cgroup can be made, a sampler stands in: every process whose environment
carries the run's tag (inherited by every descendant, reparented or not), read every
`SAMPLE_EVERY_S` and summed by pid from each one's last sample. It misses what a
process used after its last sample: at most one interval per process that ended
(printed as the error bound).

Either way the sampler splits the CPU by kind of process (this Python, Playwright's
driver, the browser, its renderers, its GPU/utility/zygote processes) and records the
peak PSS of the tree; with a cgroup, what it could not attribute is shown as such.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_EVERY_S = 0.1
# PSS makes the kernel walk each process's page tables: every third sample is enough to
# see the peak of each wave of rows (they live for seconds), and costs the measured
# processes far less.
PSS_EVERY = 3
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
TAG_VARIABLE = "ECF_BENCH_TAG"
KINDS = ("python", "driver", "browser", "renderer", "gpu", "utility", "zygote", "other")


def kind_of(cmdline: Sequence[str], root_pid: int, pid: int) -> str:
    if pid == root_pid:
        return "python"
    joined = " ".join(cmdline)
    if "run-driver" in joined or (cmdline and os.path.basename(cmdline[0]).startswith("node")):
        return "driver"
    for arg in cmdline:
        if arg.startswith("--type="):
            kind = arg.removeprefix("--type=")
            if kind == "gpu-process":
                return "gpu"
            return kind if kind in KINDS else "other"
    if "chrom" in joined or "headless_shell" in joined:
        return "browser"
    return "other"


# -- where the kernel counts for us ------------------------------------------------------------


class Cgroup:
    """A fresh cgroup that counts CPU: v1 `cpuacct`, else the v2 hierarchy."""

    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version

    @classmethod
    def make(cls, name: str) -> Cgroup | None:
        for root, version in _cpu_hierarchies():
            path = root / name
            try:
                path.mkdir()
            except OSError:
                continue
            group = cls(path, version)
            try:
                group.usage_s()
            except OSError:
                group.remove()
                continue
            return group
        return None

    def join(self) -> None:
        """Called in the child before it runs anything: it and every descendant are in."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def usage_s(self) -> float:
        if self.version == 1:
            return int((self.path / "cpuacct.usage").read_text()) / 1e9
        for line in (self.path / "cpu.stat").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec":
                return int(value) / 1e6
        raise OSError("no usage_usec in cpu.stat")

    def pids(self) -> list[int]:
        text = (self.path / "cgroup.procs").read_text()
        return [int(p) for p in text.split()]

    def remove(self) -> None:
        # Every process has ended once the measured one is reaped and the browser is closed;
        # a straggler gets a moment to go.
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def _cpu_hierarchies() -> list[tuple[Path, int]]:
    found = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) < 4:
                continue
            mount, fstype, options = Path(parts[1]), parts[2], parts[3].split(",")
            if fstype == "cgroup" and "cpuacct" in options:
                found.append((mount, 1))
            elif fstype == "cgroup2":
                found.append((mount, 2))
    # v1's cpuacct first: on a hybrid machine the v2 tree may be mounted without a CPU count.
    return sorted(found, key=lambda item: item[1])


# -- the sampler ------------------------------------------------------------------------------


@dataclass
class _Seen:
    kind: str
    cpu_s: float


@dataclass
class TreeFigures:
    cpu_s: float  # the whole tree: the cgroup's count, or the sampler's sum
    counted_by: str  # "cgroup v1", "cgroup v2" or "sampler"
    by_kind: dict[str, float]
    processes_by_kind: dict[str, int]
    unattributed_s: float  # cgroup only: CPU of processes that ended between samples
    error_bound_s: float  # sampler only: what it may have missed
    peak_pss_mb: float
    peak_processes: int
    wall_s: float


@dataclass
class _State:
    seen: dict[tuple[int, int], _Seen] = field(default_factory=dict)
    peak_pss_kb: int = 0
    peak_processes: int = 0
    ticks: int = 0


class TreeMeter:
    """Runs a command as a child inside a cgroup (or under the sampler) and measures its tree."""

    def __init__(self, name: str, every_s: float = SAMPLE_EVERY_S, use_cgroup: bool = True) -> None:
        self.tag = f"{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.every_s = every_s
        self.cgroup = Cgroup.make(f"ecf-bench-{self.tag}") if use_cgroup else None
        self._state = _State()
        self._stop = threading.Event()
        self._root_pid = -1

    def run(self, command: Sequence[str], env: dict[str, str] | None = None) -> tuple[int, TreeFigures]:
        environment = dict(os.environ if env is None else env)
        environment[TAG_VARIABLE] = self.tag
        group = self.cgroup
        started = time.perf_counter()
        before = group.usage_s() if group else 0.0
        try:
            # The child joins the cgroup before exec: the interpreter's start-up counts too.
            child = subprocess.Popen(list(command), env=environment, preexec_fn=group.join if group else None)
            self._root_pid = child.pid
            sampler = threading.Thread(target=self._loop, name="bench-meter", daemon=True)
            sampler.start()
            code = child.wait()
            # Chromium's last processes may outlive the driver by a moment.
            self._drain()
            self._stop.set()
            sampler.join()
            wall = time.perf_counter() - started
            cpu = (group.usage_s() - before) if group else 0.0
        finally:
            if group:
                group.remove()
        return code, self._figures(cpu, wall)

    def _drain(self) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self._pids():
            time.sleep(self.every_s)

    def _figures(self, cgroup_cpu: float, wall: float) -> TreeFigures:
        by_kind: Counter[str] = Counter()
        processes: Counter[str] = Counter()
        for seen in self._state.seen.values():
            by_kind[seen.kind] += seen.cpu_s
            processes[seen.kind] += 1
        sampled = sum(by_kind.values())
        group = self.cgroup
        return TreeFigures(
            cpu_s=cgroup_cpu if group else sampled,
            counted_by=f"cgroup v{group.version}" if group else "sampler",
            by_kind={k: round(by_kind[k], 2) for k in KINDS if by_kind[k]},
            processes_by_kind={k: processes[k] for k in KINDS if processes[k]},
            unattributed_s=round(max(0.0, cgroup_cpu - sampled), 2) if group else 0.0,
            error_bound_s=0.0 if group else round(len(self._state.seen) * self.every_s, 1),
            peak_pss_mb=round(self._state.peak_pss_kb / 1024),
            peak_processes=self._state.peak_processes,
            wall_s=round(wall, 2),
        )

    def _pids(self) -> list[int]:
        if self.cgroup:
            with contextlib.suppress(OSError):
                return self.cgroup.pids()
            return []
        return _tree_pids(self._root_pid, self.tag)

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def _sample(self) -> None:
        state = self._state
        state.ticks += 1
        pids = self._pids()
        state.peak_processes = max(state.peak_processes, len(pids))
        pss = 0
        for pid in pids:
            stat = _stat(pid)
            if stat is None:
                continue
            start, cpu = stat
            key = (pid, start)
            seen = state.seen.get(key)
            if seen is None or seen.kind in ("zygote", "other"):
                # A process just forked from a zygote wears the zygote's name until it retitles.
                kind = kind_of(_cmdline(pid), self._root_pid, pid)
                seen = state.seen.setdefault(key, _Seen(kind, 0.0))
                seen.kind = kind
            seen.cpu_s = max(seen.cpu_s, cpu)
            if state.ticks % PSS_EVERY == 0:
                pss += _pss_kb(pid)
        state.peak_pss_kb = max(state.peak_pss_kb, pss)


def _stat(pid: int) -> tuple[int, float] | None:
    """(start time, CPU seconds so far) from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    utime, stime, start = int(fields[11]), int(fields[12]), int(fields[19])
    return start, (utime + stime) / CLK_TCK


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    parts = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    # Chromium's zygote children retitle themselves: one string, its arguments split by spaces.
    return parts[0].split() if len(parts) == 1 else parts


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _tree_pids(root: int, tag: str) -> list[int]:
    """The measured process's descendants, and those of every process carrying its tag.

    Chromium starts its zygotes with an environment of their own, so the tag alone misses
    them; their parent (the browser, which has the tag) leads to them.
    """
    import psutil

    needle = f"{TAG_VARIABLE}={tag}".encode()
    tops = {root}
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        with contextlib.suppress(OSError, psutil.Error):
            parents[pid] = psutil.Process(pid).ppid()
            if needle in Path(entry.path, "environ").read_bytes().split(b"\0"):
                tops.add(pid)
    found = set(tops)
    for pid in parents:
        chain, at = [], pid
        while at in parents and at not in found and at > 1 and len(chain) < 64:
            chain.append(at)
            at = parents[at]
        if at in found:
            found.update(chain)
    return sorted(p for p in found if p in parents)
