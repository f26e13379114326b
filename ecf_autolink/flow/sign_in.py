"""Signing in: the court's front page, its Document Filing System link, then PACER.

Two paths (`--sign-in`): PACER's Authentication API, and the login page with each
dialog it opens. "auto" tries the API and falls back to the page only when the API
gave no usable answer. A definite no from PACER ends the row on either path, never
tried again: a wrong password repeated is how accounts get locked. Nor is it tried at the
attorney's next court: each refusal is handed to `FlowDeps.refusals`, and a row whose
account PACER refused before sends nothing at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page

from .. import sign_in_api
from ..court_urls import origin_of
from ..outcome import Outcome
from ..pages import court_front, pacer_login
from ..pages.base import PageKit
from ..web.net import first_hop_away
from ..web.stops import FlowStop, SiteChanged
from .attempt import LinkAttempt
from .redaction import acknowledged, no_acknowledgement
from .trust import trust

# PACER showing its login form again with no reason is retried once (a glitch passes),
# never more: a wrong password repeated is how accounts get locked.
MAX_LOGIN_POSTS_UNEXPLAINED = 2
# Dialogs one sign-in may pass through before the court's page; more is a loop.
MAX_PROMPTS = 8


async def sign_in(attempt: LinkAttempt, page: Page) -> PageKit:
    """Front page → Document Filing System → PACER sign-in (API or page) → CM/ECF."""
    kit = PageKit(page, attempt.selectors, attempt.settings.timeout_ms)
    attempt.enter("open court")
    await attempt.repeat(lambda: kit.goto(attempt.settings.court_url))
    login_url = await court_front.filing_system_link(kit)
    attempt.enter("PACER login")
    if await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
        # Signed in already (single sign-on from an earlier court this run).
        return kit
    _not_refused_before(attempt)
    _ready_to_sign_in(attempt)
    for path in _PATHS.get(attempt.settings.sign_in, _PATHS["page"]):
        # Whichever path signs in, a login page on a host not trusted for this run (a
        # look-alike after a redirect) means nothing is sent anywhere. Checked before each
        # path, because the API path may have loaded the login page again before handing over.
        await trust(kit, attempt.login_origin, "type PACER credentials", "pacer_login.login")
        if await path(attempt, kit, login_url):
            return kit
    raise AssertionError("unreachable: the last path signs in or raises")  # pragma: no cover


async def open_login(attempt: LinkAttempt, kit: PageKit, login_url: str) -> str:
    """Load the login page (repeatable: nothing is sent); ALREADY_IN or LOGIN_FORM."""
    page = kit.page

    async def load() -> str:
        response = await kit.goto(login_url)
        try:
            arrived = await pacer_login.arrived(kit)
        except SiteChanged as changed:
            if origin_of(page.url) != attempt.court_origin:
                raise
            # Courts not yet on NextGen keep their own CM/ECF login page.
            raise FlowStop(
                Outcome.COURT_NOT_READY,
                f"{attempt.attorney.court}'s Document Filing System stayed on the court's own site"
                f" ({page.url}) instead of leading to PACER's login: the court is probably not"
                f" on NextGen CM/ECF yet; if it is, its page changed ({changed.what}); nothing"
                " was linked",
            ) from None
        if arrived != pacer_login.ALREADY_IN:
            _learn_login_origin(attempt, first_hop_away(login_url, response, page.url, attempt.court_origin))
        return arrived

    return await attempt.repeat(load)


def _learn_login_origin(attempt: LinkAttempt, first_hop: str) -> None:
    if attempt.login_origin is None:
        attempt.login_origin = origin_of(first_hop)
        attempt.deps.notes.append(
            f"trusting {attempt.login_origin} as the login host of {attempt.court_origin}"
            " (where its Document Filing System link leads)"
        )


def _not_refused_before(attempt: LinkAttempt) -> None:
    """A row of an account PACER refused earlier (this run, or another run here lately)."""
    memory = attempt.deps.refusals
    earlier = memory.earlier(attempt.attorney.pacer_username, attempt.login_origin or "") if memory else None
    if earlier is not None:
        raise FlowStop(
            Outcome.PACER_LOGIN_FAILED,
            f"{attempt.who} was not signed in: {earlier.describe()}; not tried again, so as not"
            " to lock the account; no credentials were sent; nothing was linked",
        )


def _refused(attempt: LinkAttempt, what: str) -> None:
    """Remember that PACER refused (or may have counted) this account's attempt."""
    memory = attempt.deps.refusals
    if memory is not None:
        memory.remember(
            attempt.attorney.pacer_username, attempt.login_origin or "", attempt.attorney.court, what
        )


