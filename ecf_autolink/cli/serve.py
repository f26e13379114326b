"""`autolink serve`: the page for the people who run it, on this computer only.

The same inputs as `plan` (courts, addresses, network, sign-in, --out), then a local
page where a person opens a roster, gives the Redaction acknowledgement, looks at the
courts, approves rows and links them. The page runs the engine `plan` and `apply` run
(`ecf_autolink.service`); the web stack loads only inside this command.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from .errors import InputError, Interrupted
from .inputs import court_urls, env_says_yes, read_settings, selector_dirs, sign_in_mode
from .planning import check_out_folder, run_inputs, run_options


@click.command("serve")
@run_inputs
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback only: 127.0.0.1 or localhost; any other address is refused.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0 picks a free port."
)
@click.option("--no-open", is_flag=True, help="Print the address; do not open the browser.")
@click.option(
    "--demo",
    is_flag=True,
    help="The page on the built-in replica courts with the demo's sample roster (no network, no"
    " credentials, never a real court); --out defaults to demo-out.",
)
@click.option(
    "--roster-folder",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path(),
    show_default=True,
    help="Where the relative file names (backup codes) of a roster chosen in the page are.",
)
def serve_command(
    host: str, port: int, no_open: bool, demo: bool, roster_folder: Path, **params: Any
) -> None:
    """Open a local page to look at the courts, approve rows and link them.

    The first line printed is the address with a one-time token; only this computer's
    browser can open it. Ctrl-C stops the server (a run stops as Ctrl-C stops `plan`).
    """
    from ..serve.security import is_loopback

    if not is_loopback(host):
        raise InputError(
            f"--host {host}: the page handles every attorney's credentials, so it listens on this"
            " computer only; give --host 127.0.0.1 (the default) or localhost"
        )
    if demo:
        _serve_demo(host, port, no_open, params)
        return
    out: Path = params["out"]
    settings = read_settings(params["env_file"], params["proxy"], params["ca_file"], params["court_url"])
    mode = sign_in_mode(params["sign_in"], settings.env)
    acknowledged = params["acknowledge_redaction"] or env_says_yes(settings.env)
    court_urls(params["courts"], settings.site)
    check_out_folder(out)
    deny: frozenset[str] = frozenset()
    if params["shared_accounts"]:
        from ..shared_accounts import load_deny_list

        try:
            deny = frozenset(load_deny_list(params["shared_accounts"]))
        except ValueError as exc:
            raise InputError(str(exc)) from None
    options = run_options(params, out, mode, settings)
    from ..serve.workspace import ServeConfig

    config = ServeConfig(
        out=out,
        site=settings.site,
        env=dict(settings.env),
        options=options,
        courts=tuple(params["courts"]),
        selector_dirs=selector_dirs(params["selectors_dir"]),
        deny=deny,
        acknowledged=acknowledged,
        roster_folder=roster_folder.absolute(),
    )
    _serve(config, host, port, no_open, roster=params["roster"])


def _serve(
    config: Any, host: str, port: int, no_open: bool, roster: Path | None = None, attorneys: Any = None
) -> None:
    from ..serve.refused import Refused
    from ..serve.server import bind, serve

    out = config.out
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise InputError(
            f"--port {port}: {exc.strerror or exc}; choose another port, or 0 for a free one"
        ) from None
    try:
        _, interrupted = asyncio.run(
            serve(config, sock, open_browser=not no_open, roster=roster, attorneys=attorneys)
        )
    except Refused as exc:
        raise InputError(str(exc)) from None
    except KeyboardInterrupt:
        interrupted = True
    if interrupted:
        raise Interrupted(
            f"interrupted; every finished row is recorded in {out} and in {out / 'report.html'}; open the"
            " page again to finish the rest (a row caught mid-Submit is only looked at, never sent again)"
        )


# Options that would point the demo at something other than its own replica courts.
_NOT_WITH_DEMO = {
    "courts": "--court",
    "roster": "--roster",
    "court_url": "--court-url",
    "env_file": "--env-file",
    "proxy": "--proxy",
    "ca_file": "--ca-file",
    "shared_accounts": "--shared-accounts",
    "selectors_dir": "--selectors",
}


def _serve_demo(host: str, port: int, no_open: bool, params: dict[str, Any]) -> None:
    """The page on the demo's replica courts (as `autolink demo` starts them) with its
    sample roster loaded; no value of the user's environment or .env is read."""
    from ..court_urls import CourtUrls
    from ..demo import DEMO_COURT_IDS, own_state, prepare_courts, serve_demo
    from ..journal import FolderRefused, check_folder
    from ..serve.workspace import ServeConfig

    given = click.get_current_context()
    for name, flag in _NOT_WITH_DEMO.items():
        if given.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
            raise InputError(
                f"{flag} is not for --demo: the demo runs on its own replica courts"
                " with its own sample roster; leave --demo out to use yours"
            )
    explicit = given.get_parameter_source("out") == click.core.ParameterSource.COMMANDLINE
    out: Path = params["out"] if explicit else Path("demo-out")
    try:
        check_folder(out)
        # A fresh demo folder (the replica forgets its links when it stops), its roster written there.
        attorneys, _ = prepare_courts(out)
    except (ValueError, FolderRefused) as exc:
        raise InputError(str(exc)) from None
    with own_state(out), serve_demo() as demo:
        for line in demo.describe()[: len(demo.court_urls)]:
            click.echo(line, err=True)
        options = run_options(params, out, sign_in_mode(params["sign_in"], {}))
        config = ServeConfig(
            out=out,
            site=CourtUrls(by_court=dict(demo.court_urls), source="the demo's replica"),
            env={},
            options=options,
            courts=DEMO_COURT_IDS,
            selector_dirs=[],
            roster_folder=out.absolute(),
        )
        _serve(config, host, port, no_open, attorneys=("the demo's roster.csv", attorneys))
