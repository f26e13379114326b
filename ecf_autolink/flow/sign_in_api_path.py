"""Signing in through PACER's Authentication API (sign-in option "api", and first under "auto").

One call carries the password and a passcode. Only an answer that says the request was
never checked lets auto hand over to the page path; any other answer but success ends
the row, and one that may have counted against the account is remembered as a refusal.
"""

from __future__ import annotations

from .. import sign_in_api, words
from ..outcome import Outcome
from ..pages import cmecf, pacer_login
from ..pages.base import PageKit
from ..web.stops import FlowStop
from .attempt import LinkAttempt
from .login_page import open_login
from .pacer_verdict import refused, verdict
from .redaction import acknowledged, no_acknowledgement


async def api_sign_in(attempt: LinkAttempt, kit: PageKit, login_url: str) -> bool:
    """The Authentication API: True when signed in; False when the page path should
    follow (auto only). A definite answer other than success ends the row."""
    notice = " ".join(attempt.selectors.phrases("pacer_redaction_notice"))
    if not await acknowledged(attempt, notice):
        raise no_acknowledgement(attempt, nothing_sent=True)
    login_origin = attempt.login_origin
    if login_origin is None:  # pragma: no cover - learned when the login page loaded
        raise FlowStop(Outcome.ERROR, words.sign_in_stopped("no_login_host"))
    provider = attempt.deps.passcodes
    assert provider is not None  # checked by sign_in._ready_to_sign_in
    code = await provider.first()
    if code is None:
        raise FlowStop(Outcome.MFA_REQUIRED, words.sign_in_stopped("api_no_passcode", who=attempt.who))
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
        if not fallback:
            raise FlowStop(
                Outcome.ERROR,
                words.sign_in_stopped(
                    "api_not_taken", who=attempt.who, origin=login_origin, detail=answer.detail
                ),
            )
        attempt.note(f"{words.api_not_taken(login_origin, answer.detail)}; signing in on the page instead")
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
    if attempt.known.link_page is not None:
        # The cookie is the session at every NextGen court page: the link page an
        # earlier row found here shows it, one page sooner than by the court's link.
        attempt.link_state = await cmecf.link_page_if_signed_in(kit, attempt.known.link_page)
        if attempt.link_state is not None:
            return True
    if await open_login(attempt, kit, login_url) == pacer_login.ALREADY_IN:
        return True
    if not fallback:
        raise FlowStop(
            Outcome.ERROR,
            words.sign_in_stopped("api_session_not_taken", who=attempt.who, court=attempt.attorney.court),
        )
    attempt.note(f"{attempt.attorney.court} did not take the API's session; signing in on the page once")
    attempt.fresh_passcode = True
    return False


def _api_answer_lost(attempt: LinkAttempt, login_origin: str, answer: sign_in_api.ApiResult) -> FlowStop:
    """The password went to PACER and the answer could not say what PACER made of it: it
    may have counted as a failed attempt, so it is the account's one attempt for this run."""
    said = words.api_answer_unread(answer.answer == sign_in_api.Answer.UNKNOWN, answer.detail)
    refused(attempt, "api_answer_lost")
    return FlowStop(
        Outcome.ERROR,
        words.sign_in_stopped("api_answer_lost", who=attempt.who, origin=login_origin, said=said),
    )


def _api_rejection(attempt: LinkAttempt, description: str, detail: str) -> FlowStop:
    """A definite no from the API, in the page path's words where PACER's say which."""
    said = words.pacer_said(description, detail)
    lowered = description.casefold()
    for kind in (*pacer_login.ACCOUNT_PAGES[1:], pacer_login.PASSCODE_REJECTED):
        if any(p.casefold() in lowered for p in attempt.selectors.phrases(kind.removeprefix("texts."))):
            stop = verdict(attempt, kind)
            if stop is not None:
                return FlowStop(stop.outcome, words.refused_again(stop.message, said))
    refused(attempt, "api_rejected")
    return FlowStop(
        Outcome.PACER_LOGIN_FAILED, words.sign_in_stopped("api_rejected", who=attempt.who, said=said)
    )
