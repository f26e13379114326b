"""The journal: lifecycle, resume decisions, durability across processes, and privacy."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecf_autolink.attorney import Attorney
from ecf_autolink.journal import FILE_NAME, FolderRefused, Journal, JournalError, RowState
from ecf_autolink.outcome import Outcome, Result
from ecf_autolink.row_life import Action, Standing
from ecf_autolink.row_life import decide as decide_action
from ecf_autolink.secret import Secret

REPO = Path(__file__).resolve().parent.parent
PACER_PW = "Pacer-Pw-7731!"
CMECF_PW = "Ecf-Pw-5519?"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def decide(state: RowState | None) -> str:
    """What a plain run (no look-only option, sender gone) does with a row, in the
    journal's old words: "skip", "run" or "needs_recheck" (look first)."""
    choice = decide_action(Standing.of(state), recheck=False, sender_alive=False, now=datetime.now(UTC))
    return {Action.SKIP: "skip", Action.RUN_FRESH: "run", Action.LOOK_FIRST: "needs_recheck"}[choice.action]


def attorney(
    pacer: str = "jdoe", court: str = "canb", cmecf: str = "jdoe_ecf", name: str = "Jane Doe"
) -> Attorney:
    return Attorney(
        court=court,
        pacer_username=pacer,
        pacer_password=Secret(PACER_PW),
        cmecf_username=cmecf,
        cmecf_password=Secret(CMECF_PW),
        name=name,
        totp_secret=Secret(TOTP),
    )


def result(a: Attorney, outcome: Outcome, message: str = "done", evidence: str | None = None) -> Result:
    return Result(
        court=a.court,
        name=a.name,
        pacer_username=a.pacer_username,
        outcome=outcome,
        message=message,
        cmecf_name="JANE DOE",
        pacer_name="Jane Q. Doe",
        started="2025-01-02T03:04:05+00:00",
        finished="2025-01-02T03:05:00+00:00",
        evidence=evidence,
    )


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal.open(tmp_path / "out")
    yield j
    j.close()


def planned(j: Journal, *attorneys: Attorney) -> list[str]:
    keys = [j.row_key(a) for a in attorneys]
    j.plan([(k, a.label()) for k, a in zip(keys, attorneys, strict=True)])
    return keys


