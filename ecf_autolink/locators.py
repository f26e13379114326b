"""Selectors from YAML: loading, strict validation, per-court overrides, Playwright locators.

Every element the flow touches and every phrase it recognises a page by is named in
`selectors/default.yaml`; a court whose pages differ gets `selectors/<court>.yaml`
holding only the keys that differ. Code never holds a selector.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from .paths import selectors_dir

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

AriaRole = Literal[
    "link",
    "button",
    "textbox",
    "heading",
    "table",
    "row",
    "cell",
    "checkbox",
    "combobox",
    "menuitem",
    "tab",
    "listitem",
    "img",
    "form",
    "dialog",
    "alert",
    "navigation",
]


class SelectorError(ValueError):
    """A selectors YAML file is unusable; the message names the file and the key."""


class LocatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: AriaRole | None = None
    name: str | None = None
    label: str | None = None
    text: str | None = None
    placeholder: str | None = None
    css: str | None = None
    exact: bool = False

    @model_validator(mode="after")
    def _one_strategy(self) -> LocatorSpec:
        chosen = [k for k in ("role", "label", "text", "placeholder", "css") if getattr(self, k)]
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of role, label, text, placeholder, css"
                f" (found {', '.join(chosen) or 'none'})"
            )
        if self.name is not None and self.role is None:
            raise ValueError("'name' goes with 'role'")
        return self

    def describe(self) -> str:
        for key in ("role", "label", "text", "placeholder", "css"):
            value = getattr(self, key)
            if value:
                extra = f" name={self.name!r}" if self.name else ""
                return f"{key}={value!r}{extra}"
        return "?"  # pragma: no cover - validator forbids it

    def build(self, page: Page) -> Locator:
        exact = self.exact
        if self.role:
            if self.name is None:
                return page.get_by_role(self.role)
            return page.get_by_role(self.role, name=self.name, exact=exact)
        if self.label:
            return page.get_by_label(self.label, exact=exact)
        if self.text:
            return page.get_by_text(self.text, exact=exact)
        if self.placeholder:
            return page.get_by_placeholder(self.placeholder, exact=exact)
        return page.locator(self.css or "")


class _SelectorFile(BaseModel):
    """The shape both default.yaml and overrides share; overrides may leave things out."""

    model_config = ConfigDict(extra="forbid")

    locators: dict[str, dict[str, LocatorSpec]] = {}
    confirm_rows: dict[Literal["cmecf", "pacer"], str] = {}
    texts: dict[str, list[str]] = {}


REQUIRED_LOCATORS: dict[str, tuple[str, ...]] = {
    "court_front": ("document_filing_system",),
    "pacer_login": ("username", "password", "client_code", "login"),
    "pacer_mfa": ("passcode", "submit"),
    "cmecf_main": ("utilities", "logout"),
    "utilities_menu": ("link_account",),
    "link_form": ("cmecf_login", "cmecf_password", "submit"),
    "confirm": ("question", "submit"),
    "success": ("message",),
}

REQUIRED_TEXTS = (
    "pacer_bad_credentials",
    "pacer_account_locked",
    "pacer_account_disabled",
    "pacer_password_expired",
    "pacer_mfa_enrollment",
    "pacer_legacy_account",
    "pacer_mfa_prompt",
    "pacer_mfa_rejected",
    "cmecf_session_expired",
    "cmecf_bad_credentials",
    "already_linked",
    "court_not_nextgen",
    "link_success",
)


@dataclass(frozen=True)
class Origin:
    """Which file a key's value came from, for `autolink selectors` and error messages."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass
class Selectors:
    """The merged selectors for one court."""

    court: str
    locators: dict[str, dict[str, LocatorSpec]]
    confirm_rows: dict[str, str]
    texts: dict[str, list[str]]
    origins: dict[str, Origin] = field(default_factory=dict)

    def spec(self, dotted: str) -> LocatorSpec:
        page, key = dotted.split(".", 1)
        return self.locators[page][key]

    def origin(self, dotted: str) -> Origin:
        return self.origins[dotted]

    def locator(self, page: Page, dotted: str) -> Locator:
        return self.spec(dotted).build(page)

    def phrases(self, kind: str) -> list[str]:
        return self.texts[kind]

    def all_keys(self) -> list[str]:
        return [f"{page}.{key}" for page, group in self.locators.items() for key in group]


def _read(path: Path) -> _SelectorFile:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SelectorError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise SelectorError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SelectorError(f"{path}: must be a mapping with locators, confirm_rows and texts")
    try:
        return _SelectorFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"])
            problems.append(f"{where}: {err['msg']}")
        raise SelectorError(f"{path}: " + "; ".join(problems)) from None


def _check_complete(path: Path, data: _SelectorFile) -> None:
    missing = [
        f"locators.{page}.{key}"
        for page, keys in REQUIRED_LOCATORS.items()
        for key in keys
        if key not in data.locators.get(page, {})
    ]
    missing += [f"confirm_rows.{k}" for k in ("cmecf", "pacer") if k not in data.confirm_rows]
    missing += [f"texts.{k}" for k in REQUIRED_TEXTS if not data.texts.get(k)]
    if missing:
        raise SelectorError(f"{path}: missing keys: {', '.join(missing)}")


def _check_override(path: Path, base: _SelectorFile, over: _SelectorFile) -> None:
    unknown = [
        f"locators.{page}.{key}"
        for page, group in over.locators.items()
        for key in group
        if key not in base.locators.get(page, {})
    ]
    unknown += [f"texts.{k}" for k in over.texts if k not in base.texts]
    if unknown:
        raise SelectorError(
            f"{path}: keys not in default.yaml (an override may only change existing keys):"
            f" {', '.join(unknown)}"
        )


def load_selectors(court: str, directory: Path | None = None) -> Selectors:
    """default.yaml merged with `<court>.yaml` when present."""
    directory = directory or selectors_dir()
    default_path = directory / "default.yaml"
    base = _read(default_path)
    _check_complete(default_path, base)
    locators = {page: dict(group) for page, group in base.locators.items()}
    confirm_rows = dict(base.confirm_rows)
    texts = {k: list(v) for k, v in base.texts.items()}
    origins = {f"{p}.{k}": Origin(default_path) for p, g in locators.items() for k in g}
    origins.update({f"confirm_rows.{k}": Origin(default_path) for k in confirm_rows})
    origins.update({f"texts.{k}": Origin(default_path) for k in texts})

    override_path = directory / f"{court.lower()}.yaml"
    if court and override_path.is_file():
        over = _read(override_path)
        _check_override(override_path, base, over)
        for page, group in over.locators.items():
            for key, spec in group.items():
                locators[page][key] = spec
                origins[f"{page}.{key}"] = Origin(override_path)
        for key, value in over.confirm_rows.items():
            confirm_rows[key] = value
            origins[f"confirm_rows.{key}"] = Origin(override_path)
        for key, phrases in over.texts.items():
            texts[key] = list(phrases)
            origins[f"texts.{key}"] = Origin(override_path)
    return Selectors(court, locators, confirm_rows, texts, origins)
