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
}

NOTHING_LINKED = "nothing was linked"
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
    return f"{label}: not started: {_NOT_STARTED[reason]}; {NOTHING_ATTEMPTED}; {then}"


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
