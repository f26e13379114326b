"""Every sentence a person reads about an outcome or a reason, keyed by outcome and reason.

The flow, the journal, the runner and the reports pass a key and the facts; the words are
chosen here, once. This is also the one module below the CLI that names the CLI's flags
(`FLAGS`): the layers under it speak of "the look-only option", and a renamed flag is
one edit here. Nothing parses a sentence back: a fact a later step needs travels as a
field (`Result.this_run`, `Outcome`), never inside a message.
"""

from __future__ import annotations

from datetime import datetime

from .outcome import Outcome

# The command-line spelling of each option a sentence may point at.
FLAGS = {
    "recheck": "--recheck",
    "dry_run": "--dry-run",
    "debug": "--debug",
    "acknowledge_redaction": "--acknowledge-redaction",
    "sign_in": "--sign-in",
    "proxy": "--proxy",
    "ca_file": "--ca-file",
    "court_url": "--court-url",
    "out": "--out",
    "browser": "--browser",
    "court": "--court",
    "host": "--host",
}

NOTHING_LINKED = "nothing was linked"
NOT_STARTED = "not started"
NOTHING_ATTEMPTED = "nothing was attempted"
DO_NOT_SUBMIT_BY_HAND = "do not submit by hand"
PROXY_ADVICE = (
    f"check {FLAGS['proxy']} / HTTPS_PROXY / NO_PROXY and {FLAGS['ca_file']}, or run `autolink doctor`"
)
# What to do about a row whose final Submit may have reached the court, unconfirmed.
_UNCONFIRMED_NEXT = (
    "run the same command again: it looks at the court first and sends again only when the"
    f" court shows the account not linked and the earlier Submit can no longer be on its way"
    f" ({FLAGS['recheck']} only looks); {DO_NOT_SUBMIT_BY_HAND}"
)

# What to do next about a row whose RECORDED outcome is this (reports, the summary).
ADVICE: dict[Outcome, str] = {
    Outcome.LINKED: "Nothing: file with the PACER account from now on.",
    Outcome.ALREADY_LINKED: "Nothing: the court already had this link.",
    Outcome.DRY_RUN: f"Review the names, then run again without {FLAGS['dry_run']}.",
    Outcome.REFUSED_SHARED_ACCOUNT: "Use the attorney's own individual PACER account, not the firm's.",
    Outcome.REFUSED_NAME_MISMATCH: "Check both names with the attorney; fix the roster or the account.",
    Outcome.PACER_LOGIN_FAILED: "Check the PACER username and password in Manage My Account.",
    Outcome.MFA_REQUIRED: "Supply a TOTP secret, backup codes or run interactively.",
    Outcome.CMECF_LOGIN_FAILED: "Check the legacy CM/ECF login and password with the court.",
    Outcome.COURT_NOT_READY: "Wait until the court is live on NextGen CM/ECF.",
    Outcome.UNCONFIRMED: _UNCONFIRMED_NEXT[0].upper() + _UNCONFIRMED_NEXT[1:] + ".",
    Outcome.SITE_CHANGED: "Run `autolink check`, update selectors/, then run again.",
    Outcome.ERROR: "Read the message and evidence; run again to retry.",
    Outcome.NOT_STARTED: "Run the same command again to start them.",
    Outcome.CHANGED_SINCE_PLAN: "Run `autolink plan` again and have the new names approved.",
    Outcome.NOT_APPROVED: "Approve the row (autolink apply, or answer y) to link it.",
}


def advice(outcome: Outcome) -> str:
    return ADVICE[outcome]


# What this run did with a row (row_life.RunAction), beside the row's recorded outcome.
THIS_RUN: dict[str, str] = {
    "attempted": "attempted",
    "looked_first": "looked at the court first (an earlier Submit may have been sent)",
    "looked_only": "looked only",
    "recorded_earlier": "not attempted: recorded earlier",
    "recheck_leaves": (
        f"not attempted: {FLAGS['recheck']} only looks at rows whose final Submit may have been sent"
    ),
    "not_reached": "not attempted: the run stopped before this row",
}


def this_run(key: str | None) -> str:
    return THIS_RUN.get(key or "", "")


# Why a row never began (the one `not_started` message).
_NOT_STARTED = {
    "stopped": "the run stopped first, after a failure with fail-fast or an interruption",
    "journal_lost": "the run stopped when its journal could no longer be written",
    "journal_unwritable": "the journal could not be written",
    "recheck": (
        f"{FLAGS['recheck']} only looks at rows whose final Submit an earlier run sent without"
        " seeing the answer, and this row's never was"
    ),
}


