"""Proxy and certificate settings: where they come from, how they are shown, and that
Playwright's driver (the final Submit's path) trusts a firm's CA given by --ca-file."""

from __future__ import annotations

import datetime
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.async_api import BrowserContext, async_playwright
from playwright.async_api import Error as PlaywrightError
from support import PageAnswer, loopback_host

from ecf_autolink.cli import main
from ecf_autolink.network import NetworkError, NetworkSettings, driver_environment, mask, mask_text, resolve
from ecf_autolink.submit_once import driver_reason, wire_probe


def test_the_option_wins_over_the_environment_and_https_proxy_over_http_proxy() -> None:
    env = {"HTTPS_PROXY": "http://secure.example:3128", "HTTP_PROXY": "http://plain.example:3128"}
    assert resolve("http://mine.example:8080", None, env).proxy == "http://mine.example:8080"
    from_env = resolve(None, None, env)
    assert (from_env.proxy, from_env.proxy_source) == ("http://secure.example:3128", "HTTPS_PROXY")
    lower = resolve(None, None, {"http_proxy": "plain.example:3128"})
    assert (lower.proxy, lower.proxy_source) == ("http://plain.example:3128", "http_proxy")
    assert resolve(None, None, {}).playwright_proxy() is None


def test_credentials_go_to_playwright_apart_and_are_never_shown() -> None:
    settings = resolve(
        "http://fi%40rm:s3cr%3At@proxy.example:8080", None, {"NO_PROXY": "localhost,.internal"}
    )
    assert settings.playwright_proxy() == {
        "server": "http://proxy.example:8080",
        "bypass": "localhost,.internal,localhost,127.0.0.1,[::1]",
        "username": "fi@rm",
        "password": "s3cr:t",
    }
    shown = settings.describe_proxy()
    assert "s3cr" not in shown and "fi%40rm" not in shown
    assert shown.startswith("http://***:***@proxy.example:8080 (from --proxy)")
    assert mask("http://proxy.example:8080") == "http://proxy.example:8080"
    assert "pw" not in mask_text("tunnel to http://me:pw@proxy.example:1 failed")


def test_no_proxy_star_means_no_proxy_at_all() -> None:
    assert resolve(None, None, {"HTTPS_PROXY": "http://p.example:1", "NO_PROXY": "*"}).proxy is None


@pytest.mark.parametrize("value", ["ftp://proxy.example:21", "http://:8080", "http://proxy.example:99999"])
def test_an_unusable_proxy_is_an_error_naming_where_it_came_from(value: str) -> None:
    with pytest.raises(NetworkError) as caught:
        resolve(None, None, {"HTTPS_PROXY": value.replace("proxy", "user:pw@proxy")})
    assert "HTTPS_PROXY" in str(caught.value) and ":pw@" not in str(caught.value)


def test_a_ca_file_must_exist_and_hold_a_pem_certificate(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="does not exist"):
        resolve(None, tmp_path / "firm.pem", {})
    der = tmp_path / "firm.cer"
    der.write_bytes(b"0\x82\x01\x0a binary")
    with pytest.raises(NetworkError, match="no PEM certificate"):
        resolve(None, der, {})
    with pytest.raises(NetworkError, match="NODE_EXTRA_CA_CERTS"):
        resolve(None, None, {"NODE_EXTRA_CA_CERTS": str(tmp_path / "gone.pem")})


def test_the_driver_environment_is_set_only_while_the_driver_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", "/before.pem")
    monkeypatch.delenv("NODE_USE_SYSTEM_CA", raising=False)
    settings = NetworkSettings(ca_file=tmp_path / "firm.pem", ca_source="--ca-file")
    with driver_environment(settings):
        assert os.environ["NODE_EXTRA_CA_CERTS"] == str(tmp_path / "firm.pem")
        assert os.environ["NODE_USE_SYSTEM_CA"] == "1"
    assert os.environ["NODE_EXTRA_CA_CERTS"] == "/before.pem"
    assert "NODE_USE_SYSTEM_CA" not in os.environ


