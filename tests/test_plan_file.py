"""plan.json read strictly, the courts' warnings as data, and the approval a plan gives
(issue 20): pure, no browser."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from support import attorney_for

from ecf_autolink.approval import Approved, FromPlan, same_names
from ecf_autolink.cli.errors import InputError
from ecf_autolink.cli.planning import parse_age, parse_row_list
from ecf_autolink.court_warnings import parse_rules, warnings_for
from ecf_autolink.outcome import Outcome
from ecf_autolink.pages.confirmation import ConfirmationNames
from ecf_autolink.plan_file import PlanError, PlanRow, new_plan, read_plan, write_plan
from ecf_autolink.replica.scenarios import make_attorney


def _row(user: str = "jdoe", verdict: str = "would_link") -> PlanRow:
    return PlanRow(
        court="canb",
        pacer_username=user,
        cmecf_username=f"{user}_ecf",
        name="Jane Doe",
        verdict=verdict,
        cmecf_name="Jane Doe",
        pacer_name="Doe, Jane",
        message="dry run",
    )


def test_a_plan_written_reads_back_the_same(tmp_path: Path) -> None:
    plan = new_plan([_row(), _row("bob", "refused_name_mismatch")], {"canb": "https://ecf.canb.uscourts.gov"})
    write_plan(plan, tmp_path)
    assert read_plan(tmp_path) == plan
    assert [r.pacer_username for r in read_plan(tmp_path).would_link()] == ["jdoe"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d.update(extra=1), "field extra"),
        (lambda d: d["rows"][0].update(password="x"), "field rows.0.password"),
        (lambda d: d["rows"][0].pop("verdict"), "field rows.0.verdict"),
        (lambda d: d.update(version=2), "version 2"),
        (lambda d: d.update(format="terraform"), "field format"),
        (lambda d: d["rows"].append(dict(d["rows"][0], pacer_username="JDOE")), "appears twice"),
    ],
)
def test_a_plan_this_version_did_not_write_is_refused_naming_the_field(
    tmp_path: Path, change: object, said: str
) -> None:
    write_plan(new_plan([_row()], {}), tmp_path)
    data = json.loads((tmp_path / "plan.json").read_text())
    change(data)  # type: ignore[operator]
    (tmp_path / "plan.json").write_text(json.dumps(data))
    with pytest.raises(PlanError, match=r"plan\.json") as refused:
        read_plan(tmp_path)
    assert said in str(refused.value)


def test_no_plan_names_the_command_that_makes_one(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="autolink plan"):
        read_plan(tmp_path)


def test_a_login_with_characters_courts_warn_about_gets_a_warning_from_the_data() -> None:
    sample = make_attorney("jdoe")
    assert warnings_for(attorney_for(sample)) == []
    [warning] = warnings_for(attorney_for(sample, cmecf_username="j&doe@firm"))
    assert '"&", "@"' in warning and "W.D. Pa." in warning
    # A rule is data: another set of rules, another warning, no code.
    rules = tuple(
        parse_rules(
            "rules:\n- {id: x, field: pacer_username, characters: '#', says: 'has {found}', source: s}\n", "t"
        )
    )
    assert warnings_for(attorney_for(sample, pacer_username="j#doe"), rules) == ['has "#" (source: s)']
    with pytest.raises(ValueError, match="t: not a valid"):
        parse_rules("rules:\n- {id: x, field: pacer_password, characters: '#', says: s, source: s}\n", "t")


def test_names_equal_to_the_plans_once_folded_and_nothing_else() -> None:
    planned = ConfirmationNames("Jane Doe", "Doe, Jane")
    assert same_names(planned, ConfirmationNames("JANE DOE", "Jane Doe"))
    assert not same_names(planned, ConfirmationNames("Jane Doe", "Jane Q. Doe"))
    assert not same_names(planned, ConfirmationNames("Janet Doe", "Doe, Jane"))


def test_an_approved_plan_lets_only_its_rows_and_its_names_through() -> None:
    sample = make_attorney("jdoe")
    approval = FromPlan(
        {("canb", "jdoe"): Approved(ConfirmationNames("Jane Doe", "Jane Doe"), "clerk", "t")}, "the plan"
    )
    names = ConfirmationNames("Jane Doe", "Jane Doe")
    verdict = "the checks pass"
    assert asyncio.run(approval.decide(attorney_for(sample, pacer_username="JDoe"), names, verdict)) is None
    other = asyncio.run(approval.decide(attorney_for(sample, pacer_username="bob"), names, verdict))
    assert other is not None and other.outcome == Outcome.NOT_APPROVED
    moved = asyncio.run(
        approval.decide(attorney_for(sample), ConfirmationNames("Jane Doe", "Jane Roe"), verdict)
    )
    assert moved is not None and moved.outcome == Outcome.CHANGED_SINCE_PLAN
    assert 'now shows CM/ECF "Jane Doe", PACER "Jane Roe"' in moved.message


def test_row_lists_and_ages_are_read_or_refused_by_name() -> None:
    assert parse_row_list(" canb:JDoe, nysb:ann ", "--only") == [("canb", "jdoe"), ("nysb", "ann")]
    with pytest.raises(InputError, match="--skip: 'jdoe' is not court:pacer_username"):
        parse_row_list("jdoe", "--skip")
    assert parse_age("7d").days == 7 and parse_age("90m").total_seconds() == 5400
    with pytest.raises(InputError, match="--max-plan-age"):
        parse_age("a week")
