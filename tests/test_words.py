"""Words in one place (issue 19 item 5): below the CLI, only words.py names a flag or says
"nothing was linked"; every outcome has its advice; nothing parses a message back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ecf_autolink import words
from ecf_autolink.browser import NO_IMAGES_ARGS, ONE_RENDERER_PER_CONTEXT, QUIET_ARGS
from ecf_autolink.outcome import Outcome

PACKAGE = Path(__file__).resolve().parent.parent / "ecf_autolink"
# Everything below the CLI passes keys, not words: every module but the CLI itself, words.py,
# and the replica (it imitates the court's own pages, not this tool's words).
LAYERS = sorted(
    path
    for path in PACKAGE.rglob("*.py")
    if path.relative_to(PACKAGE).parts[0] not in ("cli", "replica") and path != PACKAGE / "words.py"
)
FLAG = re.compile(r"--[a-z][a-z-]+")
# Chromium's own command-line switches: browser.py hands them to the browser; nobody reads them.
CHROMIUM_SWITCHES = (*QUIET_ARGS, *ONE_RENDERER_PER_CONTEXT, *NO_IMAGES_ARGS, "--no-sandbox")


def _chromium_switch(path: Path, text: str) -> bool:
    return path == PACKAGE / "browser.py" and any(switch.startswith(text) for switch in CHROMIUM_SWITCHES)


def _sentences(path: Path) -> list[tuple[int, str]]:
    """Every string a person could read, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_layer_below_the_cli_names_a_flag_or_writes_the_shared_words() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in LAYERS
        for line, text in _sentences(path)
        if (FLAG.search(text) and not _chromium_switch(path, text))
        or "nothing was linked" in text
        or "not started" in text
    ]
    assert found == []


def test_no_message_is_parsed_back() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}"
        for path in LAYERS
        if re.search(r"message\.(split|partition|rsplit|index|find)\(", path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_every_outcome_has_advice_and_every_action_its_words() -> None:
    from ecf_autolink.row_life import NOT_REACHED, RUN_ACTION

    assert set(words.ADVICE) == set(Outcome)
    assert {*RUN_ACTION.values(), NOT_REACHED} <= set(words.THIS_RUN)
    assert "--recheck" in words.ADVICE[Outcome.UNCONFIRMED]
    assert words.not_started("jdoe at canb", "recheck").startswith("jdoe at canb: not started: --recheck")


def test_every_way_pacer_ends_a_sign_in_has_its_words() -> None:
    from ecf_autolink.flow.pacer_verdict import ACCOUNT_STATES

    who = "jdoe at canb"
    for _outcome, reason in ACCOUNT_STATES.values():
        said = words.sign_in_stopped(reason, who=who)
        assert who in said and "linked" in said, reason
    refused = {reason for _outcome, reason in ACCOUNT_STATES.values()} & set(words.REFUSED)
    # An enrollment prompt means the password was right: it is not remembered as a refusal.
    assert "mfa_enroll" not in refused and len(refused) == len(ACCOUNT_STATES) - 1
    asked = words.sign_in_stopped("redaction_not_acknowledged", who=who)
    assert "--acknowledge-redaction" in asked and "no credentials were sent" in asked
    assert "--sign-in page" in words.sign_in_stopped("api_session_not_taken", who=who, court="canb")
