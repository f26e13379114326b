"""PACER's no to an account: how it ends the row, and how it is remembered.

A definite no (a wrong password, a locked account, a refused passcode, or an answer
that may have counted as a failed attempt) is handed to `FlowDeps.refusals`, and a row
of an account PACER refused before sends nothing at all: a wrong password repeated is
how accounts get locked.
"""

from __future__ import annotations

from .. import words
from ..outcome import Outcome
from ..pages import pacer_login
from ..web.stops import FlowStop
from .attempt import LinkAttempt


def not_refused_before(attempt: LinkAttempt) -> None:
    """A row of an account PACER refused earlier (this run, or another run here lately)."""
    memory = attempt.deps.refusals
    earlier = memory.earlier(attempt.attorney.pacer_username, attempt.login_origin or "") if memory else None
    if earlier is not None:
        raise FlowStop(
            Outcome.PACER_LOGIN_FAILED,
            words.sign_in_stopped("refused_before", who=attempt.who, earlier=earlier.describe()),
        )


def refused(attempt: LinkAttempt, reason: str) -> None:
    """Remember that PACER refused (or may have counted) this account's attempt, in the
    fixed words of `reason` (a key of `words.REFUSED`)."""
    memory = attempt.deps.refusals
    if memory is not None:
        memory.remember(
            attempt.attorney.pacer_username,
            attempt.login_origin or "",
            attempt.attorney.court,
            words.REFUSED[reason],
        )


def verdict(attempt: LinkAttempt, kind: str) -> FlowStop | None:
    """How a known account state or rejection ends the row, if it is one."""
    said = ACCOUNT_STATES.get(kind)
    if said is None:
        return None
    outcome, reason = said
    if reason in words.REFUSED:
        refused(attempt, reason)
    return FlowStop(outcome, words.sign_in_stopped(reason, who=attempt.who))


# Pages that end the sign-in with a reason the attorney must act on (words.py phrases each).
# Each reason that is PACER refusing this account's credentials is remembered
# (`words.REFUSED`); an enrollment prompt is not: the password was right.
ACCOUNT_STATES: dict[str, tuple[Outcome, str]] = {
    pacer_login.BAD_CREDENTIALS: (Outcome.PACER_LOGIN_FAILED, "bad_credentials"),
    pacer_login.LOCKED: (Outcome.PACER_LOGIN_FAILED, "locked"),
    pacer_login.DISABLED: (Outcome.PACER_LOGIN_FAILED, "disabled"),
    pacer_login.PASSWORD_EXPIRED: (Outcome.PACER_LOGIN_FAILED, "password_expired"),
    pacer_login.ENROLL: (Outcome.MFA_REQUIRED, "mfa_enroll"),
    pacer_login.LEGACY: (Outcome.PACER_LOGIN_FAILED, "legacy"),
    pacer_login.PASSCODE_REJECTED: (Outcome.MFA_REQUIRED, "passcode_rejected"),
}
