"""PACER's Authentication API: one JSON POST that signs a filer in, and what its answer means.

PACER documents it for automated systems: `POST <login host>/services/cso-auth` with
`loginId`, `password`, `clientCode`, `otpCode` and `redactFlag`; `loginResult` "0"
with a `nextGenCSO` token is success, anything else a failure explained in
`errorDescription`. The token is the `NextGenCSO` session cookie at every NextGen court.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from playwright.async_api import APIRequestContext
from playwright.async_api import Error as PlaywrightError

from .attorney import Attorney
from .secret import Secret

API_PATH = "/services/cso-auth"
SESSION_COOKIE = "NextGenCSO"
# A real court's session cookie serves every court under this domain.
COURTS_DOMAIN = ".uscourts.gov"


class Answer(StrEnum):
    SIGNED_IN = "signed_in"
    REJECTED = "rejected"  # a definite no: never followed by another attempt
    # The answer proves the password was not checked: no connection was made, there is no
    # API at that address (404, 405), or the request's form was refused before any check.
    # Only this lets `auto` post the password on the login page instead.
    NOT_CHECKED = "not_checked"
    # The request went out and what came back cannot say whether PACER checked it (and
    # counted a failure): a timeout, a cut or reset connection, a 5xx, a redirect, HTML.
    LOST = "lost"
    UNKNOWN = "unknown"  # JSON in a shape this tool does not know: also possibly checked

    @property
    def maybe_checked(self) -> bool:
        return self in (Answer.LOST, Answer.UNKNOWN)


# Statuses that say the request never reached a password check: no such address or method,
# or a request whose form the server would not take (when no `loginResult` says otherwise).
NOT_CHECKED_STATUSES = frozenset({404, 405, 406, 411, 413, 414, 415})
# Words of a network error raised before the request could leave: no connection at all.
_NO_CONNECTION = (
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ERR_CONNECTION_REFUSED",
    "ERR_NAME_NOT_RESOLVED",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_PROXY_CONNECTION_FAILED",
    "ERR_CERT",
    "CERT_",
    "self-signed certificate",
    "unable to verify",
    "EHOSTUNREACH",
    "ENETUNREACH",
)


@dataclass(frozen=True)
class ApiResult:
    answer: Answer
    token: Secret | None = None
    # PACER's own words (a rejection's reason, or a warning beside a success).
    description: str = ""
    # For a message when the API did not answer as documented.
    detail: str = ""


def request_body(attorney: Attorney, code: Secret, *, redact: bool) -> dict[str, str]:
    """The JSON the API takes. `redactFlag` only with the operator's acknowledgement."""
    body = {
        "loginId": attorney.pacer_username,
        "password": attorney.pacer_password.reveal(),
        "otpCode": code.reveal(),
    }
    if attorney.client_code:
        body["clientCode"] = attorney.client_code
    if redact:
        body["redactFlag"] = "1"
    return body


def classify(status: int, body: bytes) -> ApiResult:
    """What an HTTP answer from the API means (pure, so every shape can be tested)."""
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or "loginResult" not in data:
        if status in NOT_CHECKED_STATUSES:
            return ApiResult(Answer.NOT_CHECKED, detail=f"HTTP {status}")
        if status >= 300 or data is None:
            # A gateway's error page, a redirect, HTML: the request may have been checked.
            what = "not JSON" if data is None else "no loginResult"
            return ApiResult(Answer.LOST, detail=f"HTTP {status}, {what}")
        return ApiResult(Answer.UNKNOWN, detail=f"HTTP {status}, no loginResult")
    result = str(data.get("loginResult"))
    description = data.get("errorDescription")
    description = " ".join(str(description).split())[:300] if description else ""
    if result == "0":
        token = data.get("nextGenCSO")
        if not isinstance(token, str) or not token.strip():
            return ApiResult(Answer.UNKNOWN, description=description, detail="success without a token")
        return ApiResult(Answer.SIGNED_IN, token=Secret(token.strip()), description=description)
    return ApiResult(Answer.REJECTED, description=description, detail=f"loginResult {result[:20]}")


async def call(
    request: APIRequestContext, login_origin: str, body: dict[str, str], timeout_ms: float
) -> ApiResult:
    """One POST, never repeated here: a second one could cost a second failed login."""
    try:
        response = await request.post(
            login_origin + API_PATH,
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            timeout=timeout_ms,
            fail_on_status_code=False,
            max_redirects=0,
        )
    except PlaywrightError as exc:
        return failed_call(str(getattr(exc, "message", exc)))
    try:
        payload = await response.body()
    except PlaywrightError:
        return ApiResult(Answer.LOST, detail=f"HTTP {response.status}, the answer was cut off")
    finally:
        await response.dispose()
    return classify(response.status, payload)


def failed_call(text: str) -> ApiResult:
    """A POST that raised: NOT_CHECKED only when it never connected (pure)."""
    code = next((w for w in text.split() if w.startswith(("net::", "ECONN", "ETIMEDOUT", "EAI_"))), None)
    if any(mark.casefold() in text.casefold() for mark in _NO_CONNECTION):
        return ApiResult(Answer.NOT_CHECKED, detail=code or "no connection")
    if "timeout" in text.casefold():
        return ApiResult(Answer.LOST, detail="no answer in time")
    return ApiResult(Answer.LOST, detail=code or "the connection ended without an answer")


def session_cookies(
    token: Secret, court_origin: str, login_origin: str, *, real_court: bool
) -> list[dict[str, Any]]:
    """The cookie that carries the session: on every court under .uscourts.gov, or, for
    a court named by --court-url, on that court's host and its login host."""
    value = token.reveal()
    if real_court:
        return [
            {"name": SESSION_COOKIE, "value": value, "domain": COURTS_DOMAIN, "path": "/", "secure": True}
        ]
    return [
        {"name": SESSION_COOKIE, "value": value, "url": origin + "/"}
        for origin in dict.fromkeys([court_origin, login_origin])
    ]
