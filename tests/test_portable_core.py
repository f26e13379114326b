"""The package runs where POSIX-only modules do not exist (Windows): every module imports,
and the demo's roster goes through the plan, the journal and the backup codes (issue 13).

The child process refuses `fcntl`, `termios`, `pwd`, `grp` and `resource` at import, as
Windows has none of them, and has no `os.fchmod` (Windows before Python 3.13 has none).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import importlib, importlib.abc, json, os, pkgutil, sys, threading

    POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource"}

    class RefusePosixOnly(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in POSIX_ONLY:
                raise ModuleNotFoundError(f"No module named {name!r} (refused: POSIX-only)", name=name)
            return None

    for name in POSIX_ONLY:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, RefusePosixOnly())
    del os.fchmod

    import ecf_autolink
    imported = []
    for info in pkgutil.walk_packages(ecf_autolink.__path__, "ecf_autolink."):
        if info.name == "ecf_autolink.__main__":  # importing it runs the command line
            continue
        importlib.import_module(info.name)
        imported.append(info.name)
    leaked = sorted(POSIX_ONLY & set(sys.modules))

    import asyncio
    from pathlib import Path
    from ecf_autolink.demo import prepare
    from ecf_autolink.journal import FolderRefused, Journal
    from ecf_autolink.otp import build_provider
    from ecf_autolink.outcome import Result
    from ecf_autolink.plan import build_plan
    from ecf_autolink.replica.scenarios import DEMO_COURT_ID
    from ecf_autolink.report import write_reports

    out = Path(sys.argv[1])
    attorneys, expected = prepare(out)
    rows = build_plan(attorneys, {DEMO_COURT_ID: "http://127.0.0.1:9/"}, login_origin=None)
    codes_taken = {}
    with Journal.open(out) as journal:
        try:
            Journal.open(out)
            second_run = "allowed"
        except FolderRefused as exc:
            second_run = str(exc)
        journal.bind_sites({DEMO_COURT_ID: rows[0].court_url})
        keys = [journal.row_key(row.attorney) for row in rows]
        journal.plan([(key, row.attorney.label()) for key, row in zip(keys, rows)])
        for key, row in zip(keys, rows):
            a = row.attorney
            journal.start(key, "start")
            journal.step(key, "one-time passcode")
            if a.backup_codes_file:
                provider = build_provider(None, a.backup_codes_file, None)
                # Two logins at once must never be handed the same code.
                got = []
                threads = [
                    threading.Thread(target=lambda: got.append(asyncio.run(provider.first()).reveal()))
                    for _ in range(2)
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                codes_taken[str(a.backup_codes_file)] = got
            journal.mark_submitting(key)
            outcome = expected[a.pacer_username]
            journal.finish(key, Result(a.court, a.name, a.pacer_username, outcome, f"{a.label()}: {outcome}"))
        results = journal.results()
    paths = write_reports(results, out, lambda court: court)

    # Two processes' TOTP sources for one account share the ledger's file lock and file.
    from ecf_autolink.otp import TotpSource, WindowLedger
    from ecf_autolink.secret import Secret
    async def no_wait(seconds):
        return None
    totp_codes = [
        asyncio.run(TotpSource(
            Secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), clock=lambda: 1_800_000_010.0, sleep=no_wait,
            ledger=WindowLedger(out / "totp-ledger", "JDoe"),
        ).code()).reveal()
        for _ in range(2)
    ]
    with Journal.open(out) as again:
        states = {s.key: s.state for s in again.states()}
    print(json.dumps({
        "imported": imported,
        "leaked": leaked,
        "second_run": second_run,
        "states": states,
        "expected": {k: str(v) for k, v in expected.items()},
        "codes_taken": codes_taken,
        "totp_codes": totp_codes,
        "reports": [str(p) for p in (paths.json, paths.csv, paths.html)],
    }))
    """
)


def test_the_package_runs_without_posix_only_modules(tmp_path: Path) -> None:
    out = tmp_path / "out"
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)

    modules = set(report["imported"])
    package = REPO / "ecf_autolink"
    on_disk = {
        ".".join(("ecf_autolink", *p.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
        for p in package.rglob("*.py")
        if p.name != "__main__.py"
    } - {"ecf_autolink"}
    assert on_disk <= modules, on_disk - modules
    assert report["leaked"] == []

    assert "another run is using" in report["second_run"]
    assert set(report["expected"]) == {key.split("/")[1] for key in report["states"]}
    for key, state in report["states"].items():
        assert state == report["expected"][key.split("/")[1]], key

    assert report["codes_taken"], "the demo roster has a backup-codes attorney"
    for codes_file, taken in report["codes_taken"].items():
        path = out / codes_file if not Path(codes_file).is_absolute() else Path(codes_file)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(set(taken)) == 2, "two logins were handed the same backup code"
        for code in taken:
            assert any(line.startswith("# used ") and line.endswith(" " + code) for line in lines)
            assert code not in [line.strip() for line in lines]
        assert b"\r" not in path.read_bytes()

    assert len(set(report["totp_codes"])) == 2, "two processes' sources sent one window twice"

    for report_path in report["reports"]:
        assert Path(report_path).stat().st_size > 0


def test_the_folder_lock_refuses_a_second_process_and_dies_with_its_holder(tmp_path: Path) -> None:
    from ecf_autolink.journal import FolderRefused, Journal

    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from ecf_autolink.journal import Journal;"
            " j = Journal.open(Path(sys.argv[1])); print('held', flush=True); time.sleep(120)",
            str(out),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        try:
            Journal.open(out).close()
            refused = ""
        except FolderRefused as exc:
            refused = str(exc)
        assert f"another run is using {out}" in refused
    finally:
        holder.kill()  # no clean-up code runs: only the OS can free the lock
        holder.wait(timeout=30)
    Journal.open(out).close()
