"""The `autolink` command line. It validates input and hands rows to the runner; it never
touches a page."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import __version__
from .attorney import Attorney
from .browser import BrowserNotFound
from .court_urls import CourtUrls
from .credentials import CredentialsError, load_attorney, read_env
from .journal import FolderRefused, JournalUnwritable, check_folder
from .locators import SelectorError, load_selectors
from .outcome import Outcome, Result
from .plan import Row, build_plan
from .progress import LiveProgress, PlainProgress
from .report import ReportsNotWritten, print_summary, write_reports

# Every exit status the command can end with (the README lists them too).
EXIT_OK = 0
# Some row did not end linked, already_linked or dry_run, or a report could not be written.
EXIT_FAILED = 1
# Bad input or usage: nothing was attempted.
EXIT_INPUT = 2
# The run itself failed, not a row: an unexpected error, or a journal that could no longer
# be written; the journal and the reports say how far it got.
EXIT_RUN_FAILED = 3
# As a shell reports a process ended by SIGINT.
EXIT_INTERRUPTED = 130


class InputError(click.ClickException):
    """Bad input: nothing was attempted."""

    exit_code = EXIT_INPUT


class RunFailed(click.ClickException):
    """The run itself broke (an unexpected error, or its journal could no longer be
    written), as opposed to some rows failing."""

    exit_code = EXIT_RUN_FAILED


_UNEXPECTED_HINT = "run again with --debug for the details"


class RunStopped(Exception):
    """Raised by `_run` with what is known when the journal was lost mid-run."""

    def __init__(self, results: list[Result], message: str) -> None:
        super().__init__(message)
        self.results = results
        self.message = message


class DefaultGroup(click.Group):
    """`autolink --court canb` means `autolink link --court canb`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = ["link", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # Any command's unexpected exception ends as one line and its own exit status, so a
        # scheduled job can tell "the tool broke" from "some attorneys were not linked".
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # `autolink courts | head`: click ends that quietly
            if "--debug" in args:
                traceback.print_exc()
                raise RunFailed(f"unexpected {type(exc).__name__} (traceback above)") from None
            raise RunFailed(f"unexpected {type(exc).__name__}; {_UNEXPECTED_HINT}") from None


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autolink")
def main() -> None:
    """Link attorneys' legacy CM/ECF accounts to their PACER accounts on NextGen courts.

    \b
    autolink --court canb                      one attorney (credentials from env/.env/keyring/prompt)
    autolink --court canb --roster firm.csv    a whole roster, resumable
    autolink demo                              the whole flow on the built-in replica court
    """
    _standard_streams()


def _standard_streams() -> None:
    """Give a closed stdin/stdout/stderr (`2>&-`) the null device.

    Otherwise Python's `print(file=None)` writes progress to stdout, breaking --json, and
    the next file opened (the journal) takes descriptor 2, where anything that writes to
    "stderr" at the C level (a browser, SQLite's driver) would write into it.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (for the whole run)


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


def selectors_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--selectors",
        "selectors_dir",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        envvar="AUTOLINK_SELECTORS",
        metavar="DIR",
        help="A folder of <court>.yaml selector overrides, searched before your own selectors folder"
        " and the built-in ones (`autolink selectors` shows where each key comes from).",
    )(fn)


def selector_dirs(selectors_dir: Path | None) -> list[Path]:
    """The user's override folders, the one that wins first: --selectors, then the user's own."""
    from .paths import user_selectors_dir

    return [*([selectors_dir] if selectors_dir else []), user_selectors_dir()]


def env_file_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--env-file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="A .env file of credentials (environment variables win); it must exist when given."
        "  [default: .env in the current folder, if there is one]",
    )(fn)


def network_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--proxy and --ca-file, for every command that reaches a court (see network.py)."""
    fn = click.option(
        "--ca-file",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="PEM",
        help="The firm's CA certificates (PEM), for a TLS-inspecting proxy, trusted by the final"
        " Submit's path (default: NODE_EXTRA_CA_CERTS). The browser uses the system's store.",
    )(fn)
    return click.option(
        "--proxy",
        metavar="URL",
        help="Proxy for the browser and the final Submit, e.g. http://proxy.firm.example:8080"
        " (default: HTTPS_PROXY / HTTP_PROXY, with NO_PROXY).",
    )(fn)


def network_settings(proxy: str | None, ca_file: Path | None, env: Mapping[str, str]) -> Any:
    from .network import NetworkError, resolve

    try:
        return resolve(proxy, ca_file, env)
    except NetworkError as exc:
        raise InputError(str(exc)) from None


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


def _court_url_values(given: tuple[str, ...], env: Mapping[str, str], env_file: Path | None) -> CourtUrls:
    """--court-url, else AUTOLINK_COURT_URL from the environment or the .env file (Click
    alone reads only the process environment; a .env naming a staging site must not be
    silently replaced by the real court), each value checked and its origin kept."""
    from .court_urls import CourtUrlError, parse_court_urls, split_env

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


def _plan(
    attorneys: list[Attorney], urls: dict[str, str], site: CourtUrls, selectors_dir: Path | None
) -> list[Row]:
    """The rows, each trusting PACER's login host, or, for a court reached by
    --court-url, the host its Document Filing System link leads to (and saying so)."""
    try:
        rows = build_plan(
            attorneys, urls, login_origin=_pacer_origin(), selector_dirs=selector_dirs(selectors_dir)
        )
    except SelectorError as exc:
        raise InputError(str(exc)) from None
    return [
        dataclasses.replace(row, login_origin=None, court_url_source=site.source)
        if site.replaced(row.attorney.court)
        else row
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
    help="Only look: sign in and see whether the court shows each link an earlier run sent"
    " without seeing the answer; never submits anything, and a row no earlier run sent is"
    " reported not_started.",
)
@env_file_option
@selectors_option
@network_options
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
    env_file: Path | None,
    selectors_dir: Path | None,
    headed: bool,
    browser: str | None,
    timeout: float,
    trace: bool,
    debug: bool,
    proxy: str | None,
    ca_file: Path | None,
    sign_in: str | None,
    acknowledge_redaction: bool,
) -> None:
    """Link attorneys' CM/ECF accounts to their PACER accounts (the default command).

    Passwords are never taken as arguments: they come from the environment, a .env
    file, the OS keyring, the roster (as ${VAR} references) or a hidden prompt.
    """
    env_file = env_file_in_use(env_file)
    env = env_from(env_file)
    network = network_settings(proxy, ca_file, env)
    site = _court_url_values(court_url, env, env_file)
    mode = _sign_in_mode(sign_in, env)
    acknowledged = acknowledge_redaction or _env_says_yes(env)
    # Court ids and the address first: a typo should not cost the attorney typing two passwords.
    _court_urls(courts, site)
    try:
        check_folder(out)
        if browser or env.get("AUTOLINK_BROWSER"):
            # A named browser is checked now; finding one otherwise needs Playwright running.
            from .browser import find_browser

            find_browser(browser, env=env, playwright_path=None)
    except (FolderRefused, BrowserNotFound) as exc:
        raise InputError(str(exc)) from None
    interactive = sys.stdin.isatty()
    attorneys = _attorneys(courts, roster, env, interactive)
    urls = _court_urls(tuple(dict.fromkeys(a.court for a in attorneys)), site)
    rows = _plan(attorneys, urls, site, selectors_dir)
    for court, url in sorted(urls.items()):
        if site.replaced(court):
            # Said before anything runs: a stale staging address in .env must be seen at once.
            # (The summary names every court's address, the built-in ones too.)
            click.echo(f"note: {court} runs against {url} (from {site.source})", err=True)
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
        network=network,
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
    try:
        results = _run(rows, options, guard, interactive, debug, acknowledge_redaction=consent)
    except RunStopped as stop:
        _finish(stop.results, out, as_json)
        raise RunFailed(stop.message) from None
    if not all(_finish(results, out, as_json)):
        sys.exit(EXIT_FAILED)


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
    notes: list[str] = []
    try:
        env = read_env(env_file_in_use(env_file), notes=notes)
    except CredentialsError as exc:
        raise InputError(str(exc)) from None
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    return env


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
                    results = asyncio.run(runner.run(rows))
            else:
                results = asyncio.run(runner.run(rows))
    except (BrowserNotFound, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    except JournalUnwritable as exc:
        raise RunStopped(
            [_not_started(row) for row in rows],
            f"{exc}; the run stopped before any row began, nothing was attempted; free space"
            f" (or fix the disk) and run the same command again",
        ) from None
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
        raise RunFailed(
            f"unexpected {type(exc).__name__}; every finished row is recorded in {options.out_dir}"
            f" (evidence there); {_UNEXPECTED_HINT}"
        ) from None

    if runner.journal_failure is not None:
        done = sum(r.outcome != Outcome.NOT_STARTED for r in results)
        raise RunStopped(
            results,
            f"{runner.journal_failure}; the run stopped there: {done} row(s) ended (as the reports"
            f" say), {len(results) - done} not started; free space (or fix the disk) and run the same"
            " command again: a row whose Submit may have been sent is only looked at",
        )
    return results


def _not_started(row: Row) -> Result:
    a = row.attorney
    return Result(
        court=a.court,
        name=a.name or a.label(),
        pacer_username=a.pacer_username,
        outcome=Outcome.NOT_STARTED,
        message=f"{a.label()}: not started: the journal could not be written; nothing was attempted",
        court_url=row.court_url,
        court_url_source=row.court_url_source,
    )


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
    except (JournalError, OSError):  # ReportsNotWritten is an OSError
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


def _finish(results: list[Result], out: Path, as_json: bool) -> tuple[bool, bool]:
    """Reports, the terminal summary and --json; whether every row is a success, and whether
    every report was written. A report that cannot be replaced takes nothing else with it."""
    reports = (out / "report.html", out / "report.json", out / "report.csv")
    unwritten: set[Path] = set()
    try:
        write_reports(results, out, _court_name)
    except ReportsNotWritten as exc:
        for line in exc.lines():
            click.echo(f"error: {line}", err=True)
        unwritten = set(exc.failures)
    except OSError as exc:
        # A full disk may refuse the folder itself; --json and the summary still tell.
        click.echo(f"error: the reports could not be written to {out}: {exc.strerror or exc}", err=True)
        unwritten = set(reports)
    print_summary(results, Console(stderr=True))
    written = [p for p in reports if p not in unwritten]
    if written:
        click.echo(f"reports: {written[0]}", err=True)
    reports_ok = not unwritten
    if as_json:
        # ASCII-only: a name from a court page may hold a lone surrogate (which cannot be
        # encoded) or a C1 control character (which a terminal would obey).
        click.echo(json.dumps([r.public() for r in results], indent=2, ensure_ascii=True))
    return all(r.outcome.is_success for r in results), reports_ok


@main.command("selectors")
@click.option("--court", default="", metavar="ID", help="Show the merged selectors for this court.")
@selectors_option
def selectors_command(court: str, selectors_dir: Path | None) -> None:
    """Print the selectors in force for a court, and the file each came from.

    A court's keys are looked for in <court>.yaml in each folder listed first (on stderr),
    the first folder's file winning; your own folder is where to put an override.
    """
    if court:
        # A typo would otherwise print the defaults as if they were that court's.
        _court_urls((court,), None)
    try:
        sel = load_selectors(court.lower(), overrides=selector_dirs(selectors_dir))
    except SelectorError as exc:
        raise InputError(str(exc)) from None
    for folder in sel.searched:
        there = "" if folder.is_dir() else "  (does not exist yet)"
        click.echo(f"searched: {folder}{there}", err=True)
    for key in sel.all_keys():
        click.echo(f"{key:45} {sel.spec(key).describe():60} {sel.origin(key)}")
    for key, label in sel.confirm_rows.items():
        click.echo(f"{'confirm_rows.' + key:45} {label!r:60} {sel.origin('confirm_rows.' + key)}")
    for key, phrases in sel.texts.items():
        click.echo(f"{'texts.' + key:45} {'; '.join(phrases)[:60]:60} {sel.origin('texts.' + key)}")


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
        # The same checks as a real run's, before the demo writes its roster there.
        check_folder(out)
        attorneys, expected = prepare_courts(out)
    except (ValueError, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    # Three replica courts, two behind one PACER login host (demo.py says which is which).
    with serve_demo(latency) as demo:
        for line in demo.describe():
            click.echo(line, err=True)
        # The replica serves the built-in pages: the user's own overrides are not for it.
        rows = build_plan(
            attorneys,
            demo.court_urls,
            login_origin=None,
            selector_dirs=[],
            source="the demo's replica",
        )
        options = RunOptions(
            out_dir=out,
            concurrency=concurrency,
            headed=headed,
            browser=browser,
            timeout_ms=timeout * 1000,
            trace=trace,
        )
        try:
            results = _run(
                rows,
                options,
                _guard(None, rows),
                interactive=False,
                debug=debug,
                acknowledge_redaction=acknowledge_for_samples,
            )
        except RunStopped as stop:
            _finish(stop.results, out, as_json)
            raise RunFailed(stop.message) from None
    for line in demo.summary():
        click.echo(line, err=True)
    surprises = [
        f"{r.pacer_username}: expected {expected[r.pacer_username]}, got {r.outcome}"
        for r in results
        if r.outcome != expected.get(r.pacer_username, r.outcome)
    ]
    # The demo's refusals are intended; its verdict is whether each row ended as planned.
    _, reports_ok = _finish(results, out, as_json)
    if surprises:
        raise click.ClickException("the demo did not go as planned: " + "; ".join(surprises))
    click.echo(
        f"demo: all {len(results)} sample attorneys ended as planned "
        f"(replica recorded {demo.links} new link(s), "
        f"{demo.final_submits} final Submit(s))",
        err=True,
    )
    if not reports_ok:
        sys.exit(EXIT_FAILED)


# Each registers its commands on main: check and record; install and doctor.
from . import cli_maintain, cli_network  # noqa: E402, F401
