"""Shared test plumbing: sample attorneys as roster rows, and runs against the replica."""

from __future__ import annotations

import base64
import contextlib
import html
import http.server
import json
import os
import re
import shutil
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

from playwright.async_api import Browser, BrowserContext

from ecf_autolink.attorney import Attorney
from ecf_autolink.flow.court_memory import CourtMemory
from ecf_autolink.locators import Selectors, load_selectors
from ecf_autolink.outcome import Result
from ecf_autolink.paths import CONFIG_DIR_VAR, fixtures_dir
from ecf_autolink.plan import Row
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.interception import default_court_url, install, replica_probe, replica_sender
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


def court_with_page_changed(tmp: Path, page: str, old: str, new: str, **options: object) -> ReplicaCourt:
    """A replica court (with sample attorney "jdoe") whose `page` has `old` replaced by
    `new`: a hostile, broken or older court's page. `options` go to the court."""
    root = tmp / "pages"
    shutil.copytree(fixtures_dir(), root)
    target = root / "default" / page
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{page} no longer holds {old!r}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return replica_court(make_attorney("jdoe"), templates_dir=root, **options)


def empty_env_file(folder: Path) -> Path:
    """An existing, empty .env: keeps the checkout's own .env out of a run (a named
    --env-file must exist)."""
    path = folder / "empty.env"
    path.touch()
    return path


def credentials_env(sample: SampleAttorney) -> dict[str, str | None]:
    """One attorney's credentials as `autolink --court …` reads them from the environment."""
    return {
        "PACER_USERNAME": sample.pacer_username,
        "PACER_PASSWORD": sample.pacer_password,
        "CMECF_USERNAME": sample.cmecf_username,
        "CMECF_PASSWORD": sample.cmecf_password,
        "PACER_TOTP_SECRET": sample.totp_secret,
        "ATTORNEY_NAME": sample.cmecf_name,
    }


def env_without_credentials() -> dict[str, str]:
    """This process's environment less anything the developer's shell could lend a run."""
    prefixes = ("PACER_", "CMECF_", "ATTORNEY_", "AUTOLINK_")
    # The test session's empty configuration folder stays (see conftest).
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes) or k == CONFIG_DIR_VAR}


def with_backup_codes(key: str, count: int = 8, **overrides: object) -> SampleAttorney:
    """A test attorney whose passcodes are backup codes: several runs in one test then
    never wait for a fresh TOTP window, which PACER (and the replica) accepts once."""
    codes = tuple(f"9{sum(map(ord, key)) % 1000:03d}{n:04d}" for n in range(count))
    return make_attorney(key, totp_secret=None, backup_codes=codes, roster_mfa="backup", **overrides)


def backup_codes_attorney(sample: SampleAttorney, folder: Path, **overrides: object) -> Attorney:
    """`attorney_for`, with the sample's backup codes in a file of its own (one a line)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sample.key}-backup-codes.txt"
    path.write_text("".join(f"{code}\n" for code in sample.backup_codes), encoding="utf-8")
    return attorney_for(sample, backup_codes_file=path, **overrides)


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
    prime: Callable[[CourtMemory, str], None] | None = None,
    **options: object,
) -> list[Result]:
    """Run the real runner and flow against the replica, over loopback or by interception.

    `acknowledge`: the person running it acknowledged PACER's Redaction Agreement for
    this run (--acknowledge-redaction); False is a run with no flag and no terminal.
    `prime`: given the run's court memory and the court's address before the run, as if
    earlier rows had found addresses there (http mode)."""
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
            if prime is not None:
                prime(runner.courts, replica.court_url)
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
        probe=replica_probe(court),
        acknowledge_redaction=ack,
    )
    return await runner.run(rows, browser)


def written_files(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]


def spellings(secret: str) -> set[str]:
    """Every way a secret may be written down: plain, URL-encoded (both ways), HTML- and
    JSON-escaped, base64 on its own and inside a longer base64 body.

    Spelt here, with the standard library, and never taken from the product's own list:
    a spelling the product's scrubber forgot must still be looked for.
    """
    text_forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    forms = set(text_forms)
    for form in text_forms:
        raw = form.encode("utf-8")
        forms.add(base64.b64encode(raw).decode().rstrip("="))
        for shift in range(3):
            # Inside a longer base64 body (a form post in a trace), only the characters
            # made of the secret's bits alone, for each of the three alignments.
            encoded = base64.b64encode(b"\0" * shift + raw).decode()
            inner = encoded[(shift * 8 + 5) // 6 : (shift + len(raw)) * 8 // 6]
            if len(inner) >= 6:
                forms.add(inner)
    return {f for f in forms if f}


def passcodes_around(totp_secrets: Iterable[str], started: float, ended: float) -> set[str]:
    """Every code an authenticator showed from a window before `started` to one after `ended`."""
    import pyotp

    codes = set()
    for secret in totp_secrets:
        totp = pyotp.TOTP(secret)
        moment = started - 30
        while moment <= ended + 30:
            codes.add(totp.at(moment))
            moment += 30
    return codes


def short_code_pattern(codes: Iterable[str]) -> re.Pattern[bytes]:
    """A six-digit code standing as a value (quoted, after = or :, between tags), not the
    same digits inside a timestamp or a size."""
    alternatives = b"|".join(re.escape(c.encode()) for c in sorted(codes))
    return re.compile(rb"(?:[=\"'>:]\s*)(?:" + alternatives + rb")(?=[\"'<&\s,;]|$)")


def assert_no_secret_written(folder: Path, secrets: Iterable[str], passcodes: Iterable[str] = ()) -> None:
    """No secret in any spelling, and no one-time passcode, in any file's name or bytes."""
    needles = {form for value in secrets if value for form in spellings(value)}
    codes = set(passcodes)
    pattern = short_code_pattern(codes) if codes else None
    for path in written_files(folder):
        data = path.read_bytes()
        for needle in needles:
            assert needle not in str(path), f"a secret ({needle[:3]}...) in the file name {path}"
            assert needle.encode() not in data, f"a secret ({needle[:3]}...) inside {path}"
        if pattern is not None:
            match = pattern.search(data) or pattern.search(str(path).encode())
            assert match is None, f"a one-time passcode in {path}"


class PageAnswer(http.server.BaseHTTPRequestHandler):
    """A loopback host's handler: `answer(body)` sends a small HTML page; quiet."""

    def answer(self, body: bytes, status: int = 200, content_type: str = "text/html") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, *args: object) -> None:
        return None


@contextlib.contextmanager
def loopback_host(handler: Callable[..., PageAnswer], *, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A real HTTP host on 127.0.0.1 serving `handler` in a thread (HTTPS with `tls`, a
    server context); yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Scripts that make a page send its confirmation form (`confirmForm`, button `button1`)
# twice, the ways a real page could: the form submitted again a moment after the first
# submission, and the button pressing itself a second time.
SUBMITS_TWICE = {
    "form.submit() again": (
        "<script>document.forms.confirmForm.addEventListener('submit', function () {"
        " var form = this; setTimeout(function () { HTMLFormElement.prototype.submit.call(form); }, 30);"
        " });</script>"
    ),
    "double click": (
        "<script>var b = document.querySelector('input[name=button1]');"
        " b.addEventListener('click', function () { if (!b.dataset.again) { b.dataset.again = '1';"
        " setTimeout(function () { b.click(); }, 30); } });</script>"
    ),
}
