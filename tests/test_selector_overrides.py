"""`selectors/<court>.yaml`: what an override may change, what it may not, and where it shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import replica_court

import ecf_autolink.locators as locators_mod
from ecf_autolink.cli import main
from ecf_autolink.locators import SelectorError, load_selectors
from ecf_autolink.paths import fixtures_dir, selectors_dir
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import make_attorney


@pytest.fixture
def sel_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "selectors"
    folder.mkdir()
    shutil.copy(selectors_dir() / "default.yaml", folder / "default.yaml")
    return folder


@pytest.fixture
def cli_selectors(sel_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commands read their selectors from `sel_dir` instead of the repository's."""
    monkeypatch.setattr(locators_mod, "selectors_dir", lambda: sel_dir)
    return sel_dir


def test_an_override_replaces_whole_entries_and_each_key_remembers_its_file(sel_dir: Path) -> None:
    (sel_dir / "canb.yaml").write_text(
        "locators:\n"
        "  cmecf_main:\n"
        "    utilities: {role: link, name: 'Utilities Menu'}\n"
        "confirm_rows:\n"
        "  pacer: 'PACER account'\n"
        "texts:\n"
        "  already_linked: ['is linked to', 'already been linked']\n"
    )
    sel = load_selectors("canb", sel_dir)
    spec = sel.spec("cmecf_main.utilities")
    # The entry is replaced, not merged: `exact: true` from the default does not linger.
    assert (spec.name, spec.exact) == ("Utilities Menu", False)
    assert sel.confirm_rows == {"cmecf": "CM/ECF", "pacer": "PACER account"}
    assert sel.phrases("already_linked") == ["is linked to", "already been linked"]
    for key in ("cmecf_main.utilities", "confirm_rows.pacer", "texts.already_linked"):
        assert sel.origin(key).path.name == "canb.yaml", key
    for key in ("cmecf_main.logout", "confirm_rows.cmecf", "texts.court_not_nextgen"):
        assert sel.origin(key).path.name == "default.yaml", key
    other = load_selectors("cacd", sel_dir)
    assert other.spec("cmecf_main.utilities").name == "Utilities" and other.confirm_rows["pacer"] == "PACER"


def test_the_court_id_is_matched_in_any_case_and_an_empty_override_changes_nothing(sel_dir: Path) -> None:
    (sel_dir / "canb.yaml").write_text("texts:\n  court_not_nextgen: ['Accounts linked']\n")
    assert load_selectors("CANB", sel_dir).phrases("court_not_nextgen") == ["Accounts linked"]
    (sel_dir / "canb.yaml").write_text("# nothing differs yet\n")
    assert load_selectors("canb", sel_dir).all_keys() == load_selectors("", sel_dir).all_keys()


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("locators:\n  nowhere:\n    button: {text: x}\n", "locators.nowhere.button"),
        ("locators:\n  pacer_login:\n    usrname: {label: User}\n", "locators.pacer_login.usrname"),
        ("texts:\n  allready_linked: ['x']\n", "texts.allready_linked"),
        ("confirm_rows:\n  judge: 'Judge'\n", "confirm_rows.judge"),
        ("texts:\n  already_linked: []\n", "texts.already_linked: Value error, needs at least one phrase"),
        ("texts:\n  already_linked: ['  ']\n", "texts.already_linked.0: Value error, must not be blank"),
        ("confirm_rows:\n  pacer: ''\n", "confirm_rows.pacer: Value error, must not be blank"),
        ("locators:\n  pacer_login:\n    login: {exact: true}\n", "locators.pacer_login.login"),
        ("locators:\n  court_front:\n", "locators.court_front"),
    ],
)
def test_an_override_that_cannot_be_used_is_an_error_naming_file_and_key(
    sel_dir: Path, yaml_text: str, named: str
) -> None:
    (sel_dir / "canb.yaml").write_text(yaml_text)
    with pytest.raises(SelectorError) as caught:
        load_selectors("canb", sel_dir)
    assert str(caught.value).startswith(str(sel_dir / "canb.yaml"))
    assert named in str(caught.value)


def test_a_blank_phrase_is_refused_in_the_defaults_too(sel_dir: Path) -> None:
    # A blank phrase is found on every page: every page would "say" the court is not ready.
    text = (sel_dir / "default.yaml").read_text()
    text = text.replace('    - "not yet available"\n', '    - ""\n')
    (sel_dir / "default.yaml").write_text(text)
    with pytest.raises(SelectorError, match=r"texts\.court_not_nextgen\.0"):
        load_selectors("canb", sel_dir)


def test_autolink_selectors_prints_the_merged_selectors_with_their_files(cli_selectors: Path) -> None:
    (cli_selectors / "canb.yaml").write_text(
        "locators:\n  pacer_login:\n    login: {role: button, name: 'Sign in'}\n"
        "texts:\n  already_linked: ['is linked to']\n"
    )
    result = CliRunner().invoke(main, ["selectors", "--court", "canb"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "name='Sign in'" in lines["pacer_login.login"] and lines["pacer_login.login"].endswith("canb.yaml")
    assert lines["texts.already_linked"].endswith("canb.yaml")
    assert lines["pacer_login.username"].endswith("default.yaml")
    assert lines["confirm_rows.cmecf"].endswith("default.yaml")
    # Every key of the defaults is listed once.
    expected = load_selectors("canb", cli_selectors)
    assert set(lines) == {*expected.all_keys(), "confirm_rows.cmecf", "confirm_rows.pacer"} | {
        f"texts.{k}" for k in expected.texts
    }


def test_autolink_selectors_with_a_bad_override_is_exit_2(cli_selectors: Path) -> None:
    (cli_selectors / "canb.yaml").write_text("locators:\n  pacer_login:\n    loginn: {text: x}\n")
    result = CliRunner().invoke(main, ["selectors", "--court", "canb"])
    assert result.exit_code == 2
    assert "canb.yaml" in result.stderr and "locators.pacer_login.loginn" in result.stderr


def test_autolink_selectors_for_an_unknown_court_is_exit_2_not_the_defaults() -> None:
    result = CliRunner().invoke(main, ["selectors", "--court", "cnab"])
    assert result.exit_code == 2
    assert "unknown court id 'cnab'" in result.stderr and result.stdout == ""


@pytest.mark.browser
def test_check_uses_the_courts_override_and_says_so(cli_selectors: Path, tmp_path: Path) -> None:
    """A court renamed its link; its override file puts that right for it alone."""
    pages = tmp_path / "pages"
    shutil.copytree(fixtures_dir() / "default", pages / "default")
    (pages / "canb").mkdir()
    front = (pages / "default" / "court_front.html").read_text()
    (pages / "canb" / "court_front.html").write_text(
        front.replace(">Document Filing System<", ">Electronic Filing<")
    )
    (cli_selectors / "canb.yaml").write_text(
        "locators:\n  court_front:\n    document_filing_system: {role: link, name: 'Electronic Filing'}\n"
    )
    court = replica_court(make_attorney(), templates_dir=pages)
    with serve(court) as replica:
        args = ["check", "--court", "canb", "--court-url", replica.court_url, "--json", "--timeout", "5"]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    origins = {r["key"]: Path(r["origin"]).name for r in json.loads(result.stdout)}
    assert origins["court_front.document_filing_system"] == "canb.yaml"
    assert origins["pacer_login.username"] == "default.yaml"
