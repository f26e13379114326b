"""The wheel a user installs: built from a clean copy of the checkout, installed with pip
into a fresh virtualenv, and run from a folder that is not the checkout (issue 13).

The fresh venv takes its dependencies from this project's own environment through a
.pth line (their .pth files are not processed, so the checkout's editable install stays
out of reach): the test needs no network, and the package itself can only come from the
wheel. `pip check` then proves the wheel's declared dependencies are all there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from ecf_autolink import __version__
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import demo_court

REPO = Path(__file__).resolve().parent.parent
# What a wheel needs when the checkout is not a git work tree (an unpacked source archive).
_BUILD_INPUTS = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "ecf_autolink",
    "selectors",
    "fixtures",
)

WHICH_PACKAGE = (
    "import ecf_autolink, importlib.metadata as m; print(ecf_autolink.__file__, m.version('ecf-autolink'))"
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _clean_copy(dest: Path) -> Path:
    """The tracked files only: no .venv, no build output, no stray local edits to ignored files."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached"], cwd=REPO, capture_output=True, check=True
        ).stdout
        files = [name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if files:
        for name in files:
            source = REPO / name
            if source.is_file():  # a file deleted but not yet committed is simply absent
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / name)
    else:
        for name in _BUILD_INPUTS:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif source.is_file():
                shutil.copy2(source, dest / name)
    return dest


def _run(
    args: list[str | Path], *, cwd: Path, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(root / "source")
    dist = root / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", dist, source],
        cwd=root,
        env=dict(os.environ),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("ecf_autolink-*.whl")

    target = root / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bin_dir = target / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=root,
            env=dict(os.environ),
        ).stdout.strip()
    )
    (site / "_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel],
        cwd=root,
        env=dict(os.environ),
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return {"root": root, "wheel": wheel, "python": python, "autolink": bin_dir / "autolink", "site": site}


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A user's environment: no credentials, no settings from the developer's shell."""
    prefixes = ("PACER_", "CMECF_", "ATTORNEY_", "AUTOLINK_", "PYTHON")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["AUTOLINK_CONFIG_DIR"] = str(tmp_path / "config")
    return env


def test_the_wheel_carries_the_data_the_licence_and_the_metadata(installed: dict[str, Path]) -> None:
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
        metadata = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert "ecf_autolink/_data/selectors/default.yaml" in names
    assert "ecf_autolink/_data/fixtures/html/default/pacer_login.html" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert f"Version: {__version__}\n" in metadata
    for classifier in (
        "Operating System :: Microsoft :: Windows",
        "Operating System :: MacOS",
        "Operating System :: POSIX :: Linux",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ):
        assert f"Classifier: {classifier}\n" in metadata
    assert "Project-URL: Homepage, https://github.com/ecf-autolink/ecf-autolink" in metadata
    assert "Requires-Dist: filelock" in metadata and "Requires-Dist: platformdirs" in metadata


def test_the_installed_tool_runs_from_outside_the_checkout(
    installed: dict[str, Path], user_env: dict[str, str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "desk"
    elsewhere.mkdir()
    python, autolink = installed["python"], installed["autolink"]

    where = _run(
        [python, "-c", WHICH_PACKAGE],
        cwd=elsewhere,
        env=user_env,
    )
    assert where.returncode == 0, where.stderr
    module_file, version = where.stdout.split()
    assert Path(module_file).is_relative_to(installed["site"]), "the package must come from the wheel"
    assert version == __version__

    deps = _run([sys.executable, "-m", "pip", "--python", python, "check"], cwd=elsewhere, env=user_env)
    assert deps.returncode == 0, deps.stdout + deps.stderr

    helped = _run([autolink, "--help"], cwd=elsewhere, env=user_env)
    assert helped.returncode == 0, helped.stderr
    for command in ("link", "demo", "selectors", "doctor", "install"):
        assert command in helped.stdout
    assert _run([autolink, "--version"], cwd=elsewhere, env=user_env).stdout.strip().endswith(__version__)

    selectors = _run([autolink, "selectors", "--court", "canb"], cwd=elsewhere, env=user_env)
    assert selectors.returncode == 0, selectors.stderr
    built_in = installed["site"] / "ecf_autolink" / "_data" / "selectors" / "default.yaml"
    assert str(built_in) in selectors.stdout
    assert f"searched: {Path(user_env['AUTOLINK_CONFIG_DIR']) / 'selectors'}" in selectors.stderr

    with serve(demo_court()) as replica:
        doctor = _run([autolink, "doctor", "--court-url", replica.court_url], cwd=elsewhere, env=user_env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr

    out = tmp_path / "demo-out"
    demo = _run([autolink, "demo", "--out", out, "--json"], cwd=elsewhere, env=user_env, timeout=300)
    assert demo.returncode == 0, demo.stderr
    rows = json.loads(demo.stdout)
    assert rows and {r["outcome"] for r in rows} >= {"linked"}
    assert (out / "report.html").is_file() and (out / "journal.sqlite3").is_file()
    assert not (elsewhere / "autolink-out").exists() and not list(elsewhere.iterdir())
