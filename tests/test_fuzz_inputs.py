"""Fuzzing the files a person hands the tool: rosters (CSV, YAML) and selector overrides.

Whatever the bytes, loading gives a usable result or the module's own error, whose message
names the file, stays on one line per problem and carries no control character or secret.
A traceback of any other kind is a bug: the CLI only turns these two errors into clean
messages (cli.InputError).
"""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecf_autolink.attorney import Attorney
from ecf_autolink.courts import get_court
from ecf_autolink.locators import (
    REQUIRED_LOCATORS,
    REQUIRED_TEXTS,
    LocatorSpec,
    SelectorError,
    load_selectors,
)
from ecf_autolink.paths import selectors_dir
from ecf_autolink.plan import build_plan
from ecf_autolink.roster import COLUMNS, RosterError, load_roster

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ENV = {
    "PW": "env-secret-Qz7w",
    "TOTP": TOTP,
    "EMPTY": "",
    "COURT": "canb",
    # What os.environ holds for a variable whose bytes are not UTF-8.
    "BADBYTES": "ab\udcffcd",
}
SECRETS = ("env-secret-Qz7w",)

# Cells chosen to reach every branch of a row's checks, mixed with arbitrary text.
SPECIAL_CELLS = [
    "canb",
    " CANB ",
    "nysd",
    "ca9",
    "zzzz",
    "",
    " ",
    "Jane Doe",
    "${PW}",
    "${MISSING}",
    "${EMPTY}",
    "${COURT}",
    "${TOTP}",
    "${BADBYTES}",
    "$${x}",
    "${",
    "${1x}",
    TOTP,
    TOTP.lower(),
    f"otpauth://totp/PACER:jdoe?secret={TOTP}&digits=6",
    f"otpauth://totp/x?secret={TOTP}&algorithm=SHA256",
    "otpauth://hotp/x?secret=AAAA",
    "codes.txt",
    "~",
    "~nosuchuser-zq/codes.txt",
    "/",
    "../codes.txt",
    "a\x00b",
    "\ufeff",
    "\r\n",
    '"',
    "'",
    "=cmd|' /C calc'!A0",
    "\x1b[31mred\x1b[0m",
    "[bold]x[/bold]",
    "\u202eevil",
    "\ud800",
    "x" * 300,
]
CELL = st.one_of(
    st.sampled_from(SPECIAL_CELLS),
    st.text(max_size=20),
    st.text(max_size=6).map(lambda s: "${" + s + "}"),
)
HEADER_NAME = st.one_of(
    st.sampled_from(COLUMNS),
    st.sampled_from(COLUMNS).map(lambda c: c.upper().replace("_", " ")),
    st.sampled_from(COLUMNS).map(lambda c: f" {c.replace('_', '-')} "),
    st.sampled_from(["pacer_usrname", "email", "", "\x1b[2J", "Jane Doe", "${PW}"]),
    st.text(max_size=8),
)


