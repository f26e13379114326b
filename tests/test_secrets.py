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

import pytest
from support import passcodes_around, short_code_pattern, spellings

from ecf_autolink.evidence import REDACTED, leaked, scrub
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
    return passcodes_around([s.totp_secret for s in DEMO_ATTORNEYS if s.totp_secret], started, ended)


def _needles(secret: str) -> list[bytes]:
    # The test's own spellings (tests/support.py), not the product's list.
    return [n.encode() for n in spellings(secret)]


def _short_code_pattern(codes: set[str]) -> re.Pattern[bytes]:
    # Six digits occur by chance inside timestamps and sizes; a leaked passcode would
    # stand as a whole value: in quotes, after "=" or ":", or between tags.
    return short_code_pattern(codes)


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


# Space, double quote, backslash and two non-ASCII characters: each spelling differs.
HOSTILE = 'Pa ss"wo\\rd é€'
# Written out by hand, so a spelling the product forgets cannot hide behind its own list.
HOSTILE_SPELLINGS = {
    "plain": 'Pa ss"wo\\rd é€',
    "URL-encoded (quote)": "Pa%20ss%22wo%5Crd%20%C3%A9%E2%82%AC",
    "URL-encoded (quote_plus)": "Pa+ss%22wo%5Crd+%C3%A9%E2%82%AC",
    "HTML-escaped": "Pa ss&quot;wo\\rd é€",
    "JSON-escaped": 'Pa ss\\"wo\\\\rd \\u00e9\\u20ac',
    "JSON-escaped, UTF-8 kept": 'Pa ss\\"wo\\\\rd é€',
    "base64": "UGEgc3Mid29ccmQgw6nigqw",
}
# A form post holding the quote_plus spelling, base64-encoded as a trace stores a body.
HOSTILE_BODY_BASE64 = "bG9naW49amRvZSZwYXNzd29yZD1QYStzcyUyMndvJTVDcmQrJUMzJUE5JUUyJTgyJUFDJng9MQ=="


def test_the_hand_written_spellings_are_what_they_say() -> None:
    import base64
    import html
    import json
    from urllib.parse import quote, quote_plus

    assert HOSTILE_SPELLINGS["URL-encoded (quote)"] == quote(HOSTILE, safe="")
    assert HOSTILE_SPELLINGS["URL-encoded (quote_plus)"] == quote_plus(HOSTILE)
    assert HOSTILE_SPELLINGS["HTML-escaped"] == html.escape(HOSTILE)
    assert HOSTILE_SPELLINGS["JSON-escaped"] == json.dumps(HOSTILE)[1:-1]
    assert HOSTILE_SPELLINGS["JSON-escaped, UTF-8 kept"] == json.dumps(HOSTILE, ensure_ascii=False)[1:-1]
    assert base64.b64decode(HOSTILE_SPELLINGS["base64"] + "=") == HOSTILE.encode()
    assert quote_plus(HOSTILE).encode() in base64.b64decode(HOSTILE_BODY_BASE64)
    assert len(set(HOSTILE_SPELLINGS.values())) == len(HOSTILE_SPELLINGS)  # all differ


@pytest.mark.parametrize("spelling", list(HOSTILE_SPELLINGS))
def test_a_secret_with_space_quote_backslash_non_ascii_is_scrubbed_in_every_spelling(spelling: str) -> None:
    written = HOSTILE_SPELLINGS[spelling]
    page = f"<p>before</p><input value='{written}'><p>after</p>"
    cleaned = scrub(page, [HOSTILE])
    assert written not in cleaned, f"the {spelling} spelling survived the scrubber"
    assert REDACTED in cleaned and "before" in cleaned and "after" in cleaned
    # The last line of defence for traces sees it too, and so does this suite's own scan.
    assert leaked(page.encode(), [HOSTILE]), spelling
    assert written in spellings(HOSTILE), spelling


def test_a_secret_inside_a_base64_body_is_seen() -> None:
    data = f'{{"postData": "{HOSTILE_BODY_BASE64}"}}'.encode()
    assert leaked(data, [HOSTILE])
    assert any(n.encode() in data for n in spellings(HOSTILE))
