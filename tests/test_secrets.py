"""Nothing secret is written or printed anywhere, in any spelling (issue 7).

The demo runs every sample scenario (links, refusals, wrong passwords, passcode
rejections, backup codes, MFA enrollment...) through the real CLI in a subprocess,
with Playwright tracing on. Then everything it printed and everything under its
`--out` folder (file names, bytes, the files inside trace archives) is searched for
every password, TOTP secret, backup code and every passcode valid during the run.
"""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyotp
import pytest

from ecf_autolink.evidence import base64_fragments, secret_forms
from ecf_autolink.replica.scenarios import DEMO_ATTORNEYS

pytestmark = pytest.mark.browser


def _long_secrets() -> set[str]:
    values: set[str] = set()
    for s in DEMO_ATTORNEYS:
        values |= {s.pacer_password, s.roster_password, s.cmecf_password}
        if s.totp_secret:
            values.add(s.totp_secret)
        values |= set(s.backup_codes)
    return {v for v in values if v}


def _passcodes(started: float, ended: float) -> set[str]:
    """Every code any sample's authenticator showed while the demo ran (±1 window)."""
    codes = set()
    for s in DEMO_ATTORNEYS:
        if not s.totp_secret:
            continue
        totp = pyotp.TOTP(s.totp_secret)
        moment = started - 30
        while moment <= ended + 30:
            codes.add(totp.at(moment))
            moment += 30
    return codes


def _needles(secret: str) -> list[bytes]:
    forms = secret_forms(secret)
    return [n.encode() for f in forms for n in {f, *base64_fragments(f)}]


def _short_code_pattern(codes: set[str]) -> re.Pattern[bytes]:
    # Six digits occur by chance inside timestamps and sizes; a leaked passcode would
    # stand as a whole value: in quotes, after "=" or ":", or between tags.
    alternatives = b"|".join(re.escape(c.encode()) for c in sorted(codes))
    return re.compile(rb"(?:[=\"'>:]\s*)(?:" + alternatives + rb")(?=[\"'<&\s,;]|$)")


def _contents(path: Path) -> list[tuple[str, bytes]]:
    """The file's bytes, and each member's bytes when it is an archive (a trace)."""
    data = path.read_bytes()
    found = [(str(path), data)]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found += [(f"{path}!{i.filename}", archive.read(i)) for i in archive.infolist()]
    return found


def test_the_demo_writes_and_prints_no_secret_and_keeps_its_files_private(tmp_path: Path) -> None:
    out = tmp_path / "out"
    started = time.time()
    run = subprocess.run(
        [sys.executable, "-m", "ecf_autolink", "demo", "--out", str(out), "--trace", "--json"],
        capture_output=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
    )
    ended = time.time()
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
    assert b"Traceback" not in run.stderr

    traces = list(out.rglob("trace-*.zip"))
    assert traces, "--trace kept no trace"

    places: list[tuple[str, bytes]] = [("stdout", run.stdout), ("stderr", run.stderr)]
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        places.append((f"file name {rel}", str(rel).encode()))
        if path.is_file() and not path.name.startswith("backup-codes-"):
            # The backup-code files are the demo's own input, as a firm would keep them.
            places += _contents(path)

    secrets = _long_secrets()
    assert len(secrets) >= 10
    for secret in secrets:
        for needle in _needles(secret):
            for where, data in places:
                assert needle not in data, f"a secret ({needle[:3]!r}...) in {where}"
    codes = _short_code_pattern(_passcodes(started, ended))
    for where, data in places:
        match = codes.search(data)
        assert match is None, f"a one-time passcode in {where}: {match.group(0)[:3]!r}..."

    # Readable by the user only: folders 0700, files 0600 (the roster inputs included).
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path.relative_to(out)} is {oct(mode)}"


def test_the_scan_would_see_a_secret_in_every_spelling() -> None:
    """The scan above is only as good as its needles: each spelling must be found."""
    import base64
    from urllib.parse import quote_plus

    secret = "Pacer-Test-Pass-jdoe!"
    body = f"login=jdoe&password={quote_plus(secret)}&x=1".encode()
    spelled = [
        secret.encode(),
        quote_plus(secret).encode(),
        base64.b64encode(body),
        base64.b64encode(b"xy" + secret.encode() + b"tail"),
        f'{{"value": "{secret}"}}'.encode(),
    ]
    needles = _needles(secret)
    for data in spelled:
        assert any(n in data for n in needles), data
    assert _short_code_pattern({"123456"}).search(b'{"value":"123456"}')
    assert _short_code_pattern({"123456"}).search(b"passcode=123456&go=1")
    assert not _short_code_pattern({"123456"}).search(b'"time":1764123456789.5')
