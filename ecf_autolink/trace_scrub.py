"""Playwright traces made safe to hand to IT: every credential taken out of every file.

A trace keeps whatever went over the wire and whatever a page showed: the `NextGenCSO`
sign-on token and the court's session cookie (request and response, in every trace of the
account), the one-time passcode in a form post, the court's hand-back `cso_token`. Knowing
the row's own secrets is not enough (a page-path token is never known to the tool, and an
account's later traces still carry an earlier row's posts), so each file is rewritten by
shape first: cookies, `Cookie`/`Set-Cookie`/`Authorization` headers, fields and parameters
named as secrets (password, passcode, token, otp, mfa, cso, session, ...), and the values
typed by `fill`. Every value taken out that way is then also taken out wherever else it
appears (a page's HTML, a log line). What is left is searched for every secret known or
found; a trace that still holds one is refused, with the reason.

Pure: bytes in, bytes out; the caller writes the file.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

REDACTED = "[redacted]"
# Names (of headers, cookies, form fields, URL parameters, page inputs) whose values are
# credentials or sessions.
_SECRET_NAME = re.compile(r"pass|pwd|secret|token|otp|mfa|cso|auth|cookie|session|csrf", re.IGNORECASE)
# Keys of JSON documents (the API's body and answer): narrower, since trace records have
# keys of their own ("sessionId"-like keys there are not credentials).
_SECRET_KEY = re.compile(
    r"password|passwd|passcode|secret|token|otp|mfa|cso|authorization|cookie", re.IGNORECASE
)
# `name=value` in a URL's query, a form body or a Cookie header.
_PAIR = re.compile(r"(?P<name>[A-Za-z0-9_.:%\-\[\]]+)=(?P<value>[^&\s\"'<>;#,\\]*)")
# Actions whose parameters are what was typed.
_TYPING = {"fill", "type", "pressSequentially", "insertText"}
# Values shorter than this are not hunted for elsewhere by themselves (noise), except the
# digits of a passcode, matched as a whole word only.
_MIN_HUNT = 6


@dataclass
class _Found:
    values: set[str] = field(default_factory=set)

    def take(self, value: object) -> str:
        if isinstance(value, str) and value and value != REDACTED:
            self.values.add(value)
        return REDACTED


def _secret_name(name: object) -> bool:
    return isinstance(name, str) and bool(_SECRET_NAME.search(unquote_plus(name)))


def _pairs(text: str, found: _Found) -> str:
    def swap(match: re.Match[str]) -> str:
        if not _secret_name(match["name"]) or not match["value"]:
            return match[0]
        found.take(unquote_plus(match["value"]))
        found.take(match["value"])
        return f"{match['name']}={REDACTED}"

    return _PAIR.sub(swap, text) if "=" in text else text


def _walk(node: Any, found: _Found) -> Any:
    if isinstance(node, str):
        return _pairs(node, found)
    if isinstance(node, list):
        return [_walk(item, found) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    named = node.get("name") if isinstance(node.get("name"), str) else node.get("id")
    secret_field = node.get("type") == "password" or _secret_name(named)
    for key, value in node.items():
        if key == "cookies" and isinstance(value, list):
            out[key] = [
                {**c, "value": found.take(c.get("value"))} if isinstance(c, dict) else REDACTED for c in value
            ]
        elif isinstance(value, str) and (
            (key in ("value", "__playwright_value_") and secret_field) or _SECRET_KEY.search(key)
        ):
            out[key] = found.take(value)
        else:
            out[key] = _walk(value, found)
    if node.get("method") in _TYPING and isinstance(out.get("params"), dict):
        params = dict(out["params"])
        for key in ("value", "text"):
            if isinstance(params.get(key), str):
                params[key] = found.take(params[key])
        out["params"] = params
    return out


def _rewrite_text(text: str, found: _Found) -> str:
    """One file's text rewritten by shape: JSON documents (a file, or one a line) walked;
    anything else (HTML, a form body) by its `name=value` pairs."""
    try:
        return json.dumps(_walk(json.loads(text), found), ensure_ascii=False)
    except ValueError:
        pass
    lines = text.split("\n")
    if len(lines) > 1:
        rewritten = []
        for line in lines:
            try:
                rewritten.append(json.dumps(_walk(json.loads(line), found), ensure_ascii=False))
            except ValueError:
                rewritten.append(_pairs(line, found))
        return "\n".join(rewritten)
    return _pairs(text, found)


def _hunt(text: str, values: Iterable[str]) -> str:
    """Every found value taken out wherever else it appears (a short one as a whole word)."""
    long = sorted({v for v in values if len(v) >= _MIN_HUNT and not v.isdigit()}, key=len, reverse=True)
    short = sorted({v for v in values if v.isdigit() and len(v) >= 4}, key=len, reverse=True)
    if long:
        text = re.sub("|".join(re.escape(v) for v in long), REDACTED, text)
    if short:
        text = re.sub(r"(?<![0-9A-Za-z])(?:" + "|".join(short) + r")(?![0-9A-Za-z])", REDACTED, text)
    return text


@dataclass(frozen=True)
class Scrubbed:
    data: bytes | None
    # Every value taken out by shape: the caller's last check looks for them too.
    found: frozenset[str]
    # Why the trace was refused (data is None), for the operator.
    refused: str = ""


def scrub_trace(raw: bytes) -> Scrubbed:
    """A trace archive with its credentials taken out of every file in it."""
    found = _Found()
    texts: list[tuple[zipfile.ZipInfo, str | bytes]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as source:
            for item in source.infolist():
                data = source.read(item)
                try:
                    texts.append((item, _rewrite_text(data.decode("utf-8"), found)))
                except UnicodeDecodeError:
                    # Not text (an image): kept only if no found value is in it (checked later).
                    texts.append((item, data))
    except (zipfile.BadZipFile, OSError) as exc:
        return Scrubbed(None, frozenset(), f"the trace could not be read ({type(exc).__name__})")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for item, content in texts:
            if isinstance(content, str):
                content = _hunt(content, found.values).encode("utf-8")
            dest.writestr(item.filename, content)
    return Scrubbed(out.getvalue(), frozenset(found.values))
