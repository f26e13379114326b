"""Golden page tests: every saved page, read with its own court's selectors.

For each `<court>/*.html` under `fixtures/html/` (the built-in and recorded pages) and
under `tests/courts/html/` (a test court's own pages, with its override YAML in
`tests/courts/selectors/`):

- the recorder's classifier names the file as its own kind (`pages.kinds.SPECS`),
- each selector key of that kind finds exactly one element, each phrase group is there,
- on a confirmation page, the names read from the table match `expected.json` beside it.

Templates are rendered with fixed sample values first, as the replica would fill them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.async_api import Browser
from support import attorney_for, credentials_env, empty_env_file, env_without_credentials, run_on_replica

from ecf_autolink.cli import main
from ecf_autolink.locators import Selectors, load_selectors
from ecf_autolink.outcome import Outcome
from ecf_autolink.pages.base import PageKit
from ecf_autolink.pages.confirmation import parse_confirmation
from ecf_autolink.pages.kinds import REPLICA_ONLY, SPECS, TEXTS, PageKind, kind_of_fixture
from ecf_autolink.paths import fixtures_dir
from ecf_autolink.recorder import fixture_name
from ecf_autolink.replica import ReplicaCourt
from ecf_autolink.replica.http_server import serve
from ecf_autolink.replica.scenarios import build_accounts, make_attorney
from ecf_autolink.replica.templates import PLACEHOLDER, Templates

pytestmark = pytest.mark.browser

TEST_COURTS = Path(__file__).parent / "courts"
EXPECTED = "expected.json"

# What the replica would put in each placeholder; the confirmation names are what
# expected.json holds for a template (a recorded page may show real words instead).
SAMPLE_VALUES = {
    "court_name": "Sample District Court",
    "court_base": "https://ecf.sample.test",
    "login_base": "https://pacer.sample.test",
    "appurl": "/cgi-bin/login.pl",
    "error": "",
    "skips_left": "3",
    "pacer_username": "qmarlowe",
    "cmecf_username": "qam",
    "cmecf_name": "MARLOWE, QUENTIN A.",
    "pacer_name": "Quentin A. Marlowe",
    "token": "sample-token",
    "message": "Your PACER account is already linked to a CM/ECF account in this court.",
    "status": "503",
    "reason": "Service Unavailable",
    "detail": "down",
}

# PACER's in-page login holds every sign-in dialog hidden, and the classifier counts
# hidden elements too: it takes that page for whichever dialog's kind it tries first.
# Its keys are still checked here, its dialogs in test_fixture_selectors.py.
IN_PAGE_LOGIN = "pacer_login_inpage.html"


@dataclass(frozen=True)
class CourtPages:
    court: str
    root: Path  # holds <court>/*.html
    overrides: tuple[Path, ...]  # folders of <court>.yaml besides the built-in selectors/

    def selectors(self) -> Selectors:
        return load_selectors("" if self.court == "default" else self.court, overrides=list(self.overrides))

    def templates(self) -> Templates:
        return Templates(self.court, (self.root, fixtures_dir()))


def _court_folders() -> list[CourtPages]:
    built_in = [
        CourtPages(d.name, fixtures_dir(), ()) for d in sorted(fixtures_dir().iterdir()) if d.is_dir()
    ]
    tests = [
        CourtPages(d.name, TEST_COURTS / "html", (TEST_COURTS / "selectors",))
        for d in sorted((TEST_COURTS / "html").iterdir())
        if d.is_dir()
    ]
    return built_in + tests


def _pages() -> list[tuple[CourtPages, str]]:
    return [
        (court, page.name)
        for court in _court_folders()
        for page in sorted((court.root / court.court).glob("*.html"))
        if page.name not in REPLICA_ONLY
    ]


PAGES = _pages()
IDS = [f"{court.court}/{name}" for court, name in PAGES]


def _rendered(court: CourtPages, name: str) -> str:
    templates = court.templates()
    text = templates.path(name).read_text(encoding="utf-8")
    values = SAMPLE_VALUES | {"court_id": court.court, "psc_court_id": court.court}
    missing = sorted(set(PLACEHOLDER.findall(text)) - set(values))
    assert not missing, f"{court.court}/{name}: no sample value for {missing}; add one to SAMPLE_VALUES"
    return templates.render(name, values)


def test_there_is_a_second_court_and_every_page_has_a_kind() -> None:
    courts = {court.court for court, _ in PAGES}
    assert {"default", "wawb"} <= courts, courts
    unknown = [f"{c.court}/{n}" for c, n in PAGES if kind_of_fixture(n) is None]
    assert not unknown, f"pages with no row in pages.kinds.SPECS: {unknown}"


@pytest.mark.parametrize(("court", "name"), PAGES, ids=IDS)
async def test_the_page_is_its_own_kind_and_its_keys_find_one_element_each(
    chromium: Browser, court: CourtPages, name: str
) -> None:
    kind = kind_of_fixture(name)
    assert kind is not None
    spec = SPECS[kind]
    selectors = court.selectors()
    page = await chromium.new_page()
    try:
        await page.set_content(_rendered(court, name))
        if name != IN_PAGE_LOGIN:
            named = await fixture_name(page, selectors)
            assert named == spec.fixture, f"{court.court}/{name} is taken for {named}, not {spec.fixture}"
        kit = PageKit(page, selectors, timeout_ms=0)
        for key in spec.counted:
            count = await kit.kind_locator(key).count()
            if key.startswith(TEXTS):
                phrases = selectors.phrases(key.removeprefix(TEXTS))
                assert count, f"none of {key} {phrases} is on {court.court}/{name}"
            else:
                what = selectors.spec(key).describe()
                assert count == 1, f"{key} ({what}) finds {count} elements on {court.court}/{name}"
    finally:
        await page.close()


async def test_the_in_page_login_is_recorded_as_the_login_page(chromium: Browser) -> None:
    court = CourtPages("default", fixtures_dir(), ())
    page = await chromium.new_page()
    try:
        await page.set_content(_rendered(court, IN_PAGE_LOGIN))
        assert await fixture_name(page, court.selectors()) == SPECS[PageKind.PACER_LOGIN].fixture
    finally:
        await page.close()


CONFIRMATIONS = [(c, n) for c, n in PAGES if kind_of_fixture(n) == PageKind.LINK_CONFIRM]


@pytest.mark.parametrize(("court", "name"), CONFIRMATIONS, ids=[f"{c.court}/{n}" for c, n in CONFIRMATIONS])
def test_the_confirmation_names_match_expected_json(court: CourtPages, name: str) -> None:
    expected_file = court.root / court.court / EXPECTED
    assert expected_file.is_file(), f"{court.court}/{name}: no {EXPECTED} beside it"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))[name]
    rows = court.selectors().confirm_rows
    names = parse_confirmation(_rendered(court, name), rows["cmecf"], rows["pacer"])
    assert names is not None, (
        f"{court.court}/{name}: no table rows labelled {rows['cmecf']!r} and {rows['pacer']!r}"
    )
    assert {"cmecf_name": names.cmecf_name, "pacer_name": names.pacer_name} == expected


# -- the same pages, end to end ------------------------------------------------------------


def _test_court_replica(with_override: bool, sample_key: str) -> tuple[CourtPages, ReplicaCourt]:
    """The test court's pages on a replica, and its selectors with or without its override."""
    court = CourtPages("wawb", TEST_COURTS / "html", (TEST_COURTS / "selectors",) if with_override else ())
    replica = ReplicaCourt(
        "wawb",
        "Bankruptcy Court W.D. Wash.",
        build_accounts([make_attorney(sample_key)]),
        templates_dir=court.templates().roots,  # type: ignore[arg-type]
    )
    return court, replica


