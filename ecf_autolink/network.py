"""Proxy and certificate settings: resolved once by the CLI, then handed to the browser
launch and to Playwright's driver, the two programs that talk to the court.

Two paths reach the court. Chromium loads every page; Playwright's driver (a Node.js
process) sends the final Submit (`route.fetch`, see submit_once.py) and the check that
precedes it. Both take the proxy from Playwright's `proxy` launch option: the driver's
request API reads the browser's launch proxy, which a raw `--proxy-server` switch
would not give it. Certificates differ: Chromium trusts the operating system's store
(Windows certificate store, macOS keychain, the NSS database on Linux) and takes no
file; the driver is told to trust that same store (`NODE_USE_SYSTEM_CA=1`) plus the
firm's bundle from `--ca-file` (`NODE_EXTRA_CA_CERTS`). Node reads both variables
once, when the driver starts, so they are set around the driver's start only.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .words import FLAGS

PROXY_SCHEMES = ("http", "https", "socks5", "socks4")
# Looked at in this order: the court is an https:// site, so HTTPS_PROXY speaks for it.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


class NetworkError(ValueError):
    """A proxy or CA setting that cannot be used; the message names where it came from."""


@dataclass(frozen=True)
class NetworkSettings:
    proxy: str | None = None  # the full proxy URL, credentials included: never print it
    proxy_source: str = ""  # "--proxy", "HTTPS_PROXY", ...
    bypass: str | None = None  # hosts that go direct, comma-separated (NO_PROXY)
    ca_file: Path | None = None
    ca_source: str = ""  # "--ca-file" or "NODE_EXTRA_CA_CERTS"

    def playwright_proxy(self) -> dict[str, str] | None:
        """Playwright's `proxy` option: server without credentials, credentials apart."""
        if not self.proxy:
            return None
        parts = urlsplit(self.proxy)
        server = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        # This machine's own addresses never go through a firm's proxy, which cannot reach
        # them (a replica court on loopback); Playwright would otherwise send them there.
        option = {"server": server, "bypass": ",".join(filter(None, [self.bypass, *LOOPBACK]))}
        if parts.username is not None:
            option["username"] = unquote(parts.username)
            option["password"] = unquote(parts.password or "")
        return option

    def describe_proxy(self) -> str:
        if not self.proxy:
            return "none (direct connections)"
        bypass = f"; not for {self.bypass}" if self.bypass else ""
        return f"{mask(self.proxy)} (from {self.proxy_source}){bypass}"

    def describe_ca(self) -> str:
        store = "the operating system's certificate store"
        if self.ca_file is None:
            return f"{store} (browser and request API)"
        return f"{store}, and for the request API also {self.ca_file} (from {self.ca_source})"


def mask(url: str) -> str:
    """The URL with any user name and password replaced, for printing (even a URL too
    broken to use: it is what an error message quotes)."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at:
        return url
    del userinfo
    return parts._replace(netloc=f"***:***@{host}").geturl()


_CREDENTIALS_IN_TEXT = re.compile(r"(//)[^/\s:@]*:[^/\s@]*@")


def mask_text(text: str) -> str:
    """Any `//user:pass@` inside a message (a proxy URL quoted by an error) masked."""
    return _CREDENTIALS_IN_TEXT.sub(r"\1***:***@", text)


def _proxy_url(value: str, source: str) -> str:
    value = value.strip()
    if "://" not in value:
        # curl and most tools read a bare host:port as an http proxy.
        value = f"http://{value}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise NetworkError(f"{source}: {mask(value)} is not a proxy address (a bad port?).") from None
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        raise NetworkError(
            f"{source}: {mask(value)} is not a proxy address; expected"
            " http://host:port (or https://, socks5://), for example http://proxy.firm.example:8080."
        )
    del port
    return value


def resolve(proxy: str | None, ca_file: Path | None, env: Mapping[str, str]) -> NetworkSettings:
    """--proxy over the environment's HTTPS_PROXY/HTTP_PROXY; NO_PROXY for bypass;
    --ca-file over NODE_EXTRA_CA_CERTS. Raises NetworkError for an unusable value."""
    source = FLAGS["proxy"]
    if not proxy:
        source, proxy = next(((k, env[k]) for k in PROXY_VARIABLES if env.get(k, "").strip()), ("", None))
    bypass = next((env[k].strip() for k in NO_PROXY_VARIABLES if env.get(k, "").strip()), None)
    url = _proxy_url(proxy, source) if proxy else None
    if url and bypass == "*":
        # NO_PROXY=* means: never a proxy.
        url, source, bypass = None, "", None
    ca_source = FLAGS["ca_file"]
    if ca_file is None and env.get("NODE_EXTRA_CA_CERTS", "").strip():
        ca_file, ca_source = Path(env["NODE_EXTRA_CA_CERTS"].strip()), "NODE_EXTRA_CA_CERTS"
    if ca_file is not None:
        ca_file = ca_file.expanduser()
        problem = _pem_problem(ca_file)
        if problem:
            raise NetworkError(f"{ca_source}: {ca_file} {problem}")
        ca_file = ca_file.resolve()
    return NetworkSettings(url, source if url else "", bypass, ca_file, ca_source if ca_file else "")


def _pem_problem(path: Path) -> str | None:
    try:
        head = path.read_bytes()
    except FileNotFoundError:
        return "does not exist."
    except OSError as exc:
        return f"cannot be read ({exc.strerror})."
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return (
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----); export the firm's CA as PEM (Base-64)."
        )
    return None


@contextlib.contextmanager
def driver_environment(settings: NetworkSettings | None) -> Iterator[None]:
    """Hold the CA variables in this process's environment while Playwright's driver
    starts (it copies the environment then; Node reads them once, at its start)."""
    wanted = {"NODE_USE_SYSTEM_CA": "1"}
    if settings is not None and settings.ca_file is not None:
        wanted["NODE_EXTRA_CA_CERTS"] = str(settings.ca_file)
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