def _ready_to_sign_in(attempt: LinkAttempt) -> None:
    """Stops that need no credentials sent: every filer has a passcode step."""
    if attempt.deps.passcodes is None:
        raise FlowStop(
            Outcome.MFA_REQUIRED,
            f"PACER asks every filer for a one-time passcode and none can be supplied for"
            f" {attempt.who}; set PACER_TOTP_SECRET or PACER_BACKUP_CODES_FILE, or run in a"
            " terminal to type it (an attorney not yet enrolled must enroll in MFA in PACER's"
            " Manage My Account first); no credentials were sent; nothing was linked",
        )


# -- the API path ---------------------------------------------------------------------


async def _api_sign_in(attempt: LinkAttempt, kit: PageKit, login_url: str) -> bool:
    """The Authentication API: True when signed in; False when the page path should
    follow (auto only). A definite answer other than success ends the row."""
    notice = " ".join(attempt.selectors.phrases("pacer_redaction_notice"))
    if not await acknowledged(attempt, notice):
        raise no_acknowledgement(attempt, nothing_sent=True)
    login_origin = attempt.login_origin
    if login_origin is None:  # pragma: no cover - learned when the login page loaded
        raise FlowStop(Outcome.ERROR, "no trusted login host is known for this court; nothing was linked")
    provider = attempt.deps.passcodes
    assert provider is not None  # checked by _ready_to_sign_in
    code = await provider.first()
    if code is None:
        raise FlowStop(
            Outcome.MFA_REQUIRED,
            f"no one-time passcode was given for {attempt.who}; no credentials were sent; nothing was linked",
        )
    attempt.deps.evidence.add_secret(code.reveal())
    attempt.enter("PACER sign-in API")
    body = sign_in_api.request_body(attempt.attorney, code, redact=True)
    attempt.used.sign_ins += 1
    attempt.used.passcodes += 1
    answer = await sign_in_api.call(kit.page.context.request, login_origin, body, attempt.settings.timeout_ms)
    if answer.token is not None:
        attempt.deps.evidence.add_secret(answer.token.reveal())
    fallback = attempt.settings.sign_in == "auto"
    if answer.answer == sign_in_api.Answer.NOT_CHECKED:
        # The only answer after which the password may go to the page: it was never checked.
        why = f"PACER's sign-in API at {login_origin} did not take the request ({answer.detail})"
        if not fallback:
            raise FlowStop(Outcome.ERROR, f"{attempt.who}: {why}; try --sign-in page; nothing was linked")
        attempt.note(f"{why}; signing in on the page instead")
        attempt.fresh_passcode = True
        return False
    if answer.answer.maybe_checked:
        raise _api_answer_lost(attempt, login_origin, answer)
    if answer.answer == sign_in_api.Answer.REJECTED:
        raise _api_rejection(attempt, answer.description, answer.detail)
    if answer.description:
        attempt.note(f"PACER signed in with a note: {answer.description}")
    spent = provider.spent()
    if spent:
        attempt.note(spent)
    assert answer.token is not None
    await kit.page.context.add_cookies(
        sign_in_api.session_cookies(  # type: ignore[arg-type]
            answer.token,
            attempt.court_origin,
            login_origin,
            real_court=attempt.settings.login_origin is not None,
        )
    )
    attempt.enter("PACER login")
    if await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
        return True
    if not fallback:
        raise FlowStop(
            Outcome.ERROR,
            f"{attempt.who}: PACER's sign-in API signed in, but {attempt.attorney.court} still asks to"
            " sign in; try --sign-in page; nothing was linked",
        )
    attempt.note(f"{attempt.attorney.court} did not take the API's session; signing in on the page once")
    attempt.fresh_passcode = True
    return False