def not_started(label: str, reason: str) -> str:
    then = (
        f"run again without {FLAGS['recheck']} to link it" if reason == "recheck" else "run again to start it"
    )
    return f"{label}: {NOT_STARTED}: {_NOT_STARTED[reason]}; {NOTHING_ATTEMPTED}; {then}"


def after_submit(what_happened: str) -> str:
    """A row whose final Submit may have reached the court, and then something else."""
    return f"{what_happened}; {_UNCONFIRMED_NEXT}"


def stopped_mid_attempt(label: str, step: str | None, submit_sent: bool) -> str:
    """A row the journal shows caught mid-attempt (the run was killed)."""
    if submit_sent:
        return after_submit(
            f"{label}: the run stopped after the final Submit was handed to the wire (step '{step}')"
        )
    return f"{label}: the run stopped during step '{step}'; nothing was submitted; run again to retry"


def earlier_submit_held(who: str, why_not: str, pid: int | None, after: datetime | None) -> str:
    """A row whose earlier Submit may still be on its way, and the court shows no link yet."""
    if why_not == "sender_running":
        because = f"the process that sent it (pid {pid}) is still running"
        then = "run again once it has ended"
    else:
        when = after.strftime("%Y-%m-%d %H:%M:%S UTC") if after is not None else "a while"
        because = (
            "that Submit may still be on its way to the court (its time on the wire, the"
            f" Submit's timeout plus a margin, ends at {when})"
        )
        then = f"a rerun may look again after {when}"
    return (
        f"{who}: an earlier run sent the final Submit and never saw its answer, and the court's"
        f" link page does not show the account linked yet; {because}, so nothing was sent"
        f" again; {then}; {DO_NOT_SUBMIT_BY_HAND}"
    )


def recheck_not_landed(who: str) -> str:
    return (
        f"{who}: the court's link page does not show the account linked, so the earlier final"
        f" Submit did not land; {FLAGS['recheck']} only looks, so nothing was sent; run again"
        f" without {FLAGS['recheck']} to link it (it looks at the court again first, and sends"
        " only when no other run on this machine is still sending it)"
    )


def unexpected(what: str, submit_sent: bool) -> str:
    if submit_sent:
        return after_submit(f"{what} after the final Submit was sent")
    return f"{what}; {NOTHING_LINKED}; run with {FLAGS['debug']} for the details"


def not_written(message: str, why: str) -> str:
    return f"{message} (not written to the journal: {why})"


def confirmed_by_looking(who: str) -> str:
    return f"linked {who} (confirmed by {FLAGS['recheck']})"


# --- Signing in: why PACER's sign-in ended a row, keyed by reason ---------------------

# What PACER refused (or may have counted), in the fixed words a refusal is remembered by:
# refusals.py writes them to its ledger and reads them back for "PACER {what} at {court}".
REFUSED: dict[str, str] = {
    "bad_credentials": "refused the username or password",
    "locked": "said the account is locked",
    "disabled": "said the account is disabled",
    "password_expired": "required a new password",
    "legacy": "said the account is a legacy account",
    "passcode_rejected": "refused the one-time passcode",
    "api_answer_lost": "was sent the password and its answer was lost",
    "api_rejected": "refused the password or the one-time passcode",
    "login_bounced": "showed its login form again after each password, without a reason",
    "unknown_message": "did not sign in (a message this tool does not know)",
}

_NOT_AGAIN = "not tried again, so as not to lock the account"
_NO_PASSCODE_HOW = "set PACER_TOTP_SECRET or PACER_BACKUP_CODES_FILE, or run in a terminal to type it"
_REDACTION = (
    "PACER's Redaction Agreement must be acknowledged to sign in {who}, and ticking it is the"
    " attorney's acknowledgement: run again with {flag[acknowledge_redaction]}"
    " (or AUTOLINK_ACKNOWLEDGE_REDACTION=1) when you may give it, or in a terminal to be asked; "
)
_API_NOT_TAKEN = "PACER's sign-in API at {origin} did not take the request ({detail})"

