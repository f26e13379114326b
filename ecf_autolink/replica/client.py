"""A browser-shaped client for the pure state machine: cookies per host, redirects followed.

For tests and scripts that want the replica's behaviour without a browser or sockets.
"""

from __future__ import annotations

from urllib.parse import urljoin

from .court import ReplicaCourt
from .wire import Action, Reply, Request, encode_multipart, encode_urlencoded


class DroppedAnswer(ConnectionError):
    def __init__(self, action: Action) -> None:
        super().__init__(f"the replica dropped the answer ({action})")
        self.action = action


class PureClient:
    def __init__(self, court: ReplicaCourt, *, max_redirects: int = 10) -> None:
        self.court = court
        self.max_redirects = max_redirects
        self.jars: dict[str, dict[str, str]] = {"court": {}, "login": {}}
        self.url = ""

    def get(self, url: str) -> Reply:
        return self.request("GET", url)

    def post(self, url: str, fields: dict[str, str], *, multipart: bool = False) -> Reply:
        body, content_type = encode_multipart(fields) if multipart else encode_urlencoded(fields)
        return self.request("POST", url, body=body, content_type=content_type)

    def request(
        self, method: str, url: str, *, body: bytes = b"", content_type: str = "", follow: bool = True
    ) -> Reply:
        for _ in range(self.max_redirects + 1):
            reply = self._once(method, url, body, content_type)
            location = reply.header("Location")
            if not follow or reply.status not in (301, 302, 303, 307) or location is None:
                return reply
            # Browsers turn a redirected POST into a GET for 302/303.
            url, method, body, content_type = urljoin(url, location), "GET", b"", ""
        raise RuntimeError(f"more than {self.max_redirects} redirects")

    def _once(self, method: str, url: str, body: bytes, content_type: str) -> Reply:
        kind = self.court.host_kind_of(url)
        if kind is None:
            raise ValueError(f"{url} is not on the replica")
        jar = self.jars[kind]
        headers = {"cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        if content_type:
            headers["content-type"] = content_type
        reply = self.court.handle(Request.build(method, kind, url, headers, body))  # type: ignore[arg-type]
        if reply.directive.action not in (Action.REPLY, Action.LOOP):
            raise DroppedAnswer(reply.directive.action)
        self.url = url
        for line in reply.header_values("Set-Cookie"):
            self._store(jar, line)
        return reply

    @staticmethod
    def _store(jar: dict[str, str], line: str) -> None:
        pair, *attrs = (part.strip() for part in line.split(";"))
        name, _, value = pair.partition("=")
        if any(a.lower() == "max-age=0" for a in attrs):
            jar.pop(name, None)
        else:
            jar[name] = value
