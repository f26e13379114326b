"""Scrub: one captured page's HTML → a replica template, with nothing secret and no one named.

Pure text in, text out: no browser, no files. `to_fixture` removes credentials and
puts `{{placeholders}}` where names, usernames and addresses stood;
`ensure_message_slot` gives the replica a place for its own messages.
"""

from __future__ import annotations

import base64
import html as html_lib
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.entities import codepoint2name
from urllib.parse import quote

from ..pages.kinds import SPECS
from ..replica.templates import PLACEHOLDER

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
        [(value_pattern(tidy(v, p), whole_word=bool(p)), _placeholder(p)) for v, p in ordered],
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


def tidy(value: str, placeholder: str) -> str:
    # A name may wrap across lines on a page; a credential is matched exactly as typed.
    return " ".join(value.split()) if placeholder else value


# Pages the replica fills with its own message ("Login failed…"), by file name.
MESSAGE_SLOTS = {s.fixture: s.message_slot for s in SPECS.values() if s.fixture and s.message_slot}


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
