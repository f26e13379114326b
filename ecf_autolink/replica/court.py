"""The replica court: a NextGen CM/ECF court plus the PACER login host, as one state machine.

`ReplicaCourt.handle(Request) -> Reply` is pure apart from the court's own state
(guarded by a lock), so the loopback HTTP server and Playwright interception share
it. Nothing here sleeps or touches a socket; faults come back as a `Directive`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Literal

from ..court_urls import origin_of
from .accounts import ReplicaAccounts
from .court_host import CourtHost, CourtSession
from .faults import Fault, FaultKind, Faults
from .inpage import BAD_LOGIN, BAD_PASSCODE, NEED_CLIENT_CODE
from .login_host import LoginHost
from .observed import Observed, Seen, credentials_answer
from .replies import dropped, redirect, with_delay
from .signon import SignOn
from .site import (
    BAD_CMECF_LOGIN,
    CMECF_ALREADY_LINKED,
    COURT_COOKIE,
    COURT_LOGIN,
    CSO_COOKIE,
    ENROLL_PAGE,
    LINK_PAGE,
    LOGIN_COOKIE,
    LOGIN_PAGE,
    MAIN_PAGE,
    MENU_PAGE,
    MFA_PAGE,
    PACER_ALREADY_LINKED,
    STALE_CONFIRMATION,
    TOKEN_FIELD,
)
from .templates import Templates
from .wire import API_PATH, Action, Directive, FormError, Reply, Request

# Importers name the court's addresses, cookies and messages (and the login host's) from here.
__all__ = [
    "BAD_CMECF_LOGIN",
    "BAD_LOGIN",
    "BAD_PASSCODE",
    "CMECF_ALREADY_LINKED",
    "COURT_COOKIE",
    "COURT_LOGIN",
    "CSO_COOKIE",
    "DEFAULT_LOGIN_STYLE",
    "ENROLL_PAGE",
    "LINK_PAGE",
    "LOGIN_COOKIE",
    "LOGIN_PAGE",
    "MAIN_PAGE",
    "MENU_PAGE",
    "MFA_PAGE",
    "NEED_CLIENT_CODE",
    "PACER_ALREADY_LINKED",
    "STALE_CONFIRMATION",
    "TOKEN_FIELD",
    "ApiShape",
    "LoginStyle",
    "ReplicaCourt",
]

LoginStyle = Literal["inpage", "form"]
ApiShape = Literal["known", "unknown"]
# "inpage": today's PACER login (background posts, dialogs in place); "form": the old
# replica's page-per-step login, kept as a scenario.
DEFAULT_LOGIN_STYLE: LoginStyle = "inpage"


class ReplicaCourt(LoginHost, CourtHost, Observed):
    """The court and the login host in one object: its configuration, and each request
    through faults to the host's pages (`login_host`, `court_host`); what it saw, for tests,
    is kept by `observed`."""

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
        self._seen = Seen()
        self._court_sessions: dict[str, CourtSession] = {}
        self._expired_sessions: set[str] = set()
        self._login_sessions = self.signon.sessions
        self._cso_tokens = self.signon.one_time  # one-time token -> login session id
        # The PACER user behind the request being handled (set under the lock), so any
        # page can show who is signed in: recorded court pages may do so.
        self._viewer: str | None = None

    def __repr__(self) -> str:
        return f"ReplicaCourt({self.court_id!r}, {len(self.accounts.pacer)} PACER accounts)"

    # -- configuration -----------------------------------------------------------------

    def set_bases(self, court_base: str, login_base: str) -> None:
        with self._lock:
            self.court_base = court_base.rstrip("/")
            self.login_base = login_base.rstrip("/")

    def rename(self, name: str, *, pacer: str | None = None, cmecf: str | None = None) -> None:
        """Change the name an account shows from now on, as a court clerk or the attorney
        may between a plan and its apply (a marriage, a corrected record)."""
        with self._lock:
            if pacer is not None:
                self.accounts.pacer[pacer].display_name = name
            if cmecf is not None:
                self.accounts.cmecf[cmecf].display_name = name

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
        origin = origin_of(url)
        if origin == origin_of(self.court_base):
            return "court"
        if origin == origin_of(self.login_base):
            return "login"
        return None

    def owns_login_request(self, req: Request) -> bool:
        """Whether a login-host request belongs to this court (several may share one host)."""
        court = req.query.get("pscCourtId") or self._form(req).get("pscCourtId")
        if court:
            return court == self.court_id
        appurl = req.query.get("appurl")
        if appurl:
            return origin_of(appurl) == origin_of(self.court_base)
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
                self.signon.seen.credential_posts.append((who or "", credentials_answer(reply)))
            return reply

    def _with_faults(self, req: Request, faults: list[Fault]) -> Reply:
        kinds = {f.kind: f for f in faults}
        delay = self.faults.latency + sum(f.seconds for f in faults if f.kind == FaultKind.LATENCY)

        if FaultKind.LOGIN_DOWN in kinds:
            return dropped(Action.REFUSE, delay)
        if FaultKind.RESET_BEFORE in kinds:
            return dropped(Action.RESET, delay)
        for kind in (FaultKind.HANG, FaultKind.STATUS):
            fault = kinds.get(kind)
            if fault is None:
                continue
            if fault.after_processing:
                self._route(req)
            if kind == FaultKind.HANG:
                return dropped(Action.HANG, delay)
            return self._error(fault.status, "the server is temporarily unable to answer", delay)
        if FaultKind.REDIRECT_LOOP in kinds:
            base = self.court_base if req.host_kind == "court" else self.login_base
            loop = redirect(base + req.target)
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
            return dropped(Action.RESET, delay)
        if FaultKind.TRUNCATE in kinds:
            reply.directive = Directive(Action.TRUNCATE, delay)
            return reply
        return with_delay(reply, delay)

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
        return with_delay(reply, delay)

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
