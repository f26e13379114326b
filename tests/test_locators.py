"""Selector files: strict validation, clear errors naming file and key, per-court overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ecf_autolink.locators import REQUIRED_LOCATORS, SelectorError, load_selectors
from ecf_autolink.paths import selectors_dir


@pytest.fixture
def sel_dir(tmp_path: Path) -> Path:
    shutil.copy(selectors_dir() / "default.yaml", tmp_path / "default.yaml")
    return tmp_path


def test_default_file_has_every_required_key() -> None:
    sel = load_selectors("canb")
    for page, keys in REQUIRED_LOCATORS.items():
        for key in keys:
            assert sel.spec(f"{page}.{key}")
    assert sel.origin("pacer_login.username").path.name == "default.yaml"


def test_override_replaces_one_key_and_records_where_it_came_from(sel_dir: Path) -> None:
    (sel_dir / "txsb.yaml").write_text(
        "locators:\n  pacer_login:\n    login: {role: button, name: 'Sign in'}\n"
        "texts:\n  court_not_nextgen: ['Accounts linked']\n"
    )
    sel = load_selectors("txsb", sel_dir)
    assert sel.spec("pacer_login.login").name == "Sign in"
    assert sel.origin("pacer_login.login").path.name == "txsb.yaml"
    assert sel.origin("pacer_login.username").path.name == "default.yaml"
    assert sel.phrases("court_not_nextgen") == ["Accounts linked"]
    assert load_selectors("canb", sel_dir).spec("pacer_login.login").name == "Login"


def test_override_with_a_key_the_defaults_lack_is_an_error(sel_dir: Path) -> None:
    (sel_dir / "txsb.yaml").write_text("locators:\n  pacer_login:\n    loginn: {text: x}\n")
    with pytest.raises(SelectorError) as caught:
        load_selectors("txsb", sel_dir)
    assert "txsb.yaml" in str(caught.value) and "locators.pacer_login.loginn" in str(caught.value)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "locators:\n  court_front:\n    document_filing_system: {role: link, label: x}\n",
            "locators.court_front.document_filing_system",
        ),
        ("locators:\n  court_front:\n    document_filing_system: {rol: link}\n", "rol"),
        (
            "locators:\n  court_front:\n    document_filing_system: {text: x, name: y}\n",
            "'name' goes with 'role'",
        ),
        ("locators:\n  court_front:\n    document_filing_system: {role: spaceship, name: y}\n", "role"),
        ("locators: [\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("colours: {}\n", "colours"),
    ],
)
def test_bad_override_names_file_and_key(sel_dir: Path, yaml_text: str, expected: str) -> None:
    (sel_dir / "nysd.yaml").write_text(yaml_text)
    with pytest.raises(SelectorError) as caught:
        load_selectors("nysd", sel_dir)
    assert "nysd.yaml" in str(caught.value)
    assert expected in str(caught.value)


def test_default_missing_a_required_key_is_an_error(sel_dir: Path) -> None:
    text = (sel_dir / "default.yaml").read_text().replace('    client_code: {label: "Client Code"}\n', "")
    (sel_dir / "default.yaml").write_text(text)
    with pytest.raises(SelectorError) as caught:
        load_selectors("canb", sel_dir)
    assert "locators.pacer_login.client_code" in str(caught.value)
