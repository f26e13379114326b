"""The built-in sample attorneys of the demo court, and a builder for test accounts.

All credentials here are fake and exist only inside the replica. `DEMO_ATTORNEYS`
documents each one so the demo roster can be built from it: what PACER and CM/ECF
hold, what the roster should carry (`roster_*`), and the outcome the tool should reach.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from ..outcome import Outcome
from .accounts import CmecfAccount, PacerAccount, PacerStatus, ReplicaAccounts
from .court import ReplicaCourt
from .signon import SignOn

DEMO_COURT_ID = "canb"
DEMO_COURT_NAME = "United States Bankruptcy Court, Northern District of California"
# The demo's other courts: one behind the same PACER login host as canb (single
# sign-on), one behind a login host whose Authentication API is off (the page path).
DEMO_SECOND_COURT_ID = "cacb"
DEMO_PAGE_COURT_ID = "casb"
DEMO_COURT_NAMES = {
    DEMO_COURT_ID: DEMO_COURT_NAME,
    DEMO_SECOND_COURT_ID: "United States Bankruptcy Court, Central District of California",
    DEMO_PAGE_COURT_ID: "United States Bankruptcy Court, Southern District of California",
}

MfaSource = Literal["totp", "backup", "none"]


@dataclass(frozen=True)
class SampleAttorney:
    key: str
    scenario: str
    pacer_username: str
    pacer_password: str
    pacer_name: str
    cmecf_username: str
    cmecf_password: str
    cmecf_name: str
    expected: Outcome
    status: PacerStatus = PacerStatus.OK
    totp_secret: str | None = None
    backup_codes: tuple[str, ...] = ()
    requires_client_code: bool = False
    filer: bool = True
    acknowledgement: bool = False
    inactive: bool = False
    already_linked: bool = False
    # What the roster row should carry (differs from the account for the wrong-password case).
    roster_pacer_password: str | None = None
    roster_mfa: MfaSource = "totp"
    # The demo courts where this attorney has a CM/ECF account (a roster row each).
    demo_courts: tuple[str, ...] = (DEMO_COURT_ID,)

    def __repr__(self) -> str:
        return f"SampleAttorney({self.key!r}, pacer={self.pacer_username!r}, expected={self.expected})"

    @property
    def roster_password(self) -> str:
        return self.roster_pacer_password or self.pacer_password

    def pacer_account(self) -> PacerAccount:
        return PacerAccount(
            username=self.pacer_username,
            password=self.pacer_password,  # type: ignore[arg-type]
            display_name=self.pacer_name,
            status=self.status,
            totp_secret=self.totp_secret,  # type: ignore[arg-type]
            backup_codes=set(self.backup_codes),
            requires_client_code=self.requires_client_code,
            filer=self.filer,
            acknowledgement=self.acknowledgement,
            inactive=self.inactive,
        )

    def cmecf_account(self) -> CmecfAccount:
        return CmecfAccount(
            username=self.cmecf_username,
            password=self.cmecf_password,  # type: ignore[arg-type]
            display_name=self.cmecf_name,
            linked_to_pacer=self.pacer_username if self.already_linked else None,
        )


def totp_secret_for(key: str) -> str:
    """A TOTP secret of the attorney's own: one shared secret would make a batch wait
    30 s per row, because a passcode window is never handed out twice."""
    return base64.b32encode(hashlib.sha256(key.encode()).digest()[:20]).decode()


def make_attorney(key: str = "jdoe", **overrides: object) -> SampleAttorney:
    """A plain, linkable attorney with TOTP MFA; override any field for a test."""
    base = SampleAttorney(
        key=key,
        scenario="test account",
        pacer_username=key,
        pacer_password=f"Pacer-Test-Pass-{key}!",
        pacer_name="Jane Doe",
        cmecf_username=f"{key}_ecf",
        cmecf_password=f"ecf-{key}-pw",
        cmecf_name="Jane Doe",
        expected=Outcome.LINKED,
        totp_secret=totp_secret_for(key),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def build_accounts(attorneys: Iterable[SampleAttorney]) -> ReplicaAccounts:
    """Fresh account objects (the replica mutates them: backup codes, links)."""
    people = list(attorneys)
    return ReplicaAccounts.of(
        pacer=[a.pacer_account() for a in people], cmecf=[a.cmecf_account() for a in people]
    )


_BACKUP = ("12125749", "10969782", "16764261", "11071880")

DEMO_ATTORNEYS: tuple[SampleAttorney, ...] = (
    SampleAttorney(
        key="plain",
        scenario="individual account with TOTP MFA at two courts; signs in once, links at both",
        pacer_username="jdoe",
        pacer_password="Demo-Pacer-Doe-2025!",
        pacer_name="Jane Doe",
        cmecf_username="jdoe",
        cmecf_password="ecf-doe-1",
        cmecf_name="Jane Doe",
        expected=Outcome.LINKED,
        totp_secret="URGDM2XMW4I25QRIZR7RHN5C3VG3LOYP",
        demo_courts=(DEMO_COURT_ID, DEMO_SECOND_COURT_ID),
    ),
    SampleAttorney(
        key="already_linked",
        scenario="the court already has this link",
        pacer_username="apark",
        pacer_password="Demo-Pacer-Park-2025!",
        pacer_name="Alan Park",
        cmecf_username="apark",
        cmecf_password="ecf-park-1",
        cmecf_name="Alan Park",
        expected=Outcome.ALREADY_LINKED,
        totp_secret="65P2DKQL5TCN2DPBO6RTTQS45QDJ5PNG",
        already_linked=True,
    ),
    SampleAttorney(
        key="shared_firm",
        scenario="a firm's shared PACER account; must be refused",
        pacer_username="smithjones",
        pacer_password="Demo-Pacer-Firm-2025!",
        pacer_name="Smith & Jones LLP",
        cmecf_username="esmith",
        cmecf_password="ecf-smith-1",
        cmecf_name="Ellen Smith",
        expected=Outcome.REFUSED_SHARED_ACCOUNT,
        totp_secret="RVZNDOGZ6E6AKRYTQY54CLSPA5VSNOON",
    ),
    SampleAttorney(
        key="name_mismatch",
        scenario="CM/ECF and PACER name different people; must be refused",
        pacer_username="rcheng",
        pacer_password="Demo-Pacer-Cheng-2025!",
        pacer_name="Roberta Cheng",
        cmecf_username="rchen",
        cmecf_password="ecf-chen-1",
        cmecf_name="Robert Chen",
        expected=Outcome.REFUSED_NAME_MISMATCH,
        totp_secret="KETBVMABYBCRB3A3UIMA5OCROVNTHRGW",
    ),
    SampleAttorney(
        key="wrong_password",
        scenario="the roster carries a wrong PACER password",
        pacer_username="dwhite",
        pacer_password="Demo-Pacer-White-2025!",
        pacer_name="Dana White",
        cmecf_username="dwhite",
        cmecf_password="ecf-white-1",
        cmecf_name="Dana White",
        expected=Outcome.PACER_LOGIN_FAILED,
        totp_secret="OWYAR43KJTQBCAIBGHECSSXF2ULSF2HK",
        roster_pacer_password="Demo-Pacer-White-2024!",
    ),
    SampleAttorney(
        key="backup_code",
        scenario="MFA answered with a single-use backup code; links",
        pacer_username="pnatarajan",
        pacer_password="Demo-Pacer-Nata-2025!",
        pacer_name="Priya Natarajan",
        cmecf_username="pnatarajan",
        cmecf_password="ecf-nata-1",
        cmecf_name="Priya Natarajan",
        expected=Outcome.LINKED,
        totp_secret="MZXW6YTBOI4DGNBVGY3TQOJQGEZDGNBV",
        backup_codes=_BACKUP,
        roster_mfa="backup",
    ),
    SampleAttorney(
        key="mfa_enroll",
        scenario="PACER asks for MFA enrollment; must stop, never enroll or skip",
        pacer_username="tbaker",
        pacer_password="Demo-Pacer-Baker-2025!",
        pacer_name="Tom Baker",
        cmecf_username="tbaker",
        cmecf_password="ecf-baker-1",
        cmecf_name="Tom Baker",
        expected=Outcome.MFA_REQUIRED,
        status=PacerStatus.MFA_NOT_ENROLLED,
        roster_mfa="none",
    ),
    SampleAttorney(
        key="name_variant",
        scenario="same person written differently; links",
        pacer_username="mgarcia",
        pacer_password="Demo-Pacer-Garcia-2025!",
        pacer_name="Maria L. Garcia",
        cmecf_username="mgarcia",
        cmecf_password="ecf-garcia-1",
        cmecf_name="MARIA GARCIA",
        expected=Outcome.LINKED,
        totp_secret="NBSWY3DPORSXG5DFON2GK43UNFXGOZLT",
    ),
    SampleAttorney(
        key="page_path",
        scenario="a court whose login host has no Authentication API; signs in on the page",
        pacer_username="lnguyen",
        pacer_password="Demo-Pacer-Nguyen-2025!",
        pacer_name="Linh Nguyen",
        cmecf_username="lnguyen",
        cmecf_password="ecf-nguyen-1",
        cmecf_name="Linh Nguyen",
        expected=Outcome.LINKED,
        totp_secret="GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        acknowledgement=True,
        demo_courts=(DEMO_PAGE_COURT_ID,),
    ),
)


def demo_accounts() -> ReplicaAccounts:
    return build_accounts(DEMO_ATTORNEYS)


def demo_court(
    court_id: str = DEMO_COURT_ID, court_name: str = DEMO_COURT_NAME, **options: object
) -> ReplicaCourt:
    """The demo court with fresh sample accounts; `options` go to `ReplicaCourt`."""
    return ReplicaCourt(court_id, court_name, demo_accounts(), **options)  # type: ignore[arg-type]


def courts_sharing_signon(
    court_ids: Iterable[str], attorneys: Iterable[SampleAttorney], **options: object
) -> list[ReplicaCourt]:
    """One replica court per id, all behind one PACER login host (single sign-on).

    Each court has its own CM/ECF accounts for every attorney; the PACER accounts are
    one set, as PACER is one service. `options` go to every `ReplicaCourt`.
    """
    people = list(attorneys)
    signon = SignOn()
    return [
        ReplicaCourt(court_id, f"Replica court {court_id}", build_accounts(people), signon=signon, **options)  # type: ignore[arg-type]
        for court_id in court_ids
    ]
