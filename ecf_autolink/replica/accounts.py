"""The replica's PACER and CM/ECF accounts (fake, but still never printed)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ..secret import Secret


class PacerStatus(StrEnum):
    OK = "ok"
    LOCKED = "locked"
    DISABLED = "disabled"
    PASSWORD_EXPIRED = "password_expired"
    MFA_NOT_ENROLLED = "mfa_not_enrolled"
    LEGACY = "legacy"


def _as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def same_secret(given: str, expected: Secret) -> bool:
    return hmac.compare_digest(given.encode(), expected.reveal().encode())


@dataclass
class PacerAccount:
    username: str
    password: Secret
    display_name: str
    status: PacerStatus = PacerStatus.OK
    # Base32; None means PACER asks for no passcode at login.
    totp_secret: Secret | None = None
    backup_codes: set[str] = field(default_factory=set, repr=False)
    requires_client_code: bool = False
    # Every CM/ECF filer sees the Redaction Agreement at each login.
    filer: bool = True
    # PACER shows an acknowledgement (OK) after the passcode.
    acknowledgement: bool = False
    # PACER shows its "PACER User Inactive" notice (the user may continue).
    inactive: bool = False

    def __post_init__(self) -> None:
        # Plain strings are accepted so tests and rosters read naturally; stored masked.
        self.password = _as_secret(self.password)
        if self.totp_secret is not None:
            self.totp_secret = _as_secret(self.totp_secret)
        self.status = PacerStatus(self.status)
        self.backup_codes = {code.strip() for code in self.backup_codes}

    @property
    def has_mfa(self) -> bool:
        return self.totp_secret is not None or bool(self.backup_codes)


@dataclass
class CmecfAccount:
    username: str
    password: Secret
    display_name: str
    linked_to_pacer: str | None = None

    def __post_init__(self) -> None:
        self.password = _as_secret(self.password)


@dataclass
class ReplicaAccounts:
    pacer: dict[str, PacerAccount] = field(default_factory=dict)
    cmecf: dict[str, CmecfAccount] = field(default_factory=dict)

    @classmethod
    def of(cls, pacer: Iterable[PacerAccount] = (), cmecf: Iterable[CmecfAccount] = ()) -> ReplicaAccounts:
        accounts = cls()
        for account in pacer:
            accounts.add_pacer(account)
        for legacy in cmecf:
            accounts.add_cmecf(legacy)
        return accounts

    def add_pacer(self, account: PacerAccount) -> PacerAccount:
        if account.username in self.pacer:
            raise ValueError(f"duplicate PACER username {account.username!r}")
        self.pacer[account.username] = account
        return account

    def add_cmecf(self, account: CmecfAccount) -> CmecfAccount:
        if account.username in self.cmecf:
            raise ValueError(f"duplicate CM/ECF username {account.username!r}")
        self.cmecf[account.username] = account
        return account

    def linked_cmecf(self, pacer_username: str) -> CmecfAccount | None:
        return next((a for a in self.cmecf.values() if a.linked_to_pacer == pacer_username), None)
