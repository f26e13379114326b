"""`autolink record`: a court's real pages, captured on a dry run, saved as replica templates.

Two halves. `to_fixture` is pure: it turns one page's HTML into a template the
replica court can serve, with every credential removed and every name, username
and address replaced by a `{{placeholder}}` the replica fills in. The rest
captures the pages a dry run passes (through the runner's context hook), tells
which page each one is by the selectors (never by URL, which courts change), and
writes them under `fixtures/html/<court>/`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import html as html_lib
import math
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html.entities import codepoint2name
from pathlib import Path
from urllib.parse import quote, urlsplit

from playwright.async_api import Browser, BrowserContext, Page, Response, Route
from playwright.async_api import Error as PlaywrightError

from . import browser as browser_mod
from .attorney import Attorney
from .flow import Passcodes, SharedGuard
from .locators import Selectors
from .outcome import Result
from .pages.base import PageKit, origin_of
from .pages.confirmation import parse_confirmation
from .paths import fixtures_dir
from .plan import Row
from .replica.templates import PLACEHOLDER
from .runner import Acknowledge, Progress, Runner, RunOptions
from .secret import Secret
from .submit_once import AnswerLost


class RecordingError(RuntimeError):
    """A recording that must not be saved; the message says why, never a value."""


# -- turning one page into a template ---------------------------------------------------------------

# Script and style bodies are raw text to a browser: a `<` there opens no tag.
_RAW_BLOCK = re.compile(r"(<(script|style)\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>)(.*?)(</\2\s*>)", re.I | re.S)
_MARKUP = re.compile(r"<!--.*?-->|<[A-Za-z/!?](?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.S)
_ATTR = re.compile(r"""(?P<name>[^\s"'<>/=]+)(?P<eq>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_TAG_NAME = re.compile(r"<\s*([A-Za-z][\w:-]*)")
_HIDDEN = re.compile(r"""\btype\s*=\s*["']?hidden\b""", re.I)
_SESSION_PARAM = re.compile(
    r"([?&;](?:[\w.-]*(?:token|session|csrf|nonce|viewstate)[\w.-]*|sid|jsessionid)=)[^&#;?\"'\s<>]*", re.I
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})")
_SCRIPT_STRING = re.compile(r"""(["'])([^"'\\\s]{16,400})\1""")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-+/=:.~%]+")
_BODY_OPEN = re.compile(r"<body\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.I)

# Attributes that wire a page together rather than say anything: credentials are
# still removed from them, but a name or username there is left for `leftovers`
# to refuse, since a placeholder would break the form.
STRUCTURAL_ATTRIBUTES = frozenset(
    {"name", "id", "for", "type", "class", "method", "enctype", "role", "rel", "http-equiv", "charset"}
    | {"lang", "autocomplete", "inputmode", "form", "list", "headers", "scope"}
)

# A court address or a clerk's help desk is public; anyone else's address is not.
PUBLIC_MAIL_DOMAIN = "uscourts.gov"
NEUTRAL_EMAIL = "filer@example.com"

_WHITESPACE_FORMS = r"(?:\s|&nbsp;|&#0*160;|&#x0*a0;|&#0*32;|&#x0*20;|%20|\+|\\u00a0|\\u0020)+"


def looks_like_token(value: str) -> bool:
    """A session id, CSRF token or view state rather than words, a path or a file name."""
    if len(value) < 16 or not _TOKEN_CHARS.fullmatch(value):
        return False
    if "://" in value or value.startswith(("/", ".")):
        return False
    if "." in value and not value.startswith("eyJ"):  # dotted: file or host names; JWTs excepted
        return False
    digits = sum(c.isdigit() for c in value)
    letters = sum(c.isalpha() for c in value)
    if letters == 0:
        return digits >= 16
    return digits > 0 or _entropy(value) >= 4.0


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _char_pattern(ch: str) -> str:
    """Every spelling a page may give one character: itself, an entity, %XX, a JS escape."""
    if ch.isspace():
        return _WHITESPACE_FORMS
    forms = {re.escape(ch), f"&#0*{ord(ch)};", f"&#x0*{ord(ch):x};"}
    name = codepoint2name.get(ord(ch))
    if name:
        forms.add(f"&{name};")
    if ch == "'":
        forms.add("&apos;")
    # Any character may be percent-encoded, even one a browser would leave alone.
    forms.add(re.escape(quote(ch, safe="")) if ord(ch) > 0x7F else f"%{ord(ch):02x}")
    if not ch.isalnum() and ord(ch) < 0x10000:
        forms.add(re.escape("\\" + ch))
        forms.add(re.escape(f"\\u{ord(ch):04x}"))
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


def value_pattern(value: str, *, whole_word: bool) -> re.Pattern[str]:
    """Matches `value` plain, URL-encoded, HTML-escaped or JS-escaped, in any letter case.

    `whole_word` keeps a name or username from matching inside a longer word; a
    credential is matched anywhere (and base64-encoded too), whatever it touches.
    """
    spelled = "".join(_char_pattern(ch) for ch in value)
    if whole_word:
        return re.compile(rf"(?<![A-Za-z0-9]){spelled}(?![A-Za-z0-9])", re.I)
    b64 = base64.b64encode(value.encode()).decode().rstrip("=")
    return re.compile(f"{spelled}|{re.escape(b64)}", re.I)


def _placeholder(name: str) -> str:
    return "{{" + name + "}}" if name else ""


def _outside_placeholders(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to everything but the `{{placeholders}}` already put in."""
    parts: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(change(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(change(text[last:]))
    return "".join(parts)


def _segments(page: str) -> list[tuple[str, str]]:
    """The page cut into ("text" | "tag" | "comment" | "raw", piece), in order."""
    out: list[tuple[str, str]] = []
    last = 0
    for block in _RAW_BLOCK.finditer(page):
        out += _markup_segments(page[last : block.start()])
        out += [("tag", block.group(1)), ("raw", block.group(3)), ("tag", block.group(4))]
        last = block.end()
    out += _markup_segments(page[last:])
    return out


def _markup_segments(piece: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    last = 0
    for match in _MARKUP.finditer(piece):
        if match.start() > last:
            out.append(("text", piece[last : match.start()]))
        kind = "comment" if match.group(0).startswith("<!--") else "tag"
        out.append((kind, match.group(0)))
        last = match.end()
    if last < len(piece):
        out.append(("text", piece[last:]))
    return out


def _map_attribute_values(tag: str, change: Callable[[str, str], str]) -> str:
    """Rewrite each attribute value of one tag; `change(attribute name, raw value)`."""
    start = _TAG_NAME.match(tag)
    head = start.end() if start else 1

    def one(match: re.Match[str]) -> str:
        value = match.group("value")
        quote_char = value[0] if value[0] in "\"'" else ""
        inner = value[1:-1] if quote_char else value
        new = change(match.group("name").lower(), inner)
        return f"{match.group('name')}{match.group('eq')}{quote_char}{new}{quote_char}"

    return tag[:head] + _ATTR.sub(one, tag[head:])


def _neutralise_braces(page: str) -> str:
    """`{{x}}` already in a court's page must not become a replica placeholder."""

    def in_markup(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: "&#123;" + m.group(0)[1:], text)

    def in_raw(text: str) -> str:
        # Entities mean nothing inside a script; a space between the braces keeps JS valid.
        return PLACEHOLDER.sub(lambda m: "{ " + m.group(0)[1:], text)

    return "".join(in_raw(piece) if kind == "raw" else in_markup(piece) for kind, piece in _segments(page))


@dataclass(frozen=True)
class _Rules:
    patterns: list[tuple[re.Pattern[str], str]]
    token_placeholder: str

    def values(self, text: str, *, structural: bool = False) -> str:
        def change(piece: str) -> str:
            piece = _EMAIL.sub(_neutral_email, piece)
            piece = _SESSION_PARAM.sub(lambda m: m.group(1), piece)
            for pattern, replacement in self.patterns:
                if structural and replacement:
                    continue  # a form field's name stays, even if it reads like a username
                piece = pattern.sub(lambda _m, r=replacement: r, piece)
            return piece

        return _outside_placeholders(text, change)

    def tag(self, tag: str) -> str:
        name_match = _TAG_NAME.match(tag)
        tag_name = name_match.group(1).lower() if name_match else ""
        hidden_input = tag_name == "input" and bool(_HIDDEN.search(tag))

        def change(attribute: str, raw: str) -> str:
            if self._is_token_slot(tag_name, hidden_input, attribute) and looks_like_token(
                html_lib.unescape(raw)
            ):
                return _placeholder(self.token_placeholder) if hidden_input else ""
            return self.values(raw, structural=attribute in STRUCTURAL_ATTRIBUTES)

        return _map_attribute_values(tag, change)

    @staticmethod
    def _is_token_slot(tag_name: str, hidden_input: bool, attribute: str) -> bool:
        if hidden_input and attribute == "value":
            return True
        if tag_name == "meta" and attribute == "content":
            return True
        return attribute == "nonce" or "token" in attribute or "csrf" in attribute

    def raw(self, text: str) -> str:
        text = _SCRIPT_STRING.sub(
            lambda m: m.group(0) if not looks_like_token(m.group(2)) else m.group(1) * 2, text
        )
        return self.values(text)


def _neutral_email(match: re.Match[str]) -> str:
    domain = match.group(1).lower()
    if domain == PUBLIC_MAIL_DOMAIN or domain.endswith("." + PUBLIC_MAIL_DOMAIN):
        return match.group(0)
    return NEUTRAL_EMAIL


def _visible_text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)(?=<tr\b|</tr\s*>|</table\s*>|\Z)", re.I | re.S)
_CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(?=<t[dh]\b|</t[dh]\s*>|\Z)", re.I | re.S)
_TEXT_NODES = re.compile(r"(<[^>]*>)")


def _only_text(cell: str, replacement: str) -> str:
    """The cell's words become `replacement`; its markup stays."""
    parts = _TEXT_NODES.split(cell)
    done = False
    for i, part in enumerate(parts):
        if part.startswith("<") or not part.strip():
            continue
        if done:
            parts[i] = ""
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        parts[i] = f"{lead}{replacement}{trail}"
        done = True
    return "".join(parts)


def _mark_rows(page: str, row_names: Mapping[str, str]) -> str:
    """In a table row whose first cell reads a label (e.g. "CM/ECF"), the name beside it
    becomes that label's placeholder: the only way to tell two equal names apart."""
    labels = {label.rstrip(":").strip().casefold(): name for label, name in row_names.items()}

    def row(match: re.Match[str]) -> str:
        body = match.group(2)
        cells = list(_CELL.finditer(body))
        if len(cells) < 2:
            return match.group(0)
        label = _visible_text(cells[0].group(2)).rstrip(":").strip().casefold()
        name = labels.get(label)
        target = next((c for c in cells[1:] if _visible_text(c.group(2))), None)
        if name is None or target is None:
            return match.group(0)
        new_cell = _only_text(target.group(2), _placeholder(name))
        body = body[: target.start(2)] + new_cell + body[target.end(2) :]
        return match.group(1) + body

    return _ROW.sub(row, page)


def to_fixture(
    html: str,
    replacements: Mapping[str, str],
    *,
    token_placeholder: str = "",
    row_names: Mapping[str, str] | None = None,
) -> str:
    """One live page as a replica template: nothing secret, nothing naming anyone.

    `replacements` maps a value seen on the page to the placeholder that replaces
    it (`{"Jane Doe": "pacer_name"}` → `{{pacer_name}}`), or to "" to delete it (a
    credential: the replica never shows one). Values are found plain, URL-encoded,
    HTML-escaped or JS-escaped and in any letter case; names and usernames only as
    whole words. Token-looking values of hidden inputs, meta tags and inline
    scripts, and session parameters in addresses, are emptied (a hidden input's
    becomes `{{token_placeholder}}` when one is given). `row_names` maps a table
    row's label to the placeholder for the name beside it. Text that already looks
    like a placeholder is escaped so the replica shows it as it was.
    """
    page = _neutralise_braces(html)
    if row_names:
        page = _mark_rows(page, row_names)
    ordered = sorted(((v, p) for v, p in replacements.items() if v and v.strip()), key=lambda vp: -len(vp[0]))
    rules = _Rules(
        [(value_pattern(_tidy(v, p), whole_word=bool(p)), _placeholder(p)) for v, p in ordered],
        token_placeholder,
    )
    pieces = []
    for kind, piece in _segments(page):
        if kind == "tag":
            pieces.append(rules.tag(piece))
        elif kind == "raw":
            pieces.append(rules.raw(piece))
        else:
            pieces.append(rules.values(piece))
    return "".join(pieces)


def _tidy(value: str, placeholder: str) -> str:
    # A name may wrap across lines on a page; a credential is matched exactly as typed.
    return " ".join(value.split()) if placeholder else value


# -- which page is it ---------------------------------------------------------------------------

# First match wins, most specific first (the flow's own priorities): the keys are
# selector keys or `texts.` phrase groups that must all be found on the page.
FIXTURE_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("link_success.html", ("success.message",)),
    ("link_confirm.html", ("confirm.question",)),
    ("already_linked.html", ("texts.already_linked",)),
    ("link_form.html", ("link_form.cmecf_login", "link_form.cmecf_password")),
    ("utilities_menu_not_ready.html", ("texts.court_not_nextgen",)),
    ("utilities_menu.html", ("utilities_menu.link_account",)),
    ("pacer_mfa_enroll.html", ("texts.pacer_mfa_enrollment",)),
    ("pacer_account_locked.html", ("texts.pacer_account_locked",)),
    ("pacer_account_disabled.html", ("texts.pacer_account_disabled",)),
    ("pacer_password_expired.html", ("texts.pacer_password_expired",)),
    ("pacer_legacy_account.html", ("texts.pacer_legacy_account",)),
    ("pacer_mfa.html", ("pacer_mfa.passcode",)),
    ("pacer_login.html", ("pacer_login.username", "pacer_login.password")),
    ("session_expired.html", ("texts.cmecf_session_expired",)),
    ("cmecf_main.html", ("cmecf_main.utilities", "cmecf_main.logout")),
    ("court_front.html", ("court_front.document_filing_system",)),
)

