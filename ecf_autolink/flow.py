"""One attorney at one court: from the court's front page to the verified link.

The flow reads no file and no environment variable: everything arrives in its
arguments. Each step waits for what the next page must show; a page that shows
none of it is a changed site, never a hang. Only steps that are safe to repeat
are retried; the final Submit is sent at most once and never retried.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from . import sign_in_api
from .account_lock import AccountBusy
from .attorney import Attorney
from .evidence import Evidence
from .locators import Selectors
from .names import check_names
from .outcome import Outcome, Result
from .pages import cmecf, court_front, pacer_login
from .pages.base import (
    FlowStop,
    PageKit,
    SessionEnded,
    SiteChanged,
    TransientFailure,
    network_reason,
    origin_of,
    redirect_chain,
)
from .pages.confirmation import ConfirmationNames, parse_confirmation
from .secret import Secret
from .shared_accounts import attorney_key, looks_like_organisation
from .submit_once import Probe, Sender, SendRefused, click_once, wire_probe, wire_sender

PACER_LOGIN_ORIGIN = "https://pacer.login.uscourts.gov"

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
    # "auto": the API, and the page only when the API gives no usable answer.
    sign_in: str = "auto"


SIGN_IN_MODES = ("auto", "api", "page")


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
    # Called at the moment the final Submit is handed to the wire (inside the intercepted
    # route); the journal commits "submitting" there, so a crash afterwards is never
    # followed by a blind second Submit, and a click that never sent marks nothing.
    on_send: Callable[[], None] = lambda: None
    sender: Sender = wire_sender
    # Asks the court for its front page through the Sender's path before the Submit.
    probe: Probe = wire_probe
    # Takes this account's machine-wide lock (other runs, other --out folders) before the
    # court's link page is looked at; raises AccountBusy after a bounded wait.
    hold_account: Callable[[], Awaitable[None]] | None = None
    notes: list[str] = field(default_factory=list)
    # The operator's answer to the Redaction Agreement for this run, given its words;
    # None: nobody may acknowledge it (no flag, no terminal).
    acknowledge_redaction: Callable[[str], bool | Awaitable[bool]] | None = None


@dataclass(frozen=True)
class EarlierSubmit:
    """An earlier run handed this row's final Submit to the wire and never saw its answer."""

    # The process that sent it is gone (and this run holds the account's machine-wide
    # lock), so nothing of it is still in flight: if the court's link page shows the
    # account not linked, that Submit did not land and one more may be sent.
    may_resend: bool
    # Why not, when it may not: said in the outcome's message.
    why_not: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# PACER showing its login form again with no reason is retried once (a glitch passes),
# never more: a wrong password repeated is how accounts get locked.
MAX_LOGIN_POSTS_UNEXPLAINED = 2
# Dialogs one sign-in may pass through before the court's page; more is a loop.
MAX_PROMPTS = 8


