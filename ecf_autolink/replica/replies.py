"""Small replies every part of the replica gives: a redirect, a dropped connection, a delay."""

from __future__ import annotations

from .wire import Action, Directive, Reply


def redirect(location: str) -> Reply:
    return Reply(
        302,
        [("Location", location), ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
        b"",
    )


def with_delay(reply: Reply, delay: float) -> Reply:
    if delay:
        reply.directive = Directive(reply.directive.action, delay)
    return reply


def dropped(action: Action, delay: float) -> Reply:
    return Reply(0, [], b"", Directive(action, delay))
