"""The replica court: a NextGen CM/ECF court plus the PACER login host, as one state machine.

`ReplicaCourt.handle(Request) -> Reply` is pure apart from the court's own state
(guarded by a lock), so the loopback HTTP server and Playwright interception share
it. Nothing here sleeps or touches a socket; faults come back as a `Directive`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode, urlsplit

import pyotp

from . import auth_api, inpage
from .accounts import CmecfAccount, PacerAccount, PacerStatus, ReplicaAccounts, same_secret
from .faults import Fault, FaultKind, Faults
from .inpage import BAD_LOGIN, BAD_PASSCODE, NEED_CLIENT_CODE
from .signon import SignOn
from .templates import Templates
from .wire import API_PATH, Action, Directive, FormError, Reply, Request, set_cookie

COURT_COOKIE = "CMECF_SESSION"
LOGIN_COOKIE = "PacerSession"
# The Central Sign-On token (from the login page's end or the Authentication API).
CSO_COOKIE = "NextGenCSO"

LoginStyle = Literal["inpage", "form"]
ApiShape = Literal["known", "unknown"]
# "inpage": today's PACER login (background posts, dialogs in place); "form": the old
# replica's page-per-step login, kept as a scenario.
DEFAULT_LOGIN_STYLE: LoginStyle = "inpage"

LOGIN_PAGE = "/csologin/login.jsf"
MFA_PAGE = "/csologin/mfa.jsf"
ENROLL_PAGE = "/csologin/enroll.jsf"
COURT_LOGIN = "/cgi-bin/login.pl"
MAIN_PAGE = "/cgi-bin/ShowIndex.pl"
MENU_PAGE = "/cgi-bin/DisplayMenu.pl"
LINK_PAGE = "/cgi-bin/LinkAccount.pl"

BAD_CMECF_LOGIN = "Invalid CM/ECF login or password."
STALE_CONFIRMATION = "This confirmation is no longer valid. Enter your CM/ECF login and password again."
PACER_ALREADY_LINKED = "Your PACER account is already linked to a CM/ECF account in this court."
CMECF_ALREADY_LINKED = "This CM/ECF account is already linked to a PACER account."

TOKEN_FIELD = "confirm_token"

_STATUS_PAGES = {
    PacerStatus.LOCKED: "pacer_account_locked.html",
    PacerStatus.DISABLED: "pacer_account_disabled.html",
    PacerStatus.PASSWORD_EXPIRED: "pacer_password_expired.html",
    PacerStatus.MFA_NOT_ENROLLED: "pacer_mfa_enroll.html",
    PacerStatus.LEGACY: "pacer_legacy_account.html",
}
# PACER says these whatever password is typed; the others only to the owner.
_SHOWN_TO_ANYONE = {PacerStatus.LOCKED, PacerStatus.DISABLED}


@dataclass
class _CourtSession:
    pacer_user: str
    login_session: str | None
    last_seen: float
    # The one confirmation token this session may still use, and its CM/ECF account.
    pending: tuple[str, str] | None = None


@dataclass
class _Seen:
    """What the court observed, for tests."""

    final_submits: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    link_events: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    enroll_actions: list[str] = field(default_factory=list)


class ReplicaCourt:
    def __init__(
        self,
        court_id: str,
        court_name: str,
        accounts: ReplicaAccounts,
        *,
        templates_dir: Path | None = None,
        nextgen: bool = True,
        session_ttl: float | None = None,
        clock: Callable[[], float] = time.time,
        login_style: LoginStyle | None = None,
        api_enabled: bool = True,
        api_shape: ApiShape = "known",
        court_ignores_cso_cookie: bool = False,
        signon: SignOn | None = None,
    ) -> None:
        self.court_id = court_id
        self.court_name = court_name
        self.accounts = accounts
        self.nextgen = nextgen
        self.session_ttl = session_ttl
        self.clock = clock
        self.login_style: LoginStyle = login_style or DEFAULT_LOGIN_STYLE
        if self.login_style not in ("inpage", "form"):
            raise ValueError(f"login_style must be 'inpage' or 'form', not {self.login_style!r}")
        self.api_enabled = api_enabled
        self.api_shape: ApiShape = api_shape
        self.court_ignores_cso_cookie = court_ignores_cso_cookie
        self.templates = Templates(court_id, templates_dir)
        self.faults = Faults()
        self.court_base = f"https://ecf.{court_id}.replica.test"
        self.login_base = "https://pacer-login.replica.test"
        # One login host may serve several courts (single sign-on); they share its lock.
        self.signon = signon if signon is not None else SignOn()
        self.signon.join(self)
        self._lock: threading.RLock = self.signon.lock  # type: ignore[assignment]
        self._seen = _Seen()
        self._court_sessions: dict[str, _CourtSession] = {}
        self._expired_sessions: set[str] = set()
        self._login_sessions = self.signon.sessions
        self._cso_tokens = self.signon.one_time  # one-time token -> login session id
        # The PACER user behind the request being handled (set under the lock), so any
        # page can show who is signed in: recorded court pages may do so.
        self._viewer: str | None = None

    def __repr__(self) -> str:
        return f"ReplicaCourt({self.court_id!r}, {len(self.accounts.pacer)} PACER accounts)"

    # -- configuration and observation ---------------------------------------------

    def set_bases(self, court_base: str, login_base: str) -> None:
        with self._lock:
            self.court_base = court_base.rstrip("/")
            self.login_base = login_base.rstrip("/")

    @property
    def final_submits(self) -> list[str]:
        """PACER username of every confirmation POST that arrived, answered or not."""
        return self._seen.final_submits

    @property
    def links(self) -> dict[str, str]:
        """CM/ECF username -> PACER username for every link made by this replica."""
        return self._seen.links

    @property
    def link_events(self) -> list[tuple[str, str]]:
        return self._seen.link_events

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        return self._seen.requests

    @property
    def enroll_actions(self) -> list[str]:
        """PACER usernames that pressed Enroll or Skip (the tool never must)."""
        return self._seen.enroll_actions

    # Login-host counters (shared by every court of one sign-on).

    @property
    def login_posts(self) -> Counter[str]:
        """Credentials posts per username typed, page and API alike."""
        return self.signon.seen.login_posts

    @property
    def passcode_posts(self) -> Counter[str]:
        return self.signon.seen.passcode_posts

    @property
    def redaction_acks(self) -> list[str]:
        return self.signon.seen.redaction_acks

    @property
    def redaction_refusals(self) -> list[str]:
        return self.signon.seen.redaction_refusals

    @property
    def api_calls(self) -> Counter[str]:
        return self.signon.seen.api_calls

    @property
    def api_redact_flags(self) -> list[tuple[str, bool]]:
        return self.signon.seen.api_redact_flags

    @property
    def sign_ins(self) -> Counter[str]:
        return self.signon.seen.sign_ins

    def reset_counters(self) -> None:
        with self._lock:
            self._seen = _Seen()
            self.signon.reset_counters()

    def expire_sessions(self, pacer_user: str | None = None) -> int:
        """End court sessions (all, or one user's) so their next page says the session expired."""
        with self._lock:
            ids = [
                sid
                for sid, s in self._court_sessions.items()
                if pacer_user is None or s.pacer_user == pacer_user
            ]
            for sid in ids:
                self._expire(sid)
            return len(ids)

    def host_kind_of(self, url: str) -> str | None:
        origin = _origin(url)
        if origin == _origin(self.court_base):
            return "court"
        if origin == _origin(self.login_base):
            return "login"
        return None

    def owns_login_request(self, req: Request) -> bool:
        """Whether a login-host request belongs to this court (several may share one host)."""
        court = req.query.get("pscCourtId") or self._form(req).get("pscCourtId")
        if court:
            return court == self.court_id
        appurl = req.query.get("appurl")
        if appurl:
            return _origin(appurl) == _origin(self.court_base)
        sid = req.cookies().get(LOGIN_COOKIE, "")
        return not sid or sid.startswith(f"{self.court_id}.")

    # -- the entry point -------------------------------------------------------------

    def handle(self, req: Request) -> Reply:
        with self._lock:
            self._seen.requests.append((req.method, req.host_kind, req.path))
            who = self._who(req)
            self._viewer = who
            credentials = self._is_credentials_post(req)
            if credentials:
                # Counted on arrival, like the final Submit: a dropped answer still means
                # the password went over the wire.
                self.signon.seen.login_posts[who or ""] += 1
            final = self._is_confirmation(req)
            if final:
                # Counted on arrival: a dropped answer still means the court got it.
                self._seen.final_submits.append(who or "")
            faults = self.faults.take(req, who, final)
            reply = self._with_faults(req, faults)
            if credentials:
                self.signon.seen.credential_posts.append((who or "", _credentials_answer(reply)))
            return reply

    def secrets_seen(self) -> list[str]:
        """Every passcode received and NextGenCSO token issued (for no-secret-written checks)."""
        return [s for s in self.signon.seen.secrets if s]

    def credential_posts(self, pacer_user: str) -> list[tuple[str, bool]]:
        """Each credentials post of the user, in order: (what the answer said, whether the
        answer reached the client): "accepted", "rejected" or "lost"."""
        return [
            (said, said != "lost") for user, said in self.signon.seen.credential_posts if user == pacer_user
        ]

    def _with_faults(self, req: Request, faults: list[Fault]) -> Reply:
        kinds = {f.kind: f for f in faults}
        delay = self.faults.latency + sum(f.seconds for f in faults if f.kind == FaultKind.LATENCY)

        if FaultKind.LOGIN_DOWN in kinds:
            return _dropped(Action.REFUSE, delay)
        if FaultKind.RESET_BEFORE in kinds:
            return _dropped(Action.RESET, delay)
        for kind in (FaultKind.HANG, FaultKind.STATUS):
            fault = kinds.get(kind)
            if fault is None:
                continue
            if fault.after_processing:
                self._route(req)
            if kind == FaultKind.HANG:
                return _dropped(Action.HANG, delay)
            return self._error(fault.status, "the server is temporarily unable to answer", delay)
        if FaultKind.REDIRECT_LOOP in kinds:
            base = self.court_base if req.host_kind == "court" else self.login_base
            loop = _redirect(base + req.target)
            loop.directive = Directive(Action.LOOP, delay)
            return loop
        if FaultKind.SESSION_EXPIRE in kinds:
            sid = req.cookies().get(COURT_COOKIE)
            if sid in self._court_sessions:
                self._expire(sid)
        if FaultKind.SIGNED_OUT in kinds:
            cookies = req.cookies()
            court_session = self._court_sessions.pop(cookies.get(COURT_COOKIE, ""), None)
            self.signon.end(cookies.get(LOGIN_COOKIE, ""))
            if court_session is not None and court_session.login_session:
                self.signon.end(court_session.login_session)
            found = self.signon.by_token(cookies.get(CSO_COOKIE, ""))
            if found is not None:
                self.signon.end(found[0])

        reply = self._route(req)
        if FaultKind.RESET_AFTER in kinds:
            return _dropped(Action.RESET, delay)
        if FaultKind.TRUNCATE in kinds:
            reply.directive = Directive(Action.TRUNCATE, delay)
            return reply
        return _with_delay(reply, delay)

    def _route(self, req: Request) -> Reply:
        try:
            if req.host_kind == "login":
                return self._login_host(req)
            return self._court_host(req)
        except FormError as exc:
            return self._error(400, str(exc))

    # -- shared helpers -------------------------------------------------------------

    def _page(
        self, name: str, http_status: int = 200, headers: list[tuple[str, str]] | None = None, **values: str
    ) -> Reply:
        common = {
            "court_name": self.court_name,
            "court_id": self.court_id,
            "psc_court_id": self.court_id,
            "court_base": self.court_base,
            "login_base": self.login_base,
        }
        body = self.templates.render(name, common | self._viewer_values() | values).encode("utf-8")
        all_headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
        return Reply(http_status, all_headers + (headers or []), body)

    def _viewer_values(self) -> dict[str, str]:
        """Who is signed in, for the placeholders `autolink record` leaves in court pages."""
        account = self.accounts.pacer.get(self._viewer or "")
        linked = self.accounts.linked_cmecf(account.username) if account else None
        return {
            "pacer_username": self._viewer or "",
            "pacer_name": account.display_name if account else "",
            "cmecf_username": linked.username if linked else "",
            "cmecf_name": linked.display_name if linked else "",
        }

    def _error(self, status: int, detail: str, delay: float = 0.0) -> Reply:
        reason = HTTPStatus(status).phrase
        reply = self._page("error.html", status, status=str(status), reason=reason, detail=detail)
        return _with_delay(reply, delay)

    @staticmethod
    def _form(req: Request) -> dict[str, str]:
        if req.method != "POST":
            return {}
        try:
            return req.form()
        except FormError:
            return {}

    def _who(self, req: Request) -> str | None:
        """The PACER user behind a request, for fault matching and counters."""
        cookies = req.cookies()
        if req.host_kind == "court":
            session = self._court_sessions.get(cookies.get(COURT_COOKIE, ""))
            return session.pacer_user if session else None
        # A credentials post is the typed user's, whatever session the browser still has.
        if req.path == API_PATH and req.method == "POST":
            try:
                body = req.json()
            except FormError:
                return None
            name = body.get("loginId") if isinstance(body, dict) else None
            return name.strip() if isinstance(name, str) else None
        typed = self._form(req).get("loginForm:loginName")
        if typed is not None:
            return typed.strip()
        login = self._login_sessions.get(cookies.get(LOGIN_COOKIE, ""))
        return login.pacer_user if login else None

    def _is_credentials_post(self, req: Request) -> bool:
        if req.host_kind != "login" or req.method != "POST":
            return False
        if req.path == API_PATH:
            return True
        return req.path == LOGIN_PAGE and "loginForm:loginName" in self._form(req)

    def _is_confirmation(self, req: Request) -> bool:
        return (
            req.host_kind == "court"
            and req.method == "POST"
            and req.path == LINK_PAGE
            and TOKEN_FIELD in self._form(req)
        )

    # -- login host -------------------------------------------------------------------

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
            return _redirect(self.login_base + LOGIN_PAGE)
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
        return _redirect(f"{appurl}{joiner}{urlencode({'cso_token': token})}")

    def _mfa_post(self, req: Request) -> Reply:
        sid = req.cookies().get(LOGIN_COOKIE, "")
        login = self._login_sessions.get(sid)
        account = self.accounts.pacer.get(login.pacer_user) if login else None
        if login is None or account is None:
            return _redirect(self.login_base + LOGIN_PAGE)
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

    # -- court host ---------------------------------------------------------------------

    def _court_host(self, req: Request) -> Reply:
        if req.path in ("/", "/index.html") and req.method == "GET":
            return self._page("court_front.html")
        if req.path == COURT_LOGIN and req.method == "GET":
            return self._court_login(req)
        if not req.path.startswith("/cgi-bin/"):
            return self._error(404, "no such page")
        cookies = req.cookies()
        sid = cookies.get(COURT_COOKIE, "")
        session = self._live_session(sid)
        new_cookie: tuple[str, str] | None = None
        if session is None:
            if sid in self._expired_sessions:
                return self._page("session_expired.html")
            sid, session = self._session_from_token(cookies.get(CSO_COOKIE, ""))
            if session is None:
                return _redirect(self._login_url())
            new_cookie = set_cookie(COURT_COOKIE, sid)
            self._viewer = session.pacer_user
        reply = self._court_page(req, session)
        if new_cookie is not None:
            reply.headers.append(new_cookie)
        return reply

    def _session_from_token(self, token: str) -> tuple[str, _CourtSession | None]:
        """A court session from a valid `NextGenCSO` cookie (the court trusts Central Sign-On)."""
        if not token or self.court_ignores_cso_cookie:
            return "", None
        found = self.signon.by_token(token)
        if found is None:
            return "", None
        login_sid, login = found
        sid = secrets.token_urlsafe(24)
        session = _CourtSession(login.pacer_user, login_sid, self.clock())
        self._court_sessions[sid] = session
        return sid, session

    def _court_page(self, req: Request, session: _CourtSession) -> Reply:
        if req.path == MAIN_PAGE:
            return self._page("cmecf_main.html")
        if req.path == MENU_PAGE:
            if "Utilities" in req.query:
                page = "utilities_menu.html" if self.nextgen else "utilities_menu_not_ready.html"
                return self._page(page)
            return self._page("cmecf_main.html")
        if req.path == LINK_PAGE and self.nextgen:
            return self._link_page(req, session)
        return self._error(404, "no such page")

    def _login_url(self) -> str:
        query = urlencode({"pscCourtId": self.court_id, "appurl": self.court_base + COURT_LOGIN})
        return f"{self.login_base}{LOGIN_PAGE}?{query}"

    def _live_session(self, sid: str) -> _CourtSession | None:
        session = self._court_sessions.get(sid)
        if session is None:
            return None
        now = self.clock()
        if self.session_ttl is not None and now - session.last_seen > self.session_ttl:
            self._expire(sid)
            return None
        session.last_seen = now
        return session

    def _expire(self, sid: str) -> None:
        self._court_sessions.pop(sid, None)
        self._expired_sessions.add(sid)

    def _court_login(self, req: Request) -> Reply:
        sid = req.cookies().get(COURT_COOKIE, "")
        if "logout" in req.query:
            return self._logout(sid)
        token = req.query.get("cso_token")
        if token is not None:
            return self._accept_token(token)
        if self._live_session(sid) is not None:
            return _redirect(self.court_base + MAIN_PAGE)
        new_sid, session = self._session_from_token(req.cookies().get(CSO_COOKIE, ""))
        if session is not None:
            reply = _redirect(self.court_base + MAIN_PAGE)
            reply.headers.append(set_cookie(COURT_COOKIE, new_sid))
            return reply
        return _redirect(self._login_url())

    def _accept_token(self, token: str) -> Reply:
        login_sid = self._cso_tokens.pop(token, None)
        login = self._login_sessions.get(login_sid or "")
        if login is None or not login.signed_in:
            return _redirect(self._login_url())
        sid = secrets.token_urlsafe(24)
        self._court_sessions[sid] = _CourtSession(login.pacer_user, login_sid, self.clock())
        reply = _redirect(self.court_base + MAIN_PAGE)
        reply.headers.append(set_cookie(COURT_COOKIE, sid))
        return reply

    def _logout(self, sid: str) -> Reply:
        session = self._court_sessions.pop(sid, None)
        if session is not None and session.login_session:
            # Logging out of CM/ECF ends the Central Sign-On session too.
            self.signon.end(session.login_session)
        reply = _redirect(self.court_base + "/")
        reply.headers.append(set_cookie(COURT_COOKIE, "", expire=True))
        return reply

    # -- linking ---------------------------------------------------------------------------

    def _link_page(self, req: Request, session: _CourtSession) -> Reply:
        if req.method not in ("GET", "POST"):
            return self._error(405, "method not allowed")
        form = req.form() if req.method == "POST" else {}
        if TOKEN_FIELD in form:
            # Checked first so that a replayed confirmation gets the stale-token answer.
            return self._confirm(session, form[TOKEN_FIELD])
        if self.accounts.linked_cmecf(session.pacer_user) is not None:
            return self._page("already_linked.html", message=PACER_ALREADY_LINKED)
        if req.method == "GET":
            return self._page("link_form.html", error="")
        return self._check_cmecf_login(session, form.get("login", "").strip(), form.get("key", ""))

    def _check_cmecf_login(self, session: _CourtSession, login: str, password: str) -> Reply:
        account = self.accounts.cmecf.get(login)
        if account is None or not same_secret(password, account.password):
            return self._page("link_form.html", error=BAD_CMECF_LOGIN)
        if account.linked_to_pacer is not None:
            return self._page("already_linked.html", message=CMECF_ALREADY_LINKED)
        pacer = self.accounts.pacer[session.pacer_user]
        token = secrets.token_urlsafe(24)
        session.pending = (token, account.username)
        return self._page(
            "link_confirm.html",
            cmecf_name=account.display_name,
            cmecf_username=account.username,
            pacer_name=pacer.display_name,
            token=token,
        )

    def _confirm(self, session: _CourtSession, token: str) -> Reply:
        pending, session.pending = session.pending, None
        if pending is None or not secrets.compare_digest(pending[0].encode(), token.encode()):
            return self._page("link_form.html", error=STALE_CONFIRMATION)
        if self.accounts.linked_cmecf(session.pacer_user) is not None:
            return self._page("already_linked.html", message=PACER_ALREADY_LINKED)
        account = self.accounts.cmecf.get(pending[1])
        if account is None or account.linked_to_pacer is not None:
            return self._page("already_linked.html", message=CMECF_ALREADY_LINKED)
        self._link(account, session.pacer_user)
        return self._page("link_success.html")

    def _link(self, account: CmecfAccount, pacer_user: str) -> None:
        account.linked_to_pacer = pacer_user
        self._seen.links[account.username] = pacer_user
        self._seen.link_events.append((account.username, pacer_user))


def _credentials_answer(reply: Reply) -> str:
    """What a credentials post's answer told the client: "accepted", "rejected" or "lost"."""
    if reply.directive.action != Action.REPLY or reply.status >= 500:
        return "lost"
    if reply.status != 200:
        return "rejected"
    if (reply.header("Content-Type") or "").startswith("application/json"):
        try:
            answer = json.loads(reply.body)
        except ValueError:
            return "accepted"  # another shape: nothing the client can call a rejection
        if not isinstance(answer, dict):
            return "accepted"
        if "loginResult" in answer:
            return "accepted" if answer["loginResult"] == "0" else "rejected"
        if "show" in answer:
            return "rejected" if answer["show"] == "login" else "accepted"
        return "accepted"
    # The form-style login: back to a page that is not the login form, or a redirect.
    return "rejected" if b"loginForm:loginName" in reply.body else "accepted"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _redirect(location: str) -> Reply:
    return Reply(
        302,
        [("Location", location), ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
        b"",
    )


def _with_delay(reply: Reply, delay: float) -> Reply:
    if delay:
        reply.directive = Directive(reply.directive.action, delay)
    return reply


def _dropped(action: Action, delay: float) -> Reply:
    return Reply(0, [], b"", Directive(action, delay))
