"""What courts warn about linking, read from `data/court_warnings.yaml` and applied to
a row: words for the plan, never a refusal (the court decides; the tool only says).

The rules are data so that a new warning a court publishes is one YAML entry; this
module only knows the kinds of rule: characters in a roster field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .attorney import Attorney


class CharacterRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    # Only fields that are never secret: a warning quotes what it found.
    field: Literal["cmecf_username", "pacer_username"]
    characters: str = Field(min_length=1)
    says: str
    source: str


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[CharacterRule]


def parse_rules(text: str, where: str) -> list[CharacterRule]:
    try:
        return Rules.model_validate(yaml.safe_load(text)).rules
    except (yaml.YAMLError, ValidationError) as exc:
        raise ValueError(f"{where}: not a valid list of court warnings: {exc}") from None


@cache
def built_in_rules() -> tuple[CharacterRule, ...]:
    name = "court_warnings.yaml"
    text = resources.files("ecf_autolink.data").joinpath(name).read_text("utf-8")
    return tuple(parse_rules(text, name))


def warnings_for(attorney: Attorney, rules: tuple[CharacterRule, ...] | None = None) -> list[str]:
    """Each rule this row trips, in words, with the court's own source."""
    found_any = []
    for rule in built_in_rules() if rules is None else rules:
        value = str(getattr(attorney, rule.field))
        found = [c for c in dict.fromkeys(value) if c in rule.characters]
        if found:
            listed = ", ".join(f'"{c}"' for c in found)
            found_any.append(f"{rule.says.format(found=listed)} (source: {rule.source})")
    return found_any
