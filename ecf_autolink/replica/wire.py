"""What travels between an adapter and the replica: requests, replies, form bodies, cookies."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from enum import StrEnum
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

HostKind = Literal["court", "login"]

# PACER's Authentication API on the login host.
API_PATH = "/services/cso-auth"


class Action(StrEnum):
    """How an adapter must deliver a reply; everything but REPLY is a fault."""

    REPLY = "reply"
    HANG = "hang"  # never answer
    RESET = "reset"  # close the connection without a byte
    REFUSE = "refuse"  # the host is down
    TRUNCATE = "truncate"  # headers promise more body than is sent
    LOOP = "loop"  # a redirect to itself, forever (interception cannot loop: it aborts)


@dataclass(frozen=True)
class Directive:
    action: Action = Action.REPLY
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    method: str
    host_kind: HostKind
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    raw_query: str = ""

    @classmethod
    def build(
        cls,
        method: str,
        host_kind: HostKind,
        target: str,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Request:
        """From a request target (`/path?query`, or a full URL) as it arrives on the wire."""
        parts = urlsplit(target)
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        return cls(
            method=method.upper(),
            host_kind=host_kind,
            path=parts.path or "/",
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=lowered,
            body=body,
            content_type=lowered.get("content-type", ""),
            raw_query=parts.query,
        )

    @property
    def target(self) -> str:
        return f"{self.path}?{self.raw_query}" if self.raw_query else self.path

    def cookies(self) -> dict[str, str]:
        return parse_cookie_header(self.headers.get("cookie", ""))

    def form(self) -> dict[str, str]:
        return parse_form(self.body, self.content_type)

    def step(self) -> str | None:
        """Which login step a login-host POST is: the button behind a background
        (JSF partial) post, or "cso-auth" for the Authentication API."""
        if self.host_kind != "login" or self.method != "POST":
            return None
        if self.path == API_PATH:
            return "cso-auth"
        try:
            return self.form().get("javax.faces.source")
        except FormError:
            return None

    def json(self) -> object:
        """The body as JSON; FormError when it is not."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise FormError("body is not JSON") from None

    def __repr__(self) -> str:
        # Bodies carry passwords and passcodes; never show them.
        return f"Request({self.method} {self.host_kind} {self.path}, {len(self.body)} body bytes)"


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    directive: Directive = field(default_factory=Directive)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def parse_cookie_header(value: str) -> dict[str, str]:
    """A `Cookie:` header as a dict; the first of two same-named cookies wins, as in browsers."""
    cookies: dict[str, str] = {}
    for piece in value.split(";"):
        name, sep, val = piece.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = val.strip().strip('"')
    return cookies


def set_cookie(name: str, value: str, *, expire: bool = False) -> tuple[str, str]:
    attrs = "Path=/; HttpOnly; SameSite=Lax"
    if expire:
        return ("Set-Cookie", f"{name}=; Max-Age=0; {attrs}")
    return ("Set-Cookie", f"{name}={value}; {attrs}")


class FormError(ValueError):
    """A body the replica cannot read as a form."""


def parse_form(body: bytes, content_type: str) -> dict[str, str]:
    """Fields of an urlencoded or multipart/form-data body; the first value of a name wins."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if kind == "multipart/form-data":
        return _parse_multipart(body, content_type)
    if kind in ("application/x-www-form-urlencoded", ""):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise FormError("form body is not UTF-8") from None
        fields: dict[str, str] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            fields.setdefault(name, value)
        return fields
    raise FormError(f"unsupported form content type {kind!r}")


def _parse_multipart(body: bytes, content_type: str) -> dict[str, str]:
    if "boundary=" not in content_type.lower():
        raise FormError("multipart body without a boundary")
    # The email package reads MIME multipart given a header block; it needs the
    # boundary from the request's own Content-Type.
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise FormError("multipart body has no parts")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        charset = part.get_content_charset() or "utf-8"
        fields.setdefault(name, raw.decode(charset, errors="replace"))
    return fields


def encode_multipart(fields: dict[str, str], boundary: str | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser would send the fields."""
    boundary = boundary or f"----ReplicaBoundary{secrets.token_hex(8)}"
    chunks: list[bytes] = []
    for name, value in fields.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def encode_urlencoded(fields: dict[str, str]) -> tuple[bytes, str]:
    return urlencode(fields).encode("ascii"), "application/x-www-form-urlencoded"
