"""How the package's modules import each other (issues 14 and 19): the layers of
docs/DESIGN.md, no cycles, a command line whose imports go one way, and `autolink --help`
that starts without Playwright.

The graph is read from the source (AST), so it holds every import: at the top of a module,
inside a function (where Python would only stumble on a cycle at run time, if ever) and
under `if TYPE_CHECKING:` (never run, but a dependency all the same: a reader of one module
must know the other).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ecf_autolink

PACKAGE = Path(ecf_autolink.__file__).parent
DESIGN = PACKAGE.parent / "docs" / "DESIGN.md"

# The layers, lowest first: a module imports only from its own layer and earlier ones.
# Names are relative to `ecf_autolink`; a package's name covers every module in it, and
# "__init__" is the package's own `__init__` (the version). A NEW MODULE GOES HERE, in the
# layer of what it is, and in the table of docs/DESIGN.md ("Layers").
LAYERS: dict[str, tuple[str, ...]] = {
    "basics": (
        "__init__", "data", "secret", "account_key", "attorney", "outcome", "paths", "private",
        "safe_text", "court_urls", "courts", "names", "shared_accounts", "account_lock",
        "court_warnings", "refusals", "words",
    ),
    "web": (
        "web", "network", "browser", "submit_once", "submit_gate", "sign_in_api", "evidence", "trace_scrub",
    ),
    "pages": ("pages", "locators"),
    "flow": ("flow", "approval"),
    "run": (
        "plan", "plan_file", "runner", "account_contexts", "journal", "row_life", "run_results", "report",
        "progress", "views",
    ),
    "replica": ("replica",),
    "application": ("roster", "credentials", "otp", "health", "checkup", "recorder", "demo", "planned",
        "service",
    ),
    "page": ("serve",),
    "CLI": ("cli", "__main__"),
}  # fmt: skip
# A layer that may import only these earlier layers, not every one before it: the replica
# fakes the court and must not borrow the product's judgement (pages, flow, run).
ONLY_FROM: dict[str, set[str]] = {"replica": {"basics", "web"}}

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
    """The imports of a module: at load time (type-checking ones included), and with
    `in_functions` also those inside functions."""
    nodes: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
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
    # An import for the type checker alone is an import: `browser` names `network` only there.
    assert "ecf_autolink.network" in import_graph(in_functions=False)["ecf_autolink.browser"]


def test_no_module_imports_itself_back_at_load_time() -> None:
    found = [sorted(group) for group in cycles(import_graph(in_functions=False))]
    assert found == [], "import cycles (each group imports itself back): " + "; ".join(map(str, found))


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    found = [sorted(group) for group in cycles(import_graph(in_functions=True))]
    assert found == [], "import cycles (each group imports itself back): " + "; ".join(map(str, found))


def layer_of(module: str) -> list[str]:
    """The layers a module is placed in (one, when the table is right)."""
    found = []
    for layer, names in LAYERS.items():
        for name in names:
            full = "ecf_autolink" if name == "__init__" else f"ecf_autolink.{name}"
            if module == full or (name != "__init__" and module.startswith(full + ".")):
                found.append(layer)
    return found


def against_the_layers(graph: dict[str, set[str]]) -> list[str]:
    """Every import that goes down the list of layers, or outside what a layer may see."""
    rank = {layer: n for n, layer in enumerate(LAYERS)}
    wrong = []
    for module, targets in sorted(graph.items()):
        (mine,) = layer_of(module)
        for target in sorted(targets):
            (theirs,) = layer_of(target)
            if theirs == mine:
                continue
            allowed = ONLY_FROM.get(mine) or {layer for layer in LAYERS if rank[layer] < rank[mine]}
            if theirs not in allowed:
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    return wrong


def test_every_module_is_placed_in_exactly_one_layer() -> None:
    unplaced = sorted(m for m in _modules() if not layer_of(m))
    assert unplaced == [], (
        f"not in any layer: {unplaced}; add each to LAYERS in tests/test_import_graph.py and to"
        " the Layers table of docs/DESIGN.md, in the layer of what it is"
    )
    twice = sorted(m for m in _modules() if len(layer_of(m)) > 1)
    assert twice == [], f"in more than one layer: {twice}"
    # Every name in the table is a module or a package: no stale entry.
    modules = set(_modules())
    stale = [
        name for names in LAYERS.values() for name in names
        if name != "__init__" and not any(m == f"ecf_autolink.{name}" for m in modules)
    ]  # fmt: skip
    assert stale == [], f"in LAYERS but not in the package: {stale}"


def test_the_layer_checker_catches_an_import_against_the_order() -> None:
    graph = {
        "ecf_autolink.pages.base": {"ecf_autolink.flow.link", "ecf_autolink.web.stops"},
        "ecf_autolink.flow.link": {"ecf_autolink.pages.base"},
        "ecf_autolink.replica.court": {"ecf_autolink.runner", "ecf_autolink.court_urls"},
        "ecf_autolink.runner": {"ecf_autolink.replica.court"},
        "ecf_autolink.web.stops": set(),
        "ecf_autolink.court_urls": set(),
    }
    assert against_the_layers(graph) == [
        "ecf_autolink.pages.base (pages) imports ecf_autolink.flow.link (flow)",
        "ecf_autolink.replica.court (replica) imports ecf_autolink.runner (run)",
        "ecf_autolink.runner (run) imports ecf_autolink.replica.court (replica)",
    ]


def test_no_import_goes_against_the_layers() -> None:
    wrong = against_the_layers(import_graph(in_functions=True))
    assert wrong == [], "imports against the layers of docs/DESIGN.md:\n" + "\n".join(wrong)


def test_design_md_states_the_same_layers() -> None:
    """The table people read is the table this test enforces."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text[text.index("## Layers") :]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| ([^|]+) \|", section, flags=re.MULTILINE)
    stated = {layer.strip(): set(re.findall(r"`([\w.]+)`", names)) for _, layer, names in rows}
    assert list(stated) == list(LAYERS)
    for layer, names in LAYERS.items():
        # The DESIGN row may name a package's parts as well; it must name every entry.
        assert set(names) <= stated[layer], f"{layer}: DESIGN.md lacks {sorted(set(names) - stated[layer])}"


def test_the_command_line_never_touches_a_browser_page() -> None:
    """Commands hand browsers and pages to the layers below (browser.launched, health,
    checkup, the runner): no Playwright driver, page or context is handled in cli/."""
    handled = {"async_playwright", "sync_playwright", "new_page", "new_context", "goto", "__aexit__"}
    touched = []
    for name, (path, _) in _modules().items():
        if name.startswith("ecf_autolink.cli"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
            touched += [f"{name}: {word}" for word in sorted(used & handled)]
    assert touched == []


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


@pytest.mark.parametrize(
    "args", [("--help",), ("link", "--help"), ("record", "--help"), ("doctor", "--help"), ("serve", "--help")]
)
def test_help_starts_without_playwright_or_the_runner(args: tuple[str, ...]) -> None:
    loaded = _imported_at_run(*args)
    assert "ecf_autolink.cli" in loaded  # the reading works
    later = (
        "ecf_autolink.runner",
        "ecf_autolink.recorder",
        "ecf_autolink.health",
        "ecf_autolink.checkup",
        "ecf_autolink.flow",
        "ecf_autolink.serve",
        "ecf_autolink.views",
    )
    # The page's web stack (issue 22) loads only when `autolink serve` runs.
    web_stack = {"playwright", "starlette", "uvicorn", "jinja2"}
    heavy = {name for name in loaded if name.split(".")[0] in web_stack or name in later}
    assert heavy == set()
