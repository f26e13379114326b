"""The `autolink` command line. It validates input and hands rows to the runner; it never
touches a page.

Each command lives in its own module, loaded only when Click needs it (to run it, or to
list its one-line help), the way Click's documentation shows for large apps; a command
module loads Playwright, the runner or the recorder only inside its function, so
`autolink --help` and `autolink link --help` start quickly. Imports go one way: command
modules use `options`, `inputs`, `batch` and `errors`, and never each other or this module.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import __version__
from .errors import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUN_FAILED,
    reported_errors,
)

# The exit statuses, for scripts and tests that name them.
__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_RUN_FAILED", "main"]

# Each command's name, and where it is: "module:attribute".
COMMANDS = {
    "apply": "ecf_autolink.cli.apply:apply_command",
    "check": "ecf_autolink.cli.check:check_command",
    "courts": "ecf_autolink.cli.courts:courts_command",
    "demo": "ecf_autolink.cli.demo:demo_command",
    "doctor": "ecf_autolink.cli.doctor:doctor_command",
    "install": "ecf_autolink.cli.install:install_command",
    "link": "ecf_autolink.cli.link:link_command",
    "plan": "ecf_autolink.cli.plan:plan_command",
    "record": "ecf_autolink.cli.record:record_command",
    "selectors": "ecf_autolink.cli.selectors:selectors_command",
    "serve": "ecf_autolink.cli.serve:serve_command",
}


class LazyGroup(click.Group):
    """A group whose commands load when first named, and where `autolink --court canb`
    means `autolink link --court canb`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = where.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{where} is not a Click command")
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ("--help", "-h", "--version"):
            args = ["link", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        # Any command's unexpected exception ends as one line and its own exit status, so a
        # scheduled job can tell "the tool broke" from "some attorneys were not linked".
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        with reported_errors("--debug" in args, outermost=True):
            return super().invoke(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
