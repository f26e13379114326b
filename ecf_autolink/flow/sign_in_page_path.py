"""Signing in on PACER's login page (sign-in option "page", and after the API under "auto").

The login form, then each dialog the page opens (passcode, Redaction Agreement,
acknowledgement, inactive-user notice, message), each a row of a table, until the
court's page; a known account state ends the row in the attorney's terms.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from .. import words
from ..outcome import Outcome
from ..pages import pacer_login
from ..pages.base import PageKit
from ..web.stops import FlowStop, SiteChanged
from .attempt import LinkAttempt
from .login_page import open_login
from .pacer_verdict import refused, verdict
from .redaction import acknowledged, no_acknowledgement
from .trust import trust

# PACER showing its login form again with no reason is retried once (a glitch passes),
# never more: a wrong password repeated is how accounts get locked.
MAX_LOGIN_POSTS_UNEXPLAINED = 2
# Dialogs one sign-in may pass through before the court's page; more is a loop.
MAX_PROMPTS = 8


async def page_sign_in(attempt: LinkAttempt, kit: PageKit, login_url: str) -> bool:
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
                refused(attempt, "login_bounced")
                # If the reason was a wrong password in new words, each more post
                # brings the attorney's account nearer to being locked.
                raise FlowStop(
                    Outcome.PACER_LOGIN_FAILED,
                    words.sign_in_stopped("login_bounced", bounce=bounce, posts=posts),
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
            stop = verdict(attempt, kind)
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
        raise FlowStop(Outcome.MFA_REQUIRED, words.sign_in_stopped("passcode_missing", who=attempt.who))
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
    refused(attempt, "passcode_rejected")
    raise FlowStop(
        Outcome.MFA_REQUIRED,
        words.sign_in_stopped("passcodes_rejected", who=attempt.who, tried=provider.describe()),
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
    said = await pacer_login.message_text(kit, pacer_login.MESSAGE)
    refused(attempt, "unknown_message")
    raise FlowStop(
        Outcome.PACER_LOGIN_FAILED,
        words.sign_in_stopped("unknown_message", who=attempt.who, said=words.pacer_message(said)),
    )


Step = Callable[[LinkAttempt, PageKit], Awaitable[str]]

# What to do in each dialog PACER's page may open after Login; each returns the kind of
# page that came next.
_PROMPTS: dict[str, Step] = {
    pacer_login.PASSCODE: _passcode,
    pacer_login.REDACTION: _redaction,
    pacer_login.ACKNOWLEDGE: _acknowledgement,
    pacer_login.INACTIVE: _inactive,
    pacer_login.MESSAGE: _message,
}
