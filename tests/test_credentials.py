"""Credentials for one attorney: environment, .env, keyring, prompt, and what is missing."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from ecf_autolink.credentials import (
    KEYRING_SERVICE,
    CredentialsError,
    InvalidCredentials,
    MissingCredentials,
    keyring_key,
    load_attorney,
    read_env,
)
from ecf_autolink.secret import Secret

TOTP = base64.b32encode(b"12345678901234567890").decode()
PACER_PW = "Pacer-Pw-0123456789!"
CMECF_PW = "Cmecf-Pw-9876543210?"

FULL_ENV = {
    "PACER_USERNAME": " jdoe ",
    "PACER_PASSWORD": PACER_PW,
    "CMECF_USERNAME": "jdoe-ecf",
    "CMECF_PASSWORD": CMECF_PW,
    "ATTORNEY_NAME": "Jane Doe",
    "PACER_CLIENT_CODE": "matter-42",
    "PACER_TOTP_SECRET": TOTP.lower(),
}


def no_prompt(label: str, hidden: bool) -> str:
    raise AssertionError(f"unexpected prompt for {label}")


class FakeKeyring:
    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = entries
        self.asked: list[tuple[str, str]] = []

    def __call__(self, service: str, key: str) -> str | None:
        self.asked.append((service, key))
        return self.entries.get(key) if service == KEYRING_SERVICE else None


def without(*names: str) -> dict[str, str]:
    return {k: v for k, v in FULL_ENV.items() if k not in names}


# --- read_env --------------------------------------------------------------------------------


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PACER_USERNAME=from-file\nPACER_PASSWORD='file pw'\nNO_VALUE\n# comment\n")
    env = read_env(dotenv, environ={"PACER_USERNAME": "from-environ", "OTHER": "x"})
    assert env == {"PACER_USERNAME": "from-environ", "PACER_PASSWORD": "file pw", "OTHER": "x"}


def test_no_dotenv_means_the_environment_only() -> None:
    assert read_env(None, environ={"A": "1"}) == {"A": "1"}


def test_a_named_dotenv_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="does not exist"):
        read_env(tmp_path / "absent.env", environ={})


# --- load_attorney ---------------------------------------------------------------------------


def test_everything_from_the_environment(tmp_path: Path) -> None:
    codes = tmp_path / "codes.txt"
    codes.write_text("11112222\n")
    env = {**FULL_ENV, "PACER_BACKUP_CODES_FILE": str(codes)}
    keyring = FakeKeyring({})
    a = load_attorney(" CANB ", env, interactive=True, prompt=no_prompt, keyring_get=keyring)
    assert (a.court, a.pacer_username, a.cmecf_username, a.name, a.client_code) == (
        "canb",
        "jdoe",
        "jdoe-ecf",
        "Jane Doe",
        "matter-42",
    )
    assert a.pacer_password == Secret(PACER_PW) and a.cmecf_password == Secret(CMECF_PW)
    assert a.totp_secret == Secret(TOTP)
    assert a.backup_codes_file == codes
    assert keyring.asked == []
    assert PACER_PW not in repr(a) and CMECF_PW not in repr(a)


def test_missing_secrets_come_from_the_keyring_under_documented_names() -> None:
    keyring = FakeKeyring(
        {
            "jdoe:pacer_password": PACER_PW,
            "jdoe:cmecf_password": CMECF_PW,
            "jdoe:totp_secret": TOTP,
        }
    )
    env = without("PACER_PASSWORD", "CMECF_PASSWORD", "PACER_TOTP_SECRET")
    a = load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=keyring)
    assert a.pacer_password.reveal() == PACER_PW and a.cmecf_password.reveal() == CMECF_PW
    assert a.totp_secret == Secret(TOTP)
    assert keyring.asked == [
        ("ecf-autolink", "jdoe:pacer_password"),
        ("ecf-autolink", "jdoe:cmecf_password"),
        ("ecf-autolink", "jdoe:totp_secret"),
    ]
    assert keyring_key("jdoe", "pacer_password") == "jdoe:pacer_password"


def test_a_broken_keyring_counts_as_empty() -> None:
    def broken(service: str, key: str) -> str | None:
        raise RuntimeError("No recommended backend was available")

    env = without("PACER_PASSWORD", "PACER_TOTP_SECRET")
    with pytest.raises(MissingCredentials) as caught:
        load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=broken)
    assert caught.value.names == ("PACER_PASSWORD",)


def test_prompts_fill_what_is_missing_with_secrets_hidden() -> None:
    answers = {"PACER username": "jdoe", "CM/ECF login": "jdoe-ecf", "CM/ECF password": CMECF_PW}
    asked: list[tuple[str, bool]] = []

    def prompt(label: str, hidden: bool) -> str:
        asked.append((label, hidden))
        return answers[label]

    # The prompted username is what the keyring is then searched under.
    keyring = FakeKeyring({"jdoe:pacer_password": PACER_PW})
    a = load_attorney("canb", {}, interactive=True, prompt=prompt, keyring_get=keyring)
    assert asked == [("PACER username", False), ("CM/ECF login", False), ("CM/ECF password", True)]
    assert (a.pacer_username, a.cmecf_username) == ("jdoe", "jdoe-ecf")
    assert a.pacer_password.reveal() == PACER_PW and a.cmecf_password.reveal() == CMECF_PW
    assert a.totp_secret is None and a.backup_codes_file is None


def test_password_prompt_answers_are_kept_exactly() -> None:
    a = load_attorney(
        "canb",
        without("CMECF_PASSWORD"),
        interactive=True,
        prompt=lambda label, hidden: "  spaced pw ",
        keyring_get=None,
    )
    assert a.cmecf_password.reveal() == "  spaced pw "


def test_missing_credentials_lists_every_name_at_once_and_no_secret() -> None:
    env = {"PACER_PASSWORD": PACER_PW, "CMECF_PASSWORD": "", "PACER_TOTP_SECRET": TOTP}
    with pytest.raises(MissingCredentials) as caught:
        load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=None)
    err = caught.value
    assert err.names == ("PACER_USERNAME", "CMECF_USERNAME", "CMECF_PASSWORD")
    message = str(err)
    for name in err.names:
        assert name in message
    for hint in (".env", "keyring", "ecf-autolink", "interactive terminal", "canb"):
        assert hint in message
    assert PACER_PW not in message and TOTP not in message
    assert "\n" not in message


def test_missing_message_names_the_keyring_entries_for_a_known_user() -> None:
    with pytest.raises(MissingCredentials) as caught:
        load_attorney(
            "canb",
            without("PACER_PASSWORD", "CMECF_PASSWORD"),
            interactive=False,
            prompt=no_prompt,
            keyring_get=FakeKeyring({}),
        )
    assert '"jdoe:pacer_password" and "jdoe:cmecf_password"' in str(caught.value)


def test_blank_prompt_answers_are_still_missing() -> None:
    with pytest.raises(MissingCredentials) as caught:
        load_attorney(
            "canb",
            without("CMECF_USERNAME"),
            interactive=True,
            prompt=lambda label, hidden: "   ",
            keyring_get=None,
        )
    assert caught.value.names == ("CMECF_USERNAME",)


def test_a_bad_totp_secret_is_reported_without_its_value() -> None:
    env = {**FULL_ENV, "PACER_TOTP_SECRET": "definitely not base32 !!"}
    with pytest.raises(InvalidCredentials) as caught:
        load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=None)
    assert "PACER_TOTP_SECRET" in str(caught.value)
    assert "definitely" not in str(caught.value)


def test_a_bad_totp_secret_in_the_keyring_names_the_entry() -> None:
    keyring = FakeKeyring({"jdoe:totp_secret": "hunter2"})
    with pytest.raises(InvalidCredentials) as caught:
        load_attorney(
            "canb", without("PACER_TOTP_SECRET"), interactive=False, prompt=no_prompt, keyring_get=keyring
        )
    assert "jdoe:totp_secret" in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_missing_backup_codes_file_is_reported_before_any_browser(tmp_path: Path) -> None:
    env = {**FULL_ENV, "PACER_BACKUP_CODES_FILE": str(tmp_path / "gone.txt")}
    with pytest.raises(InvalidCredentials) as caught:
        load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=None)
    assert "PACER_BACKUP_CODES_FILE" in str(caught.value) and "gone.txt" in str(caught.value)


@pytest.mark.parametrize("name", ["ATTORNEY_NAME", "PACER_PASSWORD", "CMECF_USERNAME"])
def test_an_environment_variable_that_is_not_utf8_is_named_not_shown(name: str) -> None:
    # How Python hands over the bytes "Jos\xe9" of a Latin-1 terminal: a lone surrogate.
    broken = b"Jos\xe9 secret".decode("utf-8", "surrogateescape")
    env = {**FULL_ENV, name: broken}
    with pytest.raises(InvalidCredentials) as caught:
        load_attorney("canb", env, interactive=False, prompt=no_prompt, keyring_get=None)
    message = str(caught.value)
    assert f"the environment variable {name} is not UTF-8 text" in message
    assert "character 4 is the byte 0xe9" in message and "nothing was attempted" in message
    assert "secret" not in message and "Jos" not in message