class _Run:
    def __init__(
        self,
        attorney: Attorney,
        selectors: Selectors,
        settings: FlowSettings,
        deps: FlowDeps,
        earlier: EarlierSubmit | None = None,
    ):
        self.a = attorney
        self.earlier = earlier
        self.sel = selectors
        self.settings = settings
        self.deps = deps
        self.court_origin = origin_of(settings.court_url)
        self.login_origin = settings.login_origin
        self.names: ConfirmationNames | None = None
        self.step = "start"
        self.submitted = False
        self.used = SignInUse()
        self.acknowledged_at: str | None = None
        self.fresh_passcode = False
        self.inactive_notice = False

    # -- helpers -----------------------------------------------------------------

    def _step(self, name: str) -> None:
        self.step = name
        self.deps.on_step(name)

    async def _repeat(self, action: Callable[[], Awaitable[T]]) -> T:
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

    def _who(self) -> str:
        return f"{self.a.pacer_username} at {self.a.court}"

    async def _trust(
        self, kit: PageKit, origin: str | None, purpose: str, button: str, *, dialog: bool = False
    ) -> None:
        """Refuse to type into, or post a form from, a page not trusted for this run.

        Both count: the page's own origin (a look-alike host after a redirect) and where
        its form would send what is typed (a form posting to another host).
        """
        here = origin_of(kit.page.url)
        if origin is None or here != origin:
            raise FlowStop(
                Outcome.ERROR,
                f"refused to {purpose} on {here}, which is not trusted for this run"
                f" (expected {origin or 'the court'}); nothing was linked",
            )
        # A dialog's button keeps hidden twins in the page; only the one shown counts.
        element = await (kit.shown(button) if dialog else kit.one(button))
        # A button's own formaction wins over its form's action when the form is sent.
        action = await element.evaluate(
            "b => (b.hasAttribute('formaction') && b.formAction) || (b.form && b.form.action) || document.URL"
        )
        if origin_of(action) != origin:
            raise FlowStop(
                Outcome.ERROR,
                f"refused to {purpose}: the form on {here} posts to {origin_of(action)}, which is"
                f" not trusted for this run (expected {origin}); nothing was linked",
            )

    # -- signing in ----------------------------------------------------------------

    async def sign_in(self, page: Page) -> PageKit:
        """Front page → Document Filing System → PACER sign-in (API or page) → CM/ECF."""
        kit = PageKit(page, self.sel, self.settings.timeout_ms)
        self._step("open court")
        await self._repeat(lambda: kit.goto(self.settings.court_url))
        login_url = await court_front.filing_system_link(kit)
        self._step("PACER login")
        if await self._open_login(kit, login_url) == pacer_login.ALREADY_IN:
            # Signed in already (single sign-on from an earlier court this run).
            return kit
        self._ready_to_sign_in()
        # Whichever path signs in, a login page on a host not trusted for this run (a
        # look-alike after a redirect) means nothing is sent anywhere.
        await self._trust(kit, self.login_origin, "type PACER credentials", "pacer_login.login")
        mode = self.settings.sign_in
        if mode in ("api", "auto"):
            done = await self._api_sign_in(kit, login_url)
            if done:
                return kit
        await self._page_sign_in(kit, login_url)
        return kit

    async def _open_login(self, kit: PageKit, login_url: str) -> str:
        """Load the login page (repeatable: nothing is sent); ALREADY_IN or LOGIN_FORM."""
        page = kit.page

        async def load() -> str:
            response = await kit.goto(login_url)
            try:
                arrived = await pacer_login.arrived(kit)
            except SiteChanged as changed:
                if origin_of(page.url) != self.court_origin:
                    raise
                # Courts not yet on NextGen keep their own CM/ECF login page.
                raise FlowStop(
                    Outcome.COURT_NOT_READY,
                    f"{self.a.court}'s Document Filing System stayed on the court's own site"
                    f" ({page.url}) instead of leading to PACER's login: the court is probably not"
                    f" on NextGen CM/ECF yet; if it is, its page changed ({changed.what}); nothing"
                    " was linked",
                ) from None
            if arrived != pacer_login.ALREADY_IN:
                self._learn_login_origin(_first_hop_away(login_url, response, page.url, self.court_origin))
            return arrived

        return await self._repeat(load)

    def _ready_to_sign_in(self) -> None:
        """Stops that need no credentials sent: every filer has a passcode step."""
        if self.deps.passcodes is None:
            raise FlowStop(
                Outcome.MFA_REQUIRED,
                f"PACER asks every filer for a one-time passcode and none can be supplied for"
                f" {self._who()}; set PACER_TOTP_SECRET or PACER_BACKUP_CODES_FILE, or run in a"
                " terminal to type it (an attorney not yet enrolled must enroll in MFA in PACER's"
                " Manage My Account first); no credentials were sent; nothing was linked",
            )

    async def _acknowledged(self, notice: str) -> bool:
        """The operator's own acknowledgement of the Redaction Agreement, for this run."""
        ask = self.deps.acknowledge_redaction
        if ask is None:
            return False
        answer = ask(notice)
        if inspect.isawaitable(answer):
            answer = await answer
        if answer:
            self._record_acknowledgement(notice)
        return bool(answer)

    def _record_acknowledgement(self, notice: str) -> None:
        at = _now()
        self.acknowledged_at = at
        record = {
            "notice": "PACER Redaction Agreement",
            "acknowledged": True,
            "by": "the person running this ecf-autolink run, for this run",
            "for": self.a.pacer_username,
            "court": self.a.court,
            "at": at,
            "words": notice,
        }
        self.deps.evidence.record("redaction-acknowledgement.json", json.dumps(record, indent=2) + "\n")

    def _no_acknowledgement(self, nothing_sent: bool) -> FlowStop:
        sent = "no credentials were sent; " if nothing_sent else "the box was not ticked; "
        return FlowStop(
            Outcome.PACER_LOGIN_FAILED,
            f"PACER's Redaction Agreement must be acknowledged to sign in {self._who()}, and"
            " ticking it is the attorney's acknowledgement: run again with"
            " --acknowledge-redaction (or AUTOLINK_ACKNOWLEDGE_REDACTION=1) when you may give it,"
            f" or in a terminal to be asked; {sent}nothing was linked",
        )

    async def _api_sign_in(self, kit: PageKit, login_url: str) -> bool:
        """The Authentication API: True when signed in; False when the page path should
        follow (auto only). A definite answer other than success ends the row."""
        notice = " ".join(self.sel.phrases("pacer_redaction_notice"))
        if not await self._acknowledged(notice):
            raise self._no_acknowledgement(nothing_sent=True)
        if self.login_origin is None:  # pragma: no cover - learned when the login page loaded
            raise FlowStop(Outcome.ERROR, "no trusted login host is known for this court; nothing was linked")
        provider = self.deps.passcodes
        assert provider is not None  # checked by _ready_to_sign_in
        code = await provider.first()
        if code is None:
            raise FlowStop(
                Outcome.MFA_REQUIRED,
                f"no one-time passcode was given for {self._who()}; no credentials were sent;"
                " nothing was linked",
            )
        self.deps.evidence.add_secret(code.reveal())
        self._step("PACER sign-in API")
        body = sign_in_api.request_body(self.a, code, redact=True)
        self.used.sign_ins += 1
        self.used.passcodes += 1
        answer = await sign_in_api.call(
            kit.page.context.request, self.login_origin, body, self.settings.timeout_ms
        )
        if answer.token is not None:
            self.deps.evidence.add_secret(answer.token.reveal())
        fallback = self.settings.sign_in == "auto"
        if answer.answer in (sign_in_api.Answer.UNREACHABLE, sign_in_api.Answer.UNKNOWN):
            why = f"PACER's sign-in API at {self.login_origin} " + (
                f"did not answer ({answer.detail})"
                if answer.answer == sign_in_api.Answer.UNREACHABLE
                else f"answered in a form this tool does not know ({answer.detail})"
            )
            if not fallback:
                raise FlowStop(
                    Outcome.ERROR,
                    f"{self._who()}: {why}; try --sign-in page; nothing was linked",
                )
            self.deps.notes.append(f"{self._who()}: {why}; signing in on the page instead")
            self.fresh_passcode = True
            return False
        if answer.answer == sign_in_api.Answer.REJECTED:
            raise self._api_rejection(answer.description, answer.detail)
        if answer.description:
            self.deps.notes.append(f"{self._who()}: PACER signed in with a note: {answer.description}")
        spent = provider.spent()
        if spent:
            self.deps.notes.append(f"{self._who()}: {spent}")
        assert answer.token is not None
        await kit.page.context.add_cookies(
            sign_in_api.session_cookies(  # type: ignore[arg-type]
                answer.token,
                self.court_origin,
                self.login_origin,
                real_court=self.settings.login_origin is not None,
            )
        )
        self._step("PACER login")
        if await self._open_login(kit, login_url) == pacer_login.ALREADY_IN:
            return True
        if not fallback:
            raise FlowStop(
                Outcome.ERROR,
                f"{self._who()}: PACER's sign-in API signed in, but {self.a.court} still asks to"
                " sign in; try --sign-in page; nothing was linked",
            )
        self.deps.notes.append(
            f"{self._who()}: {self.a.court} did not take the API's session; signing in on the page once"
        )
        self.fresh_passcode = True
        return False

    def _api_rejection(self, description: str, detail: str) -> FlowStop:
        """A definite no from the API, in the page path's words where PACER's say which."""
        said = f'PACER said "{description}"' if description else f"PACER refused ({detail})"
        lowered = description.casefold()
        for kind in (*pacer_login.ACCOUNT_PAGES[1:], pacer_login.PASSCODE_REJECTED):
            if any(p.casefold() in lowered for p in self.sel.phrases(kind.removeprefix("texts."))):
                stop = self._verdict(kind)
                if stop is not None:
                    return FlowStop(stop.outcome, f"{stop.message} ({said}; not tried again)")
        return FlowStop(
            Outcome.PACER_LOGIN_FAILED,
            f"{said} for {self._who()}: it may be the password or the one-time passcode — check"
            " the password in PACER's Manage My Account, and for an authentication app that this"
            " machine's clock is right (the codes depend on it); not tried again, so as not to"
            " lock the account; nothing was linked",
        )

    async def _page_sign_in(self, kit: PageKit, login_url: str) -> None:
        """The login form, then each dialog the page opens, until the court's page."""
        await self._trust(kit, self.login_origin, "type PACER credentials", "pacer_login.login")
        posts = 0
        while True:
            posts += 1
            self.used.sign_ins += 1
            try:
                kind = await pacer_login.sign_in(kit, self.a)
                break
            except pacer_login.LoginBounced as bounce:
                if posts >= MAX_LOGIN_POSTS_UNEXPLAINED:
                    # If the reason was a wrong password in new words, each more post
                    # brings the attorney's account nearer to being locked.
                    raise FlowStop(
                        Outcome.PACER_LOGIN_FAILED,
                        f"{bounce} each of {posts} times, without a reason this tool recognises;"
                        " check the username and password in PACER's Manage My Account (not tried"
                        " again, so as not to lock the account); nothing was linked",
                    ) from None
                # A glitch passes: load the form afresh (repeatable) and post once more.
                if await self._open_login(kit, login_url) == pacer_login.ALREADY_IN:
                    return
                await self._trust(kit, self.login_origin, "type PACER credentials", "pacer_login.login")
        await self._through_prompts(kit, kind)

    async def _through_prompts(self, kit: PageKit, kind: str) -> None:
        for _ in range(MAX_PROMPTS):
            if kind == pacer_login.ALREADY_IN:
                return
            if kind == pacer_login.PASSCODE:
                kind = await self._passcode(kit)
            elif kind == pacer_login.REDACTION:
                self._step("Redaction Agreement")
                notice = await pacer_login.redaction_notice(kit) or " ".join(
                    self.sel.phrases("pacer_redaction_notice")
                )
                if not await self._acknowledged(notice):
                    raise self._no_acknowledgement(nothing_sent=False)
                await self._trust(
                    kit,
                    self.login_origin,
                    "acknowledge the Redaction Agreement",
                    "pacer_redaction.confirm",
                    dialog=True,
                )
                kind = await pacer_login.acknowledge_redaction(kit)
            elif kind == pacer_login.ACKNOWLEDGE:
                self._step("acknowledgement")
                kind = await pacer_login.acknowledge(kit)
            elif kind == pacer_login.INACTIVE:
                self._step("inactive-user notice")
                self.deps.notes.append(
                    f"{self._who()}: PACER shows a 'PACER User Inactive' notice (it allows e-filing); went on"
                )
                self.inactive_notice = True
                kind = await pacer_login.continue_inactive(kit)
            elif kind == pacer_login.MESSAGE:
                words = await pacer_login.message_text(kit, kind)
                raise FlowStop(
                    Outcome.PACER_LOGIN_FAILED,
                    f'PACER did not sign in {self._who()} and said "{words or "(no words)"}"; not'
                    " tried again, so as not to lock the account; nothing was linked",
                )
            else:
                self._login_verdict(kind)
                raise SiteChanged(
                    f"a known page after PACER login ({kind})", kit.page.url, kit.yaml_for(kind)
                )
        raise SiteChanged(
            f"the court's page after {MAX_PROMPTS} PACER prompts",
            kit.page.url,
            kit.yaml_for(pacer_login.ALREADY_IN),
        )

    def _learn_login_origin(self, first_hop: str) -> None:
        if self.login_origin is None:
            self.login_origin = origin_of(first_hop)
            self.deps.notes.append(
                f"trusting {self.login_origin} as the login host of {self.court_origin}"
                " (where its Document Filing System link leads)"
            )

    async def _passcode(self, kit: PageKit) -> str:
        self._step("passcode")
        provider = self.deps.passcodes
        if provider is None:
            raise FlowStop(
                Outcome.MFA_REQUIRED,
                f"PACER asked {self._who()} for a one-time passcode and none was supplied; set"
                " PACER_TOTP_SECRET or PACER_BACKUP_CODES_FILE, or run in a terminal to type it;"
                " nothing was linked",
            )
        # After an API sign-in the court did not take, the code it used is spent.
        takes = (provider.retry, provider.retry) if self.fresh_passcode else (provider.first, provider.retry)
        for take in takes:
            code = await take()
            if code is None:
                break
            self.deps.evidence.add_secret(code.reveal())
            await self._trust(kit, self.login_origin, "type a passcode", "pacer_mfa.submit", dialog=True)
            self.used.passcodes += 1
            kind = await pacer_login.enter_passcode(kit, code)
            if kind != pacer_login.PASSCODE_REJECTED:
                spent = provider.spent()
                if spent:
                    self.deps.notes.append(f"{self._who()}: {spent}")
                return kind
        raise FlowStop(
            Outcome.MFA_REQUIRED,
            f"PACER rejected the one-time passcode for {self._who()} ({provider.describe()});"
            " check the authenticator's clock or the backup codes; nothing was linked",
        )

    def _login_verdict(self, kind: str) -> None:
        stop = self._verdict(kind)
        if stop is not None:
            raise stop

    def _verdict(self, kind: str) -> FlowStop | None:
        """How a known account state or rejection ends the row, if it is one."""
        who = self._who()
        stops = {
            pacer_login.BAD_CREDENTIALS: (
                Outcome.PACER_LOGIN_FAILED,
                f"PACER rejected the username or password for {who} — check them in PACER's"
                " Manage My Account; nothing was linked",
            ),
            pacer_login.LOCKED: (
                Outcome.PACER_LOGIN_FAILED,
                f"PACER says the account {who} is locked — unlock it with PACER's Service"
                " Center; nothing was linked",
            ),
            pacer_login.DISABLED: (
                Outcome.PACER_LOGIN_FAILED,
                f"PACER says the account {who} is disabled — contact PACER's Service Center;"
                " nothing was linked",
            ),
            pacer_login.PASSWORD_EXPIRED: (
                Outcome.PACER_LOGIN_FAILED,
                f"PACER requires a new password for {who} — change it in PACER, then run again;"
                " nothing was linked or changed",
            ),
            pacer_login.ENROLL: (
                Outcome.MFA_REQUIRED,
                f"PACER asks {who} to enroll in MFA — enroll in MFA in PACER's Manage My"
                " Account first; nothing was skipped, changed or linked",
            ),
            pacer_login.LEGACY: (
                Outcome.PACER_LOGIN_FAILED,
                f"{who} is a legacy PACER account — upgrade it in PACER's Manage My Account"
                " first; nothing was linked",
            ),
            pacer_login.PASSCODE_REJECTED: (
                Outcome.MFA_REQUIRED,
                f"PACER rejected the one-time passcode for {who}; check the authenticator's clock"
                " or the backup codes; nothing was linked",
            ),
        }
        if kind in stops:
            return FlowStop(*stops[kind])
        return None

    # -- the link pages ------------------------------------------------------------

    async def open_link_page(self, kit: PageKit) -> str:
        self._step("Utilities")
        utilities = await cmecf.utilities_url(kit)
        try:
            link_page = await self._repeat(lambda: cmecf.link_page_url(kit, utilities))
        except cmecf.NoLinkOption as none:
            if none.explained:
                why = "the court says it is not on NextGen yet"
            else:
                # The same page a renamed item would give: say where to look if it was.
                why = (
                    "the court has not enabled linking yet, or renamed the item (then edit"
                    f" utilities_menu.link_account in {kit.yaml_for('utilities_menu.link_account')};"
                    " `autolink check` helps)"
                )
            raise FlowStop(
                Outcome.COURT_NOT_READY,
                f"{self.a.court} shows no 'Link a CM/ECF account' option under Utilities — {why};"
                " nothing was linked",
            ) from None
        self._step("link form")

        async def open_form() -> str:
            return await cmecf.link_page_state(kit, await kit.goto(link_page))

        return await self._repeat(open_form)

    async def give_cmecf_login(self, kit: PageKit) -> str:
        self._step("CM/ECF login")
        await self._trust(kit, self.court_origin, "type CM/ECF credentials", "link_form.submit")
        return await cmecf.submit_legacy_login(kit, self.a)

    async def judge(self, names: ConfirmationNames) -> tuple[Outcome, str] | None:
        """The refusal this link deserves, or None when a careful attorney would submit."""
        shown = f'CM/ECF shows "{names.cmecf_name}", PACER shows "{names.pacer_name}"'
        guard = self.deps.guard
        key = attorney_key(self.a.name, self.a.cmecf_username)
        reason = (
            guard.check(self.a.pacer_username, key, names.pacer_name)
            if guard is not None
            else looks_like_organisation(names.pacer_name)
        )
        if reason:
            return Outcome.REFUSED_SHARED_ACCOUNT, (
                f"refused for {self._who()}: {reason}; {shown}; link only an individual PACER"
                " account; nothing was linked"
            )
        verdict = check_names(names.cmecf_name, names.pacer_name, self.a.name or None)
        if not verdict.match:
            return Outcome.REFUSED_NAME_MISMATCH, (
                f"refused for {self._who()}: {verdict.reason}; {shown}; nothing was linked"
            )
        return None

    # -- the whole row -------------------------------------------------------------

    async def run(self, page: Page) -> Result:
        try:
            return await self._link(page)
        except SessionEnded:
            if self.submitted:
                raise
        # Courts end idle sessions; nothing permanent has happened yet, so start over
        # once. A second expiry in a row is reported rather than chased.
        self.deps.notes.append(f"{self._who()}: the court's session ended mid-flow; signed in again")
        self._step("sign in again")
        return await self._link(page)

    async def _hold_account(self) -> None:
        """Before looking at the link page: another run's Submit for this account (another
        --out folder) has then been answered, so the look sees its link."""
        if self.settings.dry_run or self.deps.hold_account is None:
            return
        self._step("wait for account")
        try:
            await self.deps.hold_account()
        except AccountBusy as busy:
            raise FlowStop(Outcome.ERROR, f"{self._who()}: {busy}") from None

    async def _link(self, page: Page) -> Result:
        kit = await self.sign_in(page)
        await self._hold_account()
        state = await self.open_link_page(kit)
        earlier = self.earlier
        if state == cmecf.ALREADY_LINKED:
            if earlier is not None:
                return self.result(
                    Outcome.LINKED,
                    f"linked {self._who()} (an earlier run's final Submit had landed: confirmed by"
                    " looking at the court's link page; nothing was sent again)",
                )
            return self.result(
                Outcome.ALREADY_LINKED,
                f"{self._who()}: the court shows this PACER account already linked; nothing was changed",
            )
        if earlier is not None and not earlier.may_resend:
            return self.result(
                Outcome.UNCONFIRMED,
                f"{self._who()}: an earlier run sent the final Submit and never saw its answer, and"
                f" the court's link page does not show the account linked; {earlier.why_not}, so"
                " nothing was sent again; run again once it has ended; do not submit by hand",
            )
        answer = await self.give_cmecf_login(kit)
        if answer == cmecf.BAD_LOGIN:
            raise FlowStop(
                Outcome.CMECF_LOGIN_FAILED,
                f"the court rejected the legacy CM/ECF login or password for {self._who()} —"
                " check them with the court's CM/ECF help desk; nothing was linked",
            )
        if answer == cmecf.ALREADY_LINKED:
            return self.result(
                Outcome.ALREADY_LINKED,
                f"{self._who()}: the court says this CM/ECF account is already linked; nothing was changed",
            )
        self._step("confirm names")
        names = parse_confirmation(
            await page.content(), self.sel.confirm_rows["cmecf"], self.sel.confirm_rows["pacer"]
        )
        if names is None:
            raise SiteChanged(
                "the CM/ECF and PACER rows of the confirmation table",
                page.url,
                str(self.sel.origin("confirm_rows.cmecf")),
            )
        self.names = names
        await self.deps.evidence.confirmation(page)
        refusal = await self.judge(names)
        if self.settings.dry_run:
            verdict = f"would refuse: {refusal[1]}" if refusal else "the checks would link them"
            return self.result(
                Outcome.DRY_RUN,
                f"dry run for {self._who()}: CM/ECF shows"
                f' "{names.cmecf_name}", PACER shows "{names.pacer_name}";'
                f" {verdict}; nothing was submitted",
            )
        if refusal:
            # The page's words kept beside its picture, so a refusal can be read back later.
            await self.deps.evidence.failure(page, "refused")
            return self.result(*refusal)
        return await self.final_submit(kit)

    async def final_submit(self, kit: PageKit) -> Result:
        page = kit.page
        self._step("submit")
        await self._trust(kit, self.court_origin, "submit the link", "confirm.submit")
        button = await kit.one("confirm.submit")
        await self._reach_court_as_the_submit_will(page)

        def handed_over() -> None:
            self.deps.on_send()
            self.submitted = True

        try:
            report = await click_once(
                page,
                button,
                timeout_ms=self.settings.timeout_ms,
                sender=self.deps.sender,
                on_send=handed_over,
            )
        except SendRefused as refused:
            raise FlowStop(
                Outcome.ERROR,
                f"{self._who()}: the final Submit was not sent because the journal could not record"
                f" it first ({refused}); nothing was linked",
            ) from None
        self._step("verify")
        if report.lost_reason is None:
            try:
                kind = await kit.wait_for_any(
                    ["success.message", "texts.already_linked"], what="the success message"
                )
            except (SiteChanged, TransientFailure):
                kind = None
            if kind == "success.message":
                return self.result(
                    Outcome.LINKED,
                    f"linked {self._who()}: CM/ECF"
                    f' "{self.names.cmecf_name}" to PACER "{self.names.pacer_name}"{self._resent()}',
                )
            seen = "an already-linked notice" if kind else f"an unexpected page at {page.url}"
        else:
            seen = f"no answer ({report.lost_reason})"
        await self.deps.evidence.failure(page, "after-submit")
        return await self.look_again(seen)

    async def _reach_court_as_the_submit_will(self, page: Page) -> None:
        """The Submit leaves through Playwright's driver, not the browser: a proxy or a
        certificate the browser copes with may still stop it, after the court has seen
        half a conversation. One harmless GET the same way first; trouble ends the row
        here, with nothing sent."""
        trouble = await self.deps.probe(page, self.settings.court_url, self.settings.timeout_ms)
        if trouble is None:
            return
        raise FlowStop(
            Outcome.ERROR,
            f"{self._who()}: step '{self.step}' stopped before sending: the court at {self.court_origin}"
            f" could not be reached the way the final Submit is sent (Playwright's request API):"
            f" {trouble}. This is most likely proxy or certificate trouble: check --proxy / HTTPS_PROXY"
            " / NO_PROXY and --ca-file, or run `autolink doctor`; the Submit was not sent, nothing was"
            " linked",
        )

    async def look_again(self, seen: str) -> Result:
        """After a lost answer: never resend; sign in afresh and see what the court shows."""
        self._step("recheck")
        try:
            page = await self.deps.new_page()
            kit = await self.sign_in(page)
            state = await self.open_link_page(kit)
        except (FlowStop, TransientFailure, PlaywrightError) as exc:
            why = exc.message if isinstance(exc, FlowStop) else str(exc)
            return self.result(
                Outcome.UNCONFIRMED,
                f"{self._who()}: the final Submit was sent but"
                f" its answer was lost ({seen}) and looking again failed ({why});"
                " run again with --recheck; do not submit by hand",
            )
        if state == cmecf.ALREADY_LINKED:
            return self.result(
                Outcome.LINKED,
                f"linked {self._who()} (confirmed by looking again after {seen}){self._resent()}",
            )
        return self.result(
            Outcome.UNCONFIRMED,
            f"{self._who()}: the final Submit was sent but its"
            f" answer was lost ({seen}), and the court does not show the account"
            " linked yet; run again with --recheck later; do not submit by hand",
        )

    def _resent(self) -> str:
        if self.earlier is None:
            return ""
        return (
            "; an earlier run's final Submit was never answered, and the court's link page showed"
            " the account not linked with that run's process gone and no other run on this"
            " machine holding the account, so it was sent once more"
        )

    async def recheck_only(self, page: Page) -> Result:
        """--recheck: only look whether an earlier, unanswered Submit took effect."""
        kit = await self.sign_in(page)
        state = await self.open_link_page(kit)
        if state == cmecf.ALREADY_LINKED:
            return self.result(Outcome.LINKED, f"linked {self._who()} (confirmed by --recheck)")
        return self.result(
            Outcome.UNCONFIRMED,
            f"{self._who()}: the court's link page does not show the account linked, so the"
            " earlier final Submit did not land; --recheck only looks, so nothing was sent; run"
            " again without --recheck to link it (it looks at the court again first, and sends"
            " only when no other run on this machine is still sending it)",
        )

    def result(self, outcome: Outcome, message: str) -> Result:
        names = self.names
        if self.inactive_notice:
            message = f"{message} (PACER showed this account a 'PACER User Inactive' notice on sign-in)"
        return Result(
            court=self.a.court,
            name=self.a.name,
            pacer_username=self.a.pacer_username,
            outcome=outcome,
            message=message,
            cmecf_name=names.cmecf_name if names else None,
            pacer_name=names.pacer_name if names else None,
            sign_ins=self.used.sign_ins,
            passcodes=self.used.passcodes,
            redaction_acknowledged=self.acknowledged_at,
        )


