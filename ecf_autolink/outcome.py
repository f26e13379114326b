"""What happened to one attorney at one court, in words a paralegal can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .attorney import Attorney


def now() -> str:
    """The time a row starts, ends or is marked, as reports and the journal show it (UTC,
    to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Outcome(StrEnum):
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    DRY_RUN = "dry_run"
    REFUSED_SHARED_ACCOUNT = "refused_shared_account"
    REFUSED_NAME_MISMATCH = "refused_name_mismatch"
    PACER_LOGIN_FAILED = "pacer_login_failed"
    MFA_REQUIRED = "mfa_required"
    CMECF_LOGIN_FAILED = "cmecf_login_failed"
    COURT_NOT_READY = "court_not_ready"
    UNCONFIRMED = "unconfirmed"
    SITE_CHANGED = "site_changed"
    ERROR = "error"
    # Derived from the journal, never recorded: the run stopped before this row began.
    NOT_STARTED = "not_started"
    # Nothing submitted: the names differ from an approved plan's, or nobody approved the row.
    CHANGED_SINCE_PLAN = "changed_since_plan"
    NOT_APPROVED = "not_approved"

    @property
    def is_success(self) -> bool:
        return self in SUCCESS

    @property
    def is_final(self) -> bool:
        """A final row is never attempted again by a resumed batch."""
        return self in (Outcome.LINKED, Outcome.ALREADY_LINKED)


SUCCESS = frozenset({Outcome.LINKED, Outcome.ALREADY_LINKED, Outcome.DRY_RUN})


@dataclass(frozen=True)
class Result:
    """One attorney at one court, built once. Never holds a secret.

    `outcome` and `message` are what happened to the row (in this run or, for a row this
    run did not attempt, as recorded by an earlier one); `this_run` is what this run did
    with it (a `row_life.RunAction` key, phrased by words.py)."""

    court: str
    name: str
    pacer_username: str
    outcome: Outcome
    message: str
    cmecf_name: str | None = None
    pacer_name: str | None = None
    started: str | None = None
    finished: str | None = None
    evidence: str | None = None
    # The court address the row ran against, and where it came from ("--court-url",
    # "the .env file …", "environment variable AUTOLINK_COURT_URL", "built-in court list").
    court_url: str | None = None
    court_url_source: str | None = None
    # What signing in cost this row: credential posts (page or API) and passcodes sent,
    # and when the person running it acknowledged PACER's Redaction Agreement (UTC).
    sign_ins: int = 0
    passcodes: int = 0
    redaction_acknowledged: str | None = None
    this_run: str | None = None

    PUBLIC_FIELDS = (
        "court",
        "name",
        "pacer_username",
        "outcome",
        "message",
        "cmecf_name",
        "pacer_name",
        "this_run",
    )

    @classmethod
    def for_attorney(
        cls,
        attorney: Attorney,
        outcome: Outcome,
        message: str,
        *,
        cmecf_name: str | None = None,
        pacer_name: str | None = None,
        sign_ins: int = 0,
        passcodes: int = 0,
        redaction_acknowledged: str | None = None,
        evidence: str | None = None,
        started: str | None = None,
        finished: str | None = None,
    ) -> Result:
        """This attorney's row at their court (who it is comes from the attorney, never a secret)."""
        return cls(
            court=attorney.court,
            name=attorney.name,
            pacer_username=attorney.pacer_username,
            outcome=outcome,
            message=message,
            cmecf_name=cmecf_name,
            pacer_name=pacer_name,
            sign_ins=sign_ins,
            passcodes=passcodes,
            redaction_acknowledged=redaction_acknowledged,
            evidence=evidence,
            started=started,
            finished=finished,
        )

    def with_(self, **changes: object) -> Result:
        """A copy with `changes`: a Result is never edited in place."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def public(self) -> dict[str, str | None]:
        """The fields `--json` prints."""
        data = asdict(self)
        data["outcome"] = str(self.outcome)
        return {key: data[key] for key in self.PUBLIC_FIELDS}

    def full(self) -> dict[str, str | None]:
        """The fields reports keep."""
        data = asdict(self)
        data["outcome"] = str(self.outcome)
        return data
