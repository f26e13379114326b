"""Reading the confirmation table, a pure function over HTML."""

from __future__ import annotations

import pytest

from ecf_autolink.pages.confirmation import ConfirmationNames, parse_confirmation


def _page(rows: str) -> str:
    return f"<html><body><h3>Do you want to link these accounts?</h3><table>{rows}</table></body></html>"


def test_reads_both_names_as_shown() -> None:
    html = _page(
        "<tr><td>CM/ECF</td><td> John  Attorney </td></tr><tr><td>PACER</td><td>John Attorney</td></tr>"
    )
    assert parse_confirmation(html, "CM/ECF", "PACER") == ConfirmationNames("John Attorney", "John Attorney")


def test_labels_with_colons_bold_and_entities() -> None:
    html = _page(
        "<tr><th><b>CM/ECF:</b></th><td>O&#39;Brien &amp; Co</td></tr>"
        "<tr><th>PACER:</th><td><span>Mary</span> O'Brien</td></tr>"
    )
    assert parse_confirmation(html, "CM/ECF", "PACER") == ConfirmationNames("O'Brien & Co", "Mary O'Brien")


@pytest.mark.parametrize(
    "rows",
    [
        "<tr><td>CM/ECF</td><td>John</td></tr>",  # no PACER row
        "<tr><td>CM/ECF</td><td>John</td></tr><tr><td>PACER</td><td></td></tr>",  # empty name
        "<tr><td>CM/ECF</td><td>A</td></tr><tr><td>PACER</td><td>B</td></tr><tr><td>PACER</td><td>C</td></tr>",
        "",
    ],
)
def test_unreadable_tables_give_none(rows: str) -> None:
    assert parse_confirmation(_page(rows), "CM/ECF", "PACER") is None


def test_script_text_is_not_a_name() -> None:
    html = _page(
        "<tr><td>CM/ECF</td><td>Ann Lee<script>var x='Evil'</script></td></tr>"
        "<tr><td>PACER</td><td>Ann Lee</td></tr>"
    )
    assert parse_confirmation(html, "CM/ECF", "PACER") == ConfirmationNames("Ann Lee", "Ann Lee")
