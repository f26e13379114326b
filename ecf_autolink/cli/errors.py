"""How a command ends: its exit status, and one way of turning an unexpected exception
into a line a scheduled job can act on.

Every command module imports from here and nothing here imports a command, so an error
class is never the reason two commands load together.
"""

from __future__ import annotations

import contextlib
import errno
import traceback
from collections.abc import Iterator

import click

# Every exit status the command can end with (docs/exit-codes.md lists them too).
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

UNEXPECTED_HINT = "run again with --debug for the details"


class InputError(click.ClickException):
    """Bad input: nothing was attempted."""

    exit_code = EXIT_INPUT


class RunFailed(click.ClickException):
    """The run itself broke (an unexpected error, or its journal could no longer be
    written), as opposed to some rows failing."""

    exit_code = EXIT_RUN_FAILED


class Interrupted(click.ClickException):
    exit_code = EXIT_INTERRUPTED


# Endings that already say what they mean (or, for click's, end the command on purpose).
ALREADY_TOLD: tuple[type[BaseException], ...] = (click.ClickException, click.exceptions.Exit, click.Abort)


@contextlib.contextmanager
def reported_errors(
    debug: bool,
    *,
    stopped: str = "",
    known: str = "",
    error: type[click.ClickException] = RunFailed,
    keep: tuple[type[BaseException], ...] = ALREADY_TOLD,
    outermost: bool = False,
) -> Iterator[None]:
    """End an unexpected exception as one line: `{stopped}unexpected Name{known}; hint`.

    A traceback can quote a page, a path or a value the user typed, so it appears only
    with --debug: then the exception goes on up to the group's own `reported_errors`
    (`outermost`), which prints it and ends the command as a broken run (exit 3),
    whichever command it came from.
    `keep` lists what passes through untouched: by default click's own endings; a caller
    that handles some exceptions itself around the block names just those, so that
    anything else, even a click ending from deep inside (a prompt's Abort mid-run), is
    told as unexpected.
    """
    try:
        yield
    except Exception as exc:
        if isinstance(exc, keep):
            raise
        if outermost and isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            raise  # `autolink courts | head`: click ends that quietly
        name = type(exc).__name__
        if debug and not outermost:
            raise
        if debug:
            traceback.print_exc()
            raise RunFailed(f"unexpected {name} (traceback above)") from None
        raise error(f"{stopped}unexpected {name}{known}; {UNEXPECTED_HINT}") from None
