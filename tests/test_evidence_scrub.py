"""Secrets are scrubbed from everything kept as evidence, in every spelling."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from urllib.parse import quote

from ecf_autolink.evidence import REDACTED, folder_name, scrub, write_private
from ecf_autolink.secret import Secret


def test_scrub_removes_plain_url_encoded_html_escaped_and_base64_forms() -> None:
    secret = "Pa$$ w<o>rd&1"
    text = " | ".join(
        [
            secret,
            quote(secret, safe=""),
            "Pa$$ w&lt;o&gt;rd&amp;1",
            base64.b64encode(secret.encode()).decode(),
        ]
    )
    cleaned = scrub(text, [secret])
    assert "w<o>rd" not in cleaned and "w%3Co%3Erd" not in cleaned and "&lt;o&gt;" not in cleaned
    assert base64.b64encode(secret.encode()).decode().rstrip("=") not in cleaned
    assert cleaned.count(REDACTED) == 4


def test_scrub_leaves_text_without_secrets_alone() -> None:
    assert scrub("nothing here", ["hunter2!"]) == "nothing here"
    assert scrub("nothing here", []) == "nothing here"


def test_folder_names_hold_no_odd_characters() -> None:
    assert folder_name("canb", "j.doe@firm") == "canb-j.doe_firm"
    assert "/" not in folder_name("canb", "../../etc")


def test_private_files_are_owner_only(tmp_path: Path) -> None:
    path = write_private(tmp_path / "x.html", b"data")
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_secret_never_shows_itself() -> None:
    s = Secret("hunter2-very-secret")
    for shown in (repr(s), str(s), f"{s}", f"{s!r}", f"{[s]}"):
        assert "hunter2" not in shown
    assert s.reveal() == "hunter2-very-secret"
