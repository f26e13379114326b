"""`autolink doctor`'s checks: can this machine reach a court, by the browser and by the
request API, and keep secrets in a keyring?

It tells apart the two paths a run uses to reach a court (the browser, and the request
API that sends the final Submit), since behind a firm's proxy one may work without the
other. The browser comes from `browser.py` like every command's; the command line only
prints the checks. Playwright loads only when the checks start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from .words import FLAGS

if TYPE_CHECKING:
    from playwright.async_api import APIRequestContext, Browser, Playwright

    from .network import NetworkSettings


@dataclass
class Check:
    name: str
    ok: bool | None  # None: information only
    detail: str

    def line(self) -> str:
        mark = {True: "ok", False: "FAIL", None: "info"}[self.ok]
        return f"{mark:5} {self.name:16} {self.detail}"


_SPLIT_PATHS = (
    "the browser reached the court but the request API (the final Submit's path) did not:"
    " the browser may use the system's proxy settings or certificate store, the request API"
    f" only {FLAGS['proxy']} / HTTPS_PROXY and {FLAGS['ca_file']}; give them"
)

_BROWSER_ONLY_FAILS = (
    "the request API reached the court but the browser did not: the browser trusts only the"
    f" system's certificate store (not {FLAGS['ca_file']}) and may need the proxy's CA installed there"
)

# The court's "Document Filing System" link; its first redirect away is the login host.
COURT_LOGIN_PATH = "/cgi-bin/login.pl"
PACER_LOGIN_PAGE = "/csologin/login.jsf"


async def _get(
    request: APIRequestContext, url: str, timeout_ms: float, *, follow: bool = True
) -> tuple[Any, str | None]:
    """One GET; (response, None) or (None, why it failed)."""
    from playwright.async_api import Error as PlaywrightError

    from .submit_once import driver_reason

    try:
        response = await request.get(
            url, timeout=timeout_ms, max_retries=0, max_redirects=20 if follow else 0
        )
    except PlaywrightError as exc:
        return None, driver_reason(exc)
    return response, None


async def _answer_check(request: APIRequestContext, name: str, url: str, timeout_ms: float) -> Check:
    from .submit_once import status_trouble

    response, why = await _get(request, url, timeout_ms)
    if response is None:
        return Check(name, False, f"{url}: no answer: {why}")
    trouble = status_trouble(response.status)
    await response.dispose()
    if trouble:
        return Check(name, False, f"{url}: {trouble}")
    return Check(name, True, f"{url} answers (HTTP {response.status})")


async def _login_origin_of(
    request: APIRequestContext, court_url: str, timeout_ms: float
) -> tuple[str | None, str]:
    """The login host a replica or staging court sends its sign-in to, from its first redirect."""
    from .court_urls import origin_of

    url = urljoin(court_url.rstrip("/") + "/", COURT_LOGIN_PATH.lstrip("/"))
    response, why = await _get(request, url, timeout_ms, follow=False)
    if response is None:
        return None, f"{url}: no answer: {why}"
    location = response.headers.get("location", "")
    await response.dispose()
    if not location:
        return None, f"{url} did not send the sign-in elsewhere (HTTP {response.status})"
    return origin_of(urljoin(url, location)), ""


def keyring_check() -> Check:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken backend must not stop the other checks
        return Check("keyring", None, f"unavailable ({type(exc).__name__})")
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    inner = getattr(backend, "backends", None)
    if inner:
        name += " (" + ", ".join(type(b).__name__ for b in inner) + ")"
    if "fail" in type(backend).__module__ or getattr(backend, "priority", 1) <= 0:
        return Check(
            "keyring",
            None,
            f"no usable backend ({name}): secrets come from the environment, .env, the roster or a prompt",
        )
    return Check("keyring", True, name)


async def _browser_check(browser: Browser, name: str, url: str, timeout_ms: float) -> Check:
    """The same page through Chromium: its proxy settings and the OS certificate store."""
    from playwright.async_api import Error as PlaywrightError

    from .submit_once import status_trouble
    from .web.net import network_reason

    context = await browser.new_context(service_workers="block")
    try:
        page = await context.new_page()
        response = await page.goto(url, timeout=timeout_ms, wait_until="domcontentloaded")
    except PlaywrightError as exc:
        return Check(f"{name} (browser)", False, f"{url}: {network_reason(exc, url)}")
    finally:
        await context.close()
    trouble = status_trouble(response.status) if response is not None else None
    if trouble:
        return Check(f"{name} (browser)", False, f"{url}: {trouble}")
    return Check(f"{name} (browser)", True, f"{url} loads in the browser")


async def _court_checks(
    pw: Playwright,
    browser: Browser | None,
    *,
    court_url: str | None,
    court_label: str,
    learn_login_host: bool,
    settings: NetworkSettings,
    timeout_ms: float,
) -> list[Check]:
    """The court and its login host by the request API, and the court by the browser."""
    from .court_urls import PACER_LOGIN_ORIGIN

    checks: list[Check] = []
    request = await pw.request.new_context(proxy=settings.playwright_proxy())  # type: ignore[arg-type]
    try:
        if court_url:
            direct = await _answer_check(request, court_label, court_url, timeout_ms)
            checks.append(direct)
            if browser is not None:
                seen = await _browser_check(browser, court_label, court_url, timeout_ms)
                checks.append(seen)
                if seen.ok and not direct.ok:
                    checks.append(Check("hint", None, _SPLIT_PATHS))
                if direct.ok and not seen.ok:
                    checks.append(Check("hint", None, _BROWSER_ONLY_FAILS))
        login_origin: str | None = PACER_LOGIN_ORIGIN
        if court_url and learn_login_host:
            login_origin, why = await _login_origin_of(request, court_url, timeout_ms)
            if login_origin is None:
                checks.append(Check("login host", False, why))
        if login_origin:
            checks.append(
                await _answer_check(request, "login host", login_origin + PACER_LOGIN_PAGE, timeout_ms)
            )
    finally:
        await request.dispose()
    return checks


async def reach_checks(
    *,
    court_url: str | None,
    court_label: str,
    learn_login_host: bool,
    settings: NetworkSettings,
    explicit_browser: str | None,
    env: Mapping[str, str],
    timeout_ms: float,
) -> list[Check]:
    """The browser, then the court and its login host by each path, then a hint when the
    proxy itself is what failed. A browser that is missing or does not start fails its
    own check; the request API is tried all the same."""
    from playwright.async_api import Error as PlaywrightError

    from . import browser as browser_mod

    checks: list[Check] = []
    async with contextlib.AsyncExitStack() as stack:
        pw = await stack.enter_async_context(browser_mod.driver(settings))
        own: Browser | None = None
        try:
            choice = browser_mod.find_browser(
                explicit_browser, env=env, playwright_path=pw.chromium.executable_path
            )
            opened = browser_mod.opened(pw, explicit_browser, env=dict(env), network=settings)
            own, _ = await stack.enter_async_context(opened)
        except browser_mod.BrowserNotFound as exc:
            checks.append(Check("browser", False, str(exc)))
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            checks.append(Check("browser", False, f"{choice.describe()} does not start: {first}"))
        else:
            checks.append(Check("browser", True, f"{choice.describe()}, version {own.version}"))
        checks += await _court_checks(
            pw,
            own,
            court_url=court_url,
            court_label=court_label,
            learn_login_host=learn_login_host,
            settings=settings,
            timeout_ms=timeout_ms,
        )
    if settings.proxy:
        proxy_at = urlsplit(settings.proxy).netloc.rpartition("@")[2]
        if any(c.ok is False and proxy_at in c.detail for c in checks):
            why = f"the proxy at {proxy_at} itself did not answer: check its address"
            checks.append(Check("hint", None, why))
    return checks
