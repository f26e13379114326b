"""The journal's version: every layout an earlier version wrote is migrated, and one from a
newer version is refused before anything runs, byte for byte as it was (issue 19 items 3, 6).

tests/fixtures/journal-0.1.0.sqlite3 was written by ecf-autolink 0.1.0's own journal code
(commit 129cd7a, `git archive` of that commit run against a temporary folder): rows for
JDoe (linked), RRoe (Submit handed over, never answered), MMajor (refused, names differ)
and PPublic (never started), at canb.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import credentials_env, empty_env_file

from ecf_autolink.attorney import Attorney
from ecf_autolink.cli import main
from ecf_autolink.journal import FILE_NAME, FolderRefused, Journal, RowState
from ecf_autolink.journal.schema import VERSION
from ecf_autolink.outcome import Outcome
from ecf_autolink.replica.scenarios import make_attorney
from ecf_autolink.row_life import Action, Standing
from ecf_autolink.row_life import decide as decide_action
from ecf_autolink.secret import Secret

FIXTURE = Path(__file__).parent / "fixtures" / "journal-0.1.0.sqlite3"

# The three later layouts version 0 also wrote, each as the statements that made it.
_ROWS_0 = """CREATE TABLE rows (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE,
 label TEXT NOT NULL, state TEXT NOT NULL, step TEXT, message TEXT, name TEXT, cmecf_name TEXT,
 pacer_name TEXT, started TEXT, finished TEXT, evidence TEXT, attempts INTEGER NOT NULL DEFAULT 0,
 submit_sent INTEGER NOT NULL DEFAULT 0{pid})"""
LAYOUTS = {
    "sites without source": [
        _ROWS_0.format(pid=""),
        "CREATE TABLE sites (court TEXT PRIMARY KEY, url TEXT NOT NULL)",
    ],
    "sites with source": [
        _ROWS_0.format(pid=""),
        "CREATE TABLE sites (court TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT)",
    ],
    "submit_pid": [
        _ROWS_0.format(pid=", submit_pid INTEGER"),
        "CREATE TABLE sites (court TEXT PRIMARY KEY, url TEXT NOT NULL, source TEXT)",
    ],
}


def decide(state: RowState | None) -> str:
    """What a plain run (no look-only option, sender gone) does with a row, in the
    journal's old words: "skip", "run" or "needs_recheck" (look first)."""
    choice = decide_action(Standing.of(state), recheck=False, sender_alive=False, now=datetime.now(UTC))
    return {Action.SKIP: "skip", Action.RUN_FRESH: "run", Action.LOOK_FIRST: "needs_recheck"}[choice.action]


def _attorney(pacer: str, cmecf: str) -> Attorney:
    return Attorney(
        court="canb",
        pacer_username=pacer,
        pacer_password=Secret("pw"),
        cmecf_username=cmecf,
        cmecf_password=Secret("pw2"),
        name="",
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_journal_written_by_0_1_0_is_migrated_and_keeps_every_fact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(FIXTURE, out / FILE_NAME)
    with Journal.open(out) as journal:
        states = {journal.key_parts(s.key)[1]: s for s in journal.states()}
        results = {r.pacer_username: r for r in journal.results()}
    assert sorted(states) == ["jdoe", "mmajor", "ppublic", "rroe"]  # keyed by account_key
    assert states["jdoe"].outcome == Outcome.LINKED and decide(states["jdoe"]) == "skip"
    assert states["rroe"].submit_sent and decide(states["rroe"]) == "needs_recheck"
    assert states["mmajor"].outcome == Outcome.REFUSED_NAME_MISMATCH
    assert states["ppublic"].state == "pending"
    # Reports still show each username as the roster wrote it.
    assert set(results) == {"JDoe", "RRoe", "MMajor", "PPublic"}
    with sqlite3.connect(out / FILE_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    # A row of this roster spelled another way is the same row.
    assert Journal.row_key(_attorney("jdoe", "jdoe_ecf")) == Journal.row_key(_attorney("JDOE ", "jdoe_ecf"))
    assert Journal.row_key(_attorney("jdoe", "jdoe_ecf")) in {s.key for s in states.values()}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_later_version_0_layout_is_migrated_merging_rows_of_one_account(
    tmp_path: Path, layout: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / FILE_NAME) as conn:
        for statement in LAYOUTS[layout]:
            conn.execute(statement)
        conn.execute("INSERT INTO sites (court, url) VALUES ('canb', 'http://127.0.0.1:9/')")
        # One account written two ways by two runs: the first linked it, the second (a
        # roster in lower case) found its own row fresh and left a Submit unanswered.
        conn.execute(
            "INSERT INTO rows (key, label, state, submit_sent) VALUES"
            " ('canb/JDoe/jdoe_ecf', 'JDoe at canb', 'linked', 0),"
            " ('canb/jdoe/jdoe_ecf', 'jdoe at canb', 'submitting', 1),"
            " ('canb/RRoe/rroe_ecf', 'RRoe at canb', 'error', 1)"
        )
    with Journal.open(out) as journal:
        states = journal.states()
        sites = journal.sites()
    assert [journal.key_parts(s.key)[1] for s in states] == ["jdoe", "rroe"]
    jdoe, rroe = states
    assert jdoe.outcome == Outcome.LINKED and jdoe.submit_sent and jdoe.pacer_username == "JDoe"
    assert rroe.submit_sent and decide(rroe) == "needs_recheck"
    assert sites == {"canb": ("http://127.0.0.1:9/", None)}


def test_a_migration_runs_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(FIXTURE, out / FILE_NAME)
    Journal.open(out).close()
    first = _digest(out / FILE_NAME)
    Journal.open(out).close()
    assert _digest(out / FILE_NAME) == first


def _newer(out: Path) -> Path:
    out.mkdir()
    path = out / FILE_NAME
    shutil.copy(FIXTURE, path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {VERSION + 1}")
        conn.execute("ALTER TABLE rows ADD COLUMN from_the_future TEXT")
    conn.close()
    return path


def test_a_journal_from_a_newer_version_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    path = _newer(tmp_path / "out")
    before = _digest(path)
    with pytest.raises(FolderRefused) as refused:
        Journal.open(tmp_path / "out")
    text = str(refused.value)
    assert f"journal format {VERSION + 1}" in text and f"formats up to {VERSION}" in text
    assert "nothing was attempted" in text and "\n" not in text
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [FILE_NAME]


def test_the_cli_refuses_a_newer_journal_with_exit_2_before_anything_runs(tmp_path: Path) -> None:
    path = _newer(tmp_path / "out")
    before = _digest(path)
    person = make_attorney("jdoe")
    result = CliRunner().invoke(
        main,
        [
            *("link", "--court", "canb", "--court-url", "http://127.0.0.1:9/"),
            *("--out", str(tmp_path / "out"), "--env-file", str(empty_env_file(tmp_path))),
        ],
        env=credentials_env(person),
    )
    assert result.exit_code == 2, result.output
    assert f"journal format {VERSION + 1}" in result.output and "Traceback" not in result.output
    assert _digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [FILE_NAME]
