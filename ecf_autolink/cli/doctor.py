"""`autolink doctor`: whether this machine can run links, one check a line.

The checks themselves (browser, court and login host by each path, keyring) are
`checkup.py`'s, with the browser every command uses; this module reads the options and
prints. Playwright loads only when the checks start.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from .errors import InputError
from .inputs import court_urls, env_from, network_settings
from .options import env_file_option, network_options
from .versions import playwright_version

if TYPE_CHECKING:
    from ..checkup import Check
    from ..network import NetworkSettings


def _about(settings: NetworkSettings) -> list[Check]:
    """What this machine runs with, for the reader of a support request."""
    from ..checkup import Check

    return [
        Check("tool", None, f"ecf-autolink {__version__}"),
        Check("python", None, f"{sys.version.split()[0]} at {sys.executable}"),
        Check("playwright", None, playwright_version()),
        Check("proxy", None, settings.describe_proxy()),
        Check("certificates", None, settings.describe_ca()),
    ]


@click.command("doctor")
@click.option("--court", "court_id", metavar="ID", help="Also check this court answers (e.g. canb).")
@click.option(
    "--court-url",
    envvar="AUTOLINK_COURT_URL",
    show_envvar=True,
    metavar="URL",
    help="Check this address instead (staging, the replica); its login host is learnt from it.",
)
@network_options
@click.option(
    "--browser",
    "browser",
    envvar="AUTOLINK_BROWSER",
    show_envvar=True,
    metavar="PATH",
    help="Chromium/Chrome executable to check instead of the one found.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 120),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@env_file_option
def doctor_command(
    court_id: str | None,
    court_url: str | None,
    proxy: str | None,
    ca_file: Path | None,
    browser: str | None,
    timeout: float,
    env_file: Path | None,
) -> None:
    """Check this machine can run links: versions, browser, proxy, court and login host.

    One line per check; exit 1 with the reason of each failed check.
    """
    env = env_from(env_file)
    settings = network_settings(proxy, ca_file, env)
    court_url = court_url or env.get("AUTOLINK_COURT_URL") or None
    label, learn = "court", False
    if court_url:
        if not court_url.startswith(("http://", "https://")):
            raise InputError(f"--court-url must start with http:// or https:// (got {court_url!r}).")
        # A replica or staging court has its own login host: learnt from its first redirect.
        label, learn = court_id or "court", True
    elif court_id:
        ((label, court_url),) = court_urls((court_id,), None).items()
    from ..checkup import keyring_check, reach_checks

    reached = asyncio.run(
        reach_checks(
            court_url=court_url,
            court_label=label,
            learn_login_host=learn,
            settings=settings,
            explicit_browser=browser,
            env=env,
            timeout_ms=timeout * 1000,
        )
    )
    checks = [*_about(settings), *reached, keyring_check()]
    for check in checks:
        click.echo(check.line())
    failed = [c for c in checks if c.ok is False]
    if failed:
        for check in failed:
            click.echo(f"doctor: {check.name}: {check.detail}", err=True)
        sys.exit(1)