def _first_hop_away(link: str, response: Response | None, landed: str, court_origin: str) -> str:
    """Where the Document Filing System link first leaves the court: the link itself, or
    the first redirect to another origin. Only that host stands in for PACER's; a chain
    that wanders on to a third host ends on a page that is not trusted."""
    # Where the browser landed closes the list, for redirects the chain cannot show.
    for url in [link, *redirect_chain(response), landed]:
        if origin_of(url) != court_origin:
            return url
    return link


async def _guarded(run: _Run, page: Page, body: Callable[[Page], Awaitable[Result]]) -> Result:
    started = _now()
    try:
        result = await body(page)
    except FlowStop as stop:
        await run.deps.evidence.failure(page, run.step)
        result = run.result(stop.outcome, stop.message)
    except TransientFailure as exc:
        await run.deps.evidence.failure(page, run.step)
        tries = f" after {exc.tries} tries" if exc.tries > 1 else ""
        result = run.result(
            Outcome.ERROR,
            f"{run._who()}: step '{run.step}' failed{tries}: {exc}; nothing was linked",
        )
    except PlaywrightError as exc:
        await run.deps.evidence.failure(page, run.step)
        result = run.result(
            Outcome.ERROR,
            f"{run._who()}: step '{run.step}' failed: {network_reason(exc, page.url)}; nothing was linked",
        )
    if run.submitted and not result.outcome.is_success and result.outcome != Outcome.UNCONFIRMED:
        # Whatever broke, the permanent Submit may have reached the court.
        result = run.result(
            Outcome.UNCONFIRMED,
            f"{run._who()}: the final Submit was sent and then"
            f" {result.message}; run again with --recheck; do not submit by hand",
        )
    result.started = started
    result.finished = _now()
    result.evidence = str(run.deps.evidence.folder)
    return result


async def link_attorney(
    page: Page,
    attorney: Attorney,
    selectors: Selectors,
    settings: FlowSettings,
    deps: FlowDeps,
    earlier: EarlierSubmit | None = None,
) -> Result:
    """Link; with `earlier`, look at the court first and link only if the earlier Submit did not land."""
    run = _Run(attorney, selectors, settings, deps, earlier)
    return await _guarded(run, page, run.run)


async def recheck_attorney(
    page: Page, attorney: Attorney, selectors: Selectors, settings: FlowSettings, deps: FlowDeps
) -> Result:
    run = _Run(attorney, selectors, settings, deps)
    return await _guarded(run, page, run.recheck_only)
