"""Selectors from YAML: loading, strict validation, per-court overrides, Playwright locators.

Every element the flow touches and every phrase it recognises a page by is named in
`selectors/default.yaml`; a court whose pages differ gets `selectors/<court>.yaml`
holding only the keys that differ. Code never holds a selector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from .pages.kinds import required_locators, required_texts
from .paths import selectors_dir, user_selectors_dir
from .safe_text import printable

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
    # Alternatives, any of which is the element: visible words first, a public id last
    # (a dialog whose label text is not public). Each is a locator of its own.
    any: tuple[LocatorSpec, ...] | None = None

    @model_validator(mode="after")
    def _one_strategy(self) -> LocatorSpec:
        chosen = [k for k in ("role", "label", "text", "placeholder", "css", "any") if getattr(self, k)]
        if len(chosen) != 1:
            raise ValueError(
                "give exactly one of role, label, text, placeholder, css, any"
                f" (found {', '.join(chosen) or 'none'})"
            )
        if self.name is not None and self.role is None:
            raise ValueError("'name' goes with 'role'")
        if self.any is not None and self.exact:
            raise ValueError("'exact' goes inside each of 'any'")
        return self

    def describe(self) -> str:
        if self.any:
            return " or ".join(alt.describe() for alt in self.any)
        for key in ("role", "label", "text", "placeholder", "css"):
            value = getattr(self, key)
            if value:
                extra = f" name={self.name!r}" if self.name else ""
                return f"{key}={value!r}{extra}"
        return "?"  # pragma: no cover - validator forbids it

    def build(self, page: Page) -> Locator:
        if self.any:
            return reduce(lambda a, b: a.or_(b), (alt.build(page) for alt in self.any))
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


def _not_blank(text: str) -> str:
    # A blank phrase is found on every page: every page would "say" it.
    if not text.strip():
        raise ValueError("must not be blank")
    return text


def _not_empty(phrases: list[str]) -> list[str]:
    if not phrases:
        raise ValueError("needs at least one phrase")
    return phrases


_Phrase = Annotated[str, AfterValidator(_not_blank)]


class _SelectorFile(BaseModel):
    """The shape both default.yaml and overrides share; overrides may leave things out."""

    model_config = ConfigDict(extra="forbid")

    locators: dict[str, dict[str, LocatorSpec]] = {}
    confirm_rows: dict[Literal["cmecf", "pacer"], _Phrase] = {}
    texts: dict[str, Annotated[list[_Phrase], AfterValidator(_not_empty)]] = {}


# Every key and phrase group some code reads, from the one table of page kinds: a
# default.yaml without one of them is refused at load, not found out mid-run.
REQUIRED_LOCATORS: dict[str, tuple[str, ...]] = required_locators()
REQUIRED_TEXTS: tuple[str, ...] = required_texts()


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
    # Every folder a `<court>.yaml` was looked for in, the one that wins first.
    searched: tuple[Path, ...] = ()

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


class _Loader(yaml.SafeLoader):
    """SafeLoader whose values that cannot be built (a 13th month, a 5000-digit number)
    fail as YAML errors at their own line instead of escaping as bare ValueErrors."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):
            kind = str(node.tag).rsplit(":", 1)[-1]
            reason = f"this is not a valid {kind}; quote it to keep it as text"
            raise yaml.constructor.ConstructorError(None, None, reason, node.start_mark) from None


def _parse_yaml(path: Path, text: str) -> Any:
    loader: _Loader | None = None
    try:
        # The reader rejects forbidden characters as soon as it is built.
        loader = _Loader(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}" if mark is not None else ""
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
        raise SelectorError(f"{path}{where}: not valid YAML ({printable(reason)})") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise SelectorError(
            f"{path} line {line}: not valid YAML (it holds the control character"
            f" U+{exc.character:04X}, which YAML forbids)"
            if isinstance(exc.character, int)
            else f"{path} line {line}: not valid YAML ({printable(exc.reason)})"
        ) from None
    except RecursionError:
        raise SelectorError(f"{path}: not valid YAML (nested too deeply)") from None
    except yaml.YAMLError as exc:
        raise SelectorError(f"{path}: not valid YAML ({printable(exc)})") from None
    finally:
        if loader is not None:
            loader.dispose()


def _read(path: Path) -> _SelectorFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SelectorError(f"{path}: cannot be read ({exc.strerror or 'input/output error'})") from None
    try:
        # Editors on Windows add a BOM; it is not part of the YAML.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SelectorError(f"{path} line {line}: the file is not UTF-8 text; save it as UTF-8") from None
    raw = _parse_yaml(path, text)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SelectorError(f"{path}: must be a mapping with locators, confirm_rows and texts")
    try:
        return _SelectorFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            where = ".".join(printable(part) for part in err["loc"])
            problems.append(f"{where}: {printable(err['msg'])}")
        raise SelectorError(f"{path}: " + "; ".join(problems)) from None
    except RecursionError:
        raise SelectorError(f"{path}: nested too deeply to be a selectors file") from None


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
            f" {printable(', '.join(unknown))}"
        )


def load_selectors(
    court: str, directory: Path | None = None, *, overrides: Sequence[Path] | None = None
) -> Selectors:
    """default.yaml merged with each `<court>.yaml` found.

    `overrides` are the user's folders (`--selectors DIR`, then the user's configuration
    folder), searched before the built-in one: a key set in an earlier folder's file wins
    over a later one's. Each file may only change keys default.yaml has. None means the
    user's folder when the built-in selectors are used, and no other folder when
    `directory` is given.
    """
    if overrides is None:
        overrides = [user_selectors_dir()] if directory is None else []
    directory = directory or selectors_dir()
    # `--selectors selectors` in a checkout names the built-in folder itself.
    overrides = [f for f in overrides if f.resolve() != directory.resolve()]
    default_path = directory / "default.yaml"
    base = _read(default_path)
    _check_complete(default_path, base)
    locators = {page: dict(group) for page, group in base.locators.items()}
    confirm_rows = dict(base.confirm_rows)
    texts = {k: list(v) for k, v in base.texts.items()}
    origins = {f"{p}.{k}": Origin(default_path) for p, g in locators.items() for k in g}
    origins.update({f"confirm_rows.{k}": Origin(default_path) for k in confirm_rows})
    origins.update({f"texts.{k}": Origin(default_path) for k in texts})

    for folder in overrides:
        if (folder / "default.yaml").is_file():
            # A copy of the built-in file would be taken for every court's override; say so
            # rather than guess what the user meant.
            raise SelectorError(
                f"{folder / 'default.yaml'}: a folder of selector overrides holds only <court>.yaml"
                " files with the keys that differ (rename it, e.g. to canb.yaml, or remove it)"
            )
    layers = [directory, *reversed(overrides)]  # the last applied wins
    for override_path in (folder / f"{court.lower()}.yaml" for folder in layers):
        if not court or not override_path.is_file():
            continue
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
    return Selectors(court, locators, confirm_rows, texts, origins, (*overrides, directory))
