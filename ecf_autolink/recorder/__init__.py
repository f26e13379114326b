"""`autolink record`: a court's real pages, captured on a dry run, saved as replica templates.

Four parts, one job each:

- `scrub`: pure; one page's HTML → a template the replica court can serve, with every
  credential removed and every name, username and address a `{{placeholder}}`.
- `classify`: which page kind a captured page is, by the selectors (never by URL).
- `hide`: the values that must not survive into a template, and the last check for them.
- `capture`: the dry run that captures the pages, and the templates made from them.
"""

from __future__ import annotations

from .capture import (
    CapturedPage,
    PageRecorder,
    Recording,
    RecordingError,
    build_templates,
    record_pages,
    write_templates,
)
from .classify import DRY_RUN_PAGES, FIXTURE_KINDS, LOGIN_HOST_PAGES, TOKEN_SLOTS, classify, fixture_name
from .hide import Hidden, leftovers, surname_first, surname_words, values_to_hide
from .scrub import (
    MESSAGE_SLOTS,
    NEUTRAL_EMAIL,
    PUBLIC_MAIL_DOMAIN,
    STRUCTURAL_ATTRIBUTES,
    ensure_message_slot,
    looks_like_token,
    to_fixture,
    value_pattern,
)

__all__ = [
    "DRY_RUN_PAGES",
    "FIXTURE_KINDS",
    "LOGIN_HOST_PAGES",
    "MESSAGE_SLOTS",
    "NEUTRAL_EMAIL",
    "PUBLIC_MAIL_DOMAIN",
    "STRUCTURAL_ATTRIBUTES",
    "TOKEN_SLOTS",
    "CapturedPage",
    "Hidden",
    "PageRecorder",
    "Recording",
    "RecordingError",
    "build_templates",
    "classify",
    "ensure_message_slot",
    "fixture_name",
    "leftovers",
    "looks_like_token",
    "record_pages",
    "surname_first",
    "surname_words",
    "to_fixture",
    "value_pattern",
    "values_to_hide",
    "write_templates",
]
