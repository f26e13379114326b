"""One-time passcodes for PACER's multifactor step.

PACER offers two kinds (nextgen-facts.md): a TOTP authentication app (RFC 6238,
SHA-1, 6 digits, 30-second windows) and ten single-use backup codes. A
`PasscodeProvider` hides which one a row uses; the flow asks it for a first code
and, after one rejection, for a retry.

- `totp`: reading a TOTP secret, and the codes of each window (at most once each);
- `window_ledger`: the last window each account claimed, shared by the runs on this machine;
- `backup_codes`: the file of backup codes, each marked used before it is given out;
- `providers`: the providers over either, or a prompt, and which one a row gets.
"""

from __future__ import annotations

from .backup_codes import USED_PREFIX, BackupCodes
from .providers import (
    _PROMPT_LOCK,
    LOW_BACKUP_CODES,
    NO_PASSCODE_SOURCE,
    BackupCodesProvider,
    PasscodeProvider,
    PromptFn,
    PromptProvider,
    TotpProvider,
    build_provider,
)
from .totp import (
    DIGITS,
    MIN_SECRET_BITS,
    MIN_SECRET_CHARS,
    STEP,
    Claimed,
    TotpSource,
    forget_used_windows,
    parse_totp_secret,
    shared_totp_source,
)
from .window_ledger import LedgerUnusable, WindowLedger

__all__ = [
    "DIGITS",
    "LOW_BACKUP_CODES",
    "MIN_SECRET_BITS",
    "MIN_SECRET_CHARS",
    "NO_PASSCODE_SOURCE",
    "STEP",
    "USED_PREFIX",
    "_PROMPT_LOCK",
    "BackupCodes",
    "BackupCodesProvider",
    "Claimed",
    "LedgerUnusable",
    "PasscodeProvider",
    "PromptFn",
    "PromptProvider",
    "TotpProvider",
    "TotpSource",
    "WindowLedger",
    "build_provider",
    "forget_used_windows",
    "parse_totp_secret",
    "shared_totp_source",
]
