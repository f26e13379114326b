"""PACER Central Sign-On: the login form, its in-page dialogs, and every way they say no.

The Login button, the passcode button and each prompt's button send a background
request and the page changes in place: an error appears, a dialog opens, or at the
very end the browser is sent on to the court. So no step here waits for a page load;
each waits for whichever answer the page shows first.
"""

from __future__ import annotations

from ..attorney import Attorney
from ..court_urls import origin_of
from ..secret import Secret
from ..web.stops import SessionEnded, TransientFailure
from .base import PageKit
from .kinds import PageKind, mark


class LoginBounced(TransientFailure):
    """The login form came back by a new page load with no reason given; the flow
    bounds how often it re-posts."""


# What the page shows next, as selector keys or `texts.` phrase groups (the waits
# take keys); a page of its own is named by its row in `kinds.SPECS`.
LOGIN_FORM = mark(PageKind.PACER_LOGIN)
ALREADY_IN = mark(PageKind.CMECF_MAIN)
PASSCODE = mark(PageKind.PACER_MFA)
PASSCODE_REJECTED = "texts.pacer_mfa_rejected"
BAD_CREDENTIALS = "texts.pacer_bad_credentials"
LOCKED = mark(PageKind.PACER_ACCOUNT_LOCKED)
DISABLED = mark(PageKind.PACER_ACCOUNT_DISABLED)
PASSWORD_EXPIRED = mark(PageKind.PACER_PASSWORD_EXPIRED)
ENROLL = mark(PageKind.PACER_MFA_ENROLL)
LEGACY = mark(PageKind.PACER_LEGACY_ACCOUNT)
SESSION_EXPIRED = mark(PageKind.SESSION_EXPIRED)
REDACTION = mark(PageKind.PACER_REDACTION)
ACKNOWLEDGE = mark(PageKind.PACER_ACK)
INACTIVE = mark(PageKind.PACER_INACTIVE)
MESSAGE = "pacer_messages.error"

ACCOUNT_PAGES = [BAD_CREDENTIALS, LOCKED, DISABLED, PASSWORD_EXPIRED, ENROLL, LEGACY]
# The prompts a sign-in may pass through, after the account states (which end it).
PROMPTS = [REDACTION, ACKNOWLEDGE, INACTIVE]

# What may follow Login, a prompt's button, or an accepted passcode.
_AFTER_LOGIN = [*ACCOUNT_PAGES, PASSCODE, *PROMPTS, ALREADY_IN, SESSION_EXPIRED, MESSAGE]
_AFTER_PASSCODE = [PASSCODE_REJECTED, *ACCOUNT_PAGES, *PROMPTS, ALREADY_IN, SESSION_EXPIRED, MESSAGE]


async def arrived(kit: PageKit) -> str:
    """After following the filing-system link: a login form, or already signed in."""
    return await kit.wait_for_any([LOGIN_FORM, ALREADY_IN], what="the PACER login form", visible=True)


async def sign_in(kit: PageKit, attorney: Attorney) -> str:
    """Fill and press Login once; the page's first answer (a kind above)."""
    await kit.fill("pacer_login.username", attorney.pacer_username)
    await kit.fill("pacer_login.password", attorney.pacer_password.reveal())
    if attorney.client_code:
        await kit.fill("pacer_login.client_code", attorney.client_code)
    mark = await kit.mark(_AFTER_LOGIN)
    await kit.press("pacer_login.login")
    kind = await kit.wait_for_answer(
        _AFTER_LOGIN, mark, what="the answer to PACER Login", after_load=(LOGIN_FORM,)
    )
    if kind == LOGIN_FORM:
        # A new page with the form again and no reason we recognise (the account
        # messages above would say one): a glitch, or a wrong password in new words.
        raise LoginBounced(f"PACER showed its login form again at {origin_of(kit.page.url)}")
    if kind == SESSION_EXPIRED:
        raise SessionEnded(kit.page.url)
    return kind


async def enter_passcode(kit: PageKit, code: Secret) -> str:
    field = await kit.shown("pacer_mfa.passcode")
    await field.fill(code.reveal())
    mark = await kit.mark(_AFTER_PASSCODE)
    await kit.press("pacer_mfa.submit")
    kind = await kit.wait_for_answer(
        _AFTER_PASSCODE, mark, what="the answer to the passcode", after_load=(LOGIN_FORM,)
    )
    if kind in (SESSION_EXPIRED, LOGIN_FORM):
        # The court ended the new session before its first page: sign in again.
        raise SessionEnded(kit.page.url)
    if kind == MESSAGE:
        # An error in the dialog in words not listed: read as a rejected code.
        return PASSCODE_REJECTED
    return kind


async def message_text(kit: PageKit, kind: str) -> str:
    """The words a kind shows, for a message (never holds a secret: PACER's own words)."""
    try:
        text = await kit.kind_locator(kind).filter(visible=True).first.inner_text(timeout=1_000)
    except Exception:  # the page moved on; the kind alone still says enough
        return ""
    return " ".join(text.split())[:300]


async def redaction_notice(kit: PageKit) -> str:
    """The Redaction Agreement's words as the page shows them (the whole dialog when
    the notice sits in one)."""
    notice = kit.loc(REDACTION).filter(visible=True).first
    dialog = notice.locator("xpath=ancestor-or-self::*[@role='dialog' or contains(@class,'ui-dialog')][1]")
    for part in (dialog, notice):
        try:
            if await part.count():
                text = await part.first.inner_text(timeout=1_000)
                if text.strip():
                    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
        except Exception:  # nothing to read: the caller falls back to the known words
            continue
    return ""


async def acknowledge_redaction(kit: PageKit) -> str:
    """Tick the box and press Continue: only ever called with the operator's say-so."""
    await kit.press("pacer_redaction.agree")
    return await _prompt_answered(kit, "pacer_redaction.confirm", "the Redaction Agreement")


async def acknowledge(kit: PageKit) -> str:
    return await _prompt_answered(kit, ACKNOWLEDGE, "the acknowledgement")


async def continue_inactive(kit: PageKit) -> str:
    return await _prompt_answered(kit, "pacer_inactive.continue", "the inactive-user notice")


async def _prompt_answered(kit: PageKit, button: str, what: str) -> str:
    kinds = [k for k in _AFTER_LOGIN if k != MESSAGE] + [MESSAGE]
    mark = await kit.mark(kinds)
    await kit.press(button)
    kind = await kit.wait_for_answer(kinds, mark, what=f"the answer to {what}", after_load=(LOGIN_FORM,))
    if kind in (LOGIN_FORM, SESSION_EXPIRED):
        # The court ended the new session before its first page: sign in again.
        raise SessionEnded(kit.page.url)
    return kind
