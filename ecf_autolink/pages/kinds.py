"""Every kind of page the tool meets, and what the code knows about each: one table.

The flow tells pages apart by selector keys and `texts.` phrase groups (their words
live in `selectors/*.yaml`); the recorder names a captured page by the same keys;
`autolink check` counts the keys of the pages it can reach without signing in; the
loader requires every key some code reads; the golden page tests check each saved page
against its own row. Adding a page kind is one row here plus its keys in the YAML.

Pure data: importing this pulls in neither Playwright nor YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Host = Literal["court", "login"]

TEXTS = "texts."


class PageKind(StrEnum):
    """A page (or sign-in dialog) the tool can be shown. The order is the order the
    recorder tries them in: most specific first, as the flow's own priorities go (the
    confirmation table also shows the link form's words, the login page a bare menu…)."""

    LINK_SUCCESS = "link_success"
    LINK_CONFIRM = "link_confirm"
    ALREADY_LINKED = "already_linked"
    LINK_FORM = "link_form"
    UTILITIES_NOT_READY = "utilities_menu_not_ready"
    UTILITIES_MENU = "utilities_menu"
    PACER_MFA_ENROLL = "pacer_mfa_enroll"
    PACER_ACCOUNT_LOCKED = "pacer_account_locked"
    PACER_ACCOUNT_DISABLED = "pacer_account_disabled"
    PACER_PASSWORD_EXPIRED = "pacer_password_expired"
    PACER_LEGACY_ACCOUNT = "pacer_legacy_account"
    PACER_MFA = "pacer_mfa"
    PACER_LOGIN = "pacer_login"
    SESSION_EXPIRED = "session_expired"
    CMECF_MAIN = "cmecf_main"
    COURT_FRONT = "court_front"
    # Prompts PACER's in-page login opens over itself: no page of their own to record.
    PACER_REDACTION = "pacer_redaction"
    PACER_ACK = "pacer_ack"
    PACER_INACTIVE = "pacer_inactive"


@dataclass(frozen=True)
class PageSpec:
    """What the code knows about one page kind.

    Keys are selector keys (`group.key`) or phrase groups (`texts.<group>`).
    """

    # The replica template and recorded file name; None for a dialog inside another page.
    fixture: str | None
    # All found on a page: it is this kind (the recorder's test; the flow waits for the first).
    marks: tuple[str, ...]
    # The other controls the flow uses there; each must find exactly one element.
    keys: tuple[str, ...] = ()
    # What the page may show in answer to the flow (an error area, rejection words):
    # absent on a page as first seen, so only required of the YAML, never counted.
    answers: tuple[str, ...] = ()
    # Phrase groups that say it is this page: `autolink check` and the golden tests look for them.
    phrases: tuple[str, ...] = ()
    host: Host = "court"
    # Its place on a dry run's way to the confirmation table (so what `autolink record`
    # must capture), from 1; 0 when a dry run does not pass it.
    on_dry_run: int = 0
    # The replica puts its own messages here (`{{error}}`); a recorded page gets a slot.
    message_slot: str = ""
    # A hidden input holding the token the replica checks (`{{token}}`).
    token_slot: str = ""
    # Other replica templates that are this kind (the in-page variant of a page).
    variants: tuple[str, ...] = ()

    @property
    def locator_keys(self) -> tuple[str, ...]:
        """Every selector key (no phrase group) the code reads on this page."""
        return tuple(k for k in (*self.marks, *self.keys, *self.answers) if not k.startswith(TEXTS))

    @property
    def counted(self) -> tuple[str, ...]:
        """What a check counts on this page as first seen: its marks, its controls, its phrases."""
        return (*self.marks, *self.keys, *(TEXTS + p for p in self.phrases))


