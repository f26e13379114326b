"""Words in one place (issue 19 item 5): below the CLI, only words.py names a flag or says
"nothing was linked"; every outcome has its advice; nothing parses a message back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ecf_autolink import words
from ecf_autolink.outcome import Outcome

PACKAGE = Path(__file__).resolve().parent.parent / "ecf_autolink"
# Below the CLI: the layers that pass keys, not words. flow/sign_in.py (split into the
# modules below) and flow/redaction.py belong to another change in flight and are checked
# once it lands.
LAYERS = [
    *sorted((PACKAGE / "flow").glob("*.py")),
    *sorted((PACKAGE / "journal").glob("*.py")),
    *sorted((PACKAGE / "report").glob("*.py")),
    *(PACKAGE / name for name in ("runner.py", "outcome.py", "run_results.py", "row_life.py")),
    *(PACKAGE / name for name in ("submit_gate.py", "account_lock.py", "web/stops.py")),
]
NOT_YET = {
    "sign_in.py",
    "sign_in_api_path.py",
    "sign_in_page_path.py",
    "login_page.py",
    "pacer_verdict.py",
    "redaction.py",
}
FLAG = re.compile(r"--[a-z][a-z-]+")


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
        if path.name not in NOT_YET
        for line, text in _sentences(path)
        if FLAG.search(text) or "nothing was linked" in text or "not started" in text
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
