"""The `autolink` command line. It validates input and hands rows to the runner; it never
touches a page."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import __version__
from .attorney import Attorney
from .browser import BrowserNotFound
from .court_urls import CourtUrls
from .credentials import CredentialsError, load_attorney, read_env
from .journal import FolderRefused
from .locators import SelectorError, load_selectors
from .outcome import Result
from .plan import Row, build_plan
from .progress import LiveProgress, PlainProgress
from .report import print_summary, write_reports

EXIT_FAILED = 1
EXIT_INPUT = 2
# As a shell reports a process ended by SIGINT.
EXIT_INTERRUPTED = 130


class InputError(click.ClickException):
    """Bad input: nothing was attempted."""

    exit_code = EXIT_INPUT


class DefaultGroup(click.Group):
    """`autolink --court canb` means `autolink link --court canb`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = ["link", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autolink")
def main() -> None:
    """Link attorneys' legacy CM/ECF accounts to their PACER accounts on NextGen courts.

    \b
    autolink --court canb                      one attorney (credentials from env/.env/keyring/prompt)
    autolink --court canb --roster firm.csv    a whole roster, resumable
    autolink demo                              the whole flow on the built-in replica court
    """


def browser_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--headed", is_flag=True, help="Show the browser window.")(fn)
    fn = click.option(
        "--browser",
        "browser",
        envvar="AUTOLINK_BROWSER",
        metavar="PATH",
        help="Chromium/Chrome executable (default: Playwright's, else chromium/google-chrome on PATH).",
    )(fn)
    return click.option(
        "--timeout",
        type=click.FloatRange(1, 600),
        default=30.0,
        show_default=True,
        help="Seconds to wait for each page.",
    )(fn)


def court_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--court",
        "courts",
        multiple=True,
        metavar="ID",
        help="PACER court id, e.g. canb (repeatable).",
    )(fn)
    return click.option(
        "--court-url",
        "court_url",
        multiple=True,
        metavar="[COURT=]URL",
        help="Reach COURT's CM/ECF site at URL instead of the official one (staging, replica);"
        " repeatable. A bare URL serves the run's one court. Also AUTOLINK_COURT_URL"
        " (canb=URL,cacb=URL).",
    )(fn)


def sign_in_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--acknowledge-redaction",
        is_flag=True,
        help="You acknowledge, for each attorney of this run, PACER's Redaction Agreement"
        " (every filer's own acknowledgement; the tool ticks it only with this flag or your"
        " yes in a terminal). Also AUTOLINK_ACKNOWLEDGE_REDACTION=1.",
    )(fn)
    return click.option(
        "--sign-in",
        "sign_in",
        type=click.Choice(SIGN_IN_MODES),
        envvar="AUTOLINK_SIGN_IN",
        help="How to sign in to PACER: api (PACER's Authentication API), page (the login page),"
        " or auto (the API, the page only when the API gives no usable answer)."
        " [default: auto]",
    )(fn)


SIGN_IN_MODES = ("auto", "api", "page")


def _court_url_values(given: tuple[str, ...], env: dict[str, str]) -> CourtUrls:
    """--court-url, else AUTOLINK_COURT_URL from the environment or the .env file (Click
    alone reads only the process environment; a .env naming a staging site must not be
    silently replaced by the real court)."""
    from .court_urls import CourtUrlError, parse_court_urls, split_env

    try:
        if given:
            return parse_court_urls(given)
        return parse_court_urls(split_env(env.get("AUTOLINK_COURT_URL", "")), source="AUTOLINK_COURT_URL")
    except CourtUrlError as exc:
        raise InputError(f"{exc}.") from None


def _court_urls(courts: tuple[str, ...], site: CourtUrls | None) -> dict[str, str]:
    from .courts import AppellateCourt, UnknownCourt, get_court

    if site and site.bare and len(courts) > 1:
        raise InputError(
            "--court-url points at one court's site; give exactly one --court with it, or name"
            " each court as --court-url COURT=URL."
        )
    urls: dict[str, str] = {}
    problems = []
    for court_id in courts:
        try:
            court = get_court(court_id)
        except (UnknownCourt, AppellateCourt) as exc:
            problems.append(str(exc))
            continue
        urls[court.id] = site.url_for(court.id, court.cmecf_url) if site else court.cmecf_url
    if problems:
        raise InputError(" ".join(problems))
    return urls


