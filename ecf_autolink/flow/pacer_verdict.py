"""PACER's no to an account: how it ends the row, and how it is remembered.

A definite no (a wrong password, a locked account, a refused passcode, or an answer
that may have counted as a failed attempt) is handed to `FlowDeps.refusals`, and a row
of an account PACER refused before sends nothing at all: a wrong password repeated is
how accounts get locked.
"""

from __future__ import annotations

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
            f"{attempt.who} was not signed in: {earlier.describe()}; not tried again, so as not"
            " to lock the account; no credentials were sent; nothing was linked",
        )


def refused(attempt: LinkAttempt, what: str) -> None:
    """Remember that PACER refused (or may have counted) this account's attempt."""
    memory = attempt.deps.refusals
    if memory is not None:
        memory.remember(
            attempt.attorney.pacer_username, attempt.login_origin or "", attempt.attorney.court, what
        )


def verdict(attempt: LinkAttempt, kind: str) -> FlowStop | None:
    """How a known account state or rejection ends the row, if it is one."""
    said = _ACCOUNT_STATES.get(kind)
    if said is None:
        return None
    outcome, words = said
    why = _REFUSED.get(kind)
    if why is not None:
        refused(attempt, why)
    return FlowStop(outcome, words.format(who=attempt.who))


# Pages that end the sign-in with a reason the attorney must act on ({who} filled in).
_ACCOUNT_STATES: dict[str, tuple[Outcome, str]] = {
    pacer_login.BAD_CREDENTIALS: (
        Outcome.PACER_LOGIN_FAILED,
        "PACER rejected the username or password for {who} — check them in PACER's"
        " Manage My Account; nothing was linked",
    ),
    pacer_login.LOCKED: (
        Outcome.PACER_LOGIN_FAILED,
        "PACER says the account {who} is locked — unlock it with PACER's Service Center; nothing was linked",
    ),
    pacer_login.DISABLED: (
        Outcome.PACER_LOGIN_FAILED,
        "PACER says the account {who} is disabled — contact PACER's Service Center; nothing was linked",
    ),
    pacer_login.PASSWORD_EXPIRED: (
        Outcome.PACER_LOGIN_FAILED,
        "PACER requires a new password for {who} — change it in PACER, then run again;"
        " nothing was linked or changed",
    ),
    pacer_login.ENROLL: (
        Outcome.MFA_REQUIRED,
        "PACER asks {who} to enroll in MFA — enroll in MFA in PACER's Manage My"
        " Account first; nothing was skipped, changed or linked",
    ),
    pacer_login.LEGACY: (
        Outcome.PACER_LOGIN_FAILED,
        "{who} is a legacy PACER account — upgrade it in PACER's Manage My Account first; nothing was linked",
    ),
    pacer_login.PASSCODE_REJECTED: (
        Outcome.MFA_REQUIRED,
        "PACER rejected the one-time passcode for {who}; check the authenticator's clock"
        " or the backup codes; nothing was linked",
    ),
}

# The account states that are PACER refusing this account's credentials, in the fixed words
# its refusal is remembered by (an enrollment prompt is not: the password was right).
_REFUSED: dict[str, str] = {
    pacer_login.BAD_CREDENTIALS: "refused the username or password",
    pacer_login.LOCKED: "said the account is locked",
    pacer_login.DISABLED: "said the account is disabled",
    pacer_login.PASSWORD_EXPIRED: "required a new password",
    pacer_login.LEGACY: "said the account is a legacy account",
    pacer_login.PASSCODE_REJECTED: "refused the one-time passcode",
}
