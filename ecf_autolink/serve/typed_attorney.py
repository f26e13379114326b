"""One attorney typed in the page: read by the CLI's own reader for one attorney
(`autolink --court ID`), with the same checks and missing values looked up in the keyring
under the same names; on request, saved to this computer's keyring. No answer holds a value."""

from __future__ import annotations

from typing import Any

from .refused import Refused

TYPED_ROSTER = "attorneys typed in the page"
# The form's fields, as the variables `autolink --court ID` reads one attorney from.
TYPED_FIELDS = {
    "pacer_username": "PACER_USERNAME",
    "pacer_password": "PACER_PASSWORD",
    "cmecf_username": "CMECF_USERNAME",
    "cmecf_password": "CMECF_PASSWORD",
    "name": "ATTORNEY_NAME",
    "totp_secret": "PACER_TOTP_SECRET",
}


def read_typed(typed: dict[str, str], courts: tuple[str, ...], keyring_get: Any) -> Any:
    """The attorney of the form, or Refused saying what is missing and what to do in the page."""
    from ..credentials import CredentialsError, MissingCredentials, load_attorney

    court = typed.get("court", "").strip().lower()
    if not court:
        raise Refused("Missing the court for this attorney: choose one (for example canb).")
    if courts and court not in courts:
        raise Refused(f"court {court}: this server was started for {', '.join(courts)} only")
    env = {name: typed.get(field, "") for field, name in TYPED_FIELDS.items()}
    try:
        return load_attorney(court, env, interactive=False, prompt=_no_prompt, keyring_get=keyring_get)
    except MissingCredentials as exc:
        # The CLI's first sentence (the values' names), then what to do in the page.
        first = str(exc).split(". ", 1)[0]
        raise Refused(
            f"{first}. Type {'it' if len(exc.names) == 1 else 'them'} in the form, or tick"
            ' "Save to this computer\'s keyring" once so this computer remembers them.'
        ) from None
    except CredentialsError as exc:
        raise Refused(str(exc)) from None


def save_typed(attorney: Any, said: str) -> str:
    """Keep the attorney in this computer's keyring; `said`, and whether it was kept."""
    from ..credentials import save_to_keyring

    try:
        saved = save_to_keyring(attorney)
    except Exception as exc:  # no keyring on this computer, or it is locked
        return f"{said}; NOT saved to the keyring ({type(exc).__name__}): type them again next time"
    return f"{said}; saved to this computer's keyring ({', '.join(saved)})"


def _no_prompt(label: str, hidden: bool) -> str:
    return ""
