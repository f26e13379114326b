"""The court list: which courts are in, which are out, and what a wrong id says."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from ecf_autolink import courts
from ecf_autolink.courts import AppellateCourt, Court, CourtExtra, UnknownCourt, all_courts, get_court

# The 94 federal judicial districts, written out from the list of U.S. district courts,
# independently of courts-db.
DISTRICTS = frozenset(
    (
        "akd",
        "almd",
        "alnd",
        "alsd",
        "ared",
        "arwd",
        "azd",
        "cacd",
        "caed",
        "cand",
        "casd",
        "cod",
        "ctd",
        "dcd",
        "ded",
        "flmd",
        "flnd",
        "flsd",
        "gamd",
        "gand",
        "gasd",
        "gud",
        "hid",
        "iand",
        "iasd",
        "idd",
        "ilcd",
        "ilnd",
        "ilsd",
        "innd",
        "insd",
        "ksd",
        "kyed",
        "kywd",
        "laed",
        "lamd",
        "lawd",
        "mad",
        "mdd",
        "med",
        "mied",
        "miwd",
        "mnd",
        "moed",
        "mowd",
        "msnd",
        "mssd",
        "mtd",
        "nced",
        "ncmd",
        "ncwd",
        "ndd",
        "ned",
        "nhd",
        "njd",
        "nmd",
        "nmid",
        "nvd",
        "nyed",
        "nynd",
        "nysd",
        "nywd",
        "ohnd",
        "ohsd",
        "oked",
        "oknd",
        "okwd",
        "ord",
        "paed",
        "pamd",
        "pawd",
        "prd",
        "rid",
        "scd",
        "sdd",
        "tned",
        "tnmd",
        "tnwd",
        "txed",
        "txnd",
        "txsd",
        "txwd",
        "utd",
        "vaed",
        "vawd",
        "vid",
        "vtd",
        "waed",
        "wawd",
        "wied",
        "wiwd",
        "wvnd",
        "wvsd",
        "wyd",
    )
)


def test_the_94_districts_exactly() -> None:
    assert len(DISTRICTS) == 94
    assert {c.id for c in all_courts() if c.type == "district"} == DISTRICTS


def test_bankruptcy_count_is_plausible_and_mirrors_districts() -> None:
    bankruptcy = {c.id for c in all_courts() if c.type == "bankruptcy"}
    assert 88 <= len(bankruptcy) <= 95
    # Every bankruptcy court sits in a district of the same name.
    assert all(court_id[:-1] + "d" in DISTRICTS for court_id in bankruptcy)


@pytest.mark.parametrize(
    ("court_id", "court_type"),
    [
        ("canb", "bankruptcy"),
        ("cacd", "district"),
        ("nysd", "district"),
        ("nysb", "bankruptcy"),
        ("txsb", "bankruptcy"),
        ("dcd", "district"),
        ("prb", "bankruptcy"),
        ("gud", "district"),
        ("vid", "district"),
        ("nmid", "district"),
        ("azb", "bankruptcy"),
        ("neb", "bankruptcy"),
    ],
)
def test_known_courts(court_id: str, court_type: str) -> None:
    court = get_court(court_id)
    assert (court.id, court.type) == (court_id, court_type)
    assert court.cmecf_url == f"https://ecf.{court_id}.uscourts.gov/"
    assert court.name


@pytest.mark.parametrize(
    "court_id",
    # historical undivided districts, a closed court, CourtListener-only ids, a BAP,
    # and NMI's bankruptcy side, which has no CM/ECF site of its own.
    ["okd", "ncd", "nyd", "vad", "wisd", "canalzoned", "tennesseeb", "arb", "nebraskab", "bap9", "nmib"],
)
def test_courts_that_are_not_listed(court_id: str) -> None:
    assert court_id not in {c.id for c in all_courts()}
    with pytest.raises(UnknownCourt):
        get_court(court_id)


def test_corrected_name_from_the_extras_table() -> None:
    assert get_court("wvnb").name == "United States Bankruptcy Court, N.D. West Virginia"


def test_nextgen_dates_only_where_sourced() -> None:
    assert get_court("canb").nextgen_live == date(2021, 2, 16)
    assert get_court("cacd").nextgen_live is None


def test_suggestions_for_a_typo() -> None:
    with pytest.raises(UnknownCourt) as caught:
        get_court("canbb")
    message = str(caught.value)
    assert message.startswith("unknown court id 'canbb'; did you mean canb, ")
    assert message.endswith("?")
    assert isinstance(caught.value, ValueError)


def test_no_suggestion_for_nonsense() -> None:
    with pytest.raises(UnknownCourt, match=r"^unknown court id 'zzzzzzzz'; `autolink courts` lists"):
        get_court("zzzzzzzz")


def test_appellate_message() -> None:
    with pytest.raises(AppellateCourt) as caught:
        get_court("CA9")
    assert str(caught.value) == (
        "ca9 is a court of appeals: appellate filers link their accounts in PACER's Manage My "
        'Account ("Link my filer account to my PACER account"); ecf-autolink handles district '
        "and bankruptcy courts only."
    )


@pytest.mark.parametrize("court_id", [*(f"ca{n}" for n in range(1, 12)), "cadc", "cafc"])
def test_every_court_of_appeals_is_appellate(court_id: str) -> None:
    with pytest.raises(AppellateCourt, match=f"^{court_id} is a court of appeals"):
        get_court(court_id)


def test_ids_are_case_insensitive() -> None:
    assert get_court("CANB") == get_court(" canb ") == get_court("CaNb")


def test_list_is_sorted_unique_and_well_formed() -> None:
    listed = all_courts()
    ids = [c.id for c in listed]
    assert ids == sorted(set(ids))
    assert all(re.fullmatch(r"https://ecf\.[a-z]{3,5}\.uscourts\.gov/", c.cmecf_url) for c in listed)
    assert all(c.cmecf_url == f"https://ecf.{c.id}.uscourts.gov/" for c in listed)


def test_callers_cannot_corrupt_the_cache() -> None:
    all_courts().clear()
    assert len(all_courts()) > 180


def test_fast_after_the_first_call() -> None:
    all_courts()
    started = time.perf_counter()
    for _ in range(2000):
        get_court("nysb")
        all_courts()
    assert time.perf_counter() - started < 0.5


def _record(court_id: str, *, end: str | None = None, system: str = "federal", name: str = "") -> dict:
    dates = [{"start": None, "end": end}]
    return {"id": court_id, "system": system, "name": name or court_id, "dates": dates}


def test_filter_rules_on_synthetic_records() -> None:
    records = [
        _record("okd"),  # undivided, but Oklahoma has divisions below
        _record("oknd"),
        _record("ksd"),  # undivided and no divisions: a real court
        _record("wisd", end="1870-06-30"),
        _record("njd", end="1801-02-13"),  # closed in courts-db, kept by the extras table
        _record("nmib"),
        _record("arb", name="Bankr. Arizona"),
        _record("cad", system="state"),
        _record("xxd"),  # not a state or territory code
    ]
    extras = {
        "azb": CourtExtra("azb", "arb", "", None, ""),
        "njd": CourtExtra("njd", "", "D.N.J.", date(2020, 1, 1), "current"),
        "nmib": CourtExtra("nmib", "", "", None, "exclude"),
    }
    built = {c.id: c for c in courts.build_courts(records, extras)}
    assert set(built) == {"oknd", "ksd", "njd", "azb"}
    njd_url = "https://ecf.njd.uscourts.gov/"
    assert built["njd"] == Court("njd", "D.N.J.", "district", njd_url, date(2020, 1, 1))
    assert built["azb"].name == "Bankr. Arizona"


def test_extras_table_rejects_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="line 2"):
        courts.parse_extras("id,courts_db_id,name,nextgen_live,status,source\ncanb,,,,maybe,\n")


def test_autolink_courts_lists_district_and_bankruptcy_courts_as_text_and_json() -> None:
    import json

    from click.testing import CliRunner

    from ecf_autolink.cli import main

    text = CliRunner().invoke(main, ["courts"])
    assert text.exit_code == 0, text.output
    lines = {line.split()[0]: line for line in text.stdout.splitlines()}
    assert "https://ecf.canb.uscourts.gov/" in lines["canb"] and "bankruptcy" in lines["canb"]
    assert "district" in lines["cand"]
    assert "ca9" not in lines  # appellate courts link in PACER, not here
    as_json = CliRunner().invoke(main, ["courts", "--json"])
    assert as_json.exit_code == 0
    rows = json.loads(as_json.stdout)
    assert len(rows) == len(lines)
    assert {"id", "name", "type", "cmecf_url"} <= set(rows[0])