def _terminal_safe(text: str) -> bool:
    """No control character but the newlines that separate a RosterError's problems."""
    return not [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cs")]


@pytest.fixture(scope="module")
def roster_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("roster")
    (folder / "codes.txt").write_text("11111111\n22222222\n")
    return folder


@pytest.fixture(scope="module")
def selectors_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("selectors")
    shutil.copy(selectors_dir() / "default.yaml", folder / "default.yaml")
    return folder


def check_roster(path: Path, data: bytes, courts: Sequence[str] = ()) -> list[Attorney] | None:
    """Load `data` as the roster `path`; a RosterError must be clean, a success a valid plan."""
    path.write_bytes(data)
    try:
        attorneys = load_roster(path, courts=courts, env=ENV)
    except RosterError as exc:
        text = str(exc)
        assert exc.problems
        assert path.name in text
        for problem in exc.problems:
            assert problem.file in (path.name, "--court")
            assert "\n" not in str(problem), str(problem)
        assert _terminal_safe(text), text
        assert not [s for s in SECRETS if s in text], text
        return None
    assert isinstance(attorneys, list)
    for attorney in attorneys:
        assert get_court(attorney.court).id == attorney.court
        assert attorney.pacer_username and attorney.cmecf_username
        assert attorney.pacer_password.reveal() and attorney.cmecf_password.reveal()
        assert not [c for c in attorney.name if unicodedata.category(c) == "Cs"]
    urls = {a.court: f"https://ecf.{a.court}.uscourts.gov" for a in attorneys}
    rows = build_plan(attorneys, urls, login_origin=None)
    assert [row.attorney for row in rows] == attorneys
    return attorneys


def check_selectors(folder: Path, court: str = "nysd") -> None:
    """Loading must give complete selectors or a one-line SelectorError naming the file."""
    try:
        sel = load_selectors(court, folder)
    except SelectorError as exc:
        text = str(exc)
        assert str(folder) in text and ".yaml" in text, text
        assert "\n" not in text, text
        assert _terminal_safe(text), text
        return
    for page, keys in REQUIRED_LOCATORS.items():
        for key in keys:
            assert isinstance(sel.spec(f"{page}.{key}"), LocatorSpec)
            assert sel.spec(f"{page}.{key}").describe() != "?"
    for kind in REQUIRED_TEXTS:
        assert sel.phrases(kind) and all(isinstance(p, str) and p.strip() for p in sel.phrases(kind))
    assert set(sel.confirm_rows) == {"cmecf", "pacer"}


# --- encodings ------------------------------------------------------------------------

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda text: text.encode("utf-8", "surrogatepass"),
    "utf-8-sig": lambda text: text.encode("utf-8-sig", "surrogatepass"),
    "utf-16": lambda text: text.encode("utf-16", "surrogatepass"),
    "cp1252": lambda text: text.encode("cp1252", "replace"),
}


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """`text` with a random newline style and encoding, sometimes with a stray byte."""
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    data = ENCODINGS[draw(st.sampled_from(sorted(ENCODINGS)))](text.replace("\n", newline))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        stray = draw(st.sampled_from([b"\x00", b"\xef\xbb\xbf", b"\xff", b"\r", b'"', b"\x1b"]))
        data = data[:at] + stray + data[at:]
    return data


# --- rosters: anything at all -----------------------------------------------------------


@FUZZ
@given(text=st.text(), suffix=st.sampled_from(["csv", "yaml", "yml", "CSV"]))
def test_any_text_is_a_plan_or_a_roster_error(roster_dir: Path, text: str, suffix: str) -> None:
    check_roster(roster_dir / f"attorneys.{suffix}", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from(["csv", "yaml"]))
def test_any_bytes_are_a_plan_or_a_roster_error(roster_dir: Path, data: bytes, suffix: str) -> None:
    check_roster(roster_dir / f"attorneys.{suffix}", data)


# --- rosters: nearly right ------------------------------------------------------------


@st.composite
def near_valid_csv(draw: st.DrawFn) -> str:
    header = draw(
        st.one_of(
            st.permutations(COLUMNS).map(lambda cols: list(cols[: max(5, len(cols) - 2)])),
            st.lists(HEADER_NAME, min_size=1, max_size=10),
        )
    )
    width = len(header)
    row = st.lists(CELL, min_size=width, max_size=width)
    ragged = st.lists(CELL, min_size=0, max_size=width + 2)
    rows = draw(st.lists(st.one_of(row, row, ragged), max_size=5))
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    if draw(st.booleans()):
        writer = csv.writer(buffer, quoting=quoting, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    # Joined by hand, as a careless export would: quotes and commas in cells break it.
    return "".join(",".join(cells) + "\n" for cells in [header, *rows])


@FUZZ
@given(data=near_valid_csv().flatmap(encoded), courts=st.sampled_from([(), ("canb",), ("canb", "nysd")]))
def test_near_valid_csv(roster_dir: Path, data: bytes, courts: tuple[str, ...]) -> None:
    check_roster(roster_dir / "attorneys.csv", data, courts)


YAML_VALUE = st.recursive(
    st.one_of(CELL, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(CELL, inner, max_size=3)),
    max_leaves=6,
)
YAML_ROW = st.dictionaries(st.one_of(HEADER_NAME, CELL), st.one_of(CELL, CELL, YAML_VALUE), max_size=10)


@st.composite
def near_valid_yaml(draw: st.DrawFn) -> str:
    rows = draw(st.lists(st.one_of(YAML_ROW, YAML_VALUE), max_size=4))
    root: Any = draw(st.sampled_from(["list", "attorneys", "attorneys-empty", "scalar"]))
    document: Any = {
        "list": rows,
        "attorneys": {"attorneys": rows},
        "attorneys-empty": {"attorneys": None},
        "scalar": draw(CELL),
    }[root]
    if draw(st.booleans()):
        return yaml.safe_dump(
            document,
            allow_unicode=draw(st.booleans()),
            default_flow_style=draw(st.sampled_from([None, True, False])),
        )
    # Written by hand without quoting: cells holding ": ", "#", "[" or tabs break it.
    lines = []
    for cells in rows:
        if not isinstance(cells, dict):
            lines.append(f"- {cells}")
            continue
        lines.append("-")
        lines.extend(f"  {key}: {value}" for key, value in cells.items())
    return "\n".join(lines) + "\n"


@FUZZ
@given(data=near_valid_yaml().flatmap(encoded), courts=st.sampled_from([(), ("canb",)]))
def test_near_valid_yaml(roster_dir: Path, data: bytes, courts: tuple[str, ...]) -> None:
    check_roster(roster_dir / "attorneys.yaml", data, courts)


def test_the_fuzzed_cells_can_make_a_valid_plan(roster_dir: Path) -> None:
    # The near-valid strategies are only worth running if their cells can pass.
    header = ",".join(COLUMNS)
    data = f"{header}\n ${{COURT}} ,Jane Doe,jdoe,${{PW}},jdoe,p,,${{TOTP}},codes.txt\n".encode()
    attorneys = check_roster(roster_dir / "attorneys.csv", data)
    assert attorneys is not None and [a.court for a in attorneys] == ["canb"]
    yaml_data = f"attorneys:\n- {{{header.replace(',', ': x, ')}: y}}\n".encode()
    check_roster(roster_dir / "attorneys.yaml", yaml_data, ("canb",))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("~nosuchuser-zq/codes.txt", "names no user on this computer"),
        ("${BADBYTES}", "not valid Unicode text"),
    ],
)
def test_rows_found_by_fuzzing(roster_dir: Path, cell: str, expected: str) -> None:
    """Each of these once escaped as a RuntimeError or reached the reports as a lone surrogate."""
    data = f"{','.join(COLUMNS)}\ncanb,A,a,p,c,q,,,{cell}\n".encode()
    path = roster_dir / "attorneys.csv"
    assert check_roster(path, data) is None
    with pytest.raises(RosterError) as caught:
        load_roster(path, courts=(), env=ENV)
    assert expected in str(caught.value)
    assert "line 2" in str(caught.value) and "backup_codes_file" in str(caught.value)