def _api_answer_lost(attempt: LinkAttempt, login_origin: str, answer: sign_in_api.ApiResult) -> FlowStop:
    """The password went to PACER and the answer could not say what PACER made of it: it
    may have counted as a failed attempt, so it is the account's one attempt for this run."""
    said = (
        f"answered in a form this tool does not know ({answer.detail})"
        if answer.answer == sign_in_api.Answer.UNKNOWN
        else f"gave no answer this tool could read ({answer.detail})"
    )
    _refused(attempt, "was sent the password and its answer was lost")
    return FlowStop(
        Outcome.ERROR,
        f"{attempt.who}: PACER's sign-in API at {login_origin} was sent the password and"
        f" passcode but {said}; PACER may have counted it as a failed attempt, so the password"
        " is not sent again for this account in this run (on the page or at another court);"
        " run again later (with --sign-in page if the API keeps answering so); nothing was linked",
    )


def _api_rejection(attempt: LinkAttempt, description: str, detail: str) -> FlowStop:
    """A definite no from the API, in the page path's words where PACER's say which."""
    said = f'PACER said "{description}"' if description else f"PACER refused ({detail})"
    lowered = description.casefold()
    for kind in (*pacer_login.ACCOUNT_PAGES[1:], pacer_login.PASSCODE_REJECTED):
        if any(p.casefold() in lowered for p in attempt.selectors.phrases(kind.removeprefix("texts."))):
            stop = _verdict(attempt, kind)
            if stop is not None:
                return FlowStop(stop.outcome, f"{stop.message} ({said}; not tried again)")
    _refused(attempt, "refused the password or the one-time passcode")
    return FlowStop(
        Outcome.PACER_LOGIN_FAILED,
        f"{said} for {attempt.who}: it may be the password or the one-time passcode — check"
        " the password in PACER's Manage My Account, and for an authentication app that this"
        " machine's clock is right (the codes depend on it); not tried again, so as not to"
        " lock the account; nothing was linked",
    )


# -- the page path --------------------------------------------------------------------


async def _page_sign_in(attempt: LinkAttempt, kit: PageKit, login_url: str) -> bool:
    """The login form (its origin already trusted), then each dialog the page opens,
    until the court's page. Always True: it signs in or raises."""
    # Every filer meets the Redaction Agreement after the password and the passcode: an
    # operator who will not acknowledge it must say so before either is sent.
    notice = " ".join(attempt.selectors.phrases("pacer_redaction_notice"))
    if not await acknowledged(attempt, notice, record=False):
        raise no_acknowledgement(attempt, nothing_sent=True)
    posts = 0
    while True:
        posts += 1
        attempt.used.sign_ins += 1
        try:
            kind = await pacer_login.sign_in(kit, attempt.attorney)
            break
        except pacer_login.LoginBounced as bounce:
            if posts >= MAX_LOGIN_POSTS_UNEXPLAINED:
                _refused(attempt, "showed its login form again after each password, without a reason")
                # If the reason was a wrong password in new words, each more post
                # brings the attorney's account nearer to being locked.
                raise FlowStop(
                    Outcome.PACER_LOGIN_FAILED,
                    f"{bounce} each of {posts} times, without a reason this tool recognises;"
                    " check the username and password in PACER's Manage My Account (not tried"
                    " again, so as not to lock the account); nothing was linked",
                ) from None
            # A glitch passes: load the form afresh (repeatable) and post once more.
            if await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
                return True
            await trust(kit, attempt.login_origin, "type PACER credentials", "pacer_login.login")
    await _through_prompts(attempt, kit, kind)
    return True


async def _through_prompts(attempt: LinkAttempt, kit: PageKit, kind: str) -> None:
    for _ in range(MAX_PROMPTS):
        if kind == pacer_login.ALREADY_IN:
            return
        answer = _PROMPTS.get(kind)
        if answer is None:
            stop = _verdict(attempt, kind)
            if stop is not None:
                raise stop
            raise SiteChanged(f"a known page after PACER login ({kind})", kit.page.url, kit.yaml_for(kind))
        kind = await answer(attempt, kit)
    raise SiteChanged(
        f"the court's page after {MAX_PROMPTS} PACER prompts",
        kit.page.url,
        kit.yaml_for(pacer_login.ALREADY_IN),
    )


