"""What every report says about a row: its columns, each outcome's tone, and the rows as
records of text (court names looked up once per court)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from ..outcome import Outcome, Result
from ..words import this_run

CourtName = Callable[[str], str]
Tone = Literal["good", "warn", "bad"]

COLUMNS = (
    "court",
    "court_name",
    "court_url",
    "court_url_source",
    "name",
    "pacer_username",
    "outcome",
    "message",
    # What this run did with the row (the outcome above may be an earlier run's).
    "this_run",
    "cmecf_name",
    "pacer_name",
    "started",
    "finished",
    "evidence",
    # What signing in cost the row (credential posts, passcodes) and when the person
    # running it acknowledged PACER's Redaction Agreement for it, by this run.
    "sign_ins",
    "passcodes",
    "redaction_acknowledged",
)

TONE: dict[Outcome, Tone] = {
    Outcome.LINKED: "good",
    Outcome.ALREADY_LINKED: "good",
    Outcome.DRY_RUN: "warn",
    Outcome.REFUSED_SHARED_ACCOUNT: "warn",
    Outcome.REFUSED_NAME_MISMATCH: "warn",
    Outcome.UNCONFIRMED: "warn",
    Outcome.PACER_LOGIN_FAILED: "bad",
    Outcome.MFA_REQUIRED: "bad",
    Outcome.CMECF_LOGIN_FAILED: "bad",
    Outcome.COURT_NOT_READY: "bad",
    Outcome.SITE_CHANGED: "bad",
    Outcome.ERROR: "bad",
    Outcome.NOT_STARTED: "warn",
    Outcome.CHANGED_SINCE_PLAN: "warn",
    Outcome.NOT_APPROVED: "warn",
}


def records_of(results: Iterable[Result], court_name: CourtName) -> list[dict[str, str | None]]:
    names: dict[str, str] = {}
    records = []
    for result in results:
        if result.court not in names:
            names[result.court] = court_name(result.court)
        data = result.full()
        data["court_name"] = names[result.court]
        data["this_run"] = this_run(result.this_run) or None
        records.append({column: data.get(column) for column in COLUMNS})
    return records


def text_of(value: object) -> str | None:
    return None if value is None else str(value)
