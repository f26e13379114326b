"""PACER's Redaction Agreement: the operator's own acknowledgement, asked and kept on record.

Ticking the box is the attorney's acknowledgement, so the tool never ticks it by
itself: the person running it answers for this run (a flag or a terminal prompt,
given as a dependency), and each yes is written beside the row's evidence with the
words it answered.
"""

from __future__ import annotations

import inspect
import json

from .. import words
from ..outcome import Outcome, now
from ..web.stops import FlowStop
from .attempt import LinkAttempt


async def acknowledged(attempt: LinkAttempt, notice: str, *, record: bool = True) -> bool:
    """The operator's own acknowledgement of the Redaction Agreement, for this run.

    `record=False` asks before any credential is sent (the page path): the record is kept
    when the box is ticked, with the words the page showed."""
    ask = attempt.deps.acknowledge_redaction
    if ask is None:
        return False
    answer = ask(notice)
    if inspect.isawaitable(answer):
        answer = await answer
    if answer and record:
        _record_acknowledgement(attempt, notice)
    return bool(answer)


def _record_acknowledgement(attempt: LinkAttempt, notice: str) -> None:
    at = now()
    attempt.acknowledged_at = at
    record = {
        "notice": "PACER Redaction Agreement",
        "acknowledged": True,
        "by": "the person running this ecf-autolink run, for this run",
        "for": attempt.attorney.pacer_username,
        "court": attempt.attorney.court,
        "at": at,
        "words": notice,
    }
    attempt.deps.evidence.record("redaction-acknowledgement.json", json.dumps(record, indent=2) + "\n")


def no_acknowledgement(attempt: LinkAttempt, nothing_sent: bool) -> FlowStop:
    reason = "redaction_not_acknowledged" if nothing_sent else "redaction_box_not_ticked"
    return FlowStop(Outcome.PACER_LOGIN_FAILED, words.sign_in_stopped(reason, who=attempt.who))
