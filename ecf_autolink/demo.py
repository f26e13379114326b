"""`autolink demo`: a sample roster linked on the built-in replica court, end to end.

The replica runs on 127.0.0.1 with two host names (court and PACER login). The roster
is written as a real CSV whose secrets are `${VAR}` references, so the demo also goes
through roster validation, the journal, the reports and the evidence folders.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable
from pathlib import Path

from .attorney import Attorney
from .evidence import private_dir, write_private
from .outcome import Outcome
from .replica.scenarios import DEMO_ATTORNEYS, DEMO_COURT_ID, SampleAttorney
from .roster import load_roster

_MARKER = ".autolink-demo"


def _fresh_out(out: Path) -> None:
    """The replica forgets every link when it stops, so a demo starts from an empty folder."""
    if out.exists():
        if not (out / _MARKER).exists() and any(out.iterdir()):
            raise ValueError(f"{out} exists and is not a demo folder; choose another --out")
        shutil.rmtree(out)
    private_dir(out)
    write_private(out / _MARKER, b"")


def _var(sample: SampleAttorney, what: str) -> str:
    return f"DEMO_{sample.key.upper()}_{what}"


def write_demo_roster(out: Path) -> tuple[Path, dict[str, str]]:
    return write_roster(out, DEMO_ATTORNEYS)


def write_roster(out: Path, people: Iterable[SampleAttorney]) -> tuple[Path, dict[str, str]]:
    """Sample attorneys as a firm keeps its roster: no secret in the CSV, only ${VAR}s
    (the returned environment holds them), backup codes in files beside it."""
    env: dict[str, str] = {}
    path = out / "roster.csv"
    fields = [
        "court",
        "name",
        "pacer_username",
        "pacer_password",
        "cmecf_username",
        "cmecf_password",
        "totp_secret",
        "backup_codes_file",
    ]
    rows = []
    for s in people:
        env[_var(s, "PACER_PASSWORD")] = s.roster_password
        env[_var(s, "CMECF_PASSWORD")] = s.cmecf_password
        totp, codes = "", ""
        if s.roster_mfa == "totp" and s.totp_secret:
            env[_var(s, "TOTP")] = s.totp_secret
            totp = "${" + _var(s, "TOTP") + "}"
        elif s.roster_mfa == "backup":
            codes_file = f"backup-codes-{s.pacer_username}.txt"
            write_private(out / codes_file, ("\n".join(s.backup_codes) + "\n").encode())
            codes = codes_file
        rows.append(
            {
                "court": DEMO_COURT_ID,
                "name": s.cmecf_name,
                "pacer_username": s.pacer_username,
                "pacer_password": "${" + _var(s, "PACER_PASSWORD") + "}",
                "cmecf_username": s.cmecf_username,
                "cmecf_password": "${" + _var(s, "CMECF_PASSWORD") + "}",
                "totp_secret": totp,
                "backup_codes_file": codes,
            }
        )
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    write_private(path, text.getvalue().encode("utf-8"))
    return path, env


def prepare(out: Path) -> tuple[list[Attorney], dict[str, Outcome]]:
    """Everything the demo runs on, before any browser starts."""
    _fresh_out(out)
    roster_path, env = write_demo_roster(out)
    attorneys = load_roster(roster_path, courts=[DEMO_COURT_ID], env=env)
    expected = {s.pacer_username: s.expected for s in DEMO_ATTORNEYS}
    return attorneys, expected
