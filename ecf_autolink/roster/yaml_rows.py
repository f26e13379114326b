"""A YAML roster: a list of mappings, or `{attorneys: [...]}`, read with every scalar as text."""

from __future__ import annotations

import re

import yaml

from .problems import Problem, RawRow, column_name


def parse_yaml(file: str, text: str) -> tuple[list[RawRow], list[Problem]]:
    root, problem = _compose_yaml(file, text)
    if problem is not None:
        return [], [problem]
    items, problems = _yaml_items(file, root)
    rows: list[RawRow] = []
    for index, node in enumerate(items, start=1):
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.append(Problem(file, "expected a mapping of column names to values", line, item=index))
            continue
        row, row_problems = _yaml_row(file, index, node)
        problems.extend(row_problems)
        rows.append(row)
    return rows, problems


def _compose_yaml(file: str, text: str) -> tuple[yaml.Node | None, Problem | None]:
    loader: yaml.BaseLoader | None = None
    try:
        # BaseLoader builds every scalar as text: no numbers, booleans, dates or objects.
        loader = yaml.BaseLoader(text)
        return loader.get_single_node(), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return None, Problem(file, f"not valid YAML: {_redact(_yaml_reason(exc))}", line)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        return None, Problem(file, "not valid YAML: it holds a control character YAML forbids", line)
    except (yaml.YAMLError, RecursionError):
        return None, Problem(file, "not valid YAML")
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    problem, context = exc.problem or "", exc.context or ""
    # Some of PyYAML's problems only read as a sentence after their context.
    return f"{context} {problem}" if problem.startswith("but ") and context else problem or context


def _redact(text: str) -> str:
    """PyYAML quotes bits of the document in its messages; keep them out."""
    return re.sub(r"'[^']{2,}'|\"[^\"]{2,}\"", "'…'", text).strip() or "syntax error"


def _yaml_items(file: str, root: yaml.Node | None) -> tuple[list[yaml.Node], list[Problem]]:
    expected = "expected a list of attorneys, or a mapping with the key attorneys holding that list"
    if root is None:
        return [], []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value), []
    if not isinstance(root, yaml.MappingNode):
        return [], [Problem(file, expected, root.start_mark.line + 1)]
    problems: list[Problem] = []
    items: list[yaml.Node] = []
    for key, value in root.value:
        line = key.start_mark.line + 1
        if not (isinstance(key, yaml.ScalarNode) and key.value == "attorneys"):
            problems.append(Problem(file, f"unknown top-level key; {expected}", line))
        elif isinstance(value, yaml.SequenceNode):
            items.extend(value.value)
        elif not (isinstance(value, yaml.ScalarNode) and value.value == ""):
            problems.append(Problem(file, f"attorneys must hold a list; {expected}", line))
    return items, problems


def _yaml_row(file: str, index: int, node: yaml.MappingNode) -> tuple[RawRow, list[Problem]]:
    row = RawRow(file, node.start_mark.line + 1, {}, item=index, column_word="key")
    problems: list[Problem] = []
    for position, (key, value) in enumerate(node.value, start=1):
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            problems.append(Problem(file, f"key {position} is not a plain name", line, item=index))
            continue
        name = column_name(key.value)
        if name in row.values:
            problems.append(row.problem(f"key {name} appears more than once", name))
            continue
        row.values[name] = value.value if isinstance(value, yaml.ScalarNode) else [value.tag]
        row.key_lines[name] = line
    return row, problems
