"""One attorney's identity and credentials for one court."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .secret import Secret


@dataclass(frozen=True)
class Attorney:
    court: str
    pacer_username: str
    pacer_password: Secret
    cmecf_username: str
    cmecf_password: Secret
    name: str = ""
    client_code: str = ""
    totp_secret: Secret | None = None
    backup_codes_file: Path | None = None

    def label(self) -> str:
        """How progress lines and messages name this row, without any secret."""
        who = self.name or self.pacer_username
        return f"{who} ({self.pacer_username}) at {self.court}"

    def secret_values(self) -> list[str]:
        """Every value that must be scrubbed from anything written."""
        values = [self.pacer_password.reveal(), self.cmecf_password.reveal()]
        if self.totp_secret:
            values.append(self.totp_secret.reveal())
        return [v for v in values if v]
