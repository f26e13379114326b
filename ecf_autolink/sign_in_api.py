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
    UNKNOWN = "unknown"  # an answer in a shape this tool does not know
    UNREACHABLE = "unreachable"  # no answer: network error, 404, 5xx


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
    if status == 404 or status >= 500:
        return ApiResult(Answer.UNREACHABLE, detail=f"HTTP {status}")
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ApiResult(Answer.UNKNOWN, detail=f"HTTP {status}, not JSON")
    if not isinstance(data, dict) or "loginResult" not in data:
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
        text = str(getattr(exc, "message", exc))
        code = next((w for w in text.split() if w.startswith(("net::", "ECONN", "ETIMEDOUT"))), None)
        return ApiResult(Answer.UNREACHABLE, detail=code or "no answer")
    try:
        payload = await response.body()
    except PlaywrightError:
        return ApiResult(Answer.UNREACHABLE, detail=f"HTTP {response.status}, the answer was cut off")
    finally:
        await response.dispose()
    return classify(response.status, payload)


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
