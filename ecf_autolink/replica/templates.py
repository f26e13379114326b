"""Page templates: `fixtures/html/<court>/<name>` first, then `fixtures/html/default/<name>`.

More than one root may be given (a test court's own pages beside the built-in ones):
the court's page in any root wins over a default page, and earlier roots over later.

Placeholders are `{{name}}`, always HTML-escaped. A placeholder without a value is
an error, so a typo in a template fails loudly instead of showing an empty gap.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ..paths import fixtures_dir

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class TemplateError(LookupError):
    pass


@cache
def _read(path: Path, mtime_ns: int) -> str:
    # The mtime in the key lets an edited template take effect in a running demo.
    return path.read_text(encoding="utf-8")


class Templates:
    def __init__(self, court_id: str, root: Path | Sequence[Path] | None = None) -> None:
        self.court_id = court_id
        if root is None:
            self.roots: tuple[Path, ...] = (fixtures_dir(),)
        else:
            self.roots = (root,) if isinstance(root, Path) else tuple(root)

    def path(self, name: str) -> Path:
        if "/" in name or "\\" in name or name.startswith("."):
            raise TemplateError(f"bad template name {name!r}")
        for folder in (self.court_id, "default"):
            for root in self.roots:
                candidate = root / folder / name
                if candidate.is_file():
                    return candidate
        where = ", ".join(str(root) for root in self.roots)
        raise TemplateError(f"no template {name!r} for court {self.court_id!r} under {where}")

    def render(self, name: str, values: dict[str, str]) -> str:
        path = self.path(name)
        text = _read(path, path.stat().st_mtime_ns)
        return render_text(text, values, where=str(path))


def render_text(text: str, values: dict[str, str], *, where: str = "template") -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise TemplateError(f"{where}: no value for placeholder {{{{{key}}}}}")
        return html.escape(str(values[key]), quote=True)

    return PLACEHOLDER.sub(substitute, text)
