"""Credentials for the single-attorney command (`autolink --court canb`).

Each value comes from the first place that has it:

1. the environment (`read_env` merges `os.environ` over a `.env` file);
2. for secrets, the OS keyring: service `KEYRING_SERVICE` ("ecf-autolink"), entry
   `"<PACER username>:pacer_password"`, `"<PACER username>:cmecf_password"` or
   `"<PACER username>:totp_secret"` (e.g. `keyring set ecf-autolink jdoe:pacer_password`);
3. a prompt (hidden for secrets) when running in a terminal.

Anything still missing is reported at once, by variable name, in `MissingCredentials`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from .attorney import Attorney
from .otp import BackupCodes, parse_totp_secret
from .safe_text import LONE_SURROGATE
from .secret import Secret
from .words import NOTHING_ATTEMPTED

KEYRING_SERVICE = "ecf-autolink"

PACER_USERNAME = "PACER_USERNAME"
PACER_PASSWORD = "PACER_PASSWORD"
PACER_CLIENT_CODE = "PACER_CLIENT_CODE"
CMECF_USERNAME = "CMECF_USERNAME"
CMECF_PASSWORD = "CMECF_PASSWORD"
ATTORNEY_NAME = "ATTORNEY_NAME"
PACER_TOTP_SECRET = "PACER_TOTP_SECRET"
PACER_BACKUP_CODES_FILE = "PACER_BACKUP_CODES_FILE"

Prompt = Callable[[str, bool], str]
KeyringGet = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class _Field:
    env: str
    label: str
    secret: bool
    keyring_kind: str | None = None


_REQUIRED = (
    _Field(PACER_USERNAME, "PACER username", secret=False),
    _Field(PACER_PASSWORD, "PACER password", secret=True, keyring_kind="pacer_password"),
    _Field(CMECF_USERNAME, "CM/ECF login", secret=False),
    _Field(CMECF_PASSWORD, "CM/ECF password", secret=True, keyring_kind="cmecf_password"),
)
_TOTP_KIND = "totp_secret"


class CredentialsError(ValueError):
    """Credentials that cannot be used; the message says which and how to fix it."""


class MissingCredentials(CredentialsError):
    def __init__(self, court: str, names: list[str], pacer_username: str = "") -> None:
        self.names = tuple(names)
        super().__init__(_missing_message(court, self.names, pacer_username))


class InvalidCredentials(CredentialsError):
    """A value is present but unusable (a bad TOTP secret, a missing codes file)."""


def keyring_key(pacer_username: str, kind: str) -> str:
    """The keyring entry name for one secret of one attorney, e.g. `jdoe:pacer_password`."""
    return f"{pacer_username}:{kind}"


def read_env(
    dotenv_path: Path | None,
    environ: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, str]:
    """`environ` (default `os.environ`) over the `.env` file, if one is given.

    The environment wins so a one-off `PACER_PASSWORD=... autolink` overrides a
    stale `.env`. Keys in `.env` without a value are left out. Values are taken as
    written: no `${VAR}` expansion, which python-dotenv would otherwise do even inside
    single quotes and so change a password holding `$`. `notes` receives a warning for
    each secret-looking value an unquoted ` #` cut short (never the value itself).
    """
    merged: dict[str, str] = {}
    if dotenv_path is not None:
        text = _dotenv_text(dotenv_path)
        values = dotenv_values(stream=io.StringIO(text), interpolate=False)
        merged.update({k: v for k, v in values.items() if v is not None})
        if notes is not None:
            notes.extend(cut_by_comment(dotenv_path, text))
    merged.update(os.environ if environ is None else environ)
    return merged


def _dotenv_text(path: Path) -> str:
    """The file as text, or one line saying why not (never a traceback, never a value)."""
    if not path.is_file():
        raise CredentialsError(f"the .env file {path} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CredentialsError(f"the .env file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        # utf-8-sig: Notepad's byte-order mark must not become part of the first name.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CredentialsError(
            f"the .env file {path} is not UTF-8 text: line {line}, byte {column} of that line"
            f" (0x{data[exc.start]:02x}); save it as UTF-8 and run again; nothing was attempted"
        ) from None


# Names whose value is a secret: the credential variables, and the names a roster's
# ${VAR} references usually give passwords and codes.
_SECRET_NAME = re.compile(r"PASS|PWD|PW\b|SECRET|TOKEN|CODE", re.IGNORECASE)
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*(.*)$")


def cut_by_comment(path: Path, text: str) -> list[str]:
    """Warnings for secret values where an unquoted ` #` starts a comment mid-value."""
    warnings = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ASSIGNMENT.match(line)
        if match is None:
            continue
        name, value = match.groups()
        if not value or value[0] in "'\"#" or not _SECRET_NAME.search(name):
            continue
        if re.search(r"[ \t]#", value):
            warnings.append(
                f"{path} line {number}: {name} ends at the first ' #' (the rest of that line is"
                f" read as a comment); if the value holds ' #', put it in single quotes"
            )
    return warnings


def load_attorney(
    court: str,
    env: Mapping[str, str],
    *,
    interactive: bool,
    prompt: Prompt,
    keyring_get: KeyringGet | None,
) -> Attorney:
    values: dict[str, str] = {}
    for field in _REQUIRED:
        value = _from_env(env, field.env)
        if value is None and field.keyring_kind and values.get(PACER_USERNAME):
            value = _from_keyring(keyring_get, keyring_key(values[PACER_USERNAME], field.keyring_kind))
        if value is None and interactive:
            value = _from_prompt(prompt, field)
        if value is not None:
            # Stray spaces around a username would also break the keyring entry names;
            # a password is kept exactly as given.
            values[field.env] = value if field.secret else value.strip()
    username = values.get(PACER_USERNAME, "")
    missing = [f.env for f in _REQUIRED if f.env not in values]
    if missing:
        raise MissingCredentials(court, missing, username)
    return Attorney(
        court=court.strip().lower(),
        pacer_username=username,
        pacer_password=Secret(values[PACER_PASSWORD]),
        cmecf_username=values[CMECF_USERNAME],
        cmecf_password=Secret(values[CMECF_PASSWORD]),
        name=(_from_env(env, ATTORNEY_NAME) or "").strip(),
        client_code=(_from_env(env, PACER_CLIENT_CODE) or "").strip(),
        totp_secret=_totp_secret(env, keyring_get, username),
        backup_codes_file=_backup_codes_file(env),
    )


def _from_env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value and (stray := LONE_SURROGATE.search(value)):
        # Python keeps an environment variable's non-UTF-8 bytes as lone surrogates,
        # which no page, report or terminal can carry. Named, never shown: it may be a secret.
        code = ord(stray.group())
        what = f"the byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "a broken character"
        raise InvalidCredentials(
            f"the environment variable {name} is not UTF-8 text (character {stray.start() + 1}"
            f" is {what}); set it again as UTF-8 and run again; {NOTHING_ATTEMPTED}"
        )
    # An empty variable is as good as none: `PACER_PASSWORD=` in a template .env.
    return value if value and value.strip() else None


def _from_keyring(keyring_get: KeyringGet | None, key: str) -> str | None:
    if keyring_get is None:
        return None
    try:
        value = keyring_get(KEYRING_SERVICE, key)
    except Exception:
        # No backend, a locked or absent D-Bus keyring...: the keyring is optional,
        # so any failure just means "not there".
        return None
    return value or None


def _from_prompt(prompt: Prompt, field: _Field) -> str | None:
    answer = prompt(field.label, field.secret)
    if not answer or not answer.strip():
        return None
    return answer


def _totp_secret(env: Mapping[str, str], keyring_get: KeyringGet | None, username: str) -> Secret | None:
    raw = _from_env(env, PACER_TOTP_SECRET)
    source = PACER_TOTP_SECRET
    if raw is None:
        key = keyring_key(username, _TOTP_KIND)
        raw = _from_keyring(keyring_get, key)
        source = f'the keyring entry "{key}"'
    if raw is None:
        return None
    try:
        return parse_totp_secret(raw, source=source)
    except ValueError as exc:
        raise InvalidCredentials(str(exc)) from None


def _backup_codes_file(env: Mapping[str, str]) -> Path | None:
    raw = _from_env(env, PACER_BACKUP_CODES_FILE)
    if raw is None:
        return None
    path = Path(raw.strip()).expanduser()
    try:
        BackupCodes(path)  # fail before a browser starts, not at the MFA page
    except ValueError as exc:
        raise InvalidCredentials(f"{PACER_BACKUP_CODES_FILE}: {exc}") from None
    return path


def _missing_message(court: str, names: tuple[str, ...], pacer_username: str) -> str:
    who = pacer_username or "<PACER username>"
    entries = [
        f'"{keyring_key(who, f.keyring_kind)}"' for f in _REQUIRED if f.keyring_kind and f.env in names
    ]
    keyring_hint = ""
    if entries:
        noun = "entry" if len(entries) == 1 else "entries"
        keyring_hint = f' in the OS keyring (service "{KEYRING_SERVICE}", {noun} {_join(entries, "and")}),'
    pronoun = "it" if len(names) == 1 else "them"
    return (
        f"Missing {_join(list(names), 'and')} for court {court}. Supply {pronoun} through the"
        f" environment, in a .env file,{keyring_hint} or run autolink in an interactive terminal"
        " to be asked."
    )


def _join(items: list[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def system_keyring_get(service: str, key: str) -> str | None:
    """The OS keyring's entry, as `load_attorney`'s `keyring_get` (imported only when used)."""
    import keyring

    return keyring.get_password(service, key)


def save_to_keyring(attorney: Attorney) -> list[str]:
    """The attorney's passwords (and TOTP secret, if given) in the OS keyring, under the
    names `load_attorney` reads them from; the entries' names. Raises what the keyring
    raises (no backend, locked): the caller says so, never with a value."""
    import keyring

    kinds = [("pacer_password", attorney.pacer_password), ("cmecf_password", attorney.cmecf_password)]
    if attorney.totp_secret:
        kinds.append((_TOTP_KIND, attorney.totp_secret))
    saved = []
    for kind, value in kinds:
        key = keyring_key(attorney.pacer_username, kind)
        keyring.set_password(KEYRING_SERVICE, key, value.reveal())
        saved.append(key)
    return saved
