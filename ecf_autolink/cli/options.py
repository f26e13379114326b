"""The options several commands share, written once so that `--browser` or `--proxy`
reads the same and means the same on every command.

An option Click fills from an environment variable declares it with `show_envvar`, so
`--help` says where else the value may come from. Options whose variable may also come
from a .env file (AUTOLINK_COURT_URL, AUTOLINK_ACKNOWLEDGE_REDACTION) are read by
`inputs.py` instead, and their help names the variable in words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SIGN_IN_MODES = ("auto", "api", "page")


def browser_options(fn: F) -> F:
    fn = click.option("--headed", is_flag=True, help="Show the browser window.")(fn)
    fn = click.option(
        "--browser",
        "browser",
        envvar="AUTOLINK_BROWSER",
        show_envvar=True,
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


def selectors_option(fn: F) -> F:
    return click.option(
        "--selectors",
        "selectors_dir",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        envvar="AUTOLINK_SELECTORS",
        show_envvar=True,
        metavar="DIR",
        help="A folder of <court>.yaml selector overrides, searched before your own selectors folder"
        " and the built-in ones (`autolink selectors` shows where each key comes from).",
    )(fn)


def env_file_option(fn: F) -> F:
    return click.option(
        "--env-file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="A .env file of credentials (environment variables win); it must exist when given."
        "  [default: .env in the current folder, if there is one]",
    )(fn)


def network_options(fn: F) -> F:
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


def court_options(fn: F) -> F:
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


def sign_in_options(fn: F) -> F:
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
        show_envvar=True,
        help="How to sign in to PACER: api (PACER's Authentication API), page (the login page),"
        " or auto (the API, the page only when the API gives no usable answer)."
        " [default: auto]",
    )(fn)


def json_option(help: str | None = "Print the results as JSON on stdout.") -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def debug_option(fn: F) -> F:
    return click.option("--debug", is_flag=True, help="Show full tracebacks.")(fn)
