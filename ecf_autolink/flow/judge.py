"""Would a careful attorney press the final Submit for these two names? Pure: no page, no wait.

Two refusals, in this order: a PACER account that looks like a firm's shared one (it
would tie every filing to the firm, not the attorney), then names that are not the
same person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import words
from ..attorney import Attorney
from ..names import check_names
from ..outcome import Outcome
from ..pages.confirmation import ConfirmationNames
from ..shared_accounts import attorney_key, looks_like_organisation

if TYPE_CHECKING:
    from .attempt import SharedGuard


@dataclass(frozen=True)
class Refusal:
    outcome: Outcome
    message: str


def judge(names: ConfirmationNames, attorney: Attorney, guard: SharedGuard | None) -> Refusal | None:
    """The refusal this link deserves, or None when a careful attorney would submit.

    `guard` knows the whole roster (one PACER account for several attorneys is a shared
    one); without it only the PACER name itself is looked at.
    """
    who = f"{attorney.pacer_username} at {attorney.court}"
    shown = f'CM/ECF shows "{names.cmecf_name}", PACER shows "{names.pacer_name}"'
    key = attorney_key(attorney.name, attorney.cmecf_username)
    reason = (
        guard.check(attorney.pacer_username, key, names.pacer_name)
        if guard is not None
        else looks_like_organisation(names.pacer_name)
    )
    if reason:
        return Refusal(
            Outcome.REFUSED_SHARED_ACCOUNT,
            f"refused for {who}: {reason}; {shown}; link only an individual PACER account;"
            f" {words.NOTHING_LINKED}",
        )
    verdict = check_names(names.cmecf_name, names.pacer_name, attorney.name or None)
    if not verdict.match:
        return Refusal(
            Outcome.REFUSED_NAME_MISMATCH,
            f"refused for {who}: {verdict.reason}; {shown}; {words.NOTHING_LINKED}",
        )
    return None
