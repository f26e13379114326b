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
from .planning import check_out_folder, run_inputs


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
    "--roster-folder",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path(),
    show_default=True,
    help="Where the relative file names (backup codes) of a roster chosen in the page are.",
)
def serve_command(host: str, port: int, no_open: bool, roster_folder: Path, **params: Any) -> None:
    """Open a local page to look at the courts, approve rows and link them.

    The first line printed is the address with a one-time token; only this computer's
    browser can open it. Ctrl-C stops the server (a run stops as Ctrl-C stops `plan`).
    """
    from ..runner import RunOptions
    from ..serve.security import is_loopback

    if not is_loopback(host):
        raise InputError(
            f"--host {host}: the page handles every attorney's credentials, so it listens on this"
            " computer only; give --host 127.0.0.1 (the default) or localhost"
        )
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
    options = RunOptions(
        out_dir=out,
        concurrency=params["concurrency"],
        per_court=params["per_court"],
        headed=params["headed"],
        browser=params["browser"],
        timeout_ms=params["timeout"] * 1000,
        env=dict(settings.env),
        network=settings.network,
        debug=False,
        sign_in=mode,
    )
    from ..serve.server import bind, serve
    from ..serve.workspace import Refused, ServeConfig

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
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise InputError(
            f"--port {port}: {exc.strerror or exc}; choose another port, or 0 for a free one"
        ) from None
    try:
        _, interrupted = asyncio.run(serve(config, sock, open_browser=not no_open, roster=params["roster"]))
    except Refused as exc:
        raise InputError(str(exc)) from None
    except KeyboardInterrupt:
        interrupted = True
    if interrupted:
        raise Interrupted(
            f"interrupted; every finished row is recorded in {out} and in {out / 'report.html'}; open the"
            " page again to finish the rest (a row caught mid-Submit is only looked at, never sent again)"
        )