# Pages the replica fills with its own message; a recorded page gets a place for it.
MESSAGE_SLOTS = {"pacer_login.html": "error", "pacer_mfa.html": "error", "link_form.html": "error"}
# The replica checks the confirmation token it handed out; it lives in a hidden input.
TOKEN_SLOTS = {"link_confirm.html": "token"}
# What a dry run passes on its way to the confirmation table.
DRY_RUN_PAGES = (
    "court_front.html",
    "pacer_login.html",
    "cmecf_main.html",
    "utilities_menu.html",
    "link_form.html",
    "link_confirm.html",
)
LOGIN_HOST_PAGES = frozenset(
    {
        "pacer_login.html",
        "pacer_mfa.html",
        "pacer_mfa_enroll.html",
        "pacer_account_locked.html",
        "pacer_account_disabled.html",
        "pacer_password_expired.html",
        "pacer_legacy_account.html",
    }
)


async def fixture_name(page: Page, selectors: Selectors) -> str | None:
    """Which replica template this page is, by the selectors it satisfies."""
    kit = PageKit(page, selectors, timeout_ms=0)
    for name, keys in FIXTURE_KINDS:
        if all([await kit.kind_locator(key).count() for key in keys]):
            return name
    return None


def ensure_message_slot(name: str, template: str) -> str:
    """Give the replica a place for its messages ("Login failed…") on a recorded page."""
    slot = MESSAGE_SLOTS.get(name)
    if slot is None or any(m.group(1) == slot for m in PLACEHOLDER.finditer(template)):
        return template
    block = (
        "\n<!-- autolink record: where the replica court shows its messages -->\n"
        f'<div class="autolink-replica-message" role="alert">{{{{{slot}}}}}</div>\n'
    )
    body = _BODY_OPEN.search(template)
    at = body.end() if body else 0
    return template[:at] + block + template[at:]


