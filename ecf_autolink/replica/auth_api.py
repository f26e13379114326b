"""PACER's Authentication API on the login host: one JSON POST, a result code, a session token.

`loginResult` "0" with `nextGenCSO` is success; anything else is a failure explained in
`errorDescription`. Only "13" and its words are public; the replica's other codes are
its own (docs/notes.md). A wrong password and a missing or wrong passcode get the same
"13": the API cannot tell them apart, and neither can a tool reading it.
"""

from __future__ import annotations

import json

from .accounts import PacerStatus, same_secret
from .inpage import NEED_CLIENT_CODE, SHOWN_TO_ANYONE, STATUS_MESSAGES
from .login_view import LoginCourt
from .wire import FormError, Reply, Request

OK = "0"
BAD_CREDENTIALS = ("13", "Invalid username, password, or one-time passcode")
# Invented codes: PACER's list is not public.
NEEDS_REDACTION = ("31", "All filers must acknowledge the redaction rules (redactFlag).")
STATUS_CODES = {
    PacerStatus.LOCKED: "7",
    PacerStatus.DISABLED: "8",
    PacerStatus.PASSWORD_EXPIRED: "9",
    PacerStatus.LEGACY: "10",
    PacerStatus.MFA_NOT_ENROLLED: "11",
}
NOT_ENROLLED = "User Update Required: you must enroll in multifactor authentication before you can log in."
CLIENT_CODE = "12"
INACTIVE_WARNING = (
    "PACER User Inactive: your account has not been used recently. You may continue to log in "
    "and perform other activities (e.g., e-file)."
)


def _json(status: int, body: object) -> Reply:
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return Reply(status, headers, json.dumps(body).encode())


def _fail(code: str, description: str) -> Reply:
    return _json(200, {"loginResult": code, "nextGenCSO": "", "errorDescription": description})


def handle(court: LoginCourt, req: Request) -> Reply:
    if not court.api_enabled:
        return court.not_found()
    if req.method != "POST":
        return _json(405, {"loginResult": "1", "errorDescription": "POST only"})
    try:
        body = req.json()
    except FormError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("loginId"), str):
        return _json(400, {"loginResult": "1", "nextGenCSO": "", "errorDescription": "Malformed request."})
    fields = {k: v if isinstance(v, str) else "" for k, v in body.items()}
    username = fields["loginId"].strip()
    seen = court.signon.seen
    seen.api_calls[username] += 1
    redact = fields.get("redactFlag") == "1"
    if fields.get("otpCode"):
        seen.passcode_posts[username] += 1
        seen.secrets.append(fields["otpCode"])
    seen.api_redact_flags.append((username, redact))
    if court.api_shape == "unknown":
        # A changed API: a success-looking answer the tool cannot read.
        return _json(200, {"status": "OK", "session": {"user": username, "expires": 3600}})
    return _authenticate(court, username, fields, redact)


def _authenticate(court: LoginCourt, username: str, fields: dict[str, str], redact: bool) -> Reply:
    account = court.accounts.pacer.get(username)
    if account is None:
        return _fail(*BAD_CREDENTIALS)
    if account.status in SHOWN_TO_ANYONE:
        return _fail(STATUS_CODES[account.status], STATUS_MESSAGES[account.status])
    if not same_secret(fields.get("password", ""), account.password):
        return _fail(*BAD_CREDENTIALS)
    if account.status in STATUS_MESSAGES:
        return _fail(STATUS_CODES[account.status], STATUS_MESSAGES[account.status])
    if account.status == PacerStatus.MFA_NOT_ENROLLED:
        return _fail(STATUS_CODES[account.status], NOT_ENROLLED)
    if account.requires_client_code and not fields.get("clientCode", "").strip():
        return _fail(CLIENT_CODE, NEED_CLIENT_CODE)
    code = "".join(fields.get("otpCode", "").split())
    if account.has_mfa and not court.passcode_ok(account, code, spend=False):
        return _fail(*BAD_CREDENTIALS)
    if account.filer and not redact:
        return _fail(*NEEDS_REDACTION)
    if account.has_mfa:
        court.passcode_ok(account, code)  # spends a backup code
    sid = court.signon.new_session(court.court_id, username, court.appurl(None), signed_in=True)
    court.signon.seen.sign_ins[username] += 1
    court.signon.seen.api_sign_ins[username] += 1
    token = court.signon.new_token(sid)
    warning = INACTIVE_WARNING if account.inactive else ""
    return _json(200, {"loginResult": OK, "nextGenCSO": token, "errorDescription": warning})
