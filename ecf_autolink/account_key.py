"""One spelling of a PACER account for every place that asks "is this the same account?".

PACER treats usernames without regard to case (a court's advice when linking fails is to
type the username in lower case and try again, and PACER's sign-in accepts either), so
`JDoe` and `jdoe` are one account: one journal row, one account lock, one browser context,
one password attempt per run. Spaces around a cell are a spreadsheet's, not the account's.
Inner characters are kept as written: two usernames that differ inside are two accounts.
"""

from __future__ import annotations


def account_key(pacer_username: str) -> str:
    """The PACER username as PACER compares it."""
    return pacer_username.strip().casefold()