def test_a_yaml_unicode_escape_to_a_lone_surrogate_is_refused(roster_dir: Path) -> None:
    path = roster_dir / "attorneys.yaml"
    data = b'- {court: canb, name: "Jane \\ud800", pacer_username: a, pacer_password: p,\n'
    data += b"   cmecf_username: c, cmecf_password: q}\n"
    assert check_roster(path, data) is None
    with pytest.raises(RosterError) as caught:
        load_roster(path, courts=(), env=ENV)
    assert caught.value.messages == [
        "attorneys.yaml item 1, line 1, key name: name holds a character that is not valid Unicode text"
    ]


# --- selector overrides -----------------------------------------------------------------


@FUZZ
@given(text=st.text())
def test_any_override_text_gives_selectors_or_a_selector_error(selectors_folder: Path, text: str) -> None:
    (selectors_folder / "nysd.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    check_selectors(selectors_folder)


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_override_bytes_give_selectors_or_a_selector_error(selectors_folder: Path, data: bytes) -> None:
    (selectors_folder / "nysd.yaml").write_bytes(data)
    check_selectors(selectors_folder)


PAGES = sorted(REQUIRED_LOCATORS)
SPEC_VALUE = st.one_of(
    CELL,
    st.booleans(),
    st.none(),
    st.integers(),
    st.sampled_from(["link", "button", "spaceship"]),
    st.lists(CELL, max_size=2),
)
SPEC = st.one_of(
    st.dictionaries(
        st.sampled_from(["role", "name", "label", "text", "placeholder", "css", "exact", "colour"]),
        SPEC_VALUE,
        max_size=3,
    ),
    SPEC_VALUE,
)


@st.composite
def override_document(draw: st.DrawFn) -> Any:
    page = st.one_of(st.sampled_from(PAGES), CELL)
    locators = draw(
        st.dictionaries(
            page,
            st.one_of(
                st.dictionaries(
                    st.one_of(
                        st.sampled_from([k for keys in REQUIRED_LOCATORS.values() for k in keys]), CELL
                    ),
                    SPEC,
                    max_size=3,
                ),
                SPEC_VALUE,
            ),
            max_size=3,
        )
    )
    texts = draw(
        st.dictionaries(
            st.one_of(st.sampled_from(REQUIRED_TEXTS), CELL),
            st.one_of(st.lists(CELL, max_size=3), SPEC_VALUE),
            max_size=3,
        )
    )
    confirm = draw(st.dictionaries(st.sampled_from(["cmecf", "pacer", "court"]), SPEC_VALUE, max_size=2))
    document = {"locators": locators, "texts": texts, "confirm_rows": confirm}
    keep = draw(st.sets(st.sampled_from([*document, "colours"]), min_size=1))
    return {key: document.get(key, {}) for key in keep}


# Things YAML accepts as syntax but a loader can still choke on while building values.
TRICKY_YAML = [
    "texts: {court_not_nextgen: [2024-13-45]}\n",
    "texts: {court_not_nextgen: [" + "9" * 5000 + "]}\n",
    "texts: {court_not_nextgen: [1e999999]}\n",
    "texts: {court_not_nextgen: [!!binary 'AAAA']}\n",
    "texts: {court_not_nextgen: [!!python/object:os.system x]}\n",
    "texts: {court_not_nextgen: !!set {a, b}}\n",
    "a: &a [*a]\nlocators: *a\n",
    "base: &b {text: x}\nlocators: {success: {message: {<<: *b, exact: true}}}\n",
    "locators: " + "[" * 1000 + "\n",
    "locators: " + "{a: " * 1000 + "\n",
    "? [a, b]\n: c\n",
    "texts:\n\tcourt_not_nextgen: [x]\n",
    'texts: {court_not_nextgen: ["\\e[31m"]}\n',
    '"\\e[2J\\nkey": 1\n',
    "--- {}\n--- {}\n",
    "texts: {court_not_nextgen: [x]}\n...\n%YAML 9.9\n",
]


@FUZZ
@given(
    document=override_document(),
    style=st.sampled_from([None, True, False]),
    tricky=st.one_of(st.none(), st.sampled_from(TRICKY_YAML)),
)
def test_near_valid_overrides(
    selectors_folder: Path, document: Any, style: bool | None, tricky: str | None
) -> None:
    text = yaml.safe_dump(document, default_flow_style=style, allow_unicode=True)
    if tricky is not None:
        text = tricky
    (selectors_folder / "nysd.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
    check_selectors(selectors_folder)


@FUZZ
@given(data=st.data())
def test_a_damaged_default_file(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    folder = tmp_path_factory.getbasetemp() / "damaged-default"
    folder.mkdir(exist_ok=True)
    lines = (selectors_dir() / "default.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = data.draw(st.integers(0, len(lines) - 1))
    damage = data.draw(st.sampled_from(["drop", "insert", "replace"]))
    noise = data.draw(
        st.one_of(st.text(max_size=10), st.sampled_from(["\t", ": ", "  - x\n", "\x00", "\ufeff"]))
    )
    if damage == "drop":
        del lines[at]
    elif damage == "insert":
        lines.insert(at, noise)
    else:
        column = data.draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:column] + noise + lines[at][column:]
    (folder / "default.yaml").write_bytes(data.draw(encoded("".join(lines))))
    check_selectors(folder, "canb")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfe", "line 1: the file is not UTF-8 text"),
        (
            b"texts:\n  court_not_nextgen: [2024-13-45]\n",
            "line 2: not valid YAML (this is not a valid timestamp",
        ),
        (
            b"texts: {court_not_nextgen: [" + b"9" * 5000 + b"]}\n",
            "line 1: not valid YAML (this is not a valid int",
        ),
        (b"locators: " + b"[" * 1000 + b"\n", "not valid YAML (nested too deeply)"),
        (b"texts:\n  x: \x01\n", "line 2: not valid YAML (it holds the control character U+0001"),
        (b'"a\\nb\\e": 1\n', "a\\nb\\x1b: Extra inputs are not permitted"),
    ],
)
def test_overrides_found_by_fuzzing(selectors_folder: Path, raw: bytes, expected: str) -> None:
    """Each of these once escaped as a bare ValueError, UnicodeDecodeError or RecursionError,
    or printed a key's newline and ESC to the terminal."""
    (selectors_folder / "nysd.yaml").write_bytes(raw)
    with pytest.raises(SelectorError) as caught:
        load_selectors("nysd", selectors_folder)
    message = str(caught.value)
    assert message.startswith(str(selectors_folder / "nysd.yaml"))
    assert expected in message and "\n" not in message and "\x1b" not in message


def test_a_bom_before_an_override_is_ignored(selectors_folder: Path) -> None:
    (selectors_folder / "nysd.yaml").write_bytes(b"\xef\xbb\xbftexts: {court_not_nextgen: [Linked]}\r\n")
    assert load_selectors("nysd", selectors_folder).phrases("court_not_nextgen") == ["Linked"]
