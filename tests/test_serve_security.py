"""`autolink serve`'s door (issue 22, item 3): loopback only, the token then a cookie,
the Host header, Origin and the CSRF token on every state-changing request, no CORS,
uploads size-limited and read by the roster reader with its located errors."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
from pathlib import Path

from serve_support import Served, served
from support import empty_env_file, env_without_credentials

from ecf_autolink.roster import RosterError, load_roster


def _request(
    server: Served, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{server.port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def _session(server: Served) -> tuple[str, str]:
    """The cookie the token is exchanged for, and the page's CSRF token."""
    token = server.url.split("token=", 1)[1]
    status, headers, _ = _request(server, "GET", f"/?token={token}")
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and token not in cookie
    pair = cookie.split(";", 1)[0]
    status, _, page = _request(server, "GET", "/", {"Cookie": pair})
    assert status == 200
    match = re.search(r'<meta name="csrf" content="([^"]+)">', page)
    assert match
    return pair, match.group(1)


def test_each_way_in_without_the_token_the_host_the_origin_or_the_csrf_token_is_refused(
    tmp_path: Path,
) -> None:
    env = env_without_credentials()
    args = ["--court-url", "canb=http://127.0.0.1:9", "--env-file", str(empty_env_file(tmp_path))]
    with served(tmp_path, env, *args) as server:
        origin = server.base
        # No token, no cookie; a wrong token.
        assert _request(server, "GET", "/")[0] == 403
        assert _request(server, "GET", "/?token=not-the-token")[0] == 403
        assert _request(server, "GET", "/board")[0] == 403
        cookie, csrf = _session(server)
        good = {"Cookie": cookie, "Origin": origin, "X-CSRF-Token": csrf, "Content-Type": "application/json"}
        # A DNS-rebinding page sends its own host name, with the cookie or not.
        assert (
            _request(server, "GET", "/", {"Host": f"evil.example:{server.port}", "Cookie": cookie})[0] == 421
        )
        assert _request(server, "GET", "/", {"Host": "127.0.0.1", "Cookie": cookie})[0] == 421
        # A cross-origin POST, a POST with no Origin, and one without (or with a wrong) CSRF token.
        status, headers, body = _request(
            server, "POST", "/look", {**good, "Origin": "http://evil.example"}, b"{}"
        )
        assert status == 403 and "access-control-allow-origin" not in headers
        assert (
            _request(server, "POST", "/look", {k: v for k, v in good.items() if k != "Origin"}, b"{}")[0]
            == 403
        )
        no_csrf = {k: v for k, v in good.items() if k != "X-CSRF-Token"}
        assert _request(server, "POST", "/acknowledge", no_csrf, b'{"yes": true}')[0] == 403
        assert _request(server, "POST", "/acknowledge", {**good, "X-CSRF-Token": "x" + csrf}, b"{}")[0] == 403
        # The same request with everything right is heard (and no CORS header anywhere).
        status, headers, body = _request(server, "POST", "/acknowledge", good, b'{"yes": true}')
        assert status == 200 and json.loads(body) == {"ok": "recorded"}
        assert not any(h.startswith("access-control-") for h in headers)
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        # Uploads: too large is refused unread; a bad roster gets the roster reader's own words.
        upload = {**good, "Content-Type": "application/octet-stream", "X-Roster-Name": "firm.csv"}
        assert _request(server, "POST", "/roster", upload, b"x" * 1_000_001)[0] == 413
        bad = (
            b"court,name,pacer_username,pacer_password,cmecf_username,cmecf_password\n"
            b"canb,Ann,ann,,ann_ecf,pw\n"
        )
        status, _, body = _request(server, "POST", "/roster", upload, bad)
        assert status == 409
        (tmp_path / "firm.csv").write_bytes(bad)
        try:
            load_roster(tmp_path / "firm.csv", courts=[], env={})
        except RosterError as exc:
            expected = str(exc)
        assert json.loads(body)["error"] == expected
        assert "firm.csv" in expected and "line 2" in expected
        assert server.url.split("token=", 1)[1] not in server.stderr()


def test_any_address_but_loopback_is_refused_before_listening(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ecf_autolink",
            "serve",
            "--no-open",
            "--host",
            "0.0.0.0",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=env_without_credentials(),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2 and "--host 0.0.0.0" in done.stderr and done.stdout == ""
