"""`autolink install`, `autolink doctor` and the --proxy option, as a user meets them (issue 13)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result
from forward_proxy import ForwardProxy
from support import PageAnswer, empty_env_file, loopback_host, replica_court

from ecf_autolink.cli import install as install_module
from ecf_autolink.cli import main
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney

PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY")


def _invoke(args: list[str], env: dict[str, str | None] | None = None) -> Result:
    # The developer's own proxy settings must not decide a test.
    base: dict[str, str | None] = {
        name: None for name in (*PROXY_VARS, "AUTOLINK_COURT_URL", "AUTOLINK_BROWSER")
    }
    return CliRunner().invoke(main, args, env={**base, **(env or {})})


# -- install ---------------------------------------------------------------------------------


def test_install_runs_playwrights_installer_with_the_tools_own_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[tuple[str, ...], dict[str, str]]] = []

    def download(command: tuple[str, ...], env: dict[str, str], echo) -> int:  # type: ignore[no-untyped-def]
        calls.append((command, env))
        echo("|■■■■■■■■■■| 100% of 150 MiB")
        return 0

    monkeypatch.setattr(install_module, "_download", download)
    result = _invoke(["install", "--proxy", "http://firm:Pr0xy-Pw@proxy.example:8080"])
    assert result.exit_code == 0, result.output
    ((command, env),) = calls
    assert command == (sys.executable, "-m", "playwright", "install", "chromium")
    # The installer downloads through the same proxy a run uses.
    assert env["HTTPS_PROXY"] == "http://firm:Pr0xy-Pw@proxy.example:8080"
    assert env["NODE_USE_SYSTEM_CA"] == "1"
    assert "downloading Chromium for Playwright" in result.stderr and sys.executable in result.stderr
    assert "100% of 150 MiB" in result.stderr
    assert "Pr0xy-Pw" not in result.output


class _NotHere(PageAnswer):
    def do_GET(self) -> None:
        self.answer(b"<html><body>no such build</body></html>", status=404)


@pytest.fixture
def empty_download_host() -> Iterator[str]:
    with loopback_host(_NotHere) as url:
        yield url


def test_a_failed_download_is_one_clear_message_and_exit_1(tmp_path: Path, empty_download_host: str) -> None:
    # Playwright's real installer, offline: its download host answers 404 on loopback.
    result = _invoke(
        ["install"],
        {
            "PLAYWRIGHT_DOWNLOAD_HOST": empty_download_host,
            "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "browsers"),
        },
    )
    assert result.exit_code == 1, result.output
    assert "the Chromium download failed" in result.stderr
    assert "--proxy" in result.stderr and "--ca-file" in result.stderr
    assert empty_download_host in result.stderr  # the installer's own line says where it tried
    # Each of the installer's retries said the same, with stack frames: once, without them.
    assert result.stderr.count("server returned code 404") == 1
    assert "    at " not in result.stderr
    assert not (tmp_path / "browsers").exists() or not any((tmp_path / "browsers").glob("chromium-*/chrome*"))


# -- doctor ----------------------------------------------------------------------------------


def _lines(result: Result) -> dict[str, str]:
    return {line[6:22].strip(): line[:5].strip() for line in result.stdout.splitlines()}


@pytest.mark.browser
def test_doctor_against_the_replica_checks_everything_and_exits_0(tmp_path: Path) -> None:
    court = replica_court(make_attorney("jdoe"))
    with serve(court) as replica:
        result = _invoke(
            ["doctor", "--court-url", replica.court_url, "--env-file", str(empty_env_file(tmp_path))]
        )
    assert result.exit_code == 0, result.output
    status = _lines(result)
    for name in ("tool", "python", "playwright", "proxy", "certificates", "keyring"):
        assert name in status, result.stdout
    assert status["browser"] == "ok" and status["court"] == "ok" and status["court (browser)"] == "ok"
    # The replica's own login host, learnt from the court: no internet needed.
    assert status["login host"] == "ok"
    assert f"{replica.login_url}/csologin/login.jsf answers" in result.stdout
    assert "none (direct connections)" in result.stdout
    assert "FAIL" not in result.stdout and result.stderr == ""


@pytest.mark.browser
def test_doctor_goes_through_the_proxy_and_names_each_failure_without_its_password(tmp_path: Path) -> None:
    court = replica_court(make_attorney("jdoe"))
    names = {"ecf.canb.proxied.test": "127.0.0.1", "pacer-login.proxied.test": "127.0.0.1"}
    with serve(court) as replica, ForwardProxy(names) as proxy:
        court_url = f"http://ecf.canb.proxied.test:{urlsplit(replica.court_url).port}"
        court.set_bases(court_url, f"http://pacer-login.proxied.test:{urlsplit(replica.login_url).port}")
        port = urlsplit(proxy.url).port
        env = {"HTTPS_PROXY": f"http://firm:Pr0xy-Pw@127.0.0.1:{port}", "NO_PROXY": "intranet.example"}
        args = [
            "doctor",
            "--court",
            "canb",
            "--court-url",
            court_url,
            "--env-file",
            str(empty_env_file(tmp_path)),
        ]
        through = _invoke(args, env)
        proxy.go_down()
        down = _invoke(args, env)
    assert through.exit_code == 0, through.output
    assert f"http://***:***@127.0.0.1:{port} (from HTTPS_PROXY); not for intranet.example" in through.stdout
    assert _lines(through)["canb (browser)"] == "ok"
    assert any(m == "CONNECT" for m, _ in proxy.seen.requests)  # the request API's GETs
    assert any(m == "GET" for m, _ in proxy.seen.requests)  # the browser's page
    assert down.exit_code == 1, down.output
    status = _lines(down)
    assert status["canb"] == "FAIL" and status["canb (browser)"] == "FAIL" and status["login host"] == "FAIL"
    failures = [line for line in down.stderr.splitlines() if line.startswith("doctor: ")]
    assert [line.split(":")[1].strip() for line in failures] == ["canb", "canb (browser)", "login host"]
    for result in (through, down):
        assert "Pr0xy-Pw" not in result.output and "firm:" not in result.output


def test_doctor_without_a_browser_fails_that_check_with_the_hint(tmp_path: Path) -> None:
    result = _invoke(
        [
            "doctor",
            "--browser",
            str(tmp_path / "no-such-chrome"),
            "--env-file",
            str(empty_env_file(tmp_path)),
        ],
        {"HTTPS_PROXY": "http://127.0.0.1:9"},  # the login host check fails fast, offline
    )
    assert result.exit_code == 1, result.output
    assert _lines(result)["browser"] == "FAIL"
    assert "autolink install" in result.stderr
    assert _lines(result)["login host"] == "FAIL"
    assert "the proxy at 127.0.0.1:9 itself did not answer" in result.stdout


# -- --proxy on link -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["link", "doctor", "install"])
def test_an_unusable_proxy_is_refused_before_anything_runs(tmp_path: Path, command: str) -> None:
    args = [command, "--proxy", "ftp://user:Pr0xy-Pw@proxy.example:21"]
    if command == "link":
        args += ["--court", "canb", "--out", str(tmp_path / "out")]
    if command != "install":
        args += ["--env-file", str(empty_env_file(tmp_path))]
    result = _invoke(args)
    assert result.exit_code == 2, result.output
    assert "--proxy" in result.output and "is not a proxy address" in result.output
    assert "Pr0xy-Pw" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.browser
def test_a_court_on_this_machine_never_goes_through_the_firms_proxy(tmp_path: Path) -> None:
    # The replica on loopback, a firm proxy that cannot be reached: both paths go direct.
    court = replica_court(make_attorney("jdoe"))
    with serve(court) as replica:
        result = _invoke(
            ["doctor", "--court-url", replica.court_url, "--env-file", str(empty_env_file(tmp_path))],
            {"HTTPS_PROXY": "http://127.0.0.1:9"},
        )
    assert result.exit_code == 0, result.output
    status = _lines(result)
    assert status["court"] == status["court (browser)"] == status["login host"] == "ok"
    assert "http://127.0.0.1:9 (from HTTPS_PROXY)" in result.stdout
