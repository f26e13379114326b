"""Traces rewritten by shape (issue 23): no cookie, token, passcode or secret field survives."""

from __future__ import annotations

import io
import json
import zipfile

from ecf_autolink.trace_scrub import REDACTED, scrub_trace

TOKEN = "wNpFeIz8dDubfmpTjQnfjQzLHbA17cuoM859N92TT6A"
COURT_SESSION = "c0urt-sess10n-0f-the-c0urt-XYZ"
CODE = "064133"
BEARER = "Bearer abcdefghijklmnop"


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_every_credential_is_taken_out_of_every_file() -> None:
    network = {
        "type": "resource-snapshot",
        "snapshot": {
            "request": {
                "url": f"http://court/cgi-bin/login.pl?cso_token={TOKEN}",
                "headers": [
                    {"name": "Cookie", "value": f"NextGenCSO={TOKEN}; CMECF_SESSION={COURT_SESSION}"},
                    {"name": "Authorization", "value": BEARER},
                    {"name": "Accept", "value": "text/html"},
                ],
                "cookies": [{"name": "CMECF_SESSION", "value": COURT_SESSION}],
                "postData": {"text": f"mfaForm%3AmfaInput={CODE}&javax.faces.source=mfaForm%3AbtnOk"},
            },
            "response": {"headers": [{"name": "Set-Cookie", "value": f"NextGenCSO={TOKEN}; Path=/"}]},
        },
    }
    actions = [
        {"type": "before", "method": "fill", "params": {"selector": "#mfaForm\\:mfaInput", "value": CODE}},
        {"type": "log", "message": f'fill("{CODE}")'},
        {
            "type": "frame-snapshot",
            "html": ["INPUT", {"name": "mfaForm:mfaInput", "__playwright_value_": CODE}],
        },
    ]
    raw = _zip(
        {
            "trace.network": json.dumps(network) + "\n",
            "trace.trace": "\n".join(json.dumps(a) for a in actions) + "\n",
            "resources/a.html": f"<a href='/x?cso_token={TOKEN}'>go</a><p>{TOKEN}</p>",
            "resources/b.dat": f"loginForm%3Apassword=hunter22&mfaForm%3AmfaInput={CODE}",
            "resources/c.json": json.dumps({"loginId": "jdoe", "password": "hunter22", "otpCode": CODE}),
        }
    )
    scrubbed = scrub_trace(raw)
    assert scrubbed.data is not None
    with zipfile.ZipFile(io.BytesIO(scrubbed.data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode()
            for secret in (TOKEN, COURT_SESSION, CODE, BEARER, "hunter22"):
                assert secret not in text, (name, secret)
        assert "text/html" in archive.read("trace.network").decode()  # what is not secret stays
        assert "jdoe" in archive.read("resources/c.json").decode()
        assert REDACTED in archive.read("resources/b.dat").decode()


def test_a_trace_that_cannot_be_read_is_refused_with_a_reason() -> None:
    scrubbed = scrub_trace(b"not a zip")
    assert scrubbed.data is None and "could not be read" in scrubbed.refused