@pytest.mark.parametrize("with_override", [True, False], ids=["with-override", "without-override"])
async def test_a_court_with_its_own_pages_links_with_its_override_and_stops_clearly_without(
    chromium: Browser, tmp_path: Path, with_override: bool
) -> None:
    """The replica serves the test court's own pages; the real runner and flow link
    through them with the court's YAML, and without it stop at the first changed label."""
    sample = make_attorney("jdoe")
    court, replica = _test_court_replica(with_override, sample.key)
    [result] = await run_on_replica(
        chromium,
        replica,
        [attorney_for(sample, court="wawb")],
        tmp_path / "out",
        selectors=court.selectors(),
        timeout_ms=3_000,  # the wait for a button that is not there
    )
    if with_override:
        assert result.outcome == Outcome.LINKED, result.message
        assert replica.links == {sample.cmecf_username: sample.pacer_username}
        assert len(replica.final_submits) == 1
    else:
        assert result.outcome == Outcome.SITE_CHANGED, result.message
        assert "link_form.submit" in result.message and "Submit" in result.message, result.message
        assert replica.links == {} and replica.final_submits == []


@pytest.mark.parametrize("with_override", [True, False], ids=["with-override", "without-override"])
def test_autolink_link_with_selectors_dir_links_the_test_court_and_without_it_says_which_selector(
    tmp_path: Path, with_override: bool
) -> None:
    """The same, as a user runs it: `autolink link --selectors DIR` over loopback HTTP."""
    sample = make_attorney("wawbjoe")
    _, replica = _test_court_replica(with_override, sample.key)
    # None unsets: the developer's own shell must not lend the run a credential or a setting.
    kept = env_without_credentials()
    env: dict[str, str | None] = {k: None for k in os.environ if k not in kept}
    env |= credentials_env(sample) | {"AUTOLINK_ACKNOWLEDGE_REDACTION": "1"}
    with serve(replica) as served:
        args = [
            "link",
            "--yes",
            "--court",
            "wawb",
            "--court-url",
            served.court_url,
            "--out",
            str(tmp_path / "out"),
        ]
        args += ["--json", "--timeout", "3", "--env-file", str(empty_env_file(tmp_path))]
        if with_override:
            args += ["--selectors", str(TEST_COURTS / "selectors")]
        result = CliRunner().invoke(main, args, env=env)
    rows = json.loads(result.stdout[result.stdout.index("[") :])
    if with_override:
        assert result.exit_code == 0, result.output
        assert [r["outcome"] for r in rows] == ["linked"]
        assert replica.final_submits == ["wawbjoe"]
    else:
        assert result.exit_code != 0
        assert [r["outcome"] for r in rows] == ["site_changed"], rows
        assert "link_form.submit" in rows[0]["message"]
        assert replica.final_submits == []