# Each reason's sentence. sign_in_stopped fills in `{who}` and the other named facts,
# `{flag[...]}` with the option's command-line spelling and `{nothing}` with NOTHING_LINKED.
_SIGN_IN_STOP: dict[str, str] = {
    # The account states PACER's pages (or the API, in the same words) report.
    "bad_credentials": (
        "PACER rejected the username or password for {who} — check them in PACER's Manage My"
        " Account; {nothing}"
    ),
    "locked": "PACER says the account {who} is locked — unlock it with PACER's Service Center; {nothing}",
    "disabled": "PACER says the account {who} is disabled — contact PACER's Service Center; {nothing}",
    "password_expired": (
        "PACER requires a new password for {who} — change it in PACER, then run again; {nothing} or changed"
    ),
    "mfa_enroll": (
        "PACER asks {who} to enroll in MFA — enroll in MFA in PACER's Manage My Account first;"
        " nothing was skipped, changed or linked"
    ),
    "legacy": "{who} is a legacy PACER account — upgrade it in PACER's Manage My Account first; {nothing}",
    "passcode_rejected": (
        "PACER rejected the one-time passcode for {who}; check the authenticator's clock or the"
        " backup codes; {nothing}"
    ),
    "passcodes_rejected": (
        "PACER rejected the one-time passcode for {who} ({tried}); check the authenticator's clock"
        " or the backup codes; {nothing}"
    ),
    # Before anything is sent.
    "refused_before": (
        "{who} was not signed in: {earlier}; " + _NOT_AGAIN + "; no credentials were sent; {nothing}"
    ),
    "court_not_ready": (
        "{court}'s Document Filing System stayed on the court's own site ({url}) instead of leading"
        " to PACER's login: the court is probably not on NextGen CM/ECF yet; if it is, its page"
        " changed ({what}); {nothing}"
    ),
    "no_passcode_possible": (
        "PACER asks every filer for a one-time passcode and none can be supplied for {who}; "
        + _NO_PASSCODE_HOW
        + " (an attorney not yet enrolled must enroll in MFA in PACER's Manage My Account first);"
        " no credentials were sent; {nothing}"
    ),
    "redaction_not_acknowledged": _REDACTION + "no credentials were sent; {nothing}",
    "redaction_box_not_ticked": _REDACTION + "the box was not ticked; {nothing}",
    "no_login_host": "no trusted login host is known for this court; {nothing}",
    # The Authentication API.
    "api_no_passcode": "no one-time passcode was given for {who}; no credentials were sent; {nothing}",
    "api_not_taken": "{who}: " + _API_NOT_TAKEN + "; try {flag[sign_in]} page; {nothing}",
    "api_session_not_taken": (
        "{who}: PACER's sign-in API signed in, but {court} still asks to sign in; try"
        " {flag[sign_in]} page; {nothing}"
    ),
    "api_answer_lost": (
        "{who}: PACER's sign-in API at {origin} was sent the password and passcode but {said}; PACER"
        " may have counted it as a failed attempt, so the password is not sent again for this"
        " account in this run (on the page or at another court); run again later (with"
        " {flag[sign_in]} page if the API keeps answering so); {nothing}"
    ),
    "api_rejected": (
        "{said} for {who}: it may be the password or the one-time passcode — check the password in"
        " PACER's Manage My Account, and for an authentication app that this machine's clock is"
        " right (the codes depend on it); " + _NOT_AGAIN + "; {nothing}"
    ),
    # The login page.
    "login_bounced": (
        "{bounce} each of {posts} times, without a reason this tool recognises; check the username"
        " and password in PACER's Manage My Account (not tried again, so as not to lock the"
        " account); {nothing}"
    ),
    "passcode_missing": (
        "PACER asked {who} for a one-time passcode and none was supplied; " + _NO_PASSCODE_HOW + "; {nothing}"
    ),
    "unknown_message": 'PACER did not sign in {who} and said "{said}"; ' + _NOT_AGAIN + "; {nothing}",
}


def sign_in_stopped(reason: str, **facts: object) -> str:
    """Why signing in ended the row (`reason` a key of the table above)."""
    return _SIGN_IN_STOP[reason].format(flag=FLAGS, nothing=NOTHING_LINKED, **facts)


def api_not_taken(origin: str, detail: str) -> str:
    """The API never checked the request (so the page may still be tried)."""
    return _API_NOT_TAKEN.format(origin=origin, detail=detail)


def api_answer_unread(unknown: bool, detail: str) -> str:
    """What the API said when its answer cannot say what PACER made of the password."""
    if unknown:
        return f"answered in a form this tool does not know ({detail})"
    return f"gave no answer this tool could read ({detail})"


def pacer_said(description: str, detail: str) -> str:
    return f'PACER said "{description}"' if description else f"PACER refused ({detail})"


def pacer_message(text: str) -> str:
    """PACER's own words on a page this tool does not know, or that it had none."""
    return text or "(no words)"


def refused_again(message: str, said: str) -> str:
    """An account state the API reported, in the page's words and PACER's own."""
    return f"{message} ({said}; not tried again)"
