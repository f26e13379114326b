"""PACER Central Sign-On's state: one login host that any number of replica courts share.

A browser signed in here (its `PacerSession` cookie on the login host, or the
`NextGenCSO` token from the page or the Authentication API) is signed in at every
court that shares this object: that is single sign-on. The counters are what tests
assert about the wire (how many times a password or passcode was sent, who ticked
the Redaction Agreement).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from ..court_urls import origin_of
from .accounts import PacerAccount, ReplicaAccounts


class Member(Protocol):
    """What the sign-on keeps of a court that joins it (a `ReplicaCourt`): enough to share
    its PACER accounts and to know its address, nothing that would import the court."""

    court_id: str
    court_base: str
    accounts: ReplicaAccounts


@dataclass
class LoginSession:
    """A browser on the login host: part-way through the steps after the password, or signed in."""

    pacer_user: str
    appurl: str
    signed_in: bool = False
    # What PACER still shows before the court (in-page style): "mfa", "ack", ...
    steps: list[str] = field(default_factory=list)


@dataclass
class SignOnSeen:
    """What the login host observed, for tests."""

    # Every credentials post (page or API), per PACER username as typed.
    login_posts: Counter[str] = field(default_factory=Counter)
    # Each of them in order: (username, "accepted" | "rejected" | "lost").
    credential_posts: list[tuple[str, str]] = field(default_factory=list)
    passcode_posts: Counter[str] = field(default_factory=Counter)
    # A ticked Continue on the Redaction Agreement, accepted.
    redaction_acks: list[str] = field(default_factory=list)
    # A Continue posted without the box ticked, refused.
    redaction_refusals: list[str] = field(default_factory=list)
    api_calls: Counter[str] = field(default_factory=Counter)
    # (username, whether redactFlag "1" was sent) for every API call.
    api_redact_flags: list[tuple[str, bool]] = field(default_factory=list)
    # Completed sign-ins (the browser or the API was handed a session), and those by the API.
    sign_ins: Counter[str] = field(default_factory=Counter)
    api_sign_ins: Counter[str] = field(default_factory=Counter)
    # Secrets that crossed the wire (passcodes received, NextGenCSO tokens issued), so a
    # test can check that none was written down. Never printed.
    secrets: list[str] = field(default_factory=list, repr=False)


class SignOn:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.courts: dict[str, Member] = {}
        # PACER accounts are central: every court sharing this sign-on sees the same ones.
        self.pacer: dict[str, PacerAccount] = {}
        self.sessions: dict[str, LoginSession] = {}
        self.one_time: dict[str, str] = {}  # one-time cso_token -> login session id
        self.tokens: dict[str, str] = {}  # NextGenCSO token -> login session id
        self.seen = SignOnSeen()

    def __repr__(self) -> str:
        return f"SignOn(courts={sorted(self.courts)})"

    def join(self, court: Member) -> None:
        """Register a court; its PACER accounts become (or meet) the central ones."""
        if court.court_id in self.courts:
            raise ValueError(f"court {court.court_id!r} already uses this sign-on")
        self.courts[court.court_id] = court
        for name, account in court.accounts.pacer.items():
            self.pacer.setdefault(name, account)
        court.accounts.pacer = self.pacer

    def new_session(self, court_id: str, pacer_user: str, appurl: str, *, signed_in: bool) -> str:
        # The court id prefix lets several replicas share one interception login origin.
        sid = f"{court_id}.{secrets.token_urlsafe(16)}"
        self.sessions[sid] = LoginSession(pacer_user, appurl, signed_in)
        return sid

    def signed_in(self, sid: str) -> LoginSession | None:
        session = self.sessions.get(sid)
        if session is None or not session.signed_in or session.pacer_user not in self.pacer:
            return None
        return session

    def new_token(self, sid: str) -> str:
        """A `NextGenCSO` token for a signed-in login session (valid while the session lives)."""
        token = secrets.token_urlsafe(32)
        self.tokens[token] = sid
        self.seen.secrets.append(token)
        return token

    def by_token(self, token: str) -> tuple[str, LoginSession] | None:
        sid = self.tokens.get(token)
        session = self.signed_in(sid) if sid else None
        return (sid, session) if sid and session else None  # type: ignore[return-value]

    def end(self, sid: str) -> None:
        """End a login session and every token that stood for it."""
        self.sessions.pop(sid, None)
        for token in [t for t, s in self.tokens.items() if s == sid]:
            del self.tokens[token]

    def court_for_appurl(self, appurl: str) -> Member | None:
        origin = origin_of(appurl)
        return next((c for c in self.courts.values() if origin_of(c.court_base) == origin), None)

    def reset_counters(self) -> None:
        self.seen = SignOnSeen()
