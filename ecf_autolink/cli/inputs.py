"""Everything a command reads before it attempts anything: the .env file, the courts and
their addresses, the attorneys, the shared-account guard, the passcode source and the
redaction consent. Each bad value ends as an `InputError` (exit 2) naming what to fix.

`link` and `record` set up a run the same way, so the order of the checks lives here,
in `read_settings` and `prepare_rows`: court ids and addresses are checked before anyone
types a password. The modules behind these functions load only when called, so that
`autolink --help` stays quick.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import InputError
from .options import SIGN_IN_MODES

if TYPE_CHECKING:
    from ..attorney import Attorney
    from ..court_urls import CourtUrls
    from ..network import NetworkSettings
    from ..plan import Row
    from ..shared_accounts import SharedAccountGuard

DEFAULT_ENV_FILE = Path(".env")


def env_file_in_use(env_file: Path | None) -> Path | None:
    """The .env file a run reads: the one named by --env-file, which must exist (a typo in
    a scheduled task's path would otherwise run without its credentials), or `.env` in the
    current folder when there is one."""
    if env_file is None:
        return DEFAULT_ENV_FILE if DEFAULT_ENV_FILE.is_file() else None
    if not env_file.is_file():
        # A relative path is read from the current folder, which for a scheduled job is
        # rarely the one its author had in mind: show where it was looked for.
        where = "" if env_file.is_absolute() else f" (looked for {env_file.absolute()})"
        raise InputError(
            f"--env-file {env_file}: no such file{where}; give the path of an existing .env file,"
            " or leave --env-file out to read .env in the current folder if there is one"
        )
    return env_file


def env_from(env_file: Path | None) -> dict[str, str]:
    """The environment over the run's .env file (see `env_file_in_use`); its warnings on stderr."""
    from ..credentials import CredentialsError, read_env

    notes: list[str] = []
    try:
        env = read_env(env_file_in_use(env_file), notes=notes)
    except CredentialsError as exc:
        raise InputError(str(exc)) from None
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    return env


def network_settings(proxy: str | None, ca_file: Path | None, env: Mapping[str, str]) -> NetworkSettings:
    from ..network import NetworkError, resolve

    try:
        return resolve(proxy, ca_file, env)
    except NetworkError as exc:
        raise InputError(str(exc)) from None


def selector_dirs(selectors_dir: Path | None) -> list[Path]:
    """The user's override folders, the one that wins first: --selectors, then the user's own."""
    from ..paths import user_selectors_dir

    return [*([selectors_dir] if selectors_dir else []), user_selectors_dir()]


def court_url_values(given: tuple[str, ...], env: Mapping[str, str], env_file: Path | None) -> CourtUrls:
    """--court-url, else AUTOLINK_COURT_URL from the environment or the .env file (Click
    alone reads only the process environment; a .env naming a staging site must not be
    silently replaced by the real court), each value checked and its origin kept."""
    from ..court_urls import CourtUrlError, parse_court_urls, split_env

    if given:
        source = "--court-url"
        values = list(given)
    else:
        in_environment = env_file is None or "AUTOLINK_COURT_URL" in os.environ
        source = (
            "environment variable AUTOLINK_COURT_URL"
            if in_environment
            else f"AUTOLINK_COURT_URL in {env_file}"
        )
        values = split_env(env.get("AUTOLINK_COURT_URL", ""))
    try:
        return parse_court_urls(values, source=source)
    except CourtUrlError as exc:
        raise InputError(f"{exc}.") from None


def court_urls(courts: tuple[str, ...], site: CourtUrls | None) -> dict[str, str]:
    """Each court's CM/ECF address, --court-url's where it names one; every unknown id
    is named in one message (the page reads them the same way: service.rows)."""
    from ..service.rows import RowsProblem, court_addresses

    try:
        return court_addresses(courts, site)
    except RowsProblem as exc:
        raise InputError(str(exc)) from None


def sign_in_mode(given: str | None, env: Mapping[str, str]) -> str:
    """--sign-in, else AUTOLINK_SIGN_IN from the environment or the .env file."""
    if given:
        return given
    value = env.get("AUTOLINK_SIGN_IN", "").strip().lower() or "auto"
    if value not in SIGN_IN_MODES:
        raise InputError(f"AUTOLINK_SIGN_IN must be one of {', '.join(SIGN_IN_MODES)} (got {value!r}).")
    return value


def env_says_yes(env: Mapping[str, str]) -> bool:
    """AUTOLINK_ACKNOWLEDGE_REDACTION; anything but a plain yes or no is refused, since a
    typo must not decide a legal acknowledgement either way."""
    value = env.get("AUTOLINK_ACKNOWLEDGE_REDACTION", "").strip().lower()
    if value in ("", "0", "no", "false"):
        return False
    if value in ("1", "yes", "true"):
        return True
    raise InputError(f"AUTOLINK_ACKNOWLEDGE_REDACTION must be 1 or 0 (got {value!r}).")


def _prompt(label: str, hidden: bool) -> str:
    return click.prompt(label, hide_input=hidden, err=True)


def _keyring_get(service: str, key: str) -> str | None:
    import keyring

    return keyring.get_password(service, key)


def load_attorneys(
    courts: tuple[str, ...], roster: Path | None, env: dict[str, str], interactive: bool
) -> list[Attorney]:
    """The roster's attorneys, or the one attorney of env/.env/keyring/prompt at each court."""
    from ..credentials import CredentialsError, load_attorney

    if roster is not None:
        from ..roster import RosterError, load_roster

        try:
            return load_roster(roster, courts=list(courts), env=env)
        except RosterError as exc:
            raise InputError(str(exc)) from None
    if not courts:
        raise InputError("Give --court ID (for example --court canb), or --roster FILE for many attorneys.")
    try:
        first = load_attorney(
            courts[0], env, interactive=interactive, prompt=_prompt, keyring_get=_keyring_get
        )
    except CredentialsError as exc:
        raise InputError(str(exc)) from None
    return [dataclasses.replace(first, court=c) for c in courts]


def build_guard(deny_file: Path | None, rows: list[Row]) -> SharedAccountGuard:
    """The guard against linking a firm's shared PACER account to one attorney's filing
    account: the deny list, and which attorney each PACER username belongs to in this run."""
    from ..shared_accounts import SharedAccountGuard, attorney_key, load_deny_list

    try:
        deny = load_deny_list(deny_file) if deny_file else set()
    except ValueError as exc:
        raise InputError(str(exc)) from None
    guard = SharedAccountGuard(deny)
    for row in rows:
        guard.register(
            row.attorney.pacer_username, attorney_key(row.attorney.name, row.attorney.cmecf_username)
        )
    return guard


def passcodes_for(interactive: bool) -> Callable[[Row], Any]:
    """Each row's passcode source: its TOTP secret or backup codes, else (in a terminal) a
    hidden prompt."""
    from ..otp import build_provider

    def passcode_prompt(message: str) -> str:
        return click.prompt(message, hide_input=True, err=True)

    def provider(row: Row) -> Any:
        attorney = row.attorney
        return build_provider(
            attorney.totp_secret,
            attorney.backup_codes_file,
            passcode_prompt if interactive else None,
            label=attorney.label(),
            pacer_username=attorney.pacer_username,
        )

    return provider


class RedactionConsent:
    """The operator's answer to PACER's Redaction Agreement, once for the whole run.

    Ticking it is each filer's own acknowledgement, so only the person running the tool
    may give it: with --acknowledge-redaction, or by answering yes in a terminal after
    reading the notice (asked once; the answer serves every row).
    """

    def __init__(self, answer: bool | None) -> None:
        self._answer = answer
        self._lock = threading.Lock()

    @classmethod
    def for_run(cls, flag: bool, interactive: bool) -> RedactionConsent | None:
        if flag:
            return cls(True)
        return cls(None) if interactive else None

    @property
    def pending(self) -> bool:
        """Whether the question may still be put to the terminal."""
        return self._answer is None

    async def __call__(self, notice: str) -> bool:
        if self._answer is not None:
            return self._answer
        # In a thread, so the other rows' pages keep being served meanwhile.
        return await asyncio.to_thread(self._ask, notice)

    def _ask(self, notice: str) -> bool:
        from ..otp import _PROMPT_LOCK  # one prompt on the terminal at a time, passcodes too

        with self._lock, _PROMPT_LOCK:
            if self._answer is None:
                click.echo("\nPACER shows every filer this notice at sign-in:\n", err=True)
                click.echo(notice, err=True)
                self._answer = click.confirm(
                    "\nDo you acknowledge it for the attorneys of this run (the tool then ticks"
                    " it for each of them)?",
                    default=False,
                    err=True,
                )
            return self._answer


@dataclasses.dataclass(frozen=True)
class Settings:
    """What a run reads from the environment and the .env file, checked."""

    env_file: Path | None
    env: dict[str, str]
    network: NetworkSettings
    site: CourtUrls


def read_settings(
    env_file: Path | None, proxy: str | None, ca_file: Path | None, court_url: tuple[str, ...]
) -> Settings:
    env_file = env_file_in_use(env_file)
    env = env_from(env_file)
    network = network_settings(proxy, ca_file, env)
    # A .env naming a staging site must not leave the real court in its place.
    site = court_url_values(court_url, env, env_file)
    return Settings(env_file, env, network, site)


@dataclasses.dataclass(frozen=True)
class Prepared:
    rows: list[Row]
    urls: dict[str, str]
    interactive: bool


def prepare_rows(
    settings: Settings,
    courts: tuple[str, ...],
    roster: Path | None,
    selectors_dir: Path | None,
    *,
    before_credentials: Callable[[], None] | None = None,
) -> Prepared:
    """The run's rows, each trusting PACER's login host or, for a court reached by
    --court-url, the host its Document Filing System link leads to (and saying so).

    `before_credentials` holds the caller's own checks that must also come before anyone
    is asked for a password.
    """
    # Court ids and the address first: a typo should not cost the attorney typing two passwords.
    court_urls(courts, settings.site)
    if before_credentials is not None:
        before_credentials()
    interactive = sys.stdin.isatty()
    attorneys = load_attorneys(courts, roster, settings.env, interactive)
    from ..service.rows import RowsProblem, rows_for

    try:
        rows, urls = rows_for(attorneys, settings.site, selector_dirs(selectors_dir))
    except RowsProblem as exc:
        raise InputError(str(exc)) from None
    return Prepared(rows, urls, interactive)
