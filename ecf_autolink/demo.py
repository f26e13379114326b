"""`autolink demo`: a sample roster linked on the built-in replica court, end to end.

The replica runs on 127.0.0.1 with two host names (court and PACER login). The roster
is written as a real CSV whose secrets are `${VAR}` references, so the demo also goes
through roster validation, the journal, the reports and the evidence folders.

`serve_demo` and `prepare_courts` are the demo of the sign-on as PACER has it today:
canb (127.0.0.1) and cacb (127.0.0.2) behind one PACER login host with the in-page
login and the Authentication API (the tool signs in there by the API; one attorney
has both courts and signs in once), and casb behind a login host without the API, so
its attorney signs in on the page. The sample attorneys are fake: the demo acknowledges
the Redaction Agreement on their behalf (`acknowledge_for_samples`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .attorney import Attorney
from .outcome import Outcome
from .paths import STATE_DIR_VAR
from .private import private_dir, write_private
from .replica.court import ReplicaCourt
from .replica.http_server import serve, serve_courts
from .replica.scenarios import (
    DEMO_ATTORNEYS,
    DEMO_COURT_ID,
    DEMO_COURT_NAMES,
    DEMO_PAGE_COURT_ID,
    DEMO_SECOND_COURT_ID,
    SampleAttorney,
    build_accounts,
)
from .replica.signon import SignOn
from .roster import load_roster
from .words import FLAGS

_MARKER = ".autolink-demo"


def _fresh_out(out: Path) -> None:
    """The replica forgets every link when it stops, so a demo starts from an empty folder."""
    if out.exists():
        if not (out / _MARKER).exists() and any(out.iterdir()):
            raise ValueError(f"{out} exists and is not a demo folder; choose another {FLAGS['out']}")
        shutil.rmtree(out)
    private_dir(out)
    write_private(out / _MARKER, b"")


def _var(sample: SampleAttorney, what: str) -> str:
    return f"DEMO_{sample.key.upper()}_{what}"


def write_demo_roster(out: Path) -> tuple[Path, dict[str, str]]:
    return write_roster(out, DEMO_ATTORNEYS)


def write_roster(
    out: Path, people: Iterable[SampleAttorney], *, every_court: bool = False
) -> tuple[Path, dict[str, str]]:
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
    pairs = [(p, c) for p in people for c in (p.demo_courts if every_court else (DEMO_COURT_ID,))]
    for s, court in pairs:
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
                "court": court,
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


DEMO_COURT_IDS = (DEMO_COURT_ID, DEMO_SECOND_COURT_ID, DEMO_PAGE_COURT_ID)


def prepare_courts(out: Path) -> tuple[list[Attorney], dict[str, Outcome]]:
    """As `prepare`, with each sample attorney at each of their demo courts."""
    _fresh_out(out)
    roster_path, env = write_roster(out, DEMO_ATTORNEYS, every_court=True)
    attorneys = load_roster(roster_path, courts=list(DEMO_COURT_IDS), env=env)
    expected = {s.pacer_username: s.expected for s in DEMO_ATTORNEYS}
    return attorneys, expected


def acknowledge_for_samples(notice: str) -> bool:
    """The demo's answer to the Redaction Agreement: yes, for fake sample attorneys only."""
    return True


ACKNOWLEDGEMENT_NOTE = (
    "demo: the sample attorneys are fake, so the demo acknowledges PACER's Redaction "
    f"Agreement on their behalf (a real run needs {FLAGS['acknowledge_redaction']} from the person "
    "running it)"
)


def _court(court_id: str, signon: SignOn, **options: object) -> ReplicaCourt:
    people = [s for s in DEMO_ATTORNEYS if court_id in s.demo_courts]
    return ReplicaCourt(
        court_id,
        DEMO_COURT_NAMES[court_id],
        build_accounts(people),
        signon=signon,
        login_style="inpage",
        **options,  # type: ignore[arg-type]
    )


@dataclass
class DemoServers:
    """The demo's replica courts, running; see the module's docstring."""

    courts: list[ReplicaCourt]
    court_urls: dict[str, str]
    login_urls: dict[str, str]
    notes: list[str] = field(default_factory=list)

    @property
    def links(self) -> int:
        return sum(len(c.links) for c in self.courts)

    @property
    def final_submits(self) -> int:
        return sum(len(c.final_submits) for c in self.courts)

    def describe(self) -> list[str]:
        lines = [
            f"replica court {court_id} at {url}, its PACER login at {self.login_urls[court_id]}"
            for court_id, url in self.court_urls.items()
        ]
        return lines + self.notes

    def summary(self) -> list[str]:
        """What the login hosts saw: sign-ins per attorney and by which path."""
        sign_ins: Counter[str] = Counter()
        api: Counter[str] = Counter()
        passcodes: Counter[str] = Counter()
        seen_signons: set[int] = set()
        for court in self.courts:
            if id(court.signon) in seen_signons:
                continue
            seen_signons.add(id(court.signon))
            sign_ins.update(court.sign_ins)
            api.update(court.signon.seen.api_sign_ins)
            passcodes.update(court.passcode_posts)
        lines = []
        for s in DEMO_ATTORNEYS:
            if len(s.demo_courts) > 1 or s.key == "page_path":
                name = s.pacer_username
                path = "the Authentication API" if api[name] else "the login page"
                lines.append(
                    f"demo: {name} has {len(s.demo_courts)} court(s) ({', '.join(s.demo_courts)}): "
                    f"signed in {sign_ins[name]} time(s) by {path}, {passcodes[name]} passcode(s) sent"
                )
        return lines


@contextlib.contextmanager
def own_state(out: Path) -> Iterator[Path]:
    """The demo's sample accounts leave their traces (a refused password remembered, account
    locks, passcode windows) in `<out>/.state`, not in the user's own state folder: a demo
    run must change neither what a real run on this computer does nor the next demo."""
    folder = private_dir(out / ".state")
    before = os.environ.get(STATE_DIR_VAR)
    os.environ[STATE_DIR_VAR] = str(folder.absolute())
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop(STATE_DIR_VAR, None)
        else:
            os.environ[STATE_DIR_VAR] = before


@contextlib.contextmanager
def serve_demo(latency: float = 0.0) -> Iterator[DemoServers]:
    """Start the demo's courts; they stop (and forget every link) when the block ends."""
    shared = SignOn()
    sso = [_court(DEMO_COURT_ID, shared), _court(DEMO_SECOND_COURT_ID, shared)]
    page_court = _court(DEMO_PAGE_COURT_ID, SignOn(), api_enabled=False)
    for court in (*sso, page_court):
        court.faults.latency = latency
    notes = [ACKNOWLEDGEMENT_NOTE]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        running_sso = serve_courts(sso)
    notes += [f"demo: {w.message}" for w in caught]
    try:
        running_page = serve(page_court, address="127.0.0.3")
    except OSError:
        running_page = serve(page_court)
    with running_sso, running_page:
        court_urls = dict(running_sso.court_urls) | {DEMO_PAGE_COURT_ID: running_page.court_url}
        login_urls = {c.court_id: running_sso.login_url for c in sso}
        login_urls[DEMO_PAGE_COURT_ID] = running_page.login_url + " (no Authentication API)"
        yield DemoServers([*sso, page_court], court_urls, login_urls, notes)
