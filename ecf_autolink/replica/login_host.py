"""The PACER login host's own pages in the form style (a page per step), and what the in-page
login and the Authentication API share with them: where a browser may be sent back, the
passcode check, the one-time token that hands a court the sign-on."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlencode

import pyotp

from . import auth_api, inpage
from .accounts import PacerAccount, PacerStatus, ReplicaAccounts, same_secret
from .inpage import BAD_LOGIN, BAD_PASSCODE, NEED_CLIENT_CODE
from .observed import Seen
from .replies import redirect
from .signon import LoginSession, SignOn
from .site import COURT_LOGIN, CSO_COOKIE, ENROLL_PAGE, LOGIN_COOKIE, LOGIN_PAGE, MFA_PAGE
from .wire import API_PATH, Reply, Request, set_cookie

_STATUS_PAGES = {
    PacerStatus.LOCKED: "pacer_account_locked.html",
    PacerStatus.DISABLED: "pacer_account_disabled.html",
    PacerStatus.PASSWORD_EXPIRED: "pacer_password_expired.html",
    PacerStatus.MFA_NOT_ENROLLED: "pacer_mfa_enroll.html",
    PacerStatus.LEGACY: "pacer_legacy_account.html",
}
# PACER says these whatever password is typed; the others only to the owner.
_SHOWN_TO_ANYONE = {PacerStatus.LOCKED, PacerStatus.DISABLED}


class LoginHost:
    """The login host's half of `ReplicaCourt` (a mixin: the state is the court's)."""

    court_id: str
    accounts: ReplicaAccounts
    login_style: str
    login_base: str
    court_base: str
    court_ignores_cso_cookie: bool
    api_enabled: bool
    api_shape: str
    clock: Callable[[], float]
    signon: SignOn
    _seen: Seen
    _login_sessions: dict[str, LoginSession]
    _cso_tokens: dict[str, str]

    def _login_host(self, req: Request) -> Reply:
        if req.path == API_PATH:
            return auth_api.handle(self, req)
        if req.path == LOGIN_PAGE and req.method == "GET":
            return self._login_get(req)
        if req.path == LOGIN_PAGE and req.method == "POST" and self.login_style == "inpage":
            return inpage.post(self, req)
        if req.path == LOGIN_PAGE and req.method == "POST":
            return self._login_post(req)
        if req.path == MFA_PAGE and req.method == "POST":
            return self._mfa_post(req)
        if req.path == MFA_PAGE and req.method == "GET":
            return redirect(self.login_base + LOGIN_PAGE)
        if req.path == ENROLL_PAGE and req.method == "POST":
            return self._enroll_post(req)
        return self._error(404, "no such page on the login host")

    def not_found(self) -> Reply:
        return self._error(404, "no such page on the login host")

    def appurl(self, value: str | None) -> str:
        """Where the login host may send a browser: only back to a court of this sign-on."""
        if value and self.signon.court_for_appurl(value) is not None:
            return value
        return self.court_base + COURT_LOGIN

    _appurl = appurl

    def login_page(self, appurl: str, error: str = "") -> Reply:
        if self.login_style == "inpage":
            return self._page("pacer_login_inpage.html", appurl=appurl)
        return self._page("pacer_login.html", appurl=appurl, error=error)

    _login_form = login_page

    def passcode_ok(self, account: PacerAccount, code: str, *, spend: bool = True) -> bool:
        return self._passcode_ok(account, code, spend=spend)

    def enroll_pressed(self, pacer_user: str) -> None:
        self._seen.enroll_actions.append(pacer_user)

    def one_time_return(self, login_sid: str, appurl: str) -> str:
        """The court address with a one-time token that hands the court this sign-on."""
        location = self._back_to_court(login_sid, appurl).header("Location")
        assert location is not None
        return location

    def _login_get(self, req: Request) -> Reply:
        appurl = self._appurl(req.query.get("appurl"))
        cookies = req.cookies()
        sid = cookies.get(LOGIN_COOKIE, "")
        if self.signon.signed_in(sid) is not None:
            # Central Sign-On: a signed-in browser goes straight back to the court.
            return self._back_to_court(sid, appurl)
        # A court that ignores the cookie is one where that session does not work: its
        # login link then asks for the password, whatever cookie the browser holds.
        found = None if self.court_ignores_cso_cookie else self.signon.by_token(cookies.get(CSO_COOKIE, ""))
        if found is not None:
            return self._back_to_court(found[0], appurl)
        return self._login_form(appurl)

    def _login_post(self, req: Request) -> Reply:
        form = req.form()
        appurl = self._appurl(form.get("appurl"))
        username = form.get("loginForm:loginName", "").strip()
        password = form.get("loginForm:password", "")
        account = self.accounts.pacer.get(username)
        if account is None:
            return self._login_form(appurl, BAD_LOGIN)
        if account.status in _SHOWN_TO_ANYONE:
            return self._page(_STATUS_PAGES[account.status], skips_left="0")
        if not same_secret(password, account.password):
            return self._login_form(appurl, BAD_LOGIN)
        if account.status != PacerStatus.OK:
            return self._page(_STATUS_PAGES[account.status], skips_left="3")
        if account.requires_client_code and not form.get("loginForm:clientCode", "").strip():
            return self._login_form(appurl, NEED_CLIENT_CODE)
        sid = self._new_login_session(account, appurl, signed_in=not account.has_mfa)
        cookie = set_cookie(LOGIN_COOKIE, sid)
        if account.has_mfa:
            return self._page("pacer_mfa.html", headers=[cookie], error="")
        reply = self._back_to_court(sid, appurl)
        reply.headers.append(cookie)
        return reply

    def _new_login_session(self, account: PacerAccount, appurl: str, *, signed_in: bool) -> str:
        if signed_in:
            self.signon.seen.sign_ins[account.username] += 1
        return self.signon.new_session(self.court_id, account.username, appurl, signed_in=signed_in)

    def _back_to_court(self, login_sid: str, appurl: str) -> Reply:
        token = secrets.token_urlsafe(24)
        self._cso_tokens[token] = login_sid
        joiner = "&" if "?" in appurl else "?"
        return redirect(f"{appurl}{joiner}{urlencode({'cso_token': token})}")

    def _mfa_post(self, req: Request) -> Reply:
        sid = req.cookies().get(LOGIN_COOKIE, "")
        login = self._login_sessions.get(sid)
        account = self.accounts.pacer.get(login.pacer_user) if login else None
        if login is None or account is None:
            return redirect(self.login_base + LOGIN_PAGE)
        if login.signed_in:
            return self._back_to_court(sid, login.appurl)
        code = "".join(req.form().get("mfaForm:passcode", "").split())
        self.signon.seen.passcode_posts[account.username] += 1
        self.signon.seen.secrets.append(code)
        if not self._passcode_ok(account, code):
            return self._page("pacer_mfa.html", error=BAD_PASSCODE)
        login.signed_in = True
        self.signon.seen.sign_ins[account.username] += 1
        return self._back_to_court(sid, login.appurl)

    def _passcode_ok(self, account: PacerAccount, code: str, *, spend: bool = True) -> bool:
        if not code:
            return False
        if account.totp_secret is not None and code.isdigit():
            totp = pyotp.TOTP(account.totp_secret.reveal())
            if totp.verify(code, for_time=self.clock(), valid_window=1):
                return True
        if code in account.backup_codes:
            if spend:
                account.backup_codes.discard(code)  # single use
            return True
        return False

    def _enroll_post(self, req: Request) -> Reply:
        login = self._login_sessions.get(req.cookies().get(LOGIN_COOKIE, ""))
        self._seen.enroll_actions.append(login.pacer_user if login else "")
        return self._page("pacer_mfa_enroll.html", skips_left="2")
