"""What the login host's background handlers may use of a court: a narrow view.

The in-page steps (`inpage`) and the Authentication API (`auth_api`) answer for one court
of a sign-on. They are handed this view rather than `ReplicaCourt`, so no part of the
replica imports the court it is part of: the court is built from its parts, and the
imports go one way (tests/test_import_graph.py).
"""

from __future__ import annotations

from typing import Protocol

from .accounts import PacerAccount, ReplicaAccounts
from .signon import SignOn
from .wire import Reply


class LoginCourt(Protocol):
    """A court as its login host's handlers see it (`ReplicaCourt` is one)."""

    @property
    def court_id(self) -> str: ...

    @property
    def accounts(self) -> ReplicaAccounts: ...

    @property
    def signon(self) -> SignOn: ...

    @property
    def api_enabled(self) -> bool: ...

    @property
    def api_shape(self) -> str: ...

    def appurl(self, value: str | None) -> str:
        """Where the login host may send a browser back to."""
        ...

    def login_page(self, appurl: str, error: str = "") -> Reply: ...

    def not_found(self) -> Reply: ...

    def passcode_ok(self, account: PacerAccount, code: str, *, spend: bool = True) -> bool: ...

    def enroll_pressed(self, pacer_user: str) -> None: ...

    def one_time_return(self, login_sid: str, appurl: str) -> str:
        """The court's address with the one-time token that hands it this sign-on."""
        ...
