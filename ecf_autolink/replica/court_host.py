"""The CM/ECF court host: its front page, login.pl and the court session (from a one-time
token or a `NextGenCSO` cookie), the menus, and the link page up to the final Submit."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from .accounts import CmecfAccount, ReplicaAccounts, same_secret
from .observed import Seen
from .replies import redirect
from .signon import LoginSession, SignOn
from .site import (
    BAD_CMECF_LOGIN,
    CMECF_ALREADY_LINKED,
    COURT_COOKIE,
    COURT_LOGIN,
    CSO_COOKIE,
    LINK_PAGE,
    LOGIN_PAGE,
    MAIN_PAGE,
    MENU_PAGE,
    PACER_ALREADY_LINKED,
    STALE_CONFIRMATION,
    TOKEN_FIELD,
)
from .wire import Reply, Request, set_cookie


@dataclass
class CourtSession:
    pacer_user: str
    login_session: str | None
    last_seen: float
    # The one confirmation token this session may still use, and its CM/ECF account.
    pending: tuple[str, str] | None = None


class CourtHost:
    """The court host's half of `ReplicaCourt` (a mixin: the state is the court's)."""

    court_id: str
    accounts: ReplicaAccounts
    nextgen: bool
    session_ttl: float | None
    court_base: str
    login_base: str
    court_ignores_cso_cookie: bool
    clock: Callable[[], float]
    signon: SignOn
    _court_sessions: dict[str, CourtSession]
    _expired_sessions: set[str]
    _login_sessions: dict[str, LoginSession]
    _cso_tokens: dict[str, str]
    _viewer: str | None
    _seen: Seen

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
                return redirect(self._login_url())
            new_cookie = set_cookie(COURT_COOKIE, sid)
            self._viewer = session.pacer_user
        reply = self._court_page(req, session)
        if new_cookie is not None:
            reply.headers.append(new_cookie)
        return reply

    def _session_from_token(self, token: str) -> tuple[str, CourtSession | None]:
        """A court session from a valid `NextGenCSO` cookie (the court trusts Central Sign-On)."""
        if not token or self.court_ignores_cso_cookie:
            return "", None
        found = self.signon.by_token(token)
        if found is None:
            return "", None
        login_sid, login = found
        sid = secrets.token_urlsafe(24)
        session = CourtSession(login.pacer_user, login_sid, self.clock())
        self._court_sessions[sid] = session
        return sid, session

    def _court_page(self, req: Request, session: CourtSession) -> Reply:
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

    def _live_session(self, sid: str) -> CourtSession | None:
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
            return redirect(self.court_base + MAIN_PAGE)
        new_sid, session = self._session_from_token(req.cookies().get(CSO_COOKIE, ""))
        if session is not None:
            reply = redirect(self.court_base + MAIN_PAGE)
            reply.headers.append(set_cookie(COURT_COOKIE, new_sid))
            return reply
        return redirect(self._login_url())

    def _accept_token(self, token: str) -> Reply:
        login_sid = self._cso_tokens.pop(token, None)
        login = self._login_sessions.get(login_sid or "")
        if login is None or not login.signed_in:
            return redirect(self._login_url())
        sid = secrets.token_urlsafe(24)
        self._court_sessions[sid] = CourtSession(login.pacer_user, login_sid, self.clock())
        reply = redirect(self.court_base + MAIN_PAGE)
        reply.headers.append(set_cookie(COURT_COOKIE, sid))
        return reply

    def _logout(self, sid: str) -> Reply:
        session = self._court_sessions.pop(sid, None)
        if session is not None and session.login_session:
            # Logging out of CM/ECF ends the Central Sign-On session too.
            self.signon.end(session.login_session)
        reply = redirect(self.court_base + "/")
        reply.headers.append(set_cookie(COURT_COOKIE, "", expire=True))
        return reply

    def _link_page(self, req: Request, session: CourtSession) -> Reply:
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

    def _check_cmecf_login(self, session: CourtSession, login: str, password: str) -> Reply:
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

    def _confirm(self, session: CourtSession, token: str) -> Reply:
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
