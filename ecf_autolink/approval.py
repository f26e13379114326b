"""Who may let the permanent final Submit go: the flow asks an `Approval` at the
confirmation table, after its own checks passed, and sends only when it answers `None`.

Three answers a run can be given, chosen by the command line:
- an approved plan (`FromPlan`): the row must be one a person approved, and the court
  must show the names the plan showed them; otherwise `changed_since_plan` or
  `not_approved`, and nothing is sent;
- a person at a terminal (`AskEachRow`): the court, both names and the tool's verdict,
  then "Link ...? This cannot be undone. [y/N]";
- `--yes`: no Approval at all (the flow then submits whenever its checks pass, as before).

Pure apart from the question a terminal asker puts: no page, no file.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .account_key import account_key
from .attorney import Attorney
from .names import normalise
from .outcome import Outcome
from .pages.confirmation import ConfirmationNames


@dataclass(frozen=True)
class Hold:
    """Why this row's Submit is not sent: the row's outcome and its message."""

    outcome: Outcome
    message: str


class Approval(Protocol):
    async def decide(self, attorney: Attorney, names: ConfirmationNames, verdict: str) -> Hold | None:
        """None: send the Submit; a Hold: end the row with nothing sent."""
        ...


def row_id(court: str, pacer_username: str) -> tuple[str, str]:
    """A row as `--only`/`--skip` and a plan name it: the court and the PACER account."""
    return court.strip().lower(), account_key(pacer_username)


def same_names(planned: ConfirmationNames, shown: ConfirmationNames) -> bool:
    """Each side equal to the plan's once folded the way every name comparison of the tool
    folds names (case, accents, punctuation, "Last, First" order): any other change, a
    middle name added or a first name changed, is a change the approver never saw."""
    return normalise(planned.cmecf_name) == normalise(shown.cmecf_name) and normalise(
        planned.pacer_name
    ) == normalise(shown.pacer_name)


def shown_text(names: ConfirmationNames) -> str:
    return f'CM/ECF "{names.cmecf_name}", PACER "{names.pacer_name}"'


@dataclass(frozen=True)
class Approved:
    """One approved row of a plan: the names its approver saw, who approved and when."""

    names: ConfirmationNames
    by: str
    at: str


class FromPlan:
    """`autolink apply`: only rows a person approved, only for the names they saw."""

    def __init__(self, approved: Mapping[tuple[str, str], Approved], plan_name: str) -> None:
        self._approved = dict(approved)
        self._plan = plan_name

    async def decide(self, attorney: Attorney, names: ConfirmationNames, verdict: str) -> Hold | None:
        who = f"{attorney.pacer_username} at {attorney.court}"
        entry = self._approved.get(row_id(attorney.court, attorney.pacer_username))
        if entry is None:
            return Hold(
                Outcome.NOT_APPROVED,
                f"{who}: not an approved row of {self._plan}; nothing was submitted",
            )
        if not same_names(entry.names, names):
            return Hold(
                Outcome.CHANGED_SINCE_PLAN,
                f"{who}: the court's confirmation table changed since the plan was approved:"
                f" the plan showed {shown_text(entry.names)}, the court now shows"
                f" {shown_text(names)}; nothing was submitted; plan again and have the new"
                " names approved",
            )
        return None


def question(attorney: Attorney, names: ConfirmationNames, verdict: str) -> str:
    """The words a person at a terminal reads before saying yes to one permanent link."""
    return (
        f"\n{attorney.court}: the court is about to link\n"
        f'  CM/ECF account  "{names.cmecf_name}" ({attorney.cmecf_username})\n'
        f'  PACER account   "{names.pacer_name}" ({attorney.pacer_username})\n'
        f"The tool's verdict: {verdict}.\n"
        f"Link {attorney.cmecf_username} to {attorney.pacer_username} at {attorney.court}?"
        " This cannot be undone."
    )


class AskEachRow:
    """A person at a terminal says yes or no to each row, one question at a time.

    `ask` puts the question and returns the answer (the command line's terminal prompt,
    default no); it runs in a thread so the other rows' pages are served meanwhile.
    """

    # The run's live display would draw over the question.
    asks_at_terminal = True

    def __init__(self, ask: Callable[[str], bool], lock: threading.Lock | None = None) -> None:
        self._ask = ask
        self._lock = lock or threading.Lock()

    def _asked(self, text: str) -> bool:
        with self._lock:
            return self._ask(text)

    async def decide(self, attorney: Attorney, names: ConfirmationNames, verdict: str) -> Hold | None:
        text = question(attorney, names, verdict)
        if await asyncio.to_thread(self._asked, text):
            return None
        return Hold(
            Outcome.NOT_APPROVED,
            f"{attorney.pacer_username} at {attorney.court}: you answered no at the confirmation"
            f" table ({shown_text(names)}); nothing was submitted",
        )
