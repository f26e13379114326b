"""`plan.json`: what `autolink plan` saw at each court, for a person to approve and for
`autolink apply` to hold the run to.

Strict and versioned: a file this version did not write (another format, a newer version,
an unknown field, a missing one) is refused with its path and the field, never guessed
at. Pure reading and writing; no page, no journal. A plan never holds a secret: who the
row is (court, PACER and CM/ECF usernames, the roster's name), what the court showed
(both names exactly as shown), the tool's verdict and the court's own warnings.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .approval import row_id
from .outcome import Outcome
from .words import FLAGS

FILE_NAME = "plan.json"
FORMAT = "autolink-plan"
VERSION = 1
WOULD_LINK = "would_link"


class PlanError(ValueError):
    """A plan that cannot be used; its message names the file and what is wrong."""


class PlanRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    court: str
    pacer_username: str
    cmecf_username: str
    name: str
    # "would_link", "already_linked", a refusal ("refused_name_mismatch", ...) or the
    # outcome a failure ended with ("pacer_login_failed", "error", ...).
    verdict: str
    # As the court's confirmation table showed them; None where it was never reached.
    cmecf_name: str | None = None
    pacer_name: str | None = None
    screenshot: str | None = None
    message: str
    warnings: list[str] = []

    @property
    def id(self) -> tuple[str, str]:
        return row_id(self.court, self.pacer_username)

    @property
    def label(self) -> str:
        return f"{self.court}:{self.pacer_username}"


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["autolink-plan"]
    version: Literal[1]
    created_at: datetime
    created_by: str
    # court -> the address it was planned against (apply must reach the same site).
    courts: dict[str, str]
    rows: list[PlanRow]

    def would_link(self) -> list[PlanRow]:
        return [r for r in self.rows if r.verdict == WOULD_LINK]

    def age(self, at: datetime | None = None) -> timedelta:
        return (at or datetime.now(UTC)) - self.created_at


def os_user() -> str:
    """Who is at this machine, as the OS names them (the plan's author, a row's approver)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no such user entry (a container), or Windows oddities
        return "unknown"


def verdict_of(outcome: Outcome, refusal: Outcome | None) -> str:
    """The plan's word for a dry run's outcome: the refusal the checks would make, if any."""
    if outcome == Outcome.DRY_RUN:
        return str(refusal) if refusal is not None else WOULD_LINK
    return str(outcome)


def new_plan(rows: list[PlanRow], courts: dict[str, str], *, at: datetime | None = None) -> Plan:
    return Plan(
        format=FORMAT,
        version=VERSION,
        created_at=(at or datetime.now(UTC)).replace(microsecond=0),
        created_by=os_user(),
        courts=courts,
        rows=rows,
    )


def render(plan: Plan) -> str:
    return json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def digest(plan: Plan) -> str:
    """The plan's identity: an approval is for this exact content, no other."""
    return hashlib.sha256(render(plan).encode("ascii")).hexdigest()[:16]


def write_plan(plan: Plan, out_dir: Path) -> Path:
    """Atomically, private to the user, so a reader never sees half a plan."""
    path = Path(out_dir) / FILE_NAME
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="") as handle:
            handle.write(render(plan))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _located(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(the whole file)"
    return f"field {where}: {first['msg']}"


def read_plan(out_dir: Path) -> Plan:
    path = Path(out_dir) / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(
            f"{path}: no plan there; run `autolink plan` with the same inputs and {FLAGS['out']} first"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: the plan cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}: not a plan (line {exc.lineno}: {exc.msg}); nothing was attempted") from None
    if isinstance(data, dict) and data.get("format") == FORMAT and data.get("version") != VERSION:
        raise PlanError(
            f"{path}: a plan of version {data.get('version')!r}; this autolink reads version {VERSION}:"
            " plan again with this version; nothing was attempted"
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(
            f"{path}: not a plan this autolink wrote ({_located(exc)}); nothing was attempted"
        ) from None
    if plan.created_at.tzinfo is None:
        raise PlanError(f"{path}: field created_at has no time zone; nothing was attempted")
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(plan.rows, 1):
        if row.id in seen:
            raise PlanError(f"{path}: rows.{number}: {row.label} appears twice; nothing was attempted")
        seen.add(row.id)
    return plan
