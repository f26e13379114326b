"""`autolink install` passes the installer's lines on with any proxy credentials masked.

Playwright's installer downloads through the proxy it is given, and its errors quote that
address, user and password included. The real `_download` runs here, against a stand-in
`playwright` package found first on the installer's PYTHONPATH (the command stays
`python -m playwright install chromium`), which prints what a failing or succeeding
installer prints, proxy address and all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecf_autolink.cli import main

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY")
PASSWORD = "Pr0xy-Pw"

INSTALLER = """
import os, sys
proxy = os.environ.get("HTTPS_PROXY", "")
print("Downloading Chromium 140.0 (playwright build v1187) from https://cdn.playwright.dev/x.zip")
print(f"Error: getaddrinfo ENOTFOUND proxy.example when connecting through {proxy}", flush=True)
print(f"  proxy: {proxy}", file=sys.stderr, flush=True)
print(f"Failed to install browsers\\nError: Failed to download Chromium through {proxy}")
sys.exit(int(sys.argv[-1] == "chromium" and os.environ.get("FAKE_INSTALLER_STATUS", "1")))
"""


@pytest.fixture
def fake_installer(tmp_path: Path) -> str:
    package = tmp_path / "fake" / "playwright"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "__main__.py").write_text(INSTALLER, encoding="utf-8")
    # First on the path, before the checkout the tests run (and the mutants' copies).
    return os.pathsep.join(filter(None, [str(tmp_path / "fake"), os.environ.get("PYTHONPATH")]))


@pytest.mark.parametrize("status", ["1", "0"], ids=["failing", "succeeding"])
@pytest.mark.parametrize(
    "proxy",
    ["http://firm:Pr0xy-Pw@proxy.example:8080", "https://FIRM%5Cjdoe:Pr0xy-Pw@proxy.example"],
    ids=["http", "domain-user"],
)
def test_install_masks_the_proxy_password_in_the_installers_lines(
    fake_installer: str, status: str, proxy: str
) -> None:
    env: dict[str, str | None] = dict.fromkeys((*PROXY_VARS, "AUTOLINK_COURT_URL", "AUTOLINK_BROWSER"))
    env |= {"PYTHONPATH": fake_installer, "FAKE_INSTALLER_STATUS": status}
    result = CliRunner().invoke(main, ["install", "--proxy", proxy], env=env)
    assert result.exit_code == (1 if status == "1" else 0), result.output
    # The installer's own lines came through (the stand-in ran), once each ...
    assert "getaddrinfo ENOTFOUND proxy.example" in result.stderr
    assert "Failed to download Chromium through" in result.stderr
    assert "proxy.example" in result.stderr
    # ... with the password nowhere, in any line.
    assert PASSWORD not in result.output
    assert "***" in result.stderr
