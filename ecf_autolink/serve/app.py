"""The page's routes (Starlette): the page, its live part, the event stream, and the few
actions a person takes. Every route sits behind `security.Gate`; every action answers
JSON `{"ok": ..., "error": ...}` and never echoes what was typed."""

from __future__ import annotations

import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..views import environment, static_text
from ..views.matrix import Cell, build_matrix
from .passcode_boxes import PASSCODE_WAIT_S
from .refused import Refused
from .roster_upload import UPLOAD_LIMIT
from .security import Gate, Sessions
from .typed_attorney import TYPED_FIELDS
from .workspace import Workspace

REDACTION_NOTICE = (
    "IMPORTANT NOTICE OF REDACTION RESPONSIBILITY: All filers must redact: Social Security or"
    " taxpayer-identification numbers; dates of birth; names of minor children; financial account"
    " numbers; and in criminal cases, home addresses, in compliance with Fed. R. App. P. 25(a)(5),"
    " Fed. R. Civ. P. 5.2, Fed. R. Crim. P. 49.1, or Fed. R. Bankr. P. 9037. PACER shows every filer"
    " this notice at sign-in, with the box: \u201cI understand that, if I file, I must comply with the"
    " redaction rules. I have read this notice.\u201d"
)
REPORTS = {"report.html": "text/html", "report.csv": "text/csv", "report.json": "application/json"}
STATIC = {"page.js": "text/javascript", "page.css": "text/css", "matrix.css": "text/css"}
_FOLDER = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
_SHOT = re.compile(r"^(confirmation|failure-[A-Za-z0-9_-]{1,60})\.png$")


@cache
def _templates() -> jinja2.Environment:
    return environment().overlay(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("ecf_autolink.serve", "templates"), environment().loader]  # type: ignore[list-item]
        )
    )


def _static(name: str) -> str:
    if name == "matrix.css":
        return static_text(name)
    from importlib import resources

    return resources.files("ecf_autolink.serve").joinpath("static").joinpath(name).read_text(encoding="utf-8")


def board_context(ws: Workspace) -> dict[str, Any]:
    approvable = ws.approvable()
    cells = [
        (
            v.name,
            Cell(
                v.court,
                v.pacer_username,
                v.word,
                v.message,
                v.cmecf_name,
                v.pacer_name,
                v.screenshot,
                step=v.step,
                approvable=key in approvable,
                finished=v.finished,
            ),
        )
        for key, v in ws.views.items()
    ]
    job = ws.job
    now = time.time()
    asks = [
        {
            "id": a.id,
            "who": a.who,
            "message": a.message,
            "left": max(0, int(PASSCODE_WAIT_S - (now - a.asked))),
        }
        for a in ws.asks.values()
    ]
    reports = ws.config.out / "report.html"
    return {
        "matrix": build_matrix(cells),
        "job": job,
        "running": job is not None and not job.done,
        "asks": asks,
        "notes": ws.notes[-6:],
        "roster": ws.roster_name,
        "rows": len(ws.rows),
        "acknowledged": ws.acknowledged,
        "approvable": len(approvable),
        "has_plan": ws.plan is not None,
        "plan_time": ws.plan.created_at.isoformat() if ws.plan else None,
        "report": reports.is_file(),
        "out": str(ws.config.out),
    }


