"""Selector overrides for an installed tool: the user's own folder and `--selectors DIR`,
searched before the built-in files, so nobody edits site-packages (issue 13)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from click.testing import CliRunner, Result

from ecf_autolink import runner as runner_mod
from ecf_autolink.cli import EXIT_INPUT, main
from ecf_autolink.locators import SelectorError, load_selectors
from ecf_autolink.paths import CONFIG_DIR_VAR, selectors_dir, user_selectors_dir
from ecf_autolink.plan import Row

CREDENTIALS = {
    "PACER_USERNAME": "jdoe",
    "PACER_PASSWORD": "Pw-Sel-4471!",
    "CMECF_USERNAME": "jdoe_ecf",
    "CMECF_PASSWORD": "Pw-Sel-4471!",
    "PACER_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
}


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's configuration folder, with an empty selectors folder in it."""
    config = tmp_path / "config"
    monkeypatch.setenv(CONFIG_DIR_VAR, str(config))
    folder = config / "selectors"
    folder.mkdir(parents=True)
    assert user_selectors_dir() == folder
    return folder


@pytest.fixture
def given_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "firm-selectors"
    folder.mkdir()
    return folder


def _selectors(*args: str) -> Result:
    return CliRunner().invoke(main, ["selectors", *args])


def _origins(result: Result) -> dict[str, str]:
    return {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()}


def test_without_the_variable_the_folder_is_platformdirs_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_DIR_VAR, raising=False)
    expected = Path(platformdirs.user_config_dir("ecf-autolink", appauthor=False)) / "selectors"
    assert user_selectors_dir() == expected


def test_the_users_folder_and_selectors_dir_layer_over_the_built_in_files(
    user_dir: Path, given_dir: Path
) -> None:
    (user_dir / "canb.yaml").write_text(
        "locators:\n  pacer_login:\n    login: {role: button, name: 'Sign in'}\n"
        "texts:\n  court_not_nextgen: ['Accounts linked']\n"
    )
    (given_dir / "canb.yaml").write_text("texts:\n  court_not_nextgen: ['Linked at last']\n")

    mine = load_selectors("canb")
    assert mine.spec("pacer_login.login").name == "Sign in"
    assert mine.origin("pacer_login.login").path == user_dir / "canb.yaml"
    assert mine.origin("pacer_login.username").path == selectors_dir() / "default.yaml"
    assert load_selectors("cacd").spec("pacer_login.login").name != "Sign in"  # canb's alone

    both = load_selectors("canb", overrides=[given_dir, user_dir])
    assert both.phrases("court_not_nextgen") == ["Linked at last"]
    assert both.origin("texts.court_not_nextgen").path == given_dir / "canb.yaml"
    assert both.origin("pacer_login.login").path == user_dir / "canb.yaml"  # not in the given file
    assert both.searched == (given_dir, user_dir, selectors_dir())


def test_autolink_selectors_shows_each_keys_file_and_the_folders_searched(
    user_dir: Path, given_dir: Path
) -> None:
    (user_dir / "canb.yaml").write_text(
        "locators:\n  pacer_login:\n    login: {role: button, name: 'Sign in'}\n"
    )
    (given_dir / "canb.yaml").write_text("texts:\n  already_linked: ['is linked to']\n")
    result = _selectors("--court", "canb", "--selectors", str(given_dir))
    assert result.exit_code == 0, result.output
    origins = _origins(result)
    assert origins["pacer_login.login"] == str(user_dir / "canb.yaml")
    assert origins["texts.already_linked"] == str(given_dir / "canb.yaml")
    assert origins["pacer_login.username"] == str(selectors_dir() / "default.yaml")
    searched = [
        line.removeprefix("searched: ") for line in result.stderr.splitlines() if line.startswith("searched")
    ]
    assert searched == [str(given_dir), str(user_dir), str(selectors_dir())]


def test_a_bad_key_in_the_users_file_names_that_file(user_dir: Path) -> None:
    (user_dir / "canb.yaml").write_text("locators:\n  pacer_login:\n    loginn: {text: x}\n")
    result = _selectors("--court", "canb")
    assert result.exit_code == EXIT_INPUT
    assert str(user_dir / "canb.yaml") in result.stderr and "locators.pacer_login.loginn" in result.stderr


def test_a_copy_of_default_yaml_in_an_overrides_folder_is_named_not_guessed(given_dir: Path) -> None:
    (given_dir / "default.yaml").write_text((selectors_dir() / "default.yaml").read_text())
    with pytest.raises(SelectorError) as caught:
        load_selectors("canb", overrides=[given_dir])
    assert str(caught.value).startswith(str(given_dir / "default.yaml"))


def test_a_missing_selectors_dir_is_exit_2() -> None:
    result = _selectors("--court", "canb", "--selectors", "/nonexistent/selectors")
    assert result.exit_code == EXIT_INPUT
    assert "/nonexistent/selectors" in result.stderr


def test_link_runs_with_the_given_and_the_users_overrides(
    user_dir: Path, given_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned: list[Row] = []

    async def nothing(self: object, rows: list[Row], browser: object = None) -> list[object]:
        planned.extend(rows)
        return []

    monkeypatch.setattr(runner_mod.Runner, "run", nothing)
    monkeypatch.chdir(tmp_path)
    (user_dir / "canb.yaml").write_text(
        "locators:\n  pacer_login:\n    login: {role: button, name: 'Sign in'}\n"
    )
    (given_dir / "canb.yaml").write_text("texts:\n  court_not_nextgen: ['Linked at last']\n")
    args = ["link", "--yes", "--court", "canb", "--out", str(tmp_path / "out"), "--selectors", str(given_dir)]
    result = CliRunner().invoke(main, args, env=CREDENTIALS)
    assert result.exit_code == 0, result.output
    (row,) = planned
    assert row.selectors.spec("pacer_login.login").name == "Sign in"
    assert row.selectors.phrases("court_not_nextgen") == ["Linked at last"]


def test_a_bad_users_file_stops_link_before_anything_runs(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (user_dir / "canb.yaml").write_text("texts:\n  link_sucess: ['x']\n")
    result = CliRunner().invoke(
        main, ["link", "--yes", "--court", "canb", "--out", str(tmp_path / "out")], env=CREDENTIALS
    )
    assert result.exit_code == EXIT_INPUT
    assert str(user_dir / "canb.yaml") in result.stderr and "texts.link_sucess" in result.stderr
    assert not (tmp_path / "out").exists()
