"""What the replica saw, for tests: every final Submit, link, request and enrolment press
on the court, and the login host's counters (shared by every court of one sign-on)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field

from .signon import SignOn
from .wire import Action, Reply


@dataclass
class Seen:
    """What the court observed, for tests."""

    final_submits: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    link_events: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    enroll_actions: list[str] = field(default_factory=list)


class Observed:
    """The observing half of `ReplicaCourt` (a mixin: the state is the court's)."""

    signon: SignOn
    _seen: Seen
    _lock: threading.RLock

    @property
    def final_submits(self) -> list[str]:
        """PACER username of every confirmation POST that arrived, answered or not."""
        return self._seen.final_submits

    @property
    def links(self) -> dict[str, str]:
        """CM/ECF username -> PACER username for every link made by this replica."""
        return self._seen.links

    @property
    def link_events(self) -> list[tuple[str, str]]:
        return self._seen.link_events

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        return self._seen.requests

    @property
    def enroll_actions(self) -> list[str]:
        """PACER usernames that pressed Enroll or Skip (the tool never must)."""
        return self._seen.enroll_actions

    # Login-host counters (shared by every court of one sign-on).

    @property
    def login_posts(self) -> Counter[str]:
        """Credentials posts per username typed, page and API alike."""
        return self.signon.seen.login_posts

    @property
    def passcode_posts(self) -> Counter[str]:
        return self.signon.seen.passcode_posts

    @property
    def redaction_acks(self) -> list[str]:
        return self.signon.seen.redaction_acks

    @property
    def redaction_refusals(self) -> list[str]:
        return self.signon.seen.redaction_refusals

    @property
    def api_calls(self) -> Counter[str]:
        return self.signon.seen.api_calls

    @property
    def api_redact_flags(self) -> list[tuple[str, bool]]:
        return self.signon.seen.api_redact_flags

    @property
    def sign_ins(self) -> Counter[str]:
        return self.signon.seen.sign_ins

    def reset_counters(self) -> None:
        with self._lock:
            self._seen = Seen()
            self.signon.reset_counters()

    def secrets_seen(self) -> list[str]:
        """Every passcode received and NextGenCSO token issued (for no-secret-written checks)."""
        return [s for s in self.signon.seen.secrets if s]

    def credential_posts(self, pacer_user: str) -> list[tuple[str, bool]]:
        """Each credentials post of the user, in order: (what the answer said, whether the
        answer reached the client): "accepted", "rejected" or "lost"."""
        return [
            (said, said != "lost") for user, said in self.signon.seen.credential_posts if user == pacer_user
        ]


def credentials_answer(reply: Reply) -> str:
    """What a credentials post's answer told the client: "accepted", "rejected" or "lost"."""
    if reply.directive.action != Action.REPLY or reply.status >= 500:
        return "lost"
    if reply.status != 200:
        return "rejected"
    if (reply.header("Content-Type") or "").startswith("application/json"):
        try:
            answer = json.loads(reply.body)
        except ValueError:
            return "accepted"  # another shape: nothing the client can call a rejection
        if not isinstance(answer, dict):
            return "accepted"
        if "loginResult" in answer:
            return "accepted" if answer["loginResult"] == "0" else "rejected"
        if "show" in answer:
            return "rejected" if answer["show"] == "login" else "accepted"
        return "accepted"
    # The form-style login: back to a page that is not the login form, or a redirect.
    return "rejected" if b"loginForm:loginName" in reply.body else "accepted"