def build_app(ws: Workspace, sessions: Sessions, port: int) -> Gate:
    async def page(request: Request) -> Response:
        html = (
            _templates()
            .get_template("page.html")
            .render(
                csrf=request.scope["state"]["csrf"],
                notice=REDACTION_NOTICE,
                upload_limit=UPLOAD_LIMIT,
                courts=ws.config.courts,
                **board_context(ws),
            )
        )
        return HTMLResponse(html)

    async def board(request: Request) -> Response:
        return HTMLResponse(_templates().get_template("_board.html").render(**board_context(ws)))

    async def events(request: Request) -> Response:
        return StreamingResponse(ws.changes.stream(), media_type="text/event-stream")

    async def roster(request: Request) -> Response:
        name = request.headers.get("x-roster-name", "")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > UPLOAD_LIMIT:
            return _answer(Refused(f"{name or 'the file'}: larger than {UPLOAD_LIMIT // 1000} kB"), 413)
        data = bytearray()
        async for chunk in request.stream():
            data.extend(chunk)
            if len(data) > UPLOAD_LIMIT:
                return _answer(Refused(f"{name or 'the file'}: larger than {UPLOAD_LIMIT // 1000} kB"), 413)
        try:
            count = ws.open_roster(name, bytes(data))
        except Refused as exc:
            return _answer(exc)
        return JSONResponse({"ok": f"{count} attorney-court row(s) read from {ws.roster_name}"})

    async def attorney(request: Request) -> Response:
        body = await _json(request)
        typed = {k: v for k, v in body.items() if k in TYPED_FIELDS or k == "court"}
        if not all(isinstance(v, str) for v in typed.values()):
            return _answer(Refused("the form's values are text"))
        try:
            said = ws.add_attorney(typed, body.get("save") is True)
        except Refused as exc:
            return _answer(exc)
        return JSONResponse({"ok": said})

    async def acknowledge(request: Request) -> Response:
        body = await _json(request)
        try:
            ws.acknowledge(body.get("yes") is True)
        except Refused as exc:
            return _answer(exc)
        return JSONResponse({"ok": "recorded"})

    async def look(request: Request) -> Response:
        try:
            ws.start_look()
        except Refused as exc:
            return _answer(exc)
        return JSONResponse({"ok": "looking at the courts; nothing will be submitted"})

    async def link(request: Request) -> Response:
        body = await _json(request)
        keys = body.get("rows")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            return _answer(Refused("no rows named"))
        try:
            count = ws.start_link(keys)
        except Refused as exc:
            return _answer(exc)
        return JSONResponse({"ok": f"linking {count} approved row(s)"})

    async def passcode(request: Request) -> Response:
        body = await _json(request)
        ask_id, code = body.get("id"), body.get("code")
        if not isinstance(ask_id, str) or not isinstance(code, str):
            return _answer(Refused("no passcode given"))
        try:
            ws.answer_passcode(ask_id, code)
        except Refused as exc:
            return _answer(exc)
        return JSONResponse(
            {"ok": "passcode handed to the run" if code else "no passcode: that row ends mfa_required"}
        )

    async def download(request: Request) -> Response:
        name = request.path_params["name"]
        path = ws.config.out / name
        if name not in REPORTS or not path.is_file():
            return Response("No such report yet.", 404, media_type="text/plain")
        return FileResponse(path, media_type=REPORTS[name], filename=name)

    async def evidence(request: Request) -> Response:
        folder, file = request.path_params["folder"], request.path_params["file"]
        if not _FOLDER.match(folder) or folder in (".", "..") or not _SHOT.match(file):
            return Response("Not found.", 404, media_type="text/plain")
        path = ws.config.out / folder / file
        if not path.is_file() or path.resolve().parent.parent != ws.config.out.resolve():
            return Response("Not found.", 404, media_type="text/plain")
        return FileResponse(path, media_type="image/png")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("Not found.", 404, media_type="text/plain")
        return Response(_static(name), media_type=STATIC[name])

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/board", board),
            Route("/events", events),
            Route("/roster", roster, methods=["POST"]),
            Route("/attorney", attorney, methods=["POST"]),
            Route("/acknowledge", acknowledge, methods=["POST"]),
            Route("/look", look, methods=["POST"]),
            Route("/link", link, methods=["POST"]),
            Route("/passcode", passcode, methods=["POST"]),
            Route("/download/{name}", download),
            Route("/evidence/{folder}/{file}", evidence),
            Route("/static/{name}", static),
        ]
    )
    return Gate(app, sessions, port)


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > 10_000:
        return {}
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _answer(exc: Exception, status: int = 409) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=status)


def out_files(out: Path) -> list[str]:
    return [name for name in REPORTS if (out / name).is_file()]
