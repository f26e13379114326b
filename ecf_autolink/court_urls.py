"""`--court-url`: which courts a run reaches at another address than the official one.

Two forms: `COURT=URL` (repeatable, one per court: a firm rehearsing a multi-court
roster against staging) and a bare `URL` (the one court of the run). The environment
variable AUTOLINK_COURT_URL holds the same, comma-separated: `canb=URL,cacb=URL`.

Also the two address facts every layer shares (the CLI, the flow, the pages, the replica):
an address's origin, and PACER's own login host.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .words import FLAGS

_SCHEMES = ("http://", "https://")

# Where a court's address comes from when nothing replaced it.
BUILT_IN = "built-in court list"

# PACER's Central Sign-On, where every court sends its filers to sign in.
PACER_LOGIN_ORIGIN = "https://pacer.login.uscourts.gov"


# Names of this machine itself: one court served here is one site however it is named.
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_of(url: str) -> str:
    """A court address as compared across runs and processes: the same site however it is
    spelled (scheme and host in any case, a default port written out, this machine as
    localhost or 127.0.0.1, `.` and `..` or a final slash in the path), while a staging
    court and the real one, or two paths on one host, stay apart."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # only an unusable address, which the inputs' checks refuse first
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    host = "localhost" if host in _LOOPBACK else host
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = posixpath.normpath("/" + parts.path.lstrip("/")).rstrip("/")
    return f"{scheme}://{netloc}{path}"


def origin_of(url: str) -> str:
    """Scheme and host (with port) of `url`, lower-cased: what a browser compares."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class CourtUrlError(ValueError):
    """A --court-url value that cannot be used; the message names it."""


@dataclass(frozen=True)
class CourtUrls:
    bare: str | None = None
    by_court: dict[str, str] = field(default_factory=dict)
    # Where the addresses came from, in words a report can carry.
    source: str = BUILT_IN

    def __bool__(self) -> bool:
        return bool(self.bare or self.by_court)

    def url_for(self, court_id: str, official: str) -> str:
        return self.by_court.get(court_id) or self.bare or official

    def replaced(self, court_id: str) -> bool:
        return court_id in self.by_court or self.bare is not None


def split_env(value: str) -> list[str]:
    """AUTOLINK_COURT_URL: one bare URL, or `COURT=URL` items separated by commas."""
    value = value.strip()
    if not value:
        return []
    if value.lower().startswith(_SCHEMES):
        return [value]
    return [item.strip() for item in value.split(",") if item.strip()]


def check_url(url: str, source: str) -> None:
    """Refuse, naming the value and its origin, an address a browser should not be given
    (and a journal should not keep: every later run on that folder would meet it)."""
    what = f"the court address {url!r} (from {source})"
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise CourtUrlError(f"{what} holds a space or control character; correct it (a space is written %20)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as exc:
        raise CourtUrlError(f"{what} is not a valid address ({exc}); correct it") from None
    if not parts.hostname:
        raise CourtUrlError(f"{what} names no host; give it as https://host[:port][/path]")
    if parts.username is not None or parts.password is not None:
        raise CourtUrlError(f"{what} holds a user name or password; give the address alone")
    if parts.query or parts.fragment:
        raise CourtUrlError(f"{what} has a ?query or #fragment; give the site's base address only")


def parse_court_urls(values: Iterable[str], *, source: str = FLAGS["court_url"]) -> CourtUrls:
    """Raises CourtUrlError naming the value for a URL that is not http(s), an unknown or
    repeated court id, or a bare URL given more than once or beside COURT=URL."""
    from .courts import AppellateCourt, UnknownCourt, get_court

    bare: str | None = None
    by_court: dict[str, str] = {}
    for raw in values:
        value = raw.strip()
        if value.lower().startswith(_SCHEMES):
            if bare is not None:
                raise CourtUrlError(
                    f"{source} {value!r}: a bare URL serves one court and one was given already;"
                    " name each court, as COURT=URL"
                )
            check_url(value, source)
            bare = value
            continue
        court_id, sep, url = value.partition("=")
        if not sep:
            raise CourtUrlError(
                f"{source} must start with http:// or https://, or be COURT=URL (got {value!r})"
            )
        try:
            court = get_court(court_id.strip())
        except (UnknownCourt, AppellateCourt) as exc:
            raise CourtUrlError(f"{source} {value!r}: {exc}") from None
        url = url.strip()
        if not url.lower().startswith(_SCHEMES):
            raise CourtUrlError(f"{source} {value!r}: the URL must start with http:// or https://")
        check_url(url, source)
        if court.id in by_court:
            raise CourtUrlError(f"{source} {value!r}: {court.id} was given a URL already")
        by_court[court.id] = url
    if bare is not None and by_court:
        raise CourtUrlError(
            f"{source} {bare!r}: a bare URL cannot be mixed with COURT=URL; name its court too"
        )
    if bare is None and not by_court:
        return CourtUrls()
    return CourtUrls(bare, by_court, source)
