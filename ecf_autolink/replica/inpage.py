"""PACER's login page as it behaves today: every button posts in the background.

The page (fixtures `pacer_login_inpage.html`) holds the login form and every dialog,
hidden. Each button sends a JSF partial post to the login page's own address
(`javax.faces.partial.ajax=true`, `javax.faces.source=<button id>`); the answer is a
small JSON object `{"show", "message", "url"}` that the page's script acts on: an
error in place, a dialog shown in place, or, at the very end, the browser sent on to
the court. Nothing here loads a new page before that end.

The order after the password: passcode (or the enrollment prompt for an account
without MFA), acknowledgement, the inactive-user notice, the Redaction Agreement.
"""

from __future__ import annotations

import json

from .accounts import PacerAccount, PacerStatus, same_secret
from .login_view import LoginCourt
from .signon import LoginSession
from .site import CSO_COOKIE, LOGIN_COOKIE
from .wire import Reply, Request, set_cookie

LOGIN_BUTTON = "loginForm:fbtnLogin"
PASSCODE_BUTTON = "mfaForm:btnOk"
ACK_BUTTON = "btnAckOkay"
INACTIVE_BUTTON = "inactiveForm:btnContinue"
REDACTION_BUTTON = "regmsg:bpmConfirm"
REDACTION_BOX = "regmsg:chkRedact_input"
SKIP_BUTTON = "frmUserUpdate:bpmSkip"
ENROLL_BUTTON = "frmUserUpdate:bpmEnroll"
PASSCODE_FIELD = "mfaForm:mfaInput"

# Words the replica shows (the real site's where public; see docs/notes.md).
BAD_LOGIN = "Login failed. Invalid username or password."
NEED_CLIENT_CODE = "Login failed. A client code is required for this account."
BAD_PASSCODE = "The passcode is invalid. Try again."
REDACTION_REFUSED = "You must acknowledge the redaction rules to continue."
STATUS_MESSAGES = {
    PacerStatus.LOCKED: "Your account has been locked after too many unsuccessful attempts.",
    PacerStatus.DISABLED: "This account has been disabled. Contact the PACER Service Center.",
    PacerStatus.PASSWORD_EXPIRED: (
        "Your password has expired. You must change your password before you can continue."
    ),
    PacerStatus.LEGACY: "Your PACER account must be upgraded before you can use NextGen CM/ECF.",
}
# PACER says these whatever password is typed; the others only to the owner.
SHOWN_TO_ANYONE = {PacerStatus.LOCKED, PacerStatus.DISABLED}

_STEP_OF_BUTTON = {
    PASSCODE_BUTTON: "mfa",
    ACK_BUTTON: "ack",
    INACTIVE_BUTTON: "inactive",
    REDACTION_BUTTON: "redaction",
    SKIP_BUTTON: "enroll",
    ENROLL_BUTTON: "enroll",
}


def steps_after_password(account: PacerAccount) -> list[str]:
    if account.status == PacerStatus.MFA_NOT_ENROLLED:
        return ["enroll"]  # never completes: the tool must stop there
    steps = ["mfa"] if account.has_mfa else []
    if account.acknowledgement:
        steps.append("ack")
    if account.inactive:
        steps.append("inactive")
    if account.filer:
        steps.append("redaction")
    return steps


def answer(
    show: str, message: str = "", url: str = "", cookies: list[tuple[str, str]] | None = None
) -> Reply:
    body = json.dumps({"show": show, "message": message, "url": url}).encode()
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
    return Reply(200, headers + (cookies or []), body)


def post(court: LoginCourt, req: Request) -> Reply:
    """A POST to the login page: a background step, or (no script) a plain post that is ignored."""
    form = req.form()
    source = form.get("javax.faces.source", "")
    if form.get("javax.faces.partial.ajax") != "true":
        # The page needs its script; a plain post only gets the page again.
        return court.login_page(court.appurl(form.get("appurl")))
    if source == LOGIN_BUTTON:
        return _credentials(court, form)
    step = _STEP_OF_BUTTON.get(source)
    if step is None:
        return Reply(400, [("Content-Type", "application/json")], b'{"show": "login", "message": ""}')
    sid = req.cookies().get(LOGIN_COOKIE, "")
    session = court.signon.sessions.get(sid)
    if session is None or not session.steps:
        return answer("login")
    if session.steps[0] != step:
        # A button of a dialog that is not the current one: show the current one again.
        return answer(session.steps[0])
    return _step(court, sid, session, source, form)


def _credentials(court: LoginCourt, form: dict[str, str]) -> Reply:
    appurl = court.appurl(form.get("appurl"))
    username = form.get("loginForm:loginName", "").strip()
    account = court.accounts.pacer.get(username)
    if account is None:
        return answer("login", BAD_LOGIN)
    if account.status in SHOWN_TO_ANYONE:
        return answer("login", STATUS_MESSAGES[account.status])
    if not same_secret(form.get("loginForm:password", ""), account.password):
        return answer("login", BAD_LOGIN)
    if account.status in STATUS_MESSAGES:
        return answer("login", STATUS_MESSAGES[account.status])
    if account.requires_client_code and not form.get("loginForm:clientCode", "").strip():
        return answer("login", NEED_CLIENT_CODE)
    steps = steps_after_password(account)
    sid = court.signon.new_session(court.court_id, username, appurl, signed_in=False)
    court.signon.sessions[sid].steps = steps
    cookie = set_cookie(LOGIN_COOKIE, sid)
    if not steps:
        return _finish(court, sid, court.signon.sessions[sid], [cookie])
    return answer(steps[0], cookies=[cookie])


def _step(court: LoginCourt, sid: str, session: LoginSession, source: str, form: dict[str, str]) -> Reply:
    seen = court.signon.seen
    account = court.accounts.pacer.get(session.pacer_user)
    if account is None:
        return answer("login")
    step = session.steps[0]
    if step == "enroll":
        court.enroll_pressed(session.pacer_user)
        return answer("enroll")
    if step == "mfa":
        seen.passcode_posts[session.pacer_user] += 1
        code = "".join(form.get(PASSCODE_FIELD, "").split())
        seen.secrets.append(code)
        if not court.passcode_ok(account, code):
            return answer("mfa", BAD_PASSCODE)
    if step == "redaction":
        if form.get(REDACTION_BOX) != "on":
            seen.redaction_refusals.append(session.pacer_user)
            return answer("redaction", REDACTION_REFUSED)
        seen.redaction_acks.append(session.pacer_user)
    session.steps.pop(0)
    if session.steps:
        return answer(session.steps[0])
    return _finish(court, sid, session, [])


def _finish(court: LoginCourt, sid: str, session: LoginSession, cookies: list[tuple[str, str]]) -> Reply:
    session.signed_in = True
    court.signon.seen.sign_ins[session.pacer_user] += 1
    token = court.signon.new_token(sid)
    url = court.one_time_return(sid, session.appurl)
    return answer("court", url=url, cookies=[*cookies, set_cookie(CSO_COOKIE, token)])