# -- capturing pages on a dry run ----------------------------------------------------------------


@dataclass(frozen=True)
class CapturedPage:
    order: int
    url: str
    html: str


@dataclass
class PageRecorder:
    """Keeps every HTML document a browser context receives; install with `hook`."""

    pages: list[CapturedPage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _tasks: list[asyncio.Future[None]] = field(default_factory=list)

    async def hook(self, context: BrowserContext) -> None:
        context.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or response.status != 200:
            return
        with contextlib.suppress(PlaywrightError):
            if request.frame.parent_frame is not None:
                return  # an iframe's page is not one the flow acts on
        if "html" not in response.headers.get("content-type", "html"):
            return
        # Read now, while the browser still holds the body; the flow moves on fast.
        self._tasks.append(asyncio.ensure_future(self._read(len(self._tasks), response)))

    async def _read(self, order: int, response: Response) -> None:
        try:
            body = await response.text()
        except PlaywrightError:
            self.problems.append(f"{urlsplit(response.url).path}: the page's HTML could not be read")
            return
        self.pages.append(CapturedPage(order, response.url, body))

    async def settle(self) -> list[CapturedPage]:
        await asyncio.gather(*self._tasks, return_exceptions=True)
        return sorted(self.pages, key=lambda p: p.order)


async def _abort(route: Route) -> None:
    await route.abort("blockedbyclient")


async def classify(
    browser: Browser, pages: Iterable[CapturedPage], selectors: Selectors
) -> list[tuple[str | None, CapturedPage]]:
    """Each captured page with its template name (None: no page kind matches)."""
    # Scripts off and nothing fetched: classifying a saved page must not act on the court.
    context = await browser.new_context(java_script_enabled=False, service_workers="block")
    await context.route("**/*", _abort)
    try:
        page = await context.new_page()
        named = []
        for captured in pages:
            await page.set_content(captured.html, wait_until="domcontentloaded")
            named.append((await fixture_name(page, selectors), captured))
        return named
    finally:
        await context.close()


# -- what must not survive into a fixture -----------------------------------------------------------


@dataclass(frozen=True)
class Hidden:
    """One value to hide: what it is (for messages, never the value), and its placeholder."""

    what: str
    value: str
    placeholder: str  # "" deletes it


def values_to_hide(
    attorney: Attorney,
    typed_codes: Iterable[str],
    *,
    court_url: str,
    login_url: str | None,
    shown_names: Mapping[str, str],
) -> list[Hidden]:
    """Credentials first (deleted), then who the attorney is and where the court lives."""
    items = [
        Hidden("the PACER password", attorney.pacer_password.reveal(), ""),
        Hidden("the CM/ECF password", attorney.cmecf_password.reveal(), ""),
        Hidden("the TOTP secret", attorney.totp_secret.reveal() if attorney.totp_secret else "", ""),
        Hidden("the client code", attorney.client_code, ""),
        *(Hidden("a one-time passcode", code, "") for code in typed_codes),
        Hidden("the PACER username", attorney.pacer_username, "pacer_username"),
        Hidden("the CM/ECF login", attorney.cmecf_username, "cmecf_username"),
        Hidden("the PACER name", shown_names.get("pacer_name", ""), "pacer_name"),
        Hidden("the CM/ECF name", shown_names.get("cmecf_name", ""), "cmecf_name"),
        Hidden("the attorney's name", attorney.name, "pacer_name"),
        Hidden("the court's address", origin_of(court_url), "court_base"),
        Hidden("the login host's address", origin_of(login_url) if login_url else "", "login_base"),
    ]
    # The same people surname first ("MARLOWE, QUENTIN"), as court pages often list them.
    for what, name in (
        ("the PACER name", shown_names.get("pacer_name", "")),
        ("the CM/ECF name", shown_names.get("cmecf_name", "")),
        ("the attorney's name", attorney.name),
    ):
        flipped = surname_first(name)
        if flipped:
            items.append(Hidden(f"{what}, surname first", flipped, "pacer_name"))
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.value.casefold()
        if item.value.strip() and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _default_page_text() -> str:
    pages = sorted((fixtures_dir() / "default").glob("*.html"))
    return " ".join(page.read_text(encoding="utf-8") for page in pages)


def surname_first(name: str) -> str:
    """ "Quentin A. Marlowe" -> "Marlowe, Quentin A."; "" for a name of one word."""
    words = name.replace(",", " ").split()
    if len(words) < 2 or "," in name:
        return ""
    return f"{words[-1]}, {' '.join(words[:-1])}"


def surname_words(names: Iterable[str], common_text: str) -> list[Hidden]:
    """Each surname alone, for the last check only: replacing a lone word could change a
    page's own text, so a page that still shows one is refused, not rewritten. A surname
    that is also a word of the saved pages ("Link", "Court") cannot be told apart."""
    common = {w.casefold() for w in re.findall(r"[A-Za-z]+", common_text)}
    found: dict[str, Hidden] = {}
    for name in names:
        words = [w for w in re.split(r"[\s,]+", name) if len(w.strip(".")) >= 3]
        if len(words) >= 2 and words[-1].casefold() not in common:
            found.setdefault(words[-1].casefold(), Hidden("the attorney's surname", words[-1], "pacer_name"))
    return list(found.values())


def leftovers(template: str, hidden: Iterable[Hidden]) -> list[str]:
    """What a finished template still shows that it must not (a last check, by kind)."""
    found = []
    for item in hidden:
        pattern = value_pattern(_tidy(item.value, item.placeholder), whole_word=bool(item.placeholder))
        if any(pattern.search(part) for part in PLACEHOLDER.split(template)[::2]):
            found.append(item.what)
    return found


# -- the whole recording ----------------------------------------------------------------------------


@dataclass
class Recording:
    result: Result
    templates: dict[str, str]  # file name -> template text
    sources: dict[str, str]  # file name -> the path it was recorded from
    unrecognised: list[str]
    problems: list[str]

    def missing(self) -> list[str]:
        return [name for name in DRY_RUN_PAGES if name not in self.templates]


class _RememberingPasscodes:
    """Hands out the real provider's codes and keeps them, so none is left in a page."""

    def __init__(self, inner: Passcodes, typed: list[str]) -> None:
        self.inner = inner
        self.typed = typed

    async def first(self) -> Secret | None:
        return self._keep(await self.inner.first())

    async def retry(self) -> Secret | None:
        return self._keep(await self.inner.retry())

    def describe(self) -> str:
        return self.inner.describe()

    def spent(self) -> str | None:
        return self.inner.spent()

    def _keep(self, code: Secret | None) -> Secret | None:
        if code is not None:
            self.typed.append(code.reveal())
        return code


async def _never_submit(route: Route, timeout_ms: float) -> None:
    # The dry run stops before the final Submit; should anything ever reach it, it stops here.
    await route.abort("blockedbyclient")
    raise AnswerLost("autolink record never submits")


def _row_names(selectors: Selectors) -> dict[str, str]:
    return {selectors.confirm_rows["cmecf"]: "cmecf_name", selectors.confirm_rows["pacer"]: "pacer_name"}


def build_templates(
    named: list[tuple[str | None, CapturedPage]], hidden: list[Hidden], selectors: Selectors
) -> tuple[dict[str, str], dict[str, str]]:
    """The first capture of each page kind as a template, and the address each came from."""
    replacements = {item.value: item.placeholder for item in hidden}
    templates: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, captured in named:
        if name is None or name in templates:
            continue  # the first is the clean one; a later one may carry an error message
        text = to_fixture(
            captured.html,
            replacements,
            token_placeholder=TOKEN_SLOTS.get(name, ""),
            row_names=_row_names(selectors) if name == "link_confirm.html" else None,
        )
        text = ensure_message_slot(name, text)
        # The path only: a query string may carry a session token.
        where = to_fixture(urlsplit(captured.url).path, replacements)
        templates[name] = text.rstrip("\n") + (
            f"\n<!-- recorded by autolink record from {where} on {date.today().isoformat()} -->\n"
        )
        sources[name] = where
    return templates, sources


def _shown_names(named: list[tuple[str | None, CapturedPage]], selectors: Selectors) -> dict[str, str]:
    for name, captured in named:
        if name == "link_confirm.html":
            names = parse_confirmation(
                captured.html, selectors.confirm_rows["cmecf"], selectors.confirm_rows["pacer"]
            )
            if names:
                return {"cmecf_name": names.cmecf_name, "pacer_name": names.pacer_name}
    return {}


def _login_url(named: list[tuple[str | None, CapturedPage]]) -> str | None:
    return next((c.url for name, c in named if name in LOGIN_HOST_PAGES), None)


async def record_pages(
    row: Row,
    options: RunOptions,
    progress: Progress,
    *,
    passcodes: Callable[[Row], Passcodes | None],
    guard: SharedGuard | None = None,
    browser: Browser | None = None,
    acknowledge_redaction: Acknowledge | None = None,
) -> Recording:
    """Run `row` as a dry run, capturing every page, and turn the pages into templates."""
    recorder = PageRecorder()
    typed: list[str] = []

    def remembering(r: Row) -> Passcodes | None:
        inner = passcodes(r)
        return None if inner is None else _RememberingPasscodes(inner, typed)

    with tempfile.TemporaryDirectory(prefix="autolink-record-") as scratch:
        # The journal and evidence of a recording are of no use afterwards.
        run_options = dataclasses.replace(options, out_dir=Path(scratch), dry_run=True, recheck=False)
        runner = Runner(
            run_options,
            progress,
            guard=guard,
            passcodes=remembering,
            context_hook=recorder.hook,
            sender=_never_submit,
            acknowledge_redaction=acknowledge_redaction,
        )
        if browser is not None:
            result, named = await _run_and_classify(runner, row, recorder, browser)
        else:
            async with browser_mod.launched(
                options.browser, headed=options.headed, env=options.env, network=options.network
            ) as (own, choice):
                progress.note(f"browser: {choice.describe()}")
                result, named = await _run_and_classify(runner, row, recorder, own)
    shown = _shown_names(named, row.selectors)
    hidden = values_to_hide(
        row.attorney,
        typed,
        court_url=row.court_url,
        login_url=_login_url(named),
        shown_names=shown,
    )
    templates, sources = build_templates(named, hidden, row.selectors)
    names = [row.attorney.name, *shown.values()]
    surnames = surname_words(names, _default_page_text())
    for name, text in templates.items():
        found = leftovers(text, [*hidden, *surnames])
        if found:
            raise RecordingError(
                f"{name} would still show {', '.join(found)} after placeholders were put in;"
                " nothing was saved (see docs/changing-pages.md)"
            )
    unrecognised = [urlsplit(c.url).path for n, c in named if n is None]
    return Recording(result, templates, sources, unrecognised, recorder.problems)


async def _run_and_classify(
    runner: Runner, row: Row, recorder: PageRecorder, browser: Browser
) -> tuple[Result, list[tuple[str | None, CapturedPage]]]:
    [result] = await runner.run([row], browser)
    captured = await recorder.settle()
    return result, await classify(browser, captured, row.selectors)


def write_templates(folder: Path, templates: Mapping[str, str]) -> list[Path]:
    """Plain, readable files: they are meant to be reviewed and committed."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(templates.items()):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