def run_child(code: str, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(out)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_lifecycle_records_each_state_in_order(journal: Journal) -> None:
    a, b = attorney("jdoe"), attorney("rroe", name="Richard Roe")
    ka, kb = planned(journal, a, b)
    assert journal.state(ka).state == "pending"  # type: ignore[union-attr]
    assert {r.outcome for r in journal.results()} == {Outcome.NOT_STARTED}

    journal.start(ka, "start")
    journal.step(ka, "PACER login")
    s = journal.state(ka)
    assert s is not None
    assert (s.state, s.step, s.attempts, s.submit_sent) == ("running", "PACER login", 1, False)
    assert s.started

    journal.mark_submitting(ka)
    journal.step(ka, "verify")  # a step after the Submit must not undo "submitting"
    s = journal.state(ka)
    assert s is not None and (s.state, s.step, s.submit_sent) == ("submitting", "verify", True)

    journal.finish(ka, result(a, Outcome.LINKED, "linked Jane", evidence="/x/canb-jdoe"))
    journal.start(kb, "start")
    journal.finish(kb, result(b, Outcome.PACER_LOGIN_FAILED, "bad password"))
    s = journal.state(ka)
    assert s is not None and s.outcome is Outcome.LINKED and s.message == "linked Jane"
    assert (s.cmecf_name, s.pacer_name, s.evidence) == ("JANE DOE", "Jane Q. Doe", "/x/canb-jdoe")

    got = journal.results()
    assert [(r.pacer_username, r.outcome, r.name, r.court) for r in got] == [
        ("jdoe", Outcome.LINKED, "Jane Doe", "canb"),
        ("rroe", Outcome.PACER_LOGIN_FAILED, "Richard Roe", "canb"),
    ]

    # Planning the same rows again (a resumed run) keeps their state and order.
    planned(journal, b, a, attorney("new"))
    assert journal.state(ka).state == "linked"  # type: ignore[union-attr]
    assert [s.key for s in journal.states()] == [ka, kb, journal.row_key(attorney("new"))]


def test_unknown_row_and_submit_from_wrong_state_are_refused(journal: Journal) -> None:
    (key,) = planned(journal, attorney())
    with pytest.raises(JournalError):
        journal.start("canb/nobody/x", "start")
    with pytest.raises(JournalError):
        journal.mark_submitting(key)  # never started
    journal.start(key, "start")
    journal.mark_submitting(key)
    with pytest.raises(JournalError):
        journal.mark_submitting(key)  # a second Submit in one attempt


def test_row_keys_are_stable_distinct_and_free_of_secrets() -> None:
    a = attorney("a/b", cmecf="c")
    b = attorney("a", cmecf="b/c")
    assert Journal.row_key(a) != Journal.row_key(b)
    assert Journal.row_key(attorney(court="CANB")) == Journal.row_key(attorney(court="canb"))
    assert Journal.key_parts(Journal.row_key(a)) == ("canb", "a/b", "c")
    for key in (Journal.row_key(a), Journal.row_key(b)):
        assert PACER_PW not in key and CMECF_PW not in key


@pytest.mark.parametrize("outcome", list(Outcome))
def test_decide_for_every_outcome(journal: Journal, outcome: Outcome) -> None:
    a = attorney()
    (key,) = planned(journal, a)
    journal.start(key, "start")
    journal.finish(key, result(a, outcome))
    expected = {
        Outcome.LINKED: "skip",
        Outcome.ALREADY_LINKED: "skip",
        Outcome.UNCONFIRMED: "needs_recheck",
    }.get(outcome, "run")
    assert decide(journal.state(key)) == expected


def test_decide_for_unfinished_states(journal: Journal) -> None:
    (key,) = planned(journal, attorney())
    assert decide(None) == "run"
    assert decide(journal.state(key)) == "run"  # pending
    journal.start(key, "start")
    assert decide(journal.state(key)) == "run"  # died before Submit: safe to run again
    journal.mark_submitting(key)
    assert decide(journal.state(key)) == "needs_recheck"


def test_a_submit_once_sent_is_never_forgotten_until_confirmed(journal: Journal) -> None:
    a = attorney()
    (key,) = planned(journal, a)
    journal.start(key, "start")
    journal.mark_submitting(key)
    journal.finish(key, result(a, Outcome.ERROR, "crashed while verifying"))
    assert decide(journal.state(key)) == "needs_recheck"
    # A --recheck attempt that fails for an unrelated reason must not make the row fresh.
    journal.start(key, "recheck")
    journal.finish(key, result(a, Outcome.PACER_LOGIN_FAILED))
    assert decide(journal.state(key)) == "needs_recheck"
    journal.start(key, "recheck")
    journal.finish(key, result(a, Outcome.LINKED))
    assert decide(journal.state(key)) == "skip"
    assert journal.state(key).attempts == 3  # type: ignore[union-attr]


def test_results_report_rows_caught_mid_attempt(journal: Journal) -> None:
    a, b, c = attorney("a"), attorney("b"), attorney("c")
    ka, kb, _ = planned(journal, a, b, c)
    journal.start(ka, "start")
    journal.step(ka, "CM/ECF login")
    journal.start(kb, "start")
    journal.mark_submitting(kb)
    got = {r.pacer_username: r for r in journal.results()}
    assert got["c"].outcome is Outcome.NOT_STARTED and "nothing was attempted" in got["c"].message
    assert got["a"].outcome is Outcome.ERROR and "CM/ECF login" in got["a"].message
    assert got["b"].outcome is Outcome.UNCONFIRMED and "--recheck" in got["b"].message


def test_rowstate_outcome_is_none_before_finish() -> None:
    s = RowState(
        key="k",
        label="l",
        state="submitting",
        step=None,
        message=None,
        name=None,
        cmecf_name=None,
        pacer_name=None,
        started=None,
        finished=None,
        evidence=None,
        attempts=1,
        submit_sent=True,
    )
    assert s.outcome is None
    assert decide(s) == "needs_recheck"


def test_writes_are_visible_to_another_process_without_close(tmp_path: Path) -> None:
    out = tmp_path / "out"
    j = Journal.open(out)
    a = attorney()
    (key,) = planned(j, a)
    j.start(key, "start")
    j.step(key, "link form")
    child = run_child(
        """
        import sqlite3, sys
        conn = sqlite3.connect(f"file:{sys.argv[1]}/journal.sqlite3?mode=ro", uri=True)
        print(conn.execute("SELECT key, state, step, attempts FROM rows").fetchall())
    """,
        out,
    )
    j.close()
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == repr([(key, "running", "link form", 1)])


def test_sigkill_after_mark_submitting_leaves_row_needing_recheck(tmp_path: Path) -> None:
    out = tmp_path / "out"
    child = run_child(
        """
        import os, signal, sys
        from pathlib import Path
        from ecf_autolink.journal import Journal
        from ecf_autolink.attorney import Attorney
        from ecf_autolink.secret import Secret
        a = Attorney("canb", "jdoe", Secret("p"), "jdoe_ecf", Secret("q"), name="Jane Doe")
        b = Attorney("canb", "rroe", Secret("p"), "rroe_ecf", Secret("q"), name="Richard Roe")
        j = Journal.open(Path(sys.argv[1]))
        j.plan([(j.row_key(x), x.label()) for x in (a, b)])
        j.start(j.row_key(b), "start")
        j.step(j.row_key(b), "confirm names")
        j.start(j.row_key(a), "start")
        j.mark_submitting(j.row_key(a))
        os.kill(os.getpid(), signal.SIGKILL)
    """,
        out,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Journal.open(out) as j:  # the dead process's lock is gone with it
        states = {s.key.split("/")[1]: s for s in j.states()}
        assert states["jdoe"].state == "submitting"
        assert decide(states["jdoe"]) == "needs_recheck"
        assert decide(states["rroe"]) == "run"  # killed before its Submit: safe to retry
        assert {r.pacer_username: r.outcome for r in j.results()} == {
            "jdoe": Outcome.UNCONFIRMED,
            "rroe": Outcome.ERROR,
        }


def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Journal.open(tmp_path), pytest.raises(JournalError, match="another run"):
        Journal.open(tmp_path)
    Journal.open(tmp_path).close()  # released on close


def test_files_are_private(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    os.chmod(out, 0o755)
    with Journal.open(out) as j:
        (key,) = planned(j, attorney())
        j.start(key, "start")
        assert stat.S_IMODE(out.stat().st_mode) == 0o700
        files = [p for p in out.iterdir() if p.name.startswith(FILE_NAME)]
        assert {p.name for p in files} >= {FILE_NAME, FILE_NAME + "-wal"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_durability_settings(journal: Journal) -> None:
    conn = journal._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_only_step_names_skip_the_fsync(journal: Journal) -> None:
    """The Submit marker and outcomes commit under FULL; a step name may commit under NORMAL."""
    a = attorney()
    (key,) = planned(journal, a)
    statements: list[str] = []
    journal._conn.set_trace_callback(statements.append)

    def commits_under(action: object) -> list[str]:
        statements.clear()
        action()  # type: ignore[operator]
        level = "FULL"
        seen = []
        for sql in statements:
            if sql.upper().startswith("PRAGMA SYNCHRONOUS="):
                level = sql.split("=")[1].upper()
            elif sql.upper() == "COMMIT":
                seen.append(level)
        return seen

    assert commits_under(lambda: journal.start(key, "open court")) == ["FULL"]
    assert commits_under(lambda: journal.step(key, "sign in")) == ["NORMAL"]
    assert commits_under(lambda: journal.mark_submitting(key)) == ["FULL"]
    assert commits_under(lambda: journal.finish(key, result(a, Outcome.LINKED))) == ["FULL"]
    # A refused step write leaves the connection as durable as before.
    with pytest.raises(JournalError):
        journal.step(key, "too late")
    assert journal._conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_no_secret_is_stored_anywhere(tmp_path: Path) -> None:
    a = attorney()
    with Journal.open(tmp_path) as j:
        (key,) = planned(j, a)
        j.start(key, "start")
        j.mark_submitting(key)
        j.finish(key, result(a, Outcome.LINKED))
        columns = [row[1] for row in j._conn.execute("PRAGMA table_info(rows)")]
    assert not [c for c in columns if any(w in c for w in ("password", "secret", "totp", "code", "otp"))]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in (PACER_PW, CMECF_PW, TOTP):
        assert secret.encode() not in raw
    assert b"jdoe_ecf" in raw  # the scan does see the journal's contents


def test_journal_is_plain_sqlite(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as j:
        planned(j, attorney())
    rows = sqlite3.connect(tmp_path / FILE_NAME).execute("SELECT state FROM rows").fetchall()
    assert rows == [("pending",)]


def test_a_folder_keeps_to_the_site_each_court_was_run_against(journal: Journal) -> None:
    journal.bind_sites({"canb": "https://ecf.canb.uscourts.gov/"})
    # The same address however it is written, and a court new to the folder, are fine.
    journal.bind_sites({"canb": "HTTPS://ECF.CANB.USCOURTS.GOV", "cacb": "https://ecf.cacb.uscourts.gov"})
    (key,) = planned(journal, attorney())
    journal.start(key, "open court")
    with pytest.raises(FolderRefused) as refused:
        journal.bind_sites({"cacb": "https://ecf.cacb.uscourts.gov", "canb": "http://127.0.0.1:8080"})
    assert "https://ecf.canb.uscourts.gov/" in str(refused.value)
    assert "http://127.0.0.1:8080" in str(refused.value)
    assert journal.state(key).state == "running"  # type: ignore[union-attr]
    sites = journal._conn.execute("SELECT court, url FROM sites ORDER BY court").fetchall()
    assert sites == [("cacb", "https://ecf.cacb.uscourts.gov"), ("canb", "https://ecf.canb.uscourts.gov/")]
