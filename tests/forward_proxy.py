"""A small forward proxy on loopback, for tests: CONNECT tunnels and absolute-URI requests.

It knows host names nobody else resolves (`names`), so a replica court published under
such a name is reachable only through it. It records what it forwarded, and can be told
to go down (every connection refused from then on), at once or after a given request.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Seen:
    # ("CONNECT", "host:port") for a tunnel; ("GET", "http://host:port/path") for a request.
    requests: list[tuple[str, str]] = field(default_factory=list)
    refused: int = 0


class ForwardProxy:
    def __init__(
        self,
        names: dict[str, str],
        *,
        down_after: Callable[[str, str], bool] | None = None,
        hold: Callable[[str, bytes], float] | None = None,
    ) -> None:
        self.names = dict(names)
        self.seen = Seen()
        self.down = threading.Event()
        # Called with (method, target) after each forwarded request: True takes the proxy down.
        self.down_after = down_after
        # Called with (tunnel target, bytes from the client) before they are passed on:
        # seconds to hold them first (a slow proxy); they are passed on even if the client
        # has gone meanwhile, as a real proxy holding a request would.
        self.hold = hold
        self.holding = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1})

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.go_down()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def go_down(self) -> None:
        """Refuse everything from now on, and drop the connections already open."""
        self.down.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def requests_to(self, host: str) -> list[tuple[str, str]]:
        return [(m, t) for m, t in self.seen.requests if host in t]

    # -- the work --------------------------------------------------------------------

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        with contextlib.suppress(OSError):
            sock.close()

    def _address(self, host: str, port: int) -> tuple[str, int] | None:
        ip = self.names.get(host)
        return (ip, port) if ip else None

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        try:
            if self.down.is_set():
                self.seen.refused += 1
                return
            head, rest = _read_head(client)
            if not head:
                return
            request_line, _, header_block = head.partition(b"\r\n")
            method, target, _version = request_line.decode("latin-1").split(" ", 2)
            if method == "CONNECT":
                self._tunnel(client, target, rest)
            else:
                self._forward(client, method, target, header_block, rest)
        except OSError:
            pass
        finally:
            self._forget(client)

    def _tunnel(self, client: socket.socket, target: str, rest: bytes) -> None:
        host, _, port = target.rpartition(":")
        address = self._address(host, int(port))
        if address is None:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        self.seen.requests.append(("CONNECT", target))
        upstream = socket.create_connection(address, timeout=30)
        self._track(upstream)
        try:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            _pipe(client, upstream, self.down, self._holder(target))
        finally:
            self._forget(upstream)
        self._maybe_down("CONNECT", target)

    def _forward(
        self, client: socket.socket, method: str, target: str, header_block: bytes, rest: bytes
    ) -> None:
        parts = urlsplit(target)
        address = self._address(parts.hostname or "", parts.port or 80)
        if address is None:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        self.seen.requests.append((method, target))
        headers = [
            line
            for line in header_block.split(b"\r\n")
            if line and not line.lower().startswith((b"proxy-", b"connection:", b"keep-alive:"))
        ]
        length = next(
            (int(line.split(b":", 1)[1]) for line in headers if line.lower().startswith(b"content-length:")),
            0,
        )
        body = rest
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                return
            body += chunk
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        upstream = socket.create_connection(address, timeout=30)
        self._track(upstream)
        try:
            upstream.sendall(
                f"{method} {path} HTTP/1.1\r\n".encode("latin-1")
                + b"\r\n".join(headers)
                + b"\r\nConnection: close\r\n\r\n"
                + body
            )
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        finally:
            self._forget(upstream)
        answer_head, sep, answer_body = answer.partition(b"\r\n\r\n")
        kept = [
            line
            for line in answer_head.split(b"\r\n")
            if not line.lower().startswith((b"connection:", b"keep-alive:"))
        ]
        # One request per connection: the client opens another for the next.
        client.sendall(b"\r\n".join(kept) + b"\r\nConnection: close" + sep + answer_body)
        self._maybe_down(method, target)

    def _holder(self, target: str) -> Callable[[bytes], None] | None:
        hold = self.hold
        if hold is None:
            return None

        def wait(chunk: bytes) -> None:
            seconds = hold(target, chunk)
            if seconds > 0:
                self.holding.set()
                time.sleep(seconds)

        return wait

    def _maybe_down(self, method: str, target: str) -> None:
        if self.down_after is not None and self.down_after(method, target):
            self.go_down()


def _read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b"", b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _pipe(
    a: socket.socket, b: socket.socket, down: threading.Event, hold: Callable[[bytes], None] | None = None
) -> None:
    while not down.is_set():
        readable, _, _ = select.select([a, b], [], [], 0.2)
        for sock in readable:
            try:
                chunk = sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                return
            if sock is a and hold is not None:
                hold(chunk)
            (b if sock is a else a).sendall(chunk)
