"""What people read: the templates the page of `autolink serve` and report.html share.

Jinja2 with autoescape on every template, so a name a court page wrote is text wherever
it lands; `safe_text` first makes control characters visible. Words for each status
(`words`), times in the machine's own zone with the zone named (`local_time`), and the
attorney x court matrix both faces draw (`matrix`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2

from ..safe_text import safe_text
from .matrix import Cell, Matrix, build_matrix
from .words import ACTION, MEANING, TONES, local_time, tone_of

__all__ = [
    "ACTION",
    "MEANING",
    "TONES",
    "Cell",
    "Matrix",
    "build_matrix",
    "environment",
    "local_time",
    "static_text",
]


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecf_autolink.views", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_text"] = lambda value: safe_text(value or "")
    env.filters["local_time"] = local_time
    env.globals.update(MEANING=MEANING, ACTION=ACTION, tone_of=tone_of)
    return env


def static_text(name: str) -> str:
    """A file of `views/static` (the CSS report.html inlines, the page's script)."""
    return resources.files("ecf_autolink.views").joinpath("static").joinpath(name).read_text(encoding="utf-8")
