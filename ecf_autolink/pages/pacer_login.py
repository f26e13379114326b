"""PACER Central Sign-On: the login form, the passcode page, and every way they say no."""

from __future__ import annotations

from ..attorney import Attorney
from ..secret import Secret
from .base import PageKit, SessionEnded, TransientFailure, origin_of


class LoginBounced(TransientFailure):
    """The login form came back with no reason given; the flow bounds how often it re-posts."""


# Page kinds, as selector keys or `texts.` phrase groups, in the order they win.
LOGIN_FORM = "pacer_login.username"
ALREADY_IN = "cmecf_main.utilities"
PASSCODE = "pacer_mfa.passcode"
PASSCODE_REJECTED = "texts.pacer_mfa_rejected"
BAD_CREDENTIALS = "texts.pacer_bad_credentials"
LOCKED = "texts.pacer_account_locked"
DISABLED = "texts.pacer_account_disabled"
PASSWORD_EXPIRED = "texts.pacer_password_expired"
ENROLL = "texts.pacer_mfa_enrollment"
LEGACY = "texts.pacer_legacy_account"
SESSION_EXPIRED = "texts.cmecf_session_expired"

_ACCOUNT_PAGES = [BAD_CREDENTIALS, LOCKED, DISABLED, PASSWORD_EXPIRED, ENROLL, LEGACY]


async def arrived(kit: PageKit) -> str:
    """After following the filing-system link: a login form, or already signed in."""
    return await kit.wait_for_any([LOGIN_FORM, ALREADY_IN], what="the PACER login form")


async def sign_in(kit: PageKit, attorney: Attorney) -> str:
    await (await kit.one("pacer_login.username")).fill(attorney.pacer_username)
    await (await kit.one("pacer_login.password")).fill(attorney.pacer_password.reveal())
    if attorney.client_code:
        await (await kit.one("pacer_login.client_code")).fill(attorney.client_code)
    await kit.submit("pacer_login.login")
    kind = await kit.wait_for_any(
        [*_ACCOUNT_PAGES, PASSCODE, ALREADY_IN, LOGIN_FORM], what="the page after PACER login"
    )
    if kind == LOGIN_FORM:
        # Bounced back with no reason we recognise (the account pages above would say one):
        # a glitch, or a wrong password in words the selectors do not know yet.
        raise LoginBounced(f"PACER showed its login form again at {origin_of(kit.page.url)}")
    return kind


async def enter_passcode(kit: PageKit, code: Secret) -> str:
    await (await kit.one("pacer_mfa.passcode")).fill(code.reveal())
    await kit.submit("pacer_mfa.submit")
    kind = await kit.wait_for_any(
        [PASSCODE_REJECTED, *_ACCOUNT_PAGES, ALREADY_IN, SESSION_EXPIRED, LOGIN_FORM],
        what="the page after the passcode",
    )
    if kind in (SESSION_EXPIRED, LOGIN_FORM):
        # The court ended the new session before its first page: sign in again.
        raise SessionEnded(kit.page.url)
    return kind
