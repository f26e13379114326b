"""`python -m ecf_autolink.replica`: serve the demo court on loopback until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from .http_server import serve
from .scenarios import DEMO_ATTORNEYS, DEMO_COURT_ID, DEMO_COURT_NAME, demo_court


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ecf_autolink.replica", description=__doc__)
    parser.add_argument("--court", default=DEMO_COURT_ID, help="court id shown by the replica")
    parser.add_argument("--name", default=DEMO_COURT_NAME, help="court name shown by the replica")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--not-nextgen", action="store_true", help="offer no link item under Utilities")
    args = parser.parse_args(argv)

    court = demo_court(args.court, args.name, nextgen=not args.not_nextgen)
    court.faults.latency = args.latency
    with serve(court) as running:
        print(f"court:      {running.court_url}/", flush=True)
        print(f"PACER login: {running.login_url}/csologin/login.jsf", flush=True)
        print("sample PACER users: " + ", ".join(a.pacer_username for a in DEMO_ATTORNEYS), flush=True)
        print("(credentials: ecf_autolink/replica/scenarios.py; Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", flush=True)


if __name__ == "__main__":
    main()
