"""The replica over real loopback HTTP/1.1 with keep-alive: one port for the court, one for login.

Keep-alive is the point: Chromium silently re-sends a POST when a reused
connection closes before any answer, and only a real server with persistent
connections can show that. The two hosts have different names (127.0.0.1 and
localhost), so they are different origins with separate cookies, as in life.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import warnings
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from .court import LOGIN_COOKIE, ReplicaCourt
from .wire import Action, HostKind, Reply, Request

# Court hosts for several courts: cookies are per host name (not per port), so each
# court needs an address of its own for its sessions to stay apart, as on the real
# `ecf.<court>.uscourts.gov` hosts. Linux answers on all of 127/8; macOS only on
# 127.0.0.1 unless aliases are added.
COURT_ADDRESSES = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")

# How long a `hang` fault holds a connection when the client never gives up.
HANG_CAP_S = 120.0
# Idle keep-alive connections are closed after this long.
IDLE_TIMEOUT_S = 30.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        court: ReplicaCourt,
        host_kind: HostKind,
        stopping: threading.Event,
        address: str = "127.0.0.1",
        pick: Callable[[Request], ReplicaCourt] | None = None,
    ) -> None:
        super().__init__((address, 0), _Handler)
        self.court = court
        # Which court answers a request (one login host serves several courts).
        self.pick = pick or (lambda req: court)
        self.host_kind: HostKind = host_kind
        self.stopping = stopping
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            _hard_close(sock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:
        # Request lines carry one-time tokens; a replica stays quiet.
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request.build(self.command, self.server.host_kind, self.path, headers, body)
        reply = self.server.pick(req).handle(req)
        directive = reply.directive
        if directive.delay and self.server.stopping.wait(directive.delay):
            self._drop()
            return
        if directive.action in (Action.RESET, Action.REFUSE):
            self._drop()
        elif directive.action == Action.HANG:
            self._hang()
            self._drop()
        else:
            self._send(reply, truncate=directive.action == Action.TRUNCATE)

    def _send(self, reply: Reply, *, truncate: bool) -> None:
        body = b"" if self.command == "HEAD" else reply.body
        self.send_response(reply.status)
        for name, value in reply.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if truncate:
            # Promise the whole body (and more), deliver half, then vanish.
            self.send_header("Content-Length", str(len(reply.body) + 1024))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._drop()
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection at once; nothing more is written to it."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _hang(self) -> None:
        """Say nothing until the client closes its end, the server stops, or the cap."""
        waited = 0.0
        step = 0.2
        while waited < HANG_CAP_S and not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], step)
            waited += step
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return
                except OSError:
                    return


def _hard_close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class RunningReplica:
    """Both servers of one replica court; a context manager that stops them on exit."""

    def __init__(self, court: ReplicaCourt, address: str = "127.0.0.1") -> None:
        self.court = court
        self._stopping = threading.Event()
        self._servers = {
            "court": _Server(court, "court", self._stopping, address),
            "login": _Server(court, "login", self._stopping),
        }
        self.court_url = f"http://{address}:{self._servers['court'].server_address[1]}"
        self.login_url = f"http://localhost:{self._servers['login'].server_address[1]}"
        court.set_bases(self.court_url, self.login_url)
        self._threads = [
            threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"replica-{court.court_id}-{kind}",
                daemon=True,
            )
            for kind, server in self._servers.items()
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        for server in self._servers.values():
            server.shutdown()
            server.close_all()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> RunningReplica:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve(court: ReplicaCourt, address: str = "127.0.0.1") -> RunningReplica:
    """Start serving `court` on two ephemeral loopback ports; use as `with serve(court) as r:`.

    The court answers on `address` (another loopback address keeps its cookies apart
    from other courts'), its login host on `localhost`.
    """
    return RunningReplica(court, address)


class RunningCourts:
    """Several replica courts, each on its own loopback address, and one PACER login host.

    The courts must share one `SignOn` (see `scenarios.courts_sharing_signon`): a
    browser signed in at the login host is then signed in at all of them.
    """

    def __init__(self, courts: Sequence[ReplicaCourt], addresses: Sequence[str] = COURT_ADDRESSES) -> None:
        if not courts:
            raise ValueError("serve_courts needs at least one court")
        signons = {id(c.signon) for c in courts}
        if len(signons) != 1:
            raise ValueError("the courts must share one SignOn (scenarios.courts_sharing_signon)")
        self.courts = list(courts)
        self._stopping = threading.Event()
        # True when the courts had to share 127.0.0.1 (their cookies then collide).
        self.shared_address = False
        self._court_servers: list[_Server] = []
        for index, court in enumerate(self.courts):
            self._court_servers.append(self._bind(court, addresses, index))
        self._login = _Server(self.courts[0], "login", self._stopping, pick=self._pick_for_login)
        self.login_url = f"http://localhost:{self._login.server_address[1]}"
        self.court_urls: dict[str, str] = {}
        for court, server in zip(self.courts, self._court_servers, strict=True):
            host, port = server.server_address[:2]
            url = f"http://{host}:{port}"
            self.court_urls[court.court_id] = url
            court.set_bases(url, self.login_url)
        servers = [*self._court_servers, self._login]
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            for s in servers
        ]
        for thread in self._threads:
            thread.start()

    def _bind(self, court: ReplicaCourt, addresses: Sequence[str], index: int) -> _Server:
        address = addresses[index] if index < len(addresses) else "127.0.0.1"
        try:
            return _Server(court, "court", self._stopping, address)
        except OSError:
            self.shared_address = True
            warnings.warn(
                f"cannot bind {address} (add a loopback alias); court {court.court_id} shares "
                "127.0.0.1, so its cookies collide with another court's",
                stacklevel=3,
            )
            return _Server(court, "court", self._stopping)

    def _pick_for_login(self, req: Request) -> ReplicaCourt:
        """The court a login-host request is for: by pscCourtId, its appurl, or its session."""
        form: dict[str, str] = {}
        if req.method == "POST":
            with contextlib.suppress(ValueError):
                form = req.form()
        court_id = req.query.get("pscCourtId") or form.get("pscCourtId")
        by_id = {c.court_id: c for c in self.courts}
        if court_id in by_id:
            return by_id[court_id]
        signon = self.courts[0].signon
        appurl = req.query.get("appurl") or form.get("appurl")
        session = signon.sessions.get(req.cookies().get(LOGIN_COOKIE, ""))
        for url in (appurl, session.appurl if session else None):
            member = signon.court_for_appurl(url) if url else None
            if member is not None:
                return by_id[member.court_id]
        return self.courts[0]

    def url_of(self, court_id: str) -> str:
        return self.court_urls[court_id]

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        for server in [*self._court_servers, self._login]:
            server.shutdown()
            server.close_all()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> RunningCourts:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_courts(courts: Sequence[ReplicaCourt]) -> RunningCourts:
    """Serve courts on 127.0.0.1, 127.0.0.2, ... with one login host on localhost."""
    return RunningCourts(courts)