async def _passcode(attempt: LinkAttempt, kit: PageKit) -> str:
    attempt.enter("passcode")
    provider = attempt.deps.passcodes
    if provider is None:
        raise FlowStop(
            Outcome.MFA_REQUIRED,
            f"PACER asked {attempt.who} for a one-time passcode and none was supplied; set"
            " PACER_TOTP_SECRET or PACER_BACKUP_CODES_FILE, or run in a terminal to type it;"
            " nothing was linked",
        )
    # After an API sign-in the court did not take, the code it used is spent.
    takes = (provider.retry, provider.retry) if attempt.fresh_passcode else (provider.first, provider.retry)
    for take in takes:
        code = await take()
        if code is None:
            break
        attempt.deps.evidence.add_secret(code.reveal())
        await trust(kit, attempt.login_origin, "type a passcode", "pacer_mfa.submit", dialog=True)
        attempt.used.passcodes += 1
        kind = await pacer_login.enter_passcode(kit, code)
        if kind != pacer_login.PASSCODE_REJECTED:
            spent = provider.spent()
            if spent:
                attempt.note(spent)
            return kind
        if not getattr(provider, "second_chance", True):
            break
    _refused(attempt, "refused the one-time passcode")
    raise FlowStop(
        Outcome.MFA_REQUIRED,
        f"PACER rejected the one-time passcode for {attempt.who} ({provider.describe()});"
        " check the authenticator's clock or the backup codes; nothing was linked",
    )


async def _redaction(attempt: LinkAttempt, kit: PageKit) -> str:
    attempt.enter("Redaction Agreement")
    notice = await pacer_login.redaction_notice(kit) or " ".join(
        attempt.selectors.phrases("pacer_redaction_notice")
    )
    if not await acknowledged(attempt, notice):
        raise no_acknowledgement(attempt, nothing_sent=False)
    await trust(
        kit,
        attempt.login_origin,
        "acknowledge the Redaction Agreement",
        "pacer_redaction.confirm",
        dialog=True,
    )
    return await pacer_login.acknowledge_redaction(kit)


async def _acknowledgement(attempt: LinkAttempt, kit: PageKit) -> str:
    attempt.enter("acknowledgement")
    return await pacer_login.acknowledge(kit)


async def _inactive(attempt: LinkAttempt, kit: PageKit) -> str:
    attempt.enter("inactive-user notice")
    attempt.note("PACER shows a 'PACER User Inactive' notice (it allows e-filing); went on")
    attempt.inactive_notice = True
    return await pacer_login.continue_inactive(kit)


async def _message(attempt: LinkAttempt, kit: PageKit) -> str:
    words = await pacer_login.message_text(kit, pacer_login.MESSAGE)
    _refused(attempt, "did not sign in (a message this tool does not know)")
    raise FlowStop(
        Outcome.PACER_LOGIN_FAILED,
        f'PACER did not sign in {attempt.who} and said "{words or "(no words)"}"; not'
        " tried again, so as not to lock the account; nothing was linked",
    )


def _verdict(attempt: LinkAttempt, kind: str) -> FlowStop | None:
    """How a known account state or rejection ends the row, if it is one."""
    said = _ACCOUNT_STATES.get(kind)
    if said is None:
        return None
    outcome, words = said
    refused = _REFUSED.get(kind)
    if refused is not None:
        _refused(attempt, refused)
    return FlowStop(outcome, words.format(who=attempt.who))


Step = Callable[[LinkAttempt, PageKit], Awaitable[str]]

# Each path returns True once signed in, False to hand over to the next in its row.
_PATHS: dict[str, tuple[Callable[[LinkAttempt, PageKit, str], Awaitable[bool]], ...]] = {
    "api": (_api_sign_in,),
    "page": (_page_sign_in,),
    "auto": (_api_sign_in, _page_sign_in),
}

# What to do in each dialog PACER's page may open after Login; each returns the kind of
# page that came next.
_PROMPTS: dict[str, Step] = {
    pacer_login.PASSCODE: _passcode,
    pacer_login.REDACTION: _redaction,
    pacer_login.ACKNOWLEDGE: _acknowledgement,
    pacer_login.INACTIVE: _inactive,
    pacer_login.MESSAGE: _message,
}

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
