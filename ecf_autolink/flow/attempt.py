"""What the flow is given (settings and dependencies) and what one attempt keeps as it goes.

A `LinkAttempt` is one attorney at one court: the sign-in steps (`sign_in.py`) and the
link steps (`link.py`) read and write it; it turns what they learned into the row's
`Result`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from playwright.async_api import Page
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..approval import Approval
from ..attorney import Attorney
from ..court_urls import PACER_LOGIN_ORIGIN, origin_of
from ..evidence import Evidence
from ..locators import Selectors
from ..outcome import Outcome, Result, now
from ..pages.confirmation import ConfirmationNames
from ..secret import Secret
from ..submit_gate import SubmitGate
from ..web.stops import TransientFailure
from .court_memory import CourtAddresses, CourtMemory

if TYPE_CHECKING:
    from ..refusals import Refusals

T = TypeVar("T")


class Passcodes(Protocol):
    async def first(self) -> Secret | None: ...
    async def retry(self) -> Secret | None: ...
    def describe(self) -> str: ...
    def spent(self) -> str | None: ...


class SharedGuard(Protocol):
    def check(self, pacer_username: str, attorney_key: str, pacer_name: str | None) -> str | None: ...


@dataclass
class FlowSettings:
    court_url: str
    dry_run: bool = False
    timeout_ms: float = 30_000
    # None when --court-url replaces the court: the origin its Document Filing
    # System link leads to is then trusted as the login host (a replica or staging
    # court has its own).
    login_origin: str | None = PACER_LOGIN_ORIGIN
    attempts: int = 3
    backoff_max_s: float = 4.0
    # "api": PACER's Authentication API; "page": the login page and its dialogs;
    # "auto": the API, and the page only when the API gives no usable answer (the CLI
    # offers these; sign_in.py holds the path each one takes).
    sign_in: str = "auto"


@dataclass
class SignInUse:
    """Credential posts (page Login clicks and API calls) and passcodes one row spent."""

    sign_ins: int = 0
    passcodes: int = 0


def _quiet(_: str) -> None:
    return None


@dataclass
class FlowDeps:
    new_page: Callable[[], Awaitable[Page]]  # a page in a fresh, isolated context
    evidence: Evidence
    passcodes: Passcodes | None = None
    guard: SharedGuard | None = None
    on_step: Callable[[str], None] = _quiet
    # The one way to the final Submit: the account's lock, the journal's mark, the send,
    # the record (submit_gate.py). None: a bare gate (no lock, no journal) for this row.
    gate: SubmitGate | None = None
    notes: list[str] = field(default_factory=list)
    # The operator's answer to the Redaction Agreement for this run, given its words;
    # None: nobody may acknowledge it (no flag, no terminal).
    acknowledge_redaction: Callable[[str], bool | Awaitable[bool]] | None = None
    # Asked at the confirmation table once the checks pass; None: --yes (submit).
    approval: Approval | None = None
    # PACER's refusals of an account's credentials this run (and, through the runner's
    # ledger, by other runs here lately): a refused account sends nothing more (pacer_verdict.py).
    refusals: Refusals | None = None
    # Addresses earlier rows of this run found at each court (court_memory.py); a row
    # on its own starts with none.
    courts: CourtMemory = field(default_factory=CourtMemory)


@dataclass(frozen=True)
class EarlierSubmit:
    """An earlier run handed this row's final Submit to the wire and never saw its answer."""

    # The process that sent it is gone (and this run holds the account's machine-wide
    # lock), so nothing of it is still in flight: if the court's link page shows the
    # account not linked, that Submit did not land and one more may be sent.
    may_resend: bool
    # Why not, when it may not: the outcome's whole message (words.earlier_submit_held).
    why_not: str = ""


@dataclass
class LinkAttempt:
    """One attorney at one court, from the front page to the Result."""

    attorney: Attorney
    selectors: Selectors
    settings: FlowSettings
    deps: FlowDeps
    # Set when an earlier run's final Submit for this row went unanswered.
    earlier: EarlierSubmit | None = None
    # Learned from the court's Document Filing System link when the settings trust no
    # fixed login host (see FlowSettings.login_origin).
    login_origin: str | None = field(init=False)
    court_origin: str = field(init=False)
    names: ConfirmationNames | None = field(default=None, init=False)
    step: str = field(default="start", init=False)
    # True from the moment the final Submit was handed to the wire: from then on no
    # failure may read "nothing was linked".
    submitted: bool = field(default=False, init=False)
    used: SignInUse = field(default_factory=SignInUse, init=False)
    acknowledged_at: str | None = field(default=None, init=False)
    # The API path spent the first passcode and the court did not take its session: the
    # page path must ask for a fresh one.
    fresh_passcode: bool = field(default=False, init=False)
    inactive_notice: bool = field(default=False, init=False)
    gate: SubmitGate = field(init=False)
    # This court's addresses as earlier rows found them; this row adds what it finds.
    known: CourtAddresses = field(init=False)
    # What the link page showed when signing in landed on it (the API path with a
    # remembered link page); taken by the next look at the link page instead of a load.
    link_state: str | None = field(default=None, init=False)
    # This row is the first at its court this run: the others wait until it is through.
    first_here: bool = field(default=False, init=False)
    # When this attempt began (UTC), for the row's Result.
    started: str = field(default_factory=now, init=False)

    def __post_init__(self) -> None:
        self.court_origin = origin_of(self.settings.court_url)
        self.login_origin = self.settings.login_origin
        self.gate = self.deps.gate or SubmitGate(timeout_ms=self.settings.timeout_ms)
        self.known = self.deps.courts.of(self.settings.court_url)

    @property
    def who(self) -> str:
        return f"{self.attorney.pacer_username} at {self.attorney.court}"

    def enter(self, step: str) -> None:
        """Name the step now under way (progress, the journal, and failure messages)."""
        self.step = step
        self.deps.on_step(step)

    def note(self, text: str) -> None:
        """A line for the operator about this row, said after it ends."""
        self.deps.notes.append(f"{self.who}: {text}")

    async def repeat(self, action: Callable[[], Awaitable[T]]) -> T:
        """Run a step that is safe to repeat, again after a transient failure, with backoff.

        Only `TransientFailure` is retried (a 5xx, a network error, a page that never came);
        a wrong password, a 4xx or anything after the final Submit never reaches here.
        """
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.settings.attempts)),
            wait=wait_exponential(multiplier=0.5, max=self.settings.backoff_max_s),
            retry=retry_if_exception_type(TransientFailure),
            reraise=True,
        )
        try:
            # The loop form, because tenacity treats a lambda that returns a coroutine
            # as a plain function and would never await it.
            async for attempt in retrying:
                with attempt:
                    return await action()
        except TransientFailure as exc:
            exc.tries = retrying.statistics.get("attempt_number", 1)
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    def result(self, outcome: Outcome, message: str) -> Result:
        if self.inactive_notice:
            message = f"{message} (PACER showed this account a 'PACER User Inactive' notice on sign-in)"
        return Result.for_attorney(
            self.attorney,
            outcome,
            message,
            cmecf_name=self.names.cmecf_name if self.names else None,
            pacer_name=self.names.pacer_name if self.names else None,
            sign_ins=self.used.sign_ins,
            passcodes=self.used.passcodes,
            redaction_acknowledged=self.acknowledged_at,
            evidence=str(self.deps.evidence.folder),
            started=self.started,
            finished=now(),
        )
