"""`autolink install`: the Chromium build this tool's Playwright wants, once per machine."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .inputs import network_settings
from .options import network_options
from .versions import playwright_version

if TYPE_CHECKING:
    from ..network import NetworkSettings

# The command shot-scraper's `install` also runs: Playwright's installer under the very
# interpreter this tool runs in, so pipx and uv installs get the build their Playwright wants.
INSTALL_COMMAND = (sys.executable, "-m", "playwright", "install", "chromium")


def _download(command: tuple[str, ...], env: dict[str, str], echo: Callable[[str], None]) -> int:
    """Run Playwright's installer, passing its progress lines on; its exit status."""
    from ..network import mask_text

    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    shown: set[str] = set()
    for raw in process.stdout:
        line = raw.rstrip()
        # Its retries repeat themselves, with stack frames and the error page's HTML:
        # each message once, the frames and markup left out.
        if not line or line in shown or line.lstrip().startswith(("at ", "<")):
            continue
        shown.add(line)
        # An installer's error may quote the proxy address, credentials and all.
        echo(mask_text(line))
    return process.wait()


def installer_environment(settings: NetworkSettings, base: Mapping[str, str]) -> dict[str, str]:
    """Playwright's installer reads the proxy and CA from its environment."""
    env = dict(base)
    if settings.proxy:
        env["HTTPS_PROXY"] = env["HTTP_PROXY"] = settings.proxy
    if settings.bypass:
        env["NO_PROXY"] = settings.bypass
    env["NODE_USE_SYSTEM_CA"] = "1"
    if settings.ca_file:
        env["NODE_EXTRA_CA_CERTS"] = str(settings.ca_file)
    return env


@click.command("install")
@network_options
def install_command(proxy: str | None, ca_file: Path | None) -> None:
    """Download the Chromium that matches this tool's Playwright (once per machine).

    It runs Playwright's installer with the tool's own Python, so it works the same
    for a pipx, uv or venv install.
    """
    settings = network_settings(proxy, ca_file, os.environ)
    via = f" through {settings.describe_proxy()}" if settings.proxy else ""
    click.echo(
        f"autolink install: downloading Chromium for Playwright {playwright_version()}{via}"
        f" with {sys.executable}; this takes a minute or two ...",
        err=True,
    )
    try:
        status = _download(INSTALL_COMMAND, installer_environment(settings, os.environ), _echo_err)
    except OSError as exc:
        status, why = -1, f"could not start {sys.executable} ({exc.strerror})"
    else:
        why = f"Playwright's installer exited with status {status}"
    if status != 0:
        raise click.ClickException(
            f"the Chromium download failed: {why} (its last lines are above). Check the network"
            " or proxy (--proxy, HTTPS_PROXY) and certificates (--ca-file); or " + _other_way(sys.platform)
        )
    click.echo(
        "autolink install: Chromium installed; `autolink doctor` shows the browser a run uses", err=True
    )


def _other_way(system: str) -> str:
    from ..browser import platform_key

    if platform_key(system) == "linux":
        return (
            "install Google Chrome, or on Debian/Ubuntu `sudo apt-get install chromium`, and the tool"
            " finds it. A Chromium that will not start may lack system libraries:"
            f" `sudo {sys.executable} -m playwright install-deps chromium`."
        )
    return "install Google Chrome or Microsoft Edge, and the tool finds it."


def _echo_err(line: str) -> None:
    click.echo(line, err=True)
