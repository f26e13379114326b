"""The run's journal: every row's state in SQLite, so a killed batch can resume safely.

At-most-once, and why the journal is what guarantees it
--------------------------------------------------------
Linking is permanent and the court gives no way to ask "did my last Submit land?"
other than signing in again and looking. So the one thing a resumed batch must
never do is run the normal flow for a row whose final Submit may already have
reached the court: that flow ends by pressing Submit again.

The Submit gate therefore writes ``submitting`` and waits for the commit to reach the
disk (WAL, ``synchronous=FULL``) at the moment the final Submit is handed to the
wire (inside the intercepted request, not before the click, so a click that never
sent leaves no such row). A process killed at any instant leaves one of two pictures:

* the row is not ``submitting``: the Submit was certainly not sent, so running the
  row again is safe;
* the row is ``submitting`` (or a later state remembers it was): the Submit may have
  been sent. The answer may be lost, so we cannot know. Such a row is never run
  blindly again: ``row_life.decide`` has the run look at the court's link page first
  (and only look, under the look-only option), and send once more only when the court
  shows the account not linked, the process recorded as having sent it
  (``submit_pid``) is gone, and the Submit's time on the wire recorded with the mark
  (``submit_at`` plus ``submit_window_s``) has ended. submit_gate.py states the whole
  promise.

The "Submit may have been sent" fact is sticky (``submit_sent``): a later attempt
that only looked and then failed for an unrelated reason (a PACER password typo,
a timeout) records an ordinary failure outcome, and without the sticky flag the
next run would treat that row as fresh and submit without looking. Only a confirmed
``linked`` / ``already_linked`` retires the row.

Each write is its own short transaction, so a crash loses at most the write in
flight, never one already returned. Rows are keyed by (court, PACER username,
CM/ECF username), the PACER username by ``account_key``; no column can hold a
password, passcode or TOTP secret.
"""

from .errors import WRITE_ERRORS, FolderRefused, JournalError, JournalUnwritable, write_error_text
from .folder import FILE_NAME, LOCK_NAME, check_folder
from .rows import PENDING, RUNNING, SUBMITTING, RowState, result_of
from .store import Journal

__all__ = [
    "FILE_NAME",
    "LOCK_NAME",
    "PENDING",
    "RUNNING",
    "SUBMITTING",
    "WRITE_ERRORS",
    "FolderRefused",
    "Journal",
    "JournalError",
    "JournalUnwritable",
    "RowState",
    "check_folder",
    "result_of",
    "write_error_text",
]
