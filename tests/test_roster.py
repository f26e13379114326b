"""Reading a roster: what becomes an Attorney, and what each mistake says."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecf_autolink.attorney import Attorney
from ecf_autolink.roster import RosterError, load_roster
from ecf_autolink.secret import Secret

HEADER = "court,name,pacer_username,pacer_password,cmecf_username,cmecf_password"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, courts: tuple[str, ...] = (), env: dict[str, str] | None = None) -> list[Attorney]:
    return load_roster(path, courts=courts, env=env or {})


def problems(path: Path, courts: tuple[str, ...] = (), env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(RosterError) as caught:
        load(path, courts, env)
    return caught.value.messages


# --- good files ----------------------------------------------------------------------


def test_a_good_csv(tmp_path: Path) -> None:
    (tmp_path / "codes.txt").write_text("11111111\n")
    path = write(
        tmp_path,
        "attorneys.csv",
        (
            f"{HEADER},client_code,totp_secret,backup_codes_file\n"
            f"CANB,  Jane   Doe ,jdoe ,Pacer-Pass-1,jdoe-ecf,Ecf-Pass-1,  acme-7 ,{TOTP.lower()},codes.txt\n"
            "cacd,John Roe,jroe,p2,jroe,e2,,,\n"
        ),
    )
    jane, john = load(path)
    assert jane == Attorney(
        court="canb",
        name="Jane Doe",
        pacer_username="jdoe",
        pacer_password=Secret("Pacer-Pass-1"),
        cmecf_username="jdoe-ecf",
        cmecf_password=Secret("Ecf-Pass-1"),
        client_code="acme-7",
        totp_secret=Secret(TOTP),
        backup_codes_file=tmp_path / "codes.txt",
    )
    assert (john.court, john.totp_secret, john.backup_codes_file) == ("cacd", None, None)
    assert john.client_code == ""


def test_passwords_are_kept_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f'{HEADER}\ncanb,A,a," sp ace ",a,"x,y"\n')
    (attorney,) = load(path)
    assert attorney.pacer_password.reveal() == " sp ace "
    assert attorney.cmecf_password.reveal() == "x,y"


def test_bom_and_crlf_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\r\ncanb,A,a,p,a,e\r\n".encode())
    assert [a.court for a in load(path)] == ["canb"]


def test_column_names_are_forgiving_about_case_and_spacing(tmp_path: Path) -> None:
    header = "Court, Name ,PACER Username,pacer-password,CMECF_Username,cmecf password"
    path = write(tmp_path, "a.csv", f"{header}\ncanb,A,a,p,a,e\n")
    assert [(a.pacer_username, a.cmecf_password.reveal()) for a in load(path)] == [("a", "e")]


def test_court_column_may_be_left_out(tmp_path: Path) -> None:
    header = "name,pacer_username,pacer_password,cmecf_username,cmecf_password"
    path = write(tmp_path, "a.csv", f"{header}\nA,a,p,a,e\n")
    assert [a.court for a in load(path, ("nysb",))] == ["nysb"]


# --- ${VAR} --------------------------------------------------------------------------


def test_variables_are_resolved(tmp_path: Path) -> None:
    row = "${C},A,${U},${PW},pre-${U},$${lit},${T}"
    path = write(tmp_path, "a.csv", f"{HEADER},totp_secret\n{row}\n")
    env = {"C": "canb", "U": "ann", "PW": "s3cret!", "T": TOTP}
    (attorney,) = load(path, env=env)
    assert (attorney.court, attorney.pacer_username, attorney.cmecf_username) == ("canb", "ann", "pre-ann")
    assert attorney.pacer_password.reveal() == "s3cret!"
    assert attorney.cmecf_password.reveal() == "${lit}"
    assert attorney.totp_secret == Secret(TOTP)


def test_unset_variables_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,A,a,${{PW_ONE}},a,${{PW_TWO}}\n")
    assert problems(path, env={"PW_TWO": "set-value-xyz"}) == [
        "a.csv line 2, column pacer_password: pacer_password refers to ${PW_ONE}, which is not set",
    ]


def test_a_variable_set_to_nothing_is_an_empty_cell(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,A,a,${{PW}},a,e\n")
    assert problems(path, env={"PW": ""}) == [
        "a.csv line 2, column pacer_password: pacer_password is empty (${PW} is set but empty)",
    ]


def test_malformed_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,A,a,${{ PW }},a,e\n")
    assert problems(path, env={"PW": "x"}) == [
        "a.csv line 2, column pacer_password: pacer_password has a malformed ${...} reference "
        "(write $${ for a literal ${)",
    ]


# --- bad CSV files -------------------------------------------------------------------

BAD_CSV = [
    pytest.param(
        f"{HEADER}\ncanb,A,a,p,a,\n",
        "attorneys.csv line 2, column cmecf_password: cmecf_password is empty",
        id="empty-cell",
    ),
    pytest.param(
        f"{HEADER}\ncanb,,a,p,a,e\n",
        "attorneys.csv line 2, column name: name is empty",
        id="empty-name",
    ),
    pytest.param(
        "court,name,pacer_username,cmecf_username\ncanb,A,a,a\n",
        "attorneys.csv line 1: missing columns: pacer_password, cmecf_password",
        id="missing-columns",
    ),
    pytest.param(
        f"{HEADER},pacer_pasword\ncanb,A,a,p,a,e,\n",
        "attorneys.csv line 1, column pacer_pasword: unknown column pacer_pasword; "
        "did you mean pacer_password?",
        id="unknown-column",
    ),
    pytest.param(
        f"{HEADER},court\ncanb,A,a,p,a,e,canb\n",
        "attorneys.csv line 1, column court: column court appears more than once",
        id="duplicate-column",
    ),
    pytest.param(
        f"{HEADER}\ncanb,A,a,p,a,e\n\ncanb,B,b,p,b\n",
        "attorneys.csv line 4: this row has 5 cells but the header has 6",
        id="ragged",
    ),
    pytest.param(
        f'{HEADER}\ncanb,A,a,"p"x,a,e\n',
        "attorneys.csv line 2: malformed CSV: ',' expected after '\"'",
        id="bad-quoting",
    ),
    pytest.param(
        f"{HEADER}\ncanbb,A,a,p,a,e\n",
        "attorneys.csv line 2, column court: unknown court id 'canbb'; did you mean canb, cand, cacb?",
        id="unknown-court",
    ),
    pytest.param(
        f"{HEADER}\nca9,A,a,p,a,e\n",
        "attorneys.csv line 2, column court: ca9 is a court of appeals: appellate filers link their accounts "
        'in PACER\'s Manage My Account ("Link my filer account to my PACER account"); ecf-autolink handles '
        "district and bankruptcy courts only.",
        id="appellate",
    ),
    pytest.param(
        f"{HEADER}\n,A,a,p,a,e\n",
        "attorneys.csv line 2, column court: court is empty and no --court was given",
        id="no-court",
    ),
    pytest.param(
        f"{HEADER},totp_secret\ncanb,A,a,p,a,e,not-base32-1890\n",
        "attorneys.csv line 2, column totp_secret: totp_secret is not a base32 secret or an otpauth:// URI",
        id="bad-totp",
    ),
    pytest.param(
        f"{HEADER},backup_codes_file\ncanb,A,a,p,a,e,nowhere.txt\n",
        "attorneys.csv line 2, column backup_codes_file: backup_codes_file: no file at {folder}/nowhere.txt",
        id="missing-backup-codes",
    ),
    pytest.param(
        f"{HEADER}\ncanb,A,a,p,a,e\nnysb,B,b,p,b,e\ncanb,A2,A,p2,A,e2\n",
        "attorneys.csv line 4: duplicate of line 2: same court, pacer_username and cmecf_username",
        id="duplicate",
    ),
    pytest.param(
        "",
        "attorneys.csv: the file is empty; its first line names the columns: "
        "court,name,pacer_username,pacer_password,cmecf_username,cmecf_password,client_code,"
        "totp_secret,backup_codes_file",
        id="empty-file",
    ),
    pytest.param(f"{HEADER}\n\n", "attorneys.csv: the roster has no attorney rows", id="header-only"),
    pytest.param(
        "canb,Jane,jdoe,Hunter2!,jdoe,Hunter3!\n",
        "attorneys.csv line 1: the first line must name the columns: court,name,pacer_username,"
        "pacer_password,cmecf_username,cmecf_password,client_code,totp_secret,backup_codes_file",
        id="no-header",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_CSV)
def test_bad_csv(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "attorneys.csv", text)
    assert expected.format(folder=tmp_path) in problems(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "roster.csv", (f"{HEADER},extra\ncanbb,A,a,p,a,,\ncanb,,b,p,b,e,\ncanb,C,c\n"))
    with pytest.raises(RosterError) as caught:
        load(path)
    assert caught.value.messages == [
        "roster.csv line 1, column extra: unknown column extra (known: court, name, pacer_username, "
        "pacer_password, cmecf_username, cmecf_password, client_code, totp_secret, backup_codes_file)",
        "roster.csv line 2, column court: unknown court id 'canbb'; did you mean canb, cand, cacb?",
        "roster.csv line 2, column cmecf_password: cmecf_password is empty",
        "roster.csv line 3, column name: name is empty",
        "roster.csv line 4: this row has 3 cells but the header has 7",
    ]
    text = str(caught.value)
    assert text.splitlines()[0] == "the roster has 5 problems:"
    assert text.splitlines()[1:] == [f"  - {m}" for m in caught.value.messages]


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("gone.csv", None, "gone.csv: no such file: {path}"),
        ("folder.csv", "dir", "folder.csv: {path} is a folder, not a roster file"),
        ("roster.txt", "file", "roster.txt: a roster file must end in .csv, .yaml or .yml"),
        ("latin.csv", "latin1", "latin.csv line 2: the file is not UTF-8 text; save it as UTF-8"),
    ],
)
def test_files_that_cannot_be_read(tmp_path: Path, name: str, make: str | None, expected: str) -> None:
    path = tmp_path / name
    if make == "dir":
        path.mkdir()
    elif make == "file":
        path.write_text(f"{HEADER}\ncanb,A,a,p,a,e\n")
    elif make == "latin1":
        path.write_bytes(f"{HEADER}\ncanb,Zoë,a,p,a,e\n".encode("latin-1"))
    assert problems(path) == [expected.format(path=path)]


# --- YAML ----------------------------------------------------------------------------


def test_yaml_list_and_mapping_forms_agree_with_csv(tmp_path: Path) -> None:
    csv_path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,Jane Doe,jdoe,012345,jd,yes\n")
    listed = write(
        tmp_path,
        "a.yaml",
        (
            "- court: canb\n  name: Jane Doe\n  pacer_username: jdoe\n  pacer_password: 012345\n"
            "  cmecf_username: jd\n  cmecf_password: yes\n"
        ),
    )
    mapped = write(
        tmp_path, "b.yml", "attorneys:\n" + "".join(f"  {line}\n" for line in listed.read_text().splitlines())
    )
    assert load(listed) == load(mapped) == load(csv_path)
    # No implicit typing: the password stays the text the attorney typed.
    assert load(listed)[0].pacer_password.reveal() == "012345"


def test_yaml_problems_name_item_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "team.yaml",
        (
            "attorneys:\n"
            "  - court: canb\n"  # item 1, line 2
            "    name: A\n"
            "    pacer_username: a\n"
            "    pacer_password: p\n"
            "    cmecf_username: a\n"
            "    cmecf_password: ''\n"  # line 7
            "  - court: [canb]\n"  # item 2, line 8
            "    name: B\n"
            "    pacer_pasword: x\n"  # line 10
            "  - just text\n"  # item 3, line 11
        ),
    )
    assert problems(path) == [
        "team.yaml item 1, line 7, key cmecf_password: cmecf_password is empty",
        "team.yaml item 2, line 8, key court: court must be a single text value, not a list or mapping",
        "team.yaml item 2, line 8: pacer_username is missing",
        "team.yaml item 2, line 8: pacer_password is missing",
        "team.yaml item 2, line 8: cmecf_username is missing",
        "team.yaml item 2, line 8: cmecf_password is missing",
        "team.yaml item 2, line 10, key pacer_pasword: unknown key pacer_pasword; "
        "did you mean pacer_password?",
        "team.yaml item 3, line 11: expected a mapping of column names to values",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("court: canb\nname: A\n", "r.yaml line 1: unknown top-level key; expected a list of attorneys"),
        ("just words\n", "r.yaml line 1: expected a list of attorneys"),
        ("attorneys: canb\n", "r.yaml line 1: attorneys must hold a list"),
        ("- court: canb\n  name: [unclosed\n", "r.yaml line 3: not valid YAML"),
        ("- a: 1\n---\n- b: 2\n", "r.yaml line 2: not valid YAML: expected a single document"),
        ("", "r.yaml: the roster has no attorney rows"),
    ],
)
def test_yaml_that_is_not_a_list_of_mappings(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(write(tmp_path, "r.yaml", text))
    assert any(message.startswith(expected) for message in found), found


def test_yaml_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(
        b"\xef\xbb\xbf- {court: canb, name: A, pacer_username: a, pacer_password: p, "
        b"cmecf_username: a, cmecf_password: e}\n"
    )
    assert [a.court for a in load(path)] == ["canb"]


# --- court selection -----------------------------------------------------------------

SELECTION = f"{HEADER}\ncanb,A,a,p,a,e\nnysb,B,b,p,b,e\n,C,c,p,c,e\n"


def test_one_court_given_fills_empty_courts_and_skips_others(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", SELECTION)
    assert [(a.court, a.name) for a in load(path, ("CANB",))] == [("canb", "A"), ("canb", "C")]


def test_several_courts_run_an_empty_court_row_at_each(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", SELECTION)
    got = [(a.court, a.name) for a in load(path, ("nysb", "canb", "nysb"))]
    assert got == [("canb", "A"), ("nysb", "B"), ("nysb", "C"), ("canb", "C")]


def test_no_court_given_needs_a_court_in_every_row(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", SELECTION)
    assert problems(path) == ["a.csv line 4, column court: court is empty and no --court was given"]


def test_skipped_rows_are_not_checked_except_their_court(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,A,a,p,a,e\nnysb,,b,${{UNSET}},b,\n")
    assert [a.name for a in load(path, ("canb",))] == ["A"]
    typo = write(tmp_path, "b.csv", f"{HEADER}\ncanb,A,a,p,a,e\nnysbb,B,b,p,b,e\n")
    assert problems(typo, ("canb",)) == [
        "b.csv line 3, column court: unknown court id 'nysbb'; did you mean nysb, nysd, nyeb?",
    ]


def test_a_bad_court_option_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", SELECTION)
    found = problems(path, ("canbb", "ca2"))
    assert found[0] == "--court: unknown court id 'canbb'; did you mean canb, cand, cacb?"
    assert found[1].startswith("--court: ca2 is a court of appeals")


def test_expanded_rows_can_duplicate_an_explicit_row(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEADER}\ncanb,A,a,p,a,e\n,A,A,p,A,e\n")
    assert problems(path, ("canb", "nysb")) == [
        "a.csv line 3: duplicate of line 2: same court, pacer_username and cmecf_username",
    ]


def test_yaml_duplicate_names_both_items(tmp_path: Path) -> None:
    row = (
        "- {court: canb, name: A, pacer_username: a, pacer_password: p, cmecf_username: a, cmecf_password: e}"
    )
    path = write(tmp_path, "r.yaml", f"{row}\n{row}\n")
    assert problems(path) == [
        "r.yaml item 2, line 2: duplicate of item 1 (line 1): same court, pacer_username and cmecf_username",
    ]


# --- TOTP ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "secret"),
    [
        ("jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        ("jbsw y3dp ehpk 3pxp", None),  # 80 bits: too short to compute a code with
        ("JBSW-Y3DP-EHPK-3PXP-JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        (
            "otpauth://totp/PACER:jdoe?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=PACER&digits=6",
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        ),
        ("JBSWY3DP", None),
        ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", None),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256", None),
        ("otpauth://totp/x?issuer=PACER", None),
        ("JBSWY3DPEHPK3PX1", None),
    ],
)
def test_totp_secrets(tmp_path: Path, given: str, secret: str | None) -> None:
    path = write(tmp_path, "a.csv", f'{HEADER},totp_secret\ncanb,A,a,p,a,e,"{given}"\n')
    if secret is not None:
        assert load(path)[0].totp_secret == Secret(secret)
        return
    (found,) = problems(path)
    assert found.startswith("a.csv line 2, column totp_secret: totp_secret ")
    assert given not in found and "JBSWY3DP" not in found


# --- secrets -------------------------------------------------------------------------

SECRETS = ("Pacer-Secret-1!", "Ecf-Secret-2?", "env-value-3#", "KRUGS4ZANFZSA43FMNZGK5BAONSWG4TF")


def test_no_secret_in_any_problem(tmp_path: Path) -> None:
    pacer, ecf, from_env, totp = SECRETS
    path = write(
        tmp_path,
        "a.csv",
        (
            f"{HEADER},totp_secret,backup_codes_file\n"
            f"canbb,A,a,{pacer},a,{ecf},{totp}0,\n"  # bad court, bad TOTP
            f"${{COURT}},B,b,${{PW}},b,{ecf},${{T}},${{FILE}}\n"  # court and file from variables
            f",C,c,{pacer},c,,{totp}!,\n"  # empty court and password
            f"canb,D,d,{pacer},d,${{PW}}\n"  # ragged
        ),
    )
    env = {"COURT": "nowhere-court", "PW": from_env, "T": "not-a-secret-" + from_env, "FILE": from_env}
    with pytest.raises(RosterError) as caught:
        load(path, env=env)
    shown = "\n".join([str(caught.value), repr(caught.value), repr(caught.value.problems)])
    assert len(caught.value.problems) >= 6
    for secret in (*SECRETS, "nowhere-court"):
        assert secret not in shown
    assert "${COURT}" in shown and "${FILE}" in shown


def test_no_secret_in_attorney_repr(tmp_path: Path) -> None:
    pacer, ecf, _, totp = SECRETS
    path = write(tmp_path, "a.csv", f"{HEADER},totp_secret\ncanb,A,a,{pacer},a,{ecf},{totp}\n")
    shown = repr(load(path))
    assert not any(secret in shown for secret in SECRETS)


# --- properties ----------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CELL = st.sampled_from(["", "canb", "nysb", "ca9", "x", "${A}", "${", "$${", '"', ",", "\n", TOTP, "a b"])
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=9).map(",".join), max_size=6)
ROSTER_LIKE = ROWS.map(lambda rows: "\n".join([f"{HEADER},totp_secret,client_code", *rows]))


def _outcome(suffix: str, text: str, courts: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            result = load_roster(path, courts=courts, env={"A": "canb"})
        except RosterError as exc:
            assert exc.problems and str(exc)
        else:
            assert all(isinstance(item, Attorney) for item in result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from([".csv", ".yaml"]),
    text=st.one_of(TEXT, ROSTER_LIKE),
    courts=st.lists(st.sampled_from(["canb", "nysb", "bad"]), max_size=2).map(tuple),
)
def test_any_text_gives_attorneys_or_a_roster_error(suffix: str, text: str, courts: tuple[str, ...]) -> None:
    _outcome(suffix, text, courts)


# The trailing "!" keeps every password from also being a valid TOTP secret.
PASSWORD = st.text(st.sampled_from("ABCdef123!?#%&*"), min_size=14, max_size=20).map(lambda p: p + "!")


@settings(max_examples=60, deadline=None)
@given(
    password=PASSWORD, court=st.sampled_from(["", "canbb", "ca9", "canb"]), name=st.sampled_from(["", "A"])
)
def test_passwords_never_reach_the_error_text(password: str, court: str, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_text(f"{HEADER},totp_secret\n{court},{name},a,{password},a,{password},{password}\n")
        try:
            load_roster(path, courts=(), env={})
        except RosterError as exc:
            assert password not in str(exc)
        else:
            pytest.fail("a password is not a valid TOTP secret")


def test_backup_codes_file_is_found_beside_a_relative_roster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "firm"
    folder.mkdir()
    (folder / "codes.txt").write_text("12345678\n")
    write(folder, "r.csv", f"{HEADER},backup_codes_file\ncanb,A,a,p,a,e,codes.txt\n")
    monkeypatch.chdir(tmp_path)
    (attorney,) = load(Path("firm/r.csv"))
    assert attorney.backup_codes_file == folder / "codes.txt"
    assert attorney.backup_codes_file.is_absolute()
