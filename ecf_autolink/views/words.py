"""Each status word the reports use, with the plain-English line a person reads under it,
and times shown in the machine's own zone."""

from __future__ import annotations

from datetime import datetime

from ..outcome import Outcome
from ..words import ADVICE as NEXT_STEP
from ..words import NOTHING_LINKED

# What the word means, for someone who has never read the manual.
MEANING: dict[str, str] = {
    "would_link": "The court showed matching names. Approve it to link.",
    "linked": "Linked: the court confirmed the CM/ECF account now files with this PACER account.",
    "already_linked": "The court already had this link; nothing was sent.",
    "dry_run": "Looked at only; nothing was sent.",
    "refused_shared_account": "Not linked: this PACER account looks like the firm's shared account.",
    "refused_name_mismatch": "Not linked: the court's two names are not the same person.",
    "pacer_login_failed": "PACER refused the sign-in (username, password or account state).",
    "mfa_required": "PACER asked for a one-time passcode and none was given.",
    "cmecf_login_failed": "The court refused the legacy CM/ECF login or password.",
    "court_not_ready": "This court is not on NextGen CM/ECF yet.",
    "unconfirmed": "The final Submit was sent but no answer came back: look again before anything else.",
    "site_changed": "The court's page is not what the tool knows; nothing was sent.",
    "error": f"Something went wrong on this row; {NOTHING_LINKED}.",
    "not_started": "Not started yet.",
    "changed_since_plan": "The court now shows other names than the ones approved; nothing was sent.",
    "not_approved": "Not approved, so nothing was sent.",
    "waiting": "Waiting for its turn.",
    "running": "Working on it now.",
}

# What to do, by word (the reports' next steps, and one for a plan's verdict).
ACTION: dict[str, str] = {str(o): step for o, step in NEXT_STEP.items()}
ACTION["would_link"] = "Read both names; approve the row if they are the attorney's."
ACTION["dry_run"] = "Read both names; approve the row if they are the attorney's."

# The colour of a word: done well, look at it, or act on it.
_BAD = {
    "pacer_login_failed",
    "mfa_required",
    "cmecf_login_failed",
    "court_not_ready",
    "site_changed",
    "error",
}
TONES: dict[str, str] = {str(o): ("bad" if str(o) in _BAD else "warn") for o in Outcome}
TONES.update(
    {"linked": "good", "already_linked": "good", "would_link": "good", "waiting": "idle", "running": "busy"}
)


def tone_of(word: str) -> str:
    return TONES.get(word, "warn")


def local_time(value: str | None) -> str:
    """An ISO time (UTC in the journal) in this machine's zone, its name shown."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    local = moment.astimezone()
    return local.strftime("%b %d, %Y %I:%M:%S %p ") + (local.tzname() or "")


def is_outcome(word: str) -> bool:
    return word in {str(o) for o in Outcome}
