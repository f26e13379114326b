"""How the package's modules import each other (issue 14): no cycles, a command line
whose imports go one way, and `autolink --help` that starts without Playwright.

The graph is read from the source (AST), so a cycle is caught even along an import made
inside a function, where Python itself would only stumble on it at run time, if ever.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import ecf_autolink

PACKAGE = Path(ecf_autolink.__file__).parent


# The modules of the command line that commands share; everything else in it is a command.
CLI_SHARED = {
    "ecf_autolink.cli.batch",
    "ecf_autolink.cli.errors",
    "ecf_autolink.cli.inputs",
    "ecf_autolink.cli.options",
    "ecf_autolink.cli.planning",
    "ecf_autolink.cli.versions",
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imported(name: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    # `from . import x` names a module when there is one, else something in the package.
    return [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]


def _import_nodes(tree: ast.AST, *, in_functions: bool) -> list[ast.Import | ast.ImportFrom]:
    nodes: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # for the type checker only: never imported when the code runs
        if isinstance(node, ast.Import | ast.ImportFrom):
            nodes.append(node)
        elif in_functions or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            nodes.extend(_import_nodes(node, in_functions=in_functions))
    return nodes


def import_graph(*, in_functions: bool) -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {
            target
            for node in _import_nodes(tree, in_functions=in_functions)
            for target in _imported(name, is_package, node, known)
        }
        graph[name] = {t for t in targets if t in known and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_graph_reader_finds_a_cycle_through_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []
    # And it reads relative imports, inside functions too, as the modules they name.
    graph = import_graph(in_functions=True)
    assert "ecf_autolink.cli.errors" in graph["ecf_autolink.cli.link"]
    assert "ecf_autolink.runner" in graph["ecf_autolink.cli.link"]  # inside link_command
    assert "ecf_autolink.runner" not in import_graph(in_functions=False)["ecf_autolink.cli.link"]


def test_no_module_imports_itself_back_at_load_time() -> None:
    assert cycles(import_graph(in_functions=False)) == []


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    assert cycles(import_graph(in_functions=True)) == []


def test_the_command_line_imports_go_one_way() -> None:
    graph = import_graph(in_functions=True)
    cli = {name: targets for name, targets in graph.items() if name.startswith("ecf_autolink.cli.")}
    commands = set(cli) - CLI_SHARED
    assert {"ecf_autolink.cli.link", "ecf_autolink.cli.record", "ecf_autolink.cli.doctor"} <= commands
    for name, targets in cli.items():
        # No command reaches another, and the shared modules reach none.
        assert not (targets & commands), f"{name} imports {sorted(targets & commands)}"
        assert "ecf_autolink.cli" not in targets, f"{name} imports the group"
    for name in set(graph) - set(cli) - {"ecf_autolink.cli", "ecf_autolink.__main__"}:
        # The rest of the package never depends on the command line.
        on_cli = [t for t in graph[name] if t == "ecf_autolink.cli" or t.startswith("ecf_autolink.cli.")]
        assert on_cli == [], name


def _imported_at_run(*args: str) -> set[str]:
    shown = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ecf_autolink", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usage: autolink" in shown.stdout
    # Each line of -X importtime: "import time: self | cumulative | <indent>module".
    return {line.rsplit("|", 1)[1].strip() for line in shown.stderr.splitlines() if line.count("|") == 2}


@pytest.mark.parametrize("args", [("--help",), ("link", "--help"), ("record", "--help")])
def test_help_starts_without_playwright_or_the_runner(args: tuple[str, ...]) -> None:
    loaded = _imported_at_run(*args)
    assert "ecf_autolink.cli" in loaded  # the reading works
    later = ("ecf_autolink.runner", "ecf_autolink.recorder", "ecf_autolink.health", "ecf_autolink.flow")
    heavy = {name for name in loaded if name.split(".")[0] == "playwright" or name in later}
    assert heavy == set()