def _plan(attorneys: list[Attorney], urls: dict[str, str], site: CourtUrls) -> list[Row]:
    """The rows, each trusting PACER's login host, or, for a court reached by
    --court-url, the host its Document Filing System link leads to."""
    try:
        rows = build_plan(attorneys, urls, login_origin=_pacer_origin())
    except SelectorError as exc:
        raise InputError(str(exc)) from None
    return [
        dataclasses.replace(row, login_origin=None) if site.replaced(row.attorney.court) else row
        for row in rows
    ]


def _prompt(label: str, hidden: bool) -> str:
    return click.prompt(label, hide_input=hidden, err=True)


def _keyring_get(service: str, key: str) -> str | None:
    import keyring

    return keyring.get_password(service, key)


@main.command("link")
@court_options
@click.option(
    "--roster",
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV or YAML roster of attorneys and courts.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@click.option("--dry-run", is_flag=True, help="Stop at the confirmation table; submit nothing.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("autolink-out"),
    show_default=True,
    help="Folder for the journal, reports and evidence.",
)
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option(
    "--per-court",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Sessions at once per court.",
)
@click.option(
    "--shared-accounts",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="File of PACER usernames that are shared firm accounts, one a line.",
)
@click.option("--fail-fast", is_flag=True, help="Start no new row after the first failure.")
@click.option(
    "--recheck",
    is_flag=True,
    help="Only look whether earlier unconfirmed links took effect; never submit them again.",
)
@click.option(
    "--env-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".env"),
    show_default=True,
    help="A .env file of credentials (environment variables win).",
)
@browser_options
@click.option(
    "--trace",
    is_flag=True,
    help="Keep a Playwright trace of each row in its evidence folder, secrets scrubbed, no screenshots.",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@sign_in_options
def link_command(
    courts: tuple[str, ...],
    court_url: tuple[str, ...],
    roster: Path | None,
    as_json: bool,
    dry_run: bool,
    out: Path,
    concurrency: int,
    per_court: int,
    shared_accounts: Path | None,
    fail_fast: bool,
    recheck: bool,
    env_file: Path,
    headed: bool,
    browser: str | None,
    timeout: float,
    trace: bool,
    debug: bool,
    sign_in: str | None,
    acknowledge_redaction: bool,
) -> None:
    """Link attorneys' CM/ECF accounts to their PACER accounts (the default command).

    Passwords are never taken as arguments: they come from the environment, a .env
    file, the OS keyring, the roster (as ${VAR} references) or a hidden prompt.
    """
    try:
        env = read_env(env_file if env_file.is_file() else None)
    except CredentialsError as exc:
        raise InputError(str(exc)) from None
    site = _court_url_values(court_url, env)
    mode = _sign_in_mode(sign_in, env)
    acknowledged = acknowledge_redaction or _env_says_yes(env)
    # Court ids first: a typo should not cost the attorney typing two passwords.
    _court_urls(courts, site)
    interactive = sys.stdin.isatty()
    attorneys = _attorneys(courts, roster, env, interactive)
    urls = _court_urls(tuple(dict.fromkeys(a.court for a in attorneys)), site)
    rows = _plan(attorneys, urls, site)
    consent = RedactionConsent.for_run(acknowledged, interactive)
    guard = _guard(shared_accounts, rows)
    from .runner import RunOptions

    options = RunOptions(
        out_dir=out,
        concurrency=concurrency,
        per_court=per_court,
        dry_run=dry_run,
        recheck=recheck,
        fail_fast=fail_fast,
        headed=headed,
        browser=browser,
        timeout_ms=timeout * 1000,
        env=dict(env),
        trace=trace,
        debug=debug,
        sign_in=mode,
    )
    court_count = len({r.attorney.court for r in rows})
    if concurrency > per_court * court_count and len(rows) > per_court * court_count:
        # Otherwise `--concurrency 8` at one court quietly runs four at a time.
        click.echo(
            f"note: at most {per_court * court_count} rows run at once: --per-court {per_court} limits"
            f" each of {court_count} court(s); raise it to use --concurrency {concurrency}",
            err=True,
        )
    results = _run(rows, options, guard, interactive, debug, acknowledge_redaction=consent)
    if not _finish(results, out, as_json):
        sys.exit(EXIT_FAILED)


def _sign_in_mode(given: str | None, env: dict[str, str]) -> str:
    if given:
        return given
    value = env.get("AUTOLINK_SIGN_IN", "").strip().lower() or "auto"
    if value not in SIGN_IN_MODES:
        raise InputError(f"AUTOLINK_SIGN_IN must be one of {', '.join(SIGN_IN_MODES)} (got {value!r}).")
    return value


def _env_says_yes(env: dict[str, str]) -> bool:
    value = env.get("AUTOLINK_ACKNOWLEDGE_REDACTION", "").strip().lower()
    if value in ("", "0", "no", "false"):
        return False
    if value in ("1", "yes", "true"):
        return True
    raise InputError(f"AUTOLINK_ACKNOWLEDGE_REDACTION must be 1 or 0 (got {value!r}).")


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

    async def __call__(self, notice: str) -> bool:
        if self._answer is not None:
            return self._answer
        # In a thread, so the other rows' pages keep being served meanwhile.
        return await asyncio.to_thread(self._ask, notice)

    def _ask(self, notice: str) -> bool:
        from .otp import _PROMPT_LOCK  # one prompt on the terminal at a time, passcodes too

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


def _pacer_origin() -> str:
    from .flow import PACER_LOGIN_ORIGIN

    return PACER_LOGIN_ORIGIN


def _attorneys(
    courts: tuple[str, ...], roster: Path | None, env: dict[str, str], interactive: bool
) -> list[Attorney]:
    if roster is not None:
        from .roster import RosterError, load_roster

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


def _guard(deny_file: Path | None, rows: list[Row]) -> Any:
    from .shared_accounts import SharedAccountGuard, attorney_key, load_deny_list

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


def _passcodes_for(interactive: bool) -> Callable[[Row], Any]:
    from .otp import build_provider

    def passcode_prompt(message: str) -> str:
        return click.prompt(message, hide_input=True, err=True)

    def provider(row: Row) -> Any:
        a = row.attorney
        return build_provider(
            a.totp_secret, a.backup_codes_file, passcode_prompt if interactive else None, label=a.label()
        )

    return provider


def _run(
    rows: list[Row], options: Any, guard: Any, interactive: bool, debug: bool, **runner_kwargs: Any
) -> list[Result]:
    from .runner import Runner

    console = Console(stderr=True)
    consent = runner_kwargs.get("acknowledge_redaction")
    live = console.is_terminal and not interactive_prompts_needed(rows, interactive, consent)
    progress = LiveProgress(console) if live else PlainProgress()
    runner = Runner(options, progress, guard=guard, passcodes=_passcodes_for(interactive), **runner_kwargs)
    try:
        with _terminate_as_interrupt():
            if isinstance(progress, LiveProgress):
                with progress:
                    return asyncio.run(runner.run(rows))
            return asyncio.run(runner.run(rows))
    except (BrowserNotFound, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    except KeyboardInterrupt:
        reported = _report_from_journal(options.out_dir)
        raise Interrupted(
            f"interrupted; every finished row is recorded in {options.out_dir}{reported}; run the same"
            " command again to finish the rest (a row caught mid-Submit is only looked at, never"
            " submitted again)"
        ) from None
    except Exception as exc:
        if debug:
            raise
        raise click.ClickException(
            f"unexpected {type(exc).__name__}; every finished row is recorded in {options.out_dir}"
            " (evidence there); run again with --debug for the details"
        ) from None


class Interrupted(click.ClickException):
    exit_code = EXIT_INTERRUPTED


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service stop, `kill`) ends a run the way Ctrl-C does: rows in flight are
    cancelled, the journal is closed, the reports are written."""

    def interrupt(signum: int, frame: object) -> None:
        signal.raise_signal(signal.SIGINT)

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals to whoever owns them
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report_from_journal(out: Path) -> str:
    """Rewrite the reports from what the journal holds; a note for the message."""
    from .journal import Journal, JournalError

    try:
        with Journal.open(out) as journal:
            results = journal.results()
        write_reports(results, out, _court_name)
    except (JournalError, OSError):
        return ""
    return f" and in {out / 'report.html'}"


def interactive_prompts_needed(rows: list[Row], interactive: bool, consent: Any = None) -> bool:
    """A hidden passcode prompt, or the redaction question, cannot share the terminal
    with a live display."""
    if interactive and isinstance(consent, RedactionConsent) and consent._answer is None:
        return True
    return interactive and any(not r.attorney.totp_secret and not r.attorney.backup_codes_file for r in rows)


def _court_name(court_id: str) -> str:
    from .courts import get_court

    try:
        return get_court(court_id).name
    except ValueError:
        return court_id


def _finish(results: list[Result], out: Path, as_json: bool) -> bool:
    """Reports, the terminal summary and --json; True when every row is a success."""
    write_reports(results, out, _court_name)
    print_summary(results, Console(stderr=True))
    click.echo(f"reports: {out / 'report.html'}", err=True)
    if as_json:
        # ASCII-only: a name from a court page may hold a lone surrogate (which cannot be
        # encoded) or a C1 control character (which a terminal would obey).
        click.echo(json.dumps([r.public() for r in results], indent=2, ensure_ascii=True))
    return all(r.outcome.is_success for r in results)


@main.command("selectors")
@click.option("--court", default="", metavar="ID", help="Show the merged selectors for this court.")
def selectors_command(court: str) -> None:
    """Print the selectors in force for a court, and the file each came from."""
    if court:
        # A typo would otherwise print the defaults as if they were that court's.
        _court_urls((court,), None)
    try:
        sel = load_selectors(court.lower())
    except SelectorError as exc:
        raise InputError(str(exc)) from None
    for key in sel.all_keys():
        click.echo(f"{key:45} {sel.spec(key).describe():60} {sel.origin(key).path.name}")
    for key, label in sel.confirm_rows.items():
        click.echo(f"{'confirm_rows.' + key:45} {label!r:60} {sel.origin('confirm_rows.' + key).path.name}")
    for key, phrases in sel.texts.items():
        click.echo(f"{'texts.' + key:45} {'; '.join(phrases)[:60]:60} {sel.origin('texts.' + key).path.name}")


@main.command("courts")
@click.option("--json", "as_json", is_flag=True)
def courts_command(as_json: bool) -> None:
    """List the district and bankruptcy courts ecf-autolink knows."""
    from .courts import all_courts

    courts = all_courts()
    if as_json:
        click.echo(
            json.dumps(
                [dataclasses.asdict(c) | {"nextgen_live": str(c.nextgen_live or "")} for c in courts],
                indent=2,
            )
        )
        return
    for c in courts:
        click.echo(f"{c.id:6} {c.type:10} {c.cmecf_url:38} {c.name}")


@main.command("demo")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-out"),
    show_default=True,
    help="Folder for the demo's roster, journal, reports and evidence.",
)
@browser_options
@click.option(
    "--latency",
    type=click.FloatRange(0, 5),
    default=0.0,
    help="Seconds the replica waits before each answer.",
)
@click.option("--concurrency", type=click.IntRange(1, 32), default=4, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@click.option("--trace", is_flag=True, help="Keep a scrubbed Playwright trace of each row.")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
def demo_command(
    out: Path,
    headed: bool,
    browser: str | None,
    timeout: float,
    latency: float,
    concurrency: int,
    as_json: bool,
    trace: bool,
    debug: bool,
) -> None:
    """Link a sample roster on the built-in replica court (no network, no credentials).

    Exits 0 when every sample attorney ended as the scenario says it should (some are
    meant to be refused).
    """
    from .demo import acknowledge_for_samples, prepare_courts, serve_demo
    from .runner import RunOptions

    try:
        attorneys, expected = prepare_courts(out)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    # Three replica courts, two behind one PACER login host (demo.py says which is which).
    with serve_demo(latency) as demo:
        for line in demo.describe():
            click.echo(line, err=True)
        rows = build_plan(attorneys, demo.court_urls, login_origin=None)
        options = RunOptions(
            out_dir=out,
            concurrency=concurrency,
            headed=headed,
            browser=browser,
            timeout_ms=timeout * 1000,
            trace=trace,
        )
        results = _run(
            rows,
            options,
            _guard(None, rows),
            interactive=False,
            debug=debug,
            acknowledge_redaction=acknowledge_for_samples,
        )
    for line in demo.summary():
        click.echo(line, err=True)
    surprises = [
        f"{r.pacer_username}: expected {expected[r.pacer_username]}, got {r.outcome}"
        for r in results
        if r.outcome != expected.get(r.pacer_username, r.outcome)
    ]
    # The demo's refusals are intended; its verdict is whether each row ended as planned.
    _finish(results, out, as_json)
    if surprises:
        raise click.ClickException("the demo did not go as planned: " + "; ".join(surprises))
    click.echo(
        f"demo: all {len(results)} sample attorneys ended as planned "
        f"(replica recorded {demo.links} new link(s), "
        f"{demo.final_submits} final Submit(s))",
        err=True,
    )


from . import cli_maintain  # noqa: E402, F401  (registers the check and record commands on main)
