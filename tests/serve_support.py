"""Starting `autolink serve` as a person does, for the page's tests: a real process, its
address read from the first line of stdout."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    out: Path
    log: Path

    @property
    def port(self) -> int:
        port = urlsplit(self.url).port
        assert port is not None
        return port

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def served(tmp: Path, env: dict[str, str], *args: str) -> Iterator[Served]:
    out = tmp / "out"
    log = tmp / "serve-stderr.txt"
    with log.open("w", encoding="utf-8") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "ecf_autolink", "serve", "--no-open", "--out", str(out), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env=env,
            cwd=tmp,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), log.read_text()
            yield Served(process, url, out, log)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT if os.name != "nt" else signal.CTRL_C_EVENT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