# -- a firm's CA, on the wire ------------------------------------------------------------------


def _firm_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A CA of the test's own (as a TLS-inspecting proxy has) and a 127.0.0.1 certificate it signed."""
    crypto = pytest.importorskip("cryptography")
    del crypto
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Firm Inspection CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "firm-ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_file, cert_file, key_file


class _Front(PageAnswer):
    def do_GET(self) -> None:
        self.answer(b"<html><body>court front page</body></html>")


@pytest.fixture
def inspected_court(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS court on loopback whose certificate only the firm's CA vouches for."""
    ca_file, cert_file, key_file = _firm_ca_and_server_cert(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    with loopback_host(_Front, tls=tls) as base:
        yield f"{base}/", ca_file


async def _driver_get(url: str, settings: NetworkSettings) -> str:
    """GET through a freshly started driver, as a run starts it; the status or the reason."""
    manager = async_playwright()
    with driver_environment(settings):
        pw = await manager.start()
    try:
        request = await pw.request.new_context()
        try:
            response = await request.get(url, max_retries=0, timeout=10_000)
        except PlaywrightError as exc:
            return driver_reason(exc)
        finally:
            await request.dispose()
        return f"HTTP {response.status}"
    finally:
        await pw.stop()


async def test_the_driver_trusts_the_firm_ca_from_ca_file_and_not_without_it(
    inspected_court: tuple[str, Path],
) -> None:
    url, ca_file = inspected_court
    without = await _driver_get(url, resolve(None, None, {}))
    assert without.startswith("a certificate problem:"), without
    with_ca = await _driver_get(url, resolve(None, ca_file, {}))
    assert with_ca == "HTTP 200"


# -- the check before the Submit ---------------------------------------------------------------


class _Recorder(PageAnswer):
    seen: list[dict[str, str]] = []  # noqa: RUF012  (one list per test, set by the fixture)

    def do_GET(self) -> None:
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.answer(b"", 200 if self.path == "/" else 503)


@pytest.fixture
def recording_court() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    with loopback_host(handler) as base:
        yield base, seen


@pytest.mark.browser
async def test_the_check_asks_as_a_stranger_and_reads_a_failing_status(
    context: BrowserContext, recording_court: tuple[str, list[dict[str, str]]]
) -> None:
    url, seen = recording_court
    await context.add_cookies([{"name": "session", "value": "signed-in-7731", "url": url}])
    page = await context.new_page()
    assert await wire_probe(page, url + "/", 5000) is None
    # The session stays out of it: the check cannot disturb what the Submit will use.
    (headers,) = seen
    assert "signed-in-7731" not in headers.get("cookie", "")
    assert await wire_probe(page, url + "/busy", 5000) == "HTTP 503 (from the court or the proxy)"
    closed = url.rsplit(":", 1)[0] + ":9"
    reason = await wire_probe(page, closed + "/", 5000)
    assert reason is not None and "ECONNREFUSED" in reason


@pytest.mark.browser
def test_doctor_shows_the_ca_file_serving_the_request_api_and_not_the_browser(
    inspected_court: tuple[str, Path], tmp_path: Path
) -> None:
    url, ca_file = inspected_court
    empty = tmp_path / "empty.env"
    empty.touch()
    result = CliRunner().invoke(
        main,
        ["doctor", "--court-url", url, "--ca-file", str(ca_file), "--env-file", str(empty)],
        env={"HTTPS_PROXY": None, "HTTP_PROXY": None, "NO_PROXY": None},
    )
    lines = {line[6:22].strip(): line for line in result.stdout.splitlines()}
    assert lines["court"].startswith("ok") and "answers (HTTP 200)" in lines["court"]
    assert lines["court (browser)"].startswith("FAIL") and "CERT" in lines["court (browser)"]
    assert "the browser trusts only the system's certificate store" in lines["hint"]
    assert f"also {ca_file.resolve()} (from --ca-file)" in lines["certificates"]
    assert result.exit_code == 1
