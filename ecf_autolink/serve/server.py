"""Serving the page: a socket on loopback, the address with its token as the first line
on stdout, uvicorn in this process's event loop (the runs share it), and Ctrl-C ending a
run as the command line's does."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import webbrowser
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn

from ..words import FLAGS
from .app import build_app
from .security import Sessions, is_loopback
from .workspace import ServeConfig, Workspace


class _Server(uvicorn.Server):
    """uvicorn's server, whose first Ctrl-C also stops the run (and re-raises nothing)."""

    def __init__(self, config: uvicorn.Config, workspace: Workspace) -> None:
        super().__init__(config)
        self.workspace = workspace
        self.interrupted = False
        self.loop: asyncio.AbstractEventLoop | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True
        self.interrupted = True
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.workspace.begin_stop)


def bind(host: str, port: int) -> socket.socket:
    if not is_loopback(host):
        raise ValueError(
            f"{FLAGS['host']} {host}: the page listens on this computer only (127.0.0.1 or localhost)"
        )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows this option would let another program share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


async def serve(
    config: ServeConfig,
    sock: socket.socket,
    *,
    open_browser: bool,
    roster: Path | None = None,
    attorneys: tuple[str, list[Any]] | None = None,
) -> tuple[Workspace, bool]:
    """Serve until Ctrl-C; the workspace and whether a run was cut short. `attorneys`:
    a roster already read (the demo's), with the name the page shows for it."""
    workspace = Workspace(config)
    if roster is not None:
        workspace.open_roster_file(roster)
    if attorneys is not None:
        workspace.use_attorneys(*attorneys)
    port = sock.getsockname()[1]
    sessions = Sessions()
    app = build_app(workspace, sessions, port)
    server = _Server(
        uvicorn.Config(
            app,
            log_level="warning",
            # The first address holds the token: no access log may keep it.
            access_log=False,
            lifespan="off",
            loop="asyncio",
            timeout_graceful_shutdown=3,
        ),
        workspace,
    )
    server.loop = asyncio.get_running_loop()
    sock.listen(64)
    address = f"http://127.0.0.1:{port}/?token={sessions.token}"
    print(address, flush=True)
    print(
        "autolink serve: open the address above in this computer's browser; Ctrl-C here stops the server"
        " (a run in progress stops as Ctrl-C stops `autolink plan`).",
        file=sys.stderr,
        flush=True,
    )
    if open_browser:
        with contextlib.suppress(Exception):
            webbrowser.open(address)
    try:
        await server.serve(sockets=[sock])
    finally:
        await workspace.stop()
    return workspace, workspace.cut_short and server.interrupted