SPECS: dict[PageKind, PageSpec] = {
    PageKind.LINK_SUCCESS: PageSpec("link_success.html", ("success.message",)),
    PageKind.LINK_CONFIRM: PageSpec(
        "link_confirm.html",
        ("confirm.question",),
        keys=("confirm.submit",),
        on_dry_run=6,
        token_slot="token",
    ),
    PageKind.ALREADY_LINKED: PageSpec("already_linked.html", ("texts.already_linked",)),
    PageKind.LINK_FORM: PageSpec(
        "link_form.html",
        ("link_form.cmecf_login", "link_form.cmecf_password"),
        keys=("link_form.submit",),
        answers=("texts.cmecf_bad_credentials",),
        on_dry_run=5,
        message_slot="error",
    ),
    PageKind.UTILITIES_NOT_READY: PageSpec("utilities_menu_not_ready.html", ("texts.court_not_nextgen",)),
    PageKind.UTILITIES_MENU: PageSpec("utilities_menu.html", ("utilities_menu.link_account",), on_dry_run=4),
    PageKind.PACER_MFA_ENROLL: PageSpec(
        "pacer_mfa_enroll.html", ("texts.pacer_mfa_enrollment",), host="login"
    ),
    PageKind.PACER_ACCOUNT_LOCKED: PageSpec(
        "pacer_account_locked.html", ("texts.pacer_account_locked",), host="login"
    ),
    PageKind.PACER_ACCOUNT_DISABLED: PageSpec(
        "pacer_account_disabled.html", ("texts.pacer_account_disabled",), host="login"
    ),
    PageKind.PACER_PASSWORD_EXPIRED: PageSpec(
        "pacer_password_expired.html", ("texts.pacer_password_expired",), host="login"
    ),
    PageKind.PACER_LEGACY_ACCOUNT: PageSpec(
        "pacer_legacy_account.html", ("texts.pacer_legacy_account",), host="login"
    ),
    PageKind.PACER_MFA: PageSpec(
        "pacer_mfa.html",
        ("pacer_mfa.passcode",),
        keys=("pacer_mfa.submit",),
        answers=("texts.pacer_mfa_rejected",),
        host="login",
        message_slot="error",
    ),
    PageKind.PACER_LOGIN: PageSpec(
        "pacer_login.html",
        ("pacer_login.username", "pacer_login.password"),
        keys=("pacer_login.client_code", "pacer_login.login"),
        answers=("pacer_messages.error", "texts.pacer_bad_credentials"),
        phrases=("pacer_login_page",),
        host="login",
        on_dry_run=2,
        message_slot="error",
        variants=("pacer_login_inpage.html",),
    ),
    PageKind.SESSION_EXPIRED: PageSpec("session_expired.html", ("texts.cmecf_session_expired",)),
    PageKind.CMECF_MAIN: PageSpec(
        "cmecf_main.html", ("cmecf_main.utilities", "cmecf_main.logout"), on_dry_run=3
    ),
    PageKind.COURT_FRONT: PageSpec("court_front.html", ("court_front.document_filing_system",), on_dry_run=1),
    PageKind.PACER_REDACTION: PageSpec(
        None,
        ("pacer_redaction.notice",),
        keys=("pacer_redaction.agree", "pacer_redaction.confirm"),
        host="login",
    ),
    PageKind.PACER_ACK: PageSpec(None, ("pacer_ack.ok",), host="login"),
    PageKind.PACER_INACTIVE: PageSpec(
        None, ("texts.pacer_user_inactive",), keys=("pacer_inactive.continue",), host="login"
    ),
}

# Phrase groups read where no page shows them: the Authentication API's rejection, and
# the Redaction Agreement's words shown to the operator when no page gives them.
OTHER_TEXTS = ("pacer_api_rejected", "pacer_redaction_notice")

# Templates the replica makes up on its own (its HTTP error page): no court shows them.
REPLICA_ONLY = frozenset({"error.html"})


def mark(kind: PageKind) -> str:
    """The key the flow waits for to know it is on `kind` (its first mark)."""
    return SPECS[kind].marks[0]


def dry_run_pages() -> tuple[str, ...]:
    """The pages a dry run passes, in the order it meets them."""
    steps = sorted((s.on_dry_run, s.fixture) for s in SPECS.values() if s.on_dry_run and s.fixture)
    return tuple(name for _, name in steps)


def recorded_kinds() -> list[tuple[PageKind, PageSpec]]:
    """The kinds that are pages of their own, in the order a page is tried against them."""
    return [(kind, s) for kind, s in SPECS.items() if s.fixture is not None]


def kind_of_fixture(name: str) -> PageKind | None:
    """The kind a replica template or recorded file is (None: the replica's own page)."""
    for kind, s in SPECS.items():
        if name == s.fixture or name in s.variants:
            return kind
    return None


def required_locators() -> dict[str, tuple[str, ...]]:
    """Every selector key some code reads, by group: default.yaml must have each."""
    groups: dict[str, list[str]] = {}
    for s in SPECS.values():
        for key in s.locator_keys:
            group, name = key.split(".", 1)
            if name not in groups.setdefault(group, []):
                groups[group].append(name)
    return {group: tuple(names) for group, names in groups.items()}


def required_texts() -> tuple[str, ...]:
    """Every phrase group some code reads: default.yaml must list phrases for each."""
    found: list[str] = []
    for s in SPECS.values():
        for key in (*s.marks, *s.answers, *(TEXTS + p for p in s.phrases)):
            if key.startswith(TEXTS) and key.removeprefix(TEXTS) not in found:
                found.append(key.removeprefix(TEXTS))
    return (*found, *(t for t in OTHER_TEXTS if t not in found))
