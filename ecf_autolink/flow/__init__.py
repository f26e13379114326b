"""One attorney at one court: from the court's front page to the verified link.

The flow reads no file and no environment variable: everything arrives in its
arguments. Where to look for what:

    attempt.py   what the flow is given (FlowSettings, FlowDeps) and LinkAttempt, one row's state
    sign_in.py   the court's front page to PACER and back: the API and page paths, each dialog
    link.py      the link page, the CM/ECF login, the final Submit, looking again, --recheck
    redaction.py the operator's acknowledgement of PACER's Redaction Agreement, kept on record
    judge.py     would a careful attorney submit for these names? (pure)
    trust.py     may a secret be typed on this page, or its form posted?
    errors.py    how a step ends: FlowStop, SiteChanged, SessionEnded, TransientFailure
    net.py       origins, redirects and network failures (pure)

The names below load on first use: the pages import `errors` and `net`, and the flow
imports the pages, so this package's own import must pull in neither.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .attempt import (
        PACER_LOGIN_ORIGIN,
        EarlierSubmit,
        FlowDeps,
        FlowSettings,
        LinkAttempt,
        Passcodes,
        SharedGuard,
        SignInUse,
    )
    from .link import link_attorney, recheck_attorney

_WHERE = {
    "PACER_LOGIN_ORIGIN": "attempt",
    "EarlierSubmit": "attempt",
    "FlowDeps": "attempt",
    "FlowSettings": "attempt",
    "LinkAttempt": "attempt",
    "Passcodes": "attempt",
    "SharedGuard": "attempt",
    "SignInUse": "attempt",
    "link_attorney": "link",
    "recheck_attorney": "link",
}

__all__ = [
    "PACER_LOGIN_ORIGIN",
    "EarlierSubmit",
    "FlowDeps",
    "FlowSettings",
    "LinkAttempt",
    "Passcodes",
    "SharedGuard",
    "SignInUse",
    "link_attorney",
    "recheck_attorney",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
