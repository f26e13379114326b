"""`autolink serve` (issue 22): one attorney typed in the page instead of a roster, and
the passcode box. The attorney has no TOTP secret and no backup codes, so when PACER asks
the box says whose turn it is and how long it waits; the court's current code typed
there continues the run. No password, and not the code, comes back in any answer, nor
reaches the journal, the reports or the server's output; the keyring gets the passwords
only when "Save to this computer's keyring" is ticked."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pyotp
import pytest
from playwright.async_api import Browser, Page, Response, expect
from serve_support import served
from support import empty_env_file, env_without_credentials, replica_court

from ecf_autolink.credentials import MissingCredentials, load_attorney
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("AUTOLINK_SHOTS")
TESTS = Path(__file__).parent


def _keyring_env(tmp: Path) -> dict[str, str]:
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {
        "PYTHON_KEYRING_BACKEND": "fake_keyring.FileKeyring",
        "FAKE_KEYRING_FILE": str(tmp / "keyring.json"),
        "PYTHONPATH": path,
    }


async def _type(page: Page, values: dict[str, str], save: bool) -> None:
    form = page.locator("#attorney-form")
    for name, value in values.items():
        await form.locator(f'[name="{name}"]').fill(value)
    await form.get_by_label("Save to this computer's keyring").set_checked(save)
    await form.get_by_role("button", name="Add this attorney").click()


async def test_a_typed_attorney_without_a_secret_is_asked_for_the_passcode_in_the_page(
    browser: Browser, tmp_path: Path
) -> None:
    ann = make_attorney("ann")
    assert ann.totp_secret
    court = replica_court(ann)
    env = {**env_without_credentials(), **_keyring_env(tmp_path)}
    keyring_file = tmp_path / "keyring.json"
    with serve(court) as replica:
        args = ["--court-url", f"canb={replica.court_url}", "--env-file", str(empty_env_file(tmp_path))]
        with served(tmp_path, env, *args) as server:
            context = await browser.new_context(viewport={"width": 1280, "height": 1000})
            page = await context.new_page()
            bodies: list[str] = []
            sent: list[str] = []

            async def keep(response: Response) -> None:
                if response.url.startswith(server.base) and "/events" not in response.url:
                    with contextlib.suppress(Exception):
                        bodies.append((await response.body()).decode("utf-8", "replace"))

            page.on("response", keep)
            page.on("request", lambda request: sent.append(request.post_data or ""))
            await page.goto(server.url)

            # Missing passwords: the CLI's own first sentence, and nothing is kept.
            who = {"court": "canb", "name": ann.cmecf_name, "pacer_username": ann.pacer_username}
            await _type(page, {**who, "cmecf_username": ann.cmecf_username}, save=True)
            with pytest.raises(MissingCredentials) as cli:
                load_attorney(
                    "canb",
                    {"PACER_USERNAME": "ann", "CMECF_USERNAME": ann.cmecf_username},
                    interactive=False,
                    prompt=lambda label, hidden: "",
                    keyring_get=None,
                )
            first = str(cli.value).split(". ", 1)[0] + "."
            assert first == "Missing PACER_PASSWORD and CMECF_PASSWORD for court canb."
            await expect(page.locator("#notice")).to_contain_text(first)
            assert not keyring_file.exists()

            typed = {
                **who,
                "pacer_password": ann.pacer_password,
                "cmecf_username": ann.cmecf_username,
                "cmecf_password": ann.cmecf_password,
            }
            await _type(page, typed, save=True)
            await expect(page.locator("#notice")).to_contain_text(
                "Jane Doe (ann) at canb added; 1 attorney-court row(s) open; saved to this computer's keyring"
            )
            # The password fields are empty again, and the page never writes one back.
            for name in ("pacer_password", "cmecf_password", "totp_secret"):
                await expect(page.locator(f'#attorney-form [name="{name}"]')).to_have_value("")
            await page.reload()
            assert ann.pacer_password not in await page.content()

            await page.get_by_label(
                "I acknowledge the Redaction Agreement for the attorneys of this run"
            ).check()
            await expect(page.locator("#notice")).to_have_text("recorded")
            await page.get_by_role("button", name="Look at the courts").click()
            box = page.locator("form.passcode")
            await expect(box).to_be_visible(timeout=90_000)
            await expect(box.locator("h2")).to_have_text("One-time passcode for Jane Doe (ann) at canb")
            await expect(box).to_contain_text(re.compile(r"This box waits [45] min \d+ s more"))
            await expect(page.locator('td.cell[data-row="canb:ann"] .word')).to_have_text("running")
            if SHOTS:
                await page.screenshot(path=str(Path(SHOTS) / "serve-passcode.png"), full_page=True)
            # The code the court takes now (the replica knows the account's secret).
            code = pyotp.TOTP(ann.totp_secret).now()
            await box.get_by_label("Passcode").fill(code)
            await box.get_by_role("button", name="Send passcode").click()
            await expect(page.locator('td.cell[data-row="canb:ann"] .word')).to_have_text(
                "would_link", timeout=90_000
            )
            await expect(page.locator("form.passcode")).to_have_count(0)
            await expect(page.locator("#job")).to_contain_text("nothing was submitted")
            storage = await page.evaluate("() => [localStorage.length, sessionStorage.length]")
            await context.close()

    assert court.final_submits == []
    # The code went to the court once, in the page's one request for it.
    assert [s for s in court.signon.seen.secrets if s.isdigit()] == [code]
    assert sum(code in body for body in sent) == 1
    assert storage == [0, 0]
    saved = json.loads(keyring_file.read_text(encoding="utf-8"))
    assert saved == {
        "ecf-autolink/ann:pacer_password": ann.pacer_password,
        "ecf-autolink/ann:cmecf_password": ann.cmecf_password,
    }
    written = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in server.out.rglob("*")
        if p.is_file() and p.suffix in (".json", ".jsonl", ".csv", ".html", ".txt", ".log", "")
    ]
    assert any("ann" in text for text in written)
    alone = re.compile(rf"(?<![0-9]){code}(?![0-9])")
    for secret in (ann.pacer_password, ann.cmecf_password):
        assert not any(secret in text for text in [*bodies, *written, server.stderr()])
    assert not any(alone.search(text) for text in [*bodies, *written, server.stderr()])


async def test_a_typed_attorney_is_not_saved_unless_the_box_is_ticked(
    browser: Browser, tmp_path: Path
) -> None:
    bob = make_attorney("bob")
    env = {**env_without_credentials(), **_keyring_env(tmp_path)}
    args = ["--court-url", "canb=http://127.0.0.1:9", "--env-file", str(empty_env_file(tmp_path))]
    with served(tmp_path, env, *args) as server:
        page = await browser.new_page()
        await page.goto(server.url)
        typed = {
            "court": "canb",
            "pacer_username": bob.pacer_username,
            "pacer_password": bob.pacer_password,
            "cmecf_username": bob.cmecf_username,
            "cmecf_password": bob.cmecf_password,
            "totp_secret": "not base32 at all!",
        }
        await _type(page, typed, save=True)
        # A bad secret: the CLI reader's words; nothing added, nothing saved.
        await expect(page.locator("#notice")).to_contain_text("PACER_TOTP_SECRET")
        await expect(page.locator("#notice")).not_to_contain_text("not base32 at all!")
        await expect(page.locator("#board")).to_contain_text("No roster open yet")
        await _type(page, {**typed, "totp_secret": ""}, save=False)
        await expect(page.locator("#notice")).to_contain_text("(bob) at canb added")
        await expect(page.locator("#board")).to_contain_text("1 attorney-court row(s)")
        await page.close()
    assert not (tmp_path / "keyring.json").exists()
    assert bob.pacer_password not in server.stderr()
