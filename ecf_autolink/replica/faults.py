"""Faults a test switches on per request: slow, failing, hanging or dropped answers.

The state machine decides which faults apply and does the state-changing part
(e.g. records a link before a `reset_after`); the adapters carry out the rest
(sleeping, closing sockets, aborting routes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .wire import HostKind, Request


class FaultKind(StrEnum):
    LATENCY = "latency"
    STATUS = "status"
    HANG = "hang"
    RESET_BEFORE = "reset_before"
    RESET_AFTER = "reset_after"
    TRUNCATE = "truncate"
    REDIRECT_LOOP = "redirect_loop"
    SESSION_EXPIRE = "session_expire"
    # The session ends without a word: the court sends the PACER login page instead.
    SIGNED_OUT = "signed_out"
    LOGIN_DOWN = "login_down"


SERVER_ERRORS = (500, 502, 503, 504)


@dataclass
class Fault:
    kind: FaultKind
    host_kind: HostKind | None = None
    method: str | None = None
    path_prefix: str | None = None
    path: str | None = None  # exact; "/" is the front page only, where a prefix would match all
    pacer_user: str | None = None
    # One background step of the in-page login (the pressed button's id, its
    # `javax.faces.source`) or "cso-auth" for the Authentication API call.
    step: str | None = None
    # How many matching requests it applies to; None = every one.
    times: int | None = None
    seconds: float = 0.0  # LATENCY
    status: int = 503  # STATUS
    # STATUS / HANG: let the request change state first (a gateway that fails
    # after the application has acted).
    after_processing: bool = False
    # Only the confirmation POST (the permanent final Submit), not the link form's first POST.
    final_only: bool = False
    hits: int = 0

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        if self.kind == FaultKind.STATUS and self.status not in SERVER_ERRORS:
            raise ValueError(f"status fault must be one of {SERVER_ERRORS}, not {self.status}")
        if self.kind == FaultKind.LOGIN_DOWN:
            self.host_kind = "login"
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0")
        if self.method:
            self.method = self.method.upper()

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, req: Request, pacer_user: str | None, is_final: bool = False) -> bool:
        return (
            not self.spent
            and (is_final or not self.final_only)
            and (self.host_kind is None or self.host_kind == req.host_kind)
            and (self.method is None or self.method == req.method)
            and (self.path_prefix is None or req.path.startswith(self.path_prefix))
            and (self.path is None or req.path == self.path)
            and (self.pacer_user is None or self.pacer_user == pacer_user)
            and (self.step is None or self.step == req.step())
        )


@dataclass
class Faults:
    # Added to every answer (a benchmark's slow court), on top of LATENCY faults.
    latency: float = 0.0
    active: list[Fault] = field(default_factory=list)

    def add(self, kind: FaultKind | str, **options: object) -> Fault:
        fault = Fault(FaultKind(kind), **options)  # type: ignore[arg-type]
        self.active.append(fault)
        return fault

    def clear(self) -> None:
        self.active.clear()
        self.latency = 0.0

    def take(self, req: Request, pacer_user: str | None, is_final: bool = False) -> list[Fault]:
        """The faults that apply to this request, each counted as used once."""
        hit = [f for f in self.active if f.matches(req, pacer_user, is_final)]
        for fault in hit:
            fault.hits += 1
        return hit
