"""What `plan`, `apply` and `link` share about approving the permanent Submit: who may
say yes (a plan's approver, a person at the terminal, `--yes`), the rule for a run
without a terminal, and the inputs plan and apply both take (a link run's).

Without a terminal nobody can be asked, so a run that would submit needs `--yes` or an
approved plan (`autolink apply`); anything else ends with exit 2 before any site is
reached, naming both ways.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import InputError
from .inputs import (
    RedactionConsent,
    Settings,
    build_guard,
    env_says_yes,
    prepare_rows,
    read_settings,
    sign_in_mode,
)
from .options import (
    browser_options,
    court_options,
    debug_option,
    env_file_option,
    json_option,
    network_options,
    selectors_option,
    sign_in_options,
)

if TYPE_CHECKING:
    from ..approval import Approval
    from ..plan import Row
    from ..runner import RunOptions
    from ..shared_accounts import SharedAccountGuard

F = TypeVar("F", bound=Callable[..., Any])

NO_TERMINAL = (
    "there is no terminal to ask before the permanent final Submit, so nothing was sent to any"
    " site. Either give --yes (you approve, now, linking every row whose checks pass), or"
    " run `autolink plan`, have a person approve it (`autolink apply --approve-only` in a"
    " terminal, or `autolink apply` there) and then run `autolink apply` with the same"
    " inputs and --out"
)


def yes_option(help: str) -> Callable[[F], F]:
    # Deliberately no environment variable: a line in a .env file must not approve links.
    return click.option("--yes", "yes", is_flag=True, help=help)


def ask_at_terminal(text: str) -> bool:
    """The one-row question: its words, then y/N (default no)."""
    from ..otp import _PROMPT_LOCK  # one prompt on the terminal at a time, passcodes too

    with _PROMPT_LOCK:
        click.echo(text, err=True, nl=False)
        return click.confirm("", default=False, err=True)


def submit_gate(*, yes: bool, dry_run: bool, recheck: bool, interactive: bool) -> Approval | None:
    """The Approval a `link` run asks at each confirmation table; exit 2 when nobody can."""
    from ..approval import AskEachRow

    if yes or dry_run or recheck:
        # --dry-run and --recheck never send the Submit; --yes is the operator's approval.
        return None
    if interactive:
        return AskEachRow(ask_at_terminal)
    raise InputError(NO_TERMINAL)


def run_inputs(fn: F) -> F:
    """The inputs of a link run, for `plan` and `apply` (which must be given the same)."""
    for option in reversed(
        [
            court_options,
            click.option(
                "--roster",
                type=click.Path(path_type=Path, dir_okay=False),
                help="CSV or YAML roster of attorneys and courts.",
            ),
            json_option(),
            click.option(
                "--out",
                type=click.Path(path_type=Path, file_okay=False),
                default=Path("autolink-out"),
                show_default=True,
                help="Folder for the plan, the journal, reports and evidence (the same for plan and apply).",
            ),
            click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True),
            click.option(
                "--per-court",
                type=click.IntRange(1, 32),
                default=4,
                show_default=True,
                help="Sessions at once per court.",
            ),
            click.option(
                "--shared-accounts",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                help="File of PACER usernames that are shared firm accounts, one a line.",
            ),
            env_file_option,
            selectors_option,
            network_options,
            browser_options,
            debug_option,
            sign_in_options,
        ]
    ):
        fn = option(fn)
    return fn


@dataclasses.dataclass(frozen=True)
class RunSetup:
    rows: list[Row]
    urls: dict[str, str]
    interactive: bool
    guard: SharedAccountGuard
    consent: RedactionConsent | None
    options: RunOptions


def run_options(
    params: dict[str, Any], out: Path, mode: str, settings: Settings | None = None, **extra: Any
) -> RunOptions:
    """The run's options from what `run_inputs` gives a command; `settings` None: none of
    the user's environment or network (the demo's replica courts)."""
    from ..runner import RunOptions

    read = {} if settings is None else {"env": dict(settings.env), "network": settings.network}
    return RunOptions(
        out_dir=out,
        concurrency=params["concurrency"],
        per_court=params["per_court"],
        headed=params["headed"],
        browser=params["browser"],
        timeout_ms=params["timeout"] * 1000,
        sign_in=mode,
        **read,
        **extra,
    )


def set_up(params: dict[str, Any], *, dry_run: bool, before_credentials: Callable[[], None]) -> RunSetup:
    """Read and check every input as `link` does; nothing reaches a site here."""
    settings = read_settings(params["env_file"], params["proxy"], params["ca_file"], params["court_url"])
    mode = sign_in_mode(params["sign_in"], settings.env)
    acknowledged = params["acknowledge_redaction"] or env_says_yes(settings.env)
    prepared = prepare_rows(
        settings,
        params["courts"],
        params["roster"],
        params["selectors_dir"],
        before_credentials=before_credentials,
    )
    for court, url in sorted(prepared.urls.items()):
        if settings.site.replaced(court):
            click.echo(f"note: {court} runs against {url} (from {settings.site.source})", err=True)
    options = run_options(params, params["out"], mode, settings, dry_run=dry_run, debug=params["debug"])
    return RunSetup(
        prepared.rows,
        prepared.urls,
        prepared.interactive,
        build_guard(params["shared_accounts"], prepared.rows),
        RedactionConsent.for_run(acknowledged, prepared.interactive),
        options,
    )


def check_out_folder(out: Path) -> None:
    from ..journal import FolderRefused, check_folder

    try:
        check_folder(out)
    except FolderRefused as exc:
        raise InputError(str(exc)) from None


def parse_row_list(value: str | None, option: str) -> list[tuple[str, str]]:
    """`court:pacer_username,...` as row ids; a malformed item is named."""
    from ..approval import row_id

    if not value:
        return []
    ids = []
    for item in value.split(","):
        court, sep, user = item.strip().partition(":")
        if not sep or not court.strip() or not user.strip():
            raise InputError(
                f"{option}: {item.strip()!r} is not court:pacer_username (for example canb:jdoe);"
                " separate rows with commas"
            )
        ids.append(row_id(court, user))
    return ids


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhm])\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_age(value: str) -> timedelta:
    """`7d`, `36h`, `90m`: how old a plan apply still accepts."""
    match = _AGE.match(value)
    if not match:
        raise InputError(f"--max-plan-age: {value!r} is not an age such as 7d, 36h or 90m")
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})
