"""The CLI's table (terminal cells, fitted to the width, nothing a name could inject) and csv."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
import pytest
import wcwidth
from click.testing import Result

from kapso_contacts._table import COLUMNS, fit
from kapso_contacts.contract import default_contract

from .conftest import contact, cursor_body, invoke_cli

NAMES = [
    "王伟 李娜",  # CJK: two cells a character
    "さくら ΣΟΦΙΑ",
    "Ana 💃",  # an emoji: two cells
    "👩\u200d👩\u200d👧 family",  # a ZWJ sequence: one glyph, two cells
    "Jose\u0301",  # a combining accent: no cell of its own
    "김민준 김민준 김민준 김민준 김민준",  # too wide: cut with an ellipsis
    "plain ascii",
]


def _page(names: list[str], **fields: Any) -> httpx.MockTransport:
    items = [{**contact(i), "profile_name": name, **fields} for i, name in enumerate(names)]
    return httpx.MockTransport(lambda request: httpx.Response(200, json=cursor_body(items, None)))


def _headings(line: str) -> list[str]:
    return re.split(r"\s{2,}", line.strip())


# --------------------------------------------------------------------------- table


@pytest.mark.parametrize("columns", [None, "120", "80"])
def test_wide_characters_and_emoji_keep_the_columns_aligned(columns: str | None) -> None:
    env = {} if columns is None else {"COLUMNS": columns}
    result = invoke_cli(["list", "--format", "table"], _page(NAMES), **env)
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    created_at = contact(0)["created_at"]
    start = wcwidth.width(header[: header.index("CREATED AT")])
    assert len(rows) == len(NAMES)
    for row in rows:
        assert wcwidth.width(row[: row.index(created_at)]) == start, row
    if columns is not None:
        assert all(wcwidth.width(line) <= int(columns) for line in [header, *rows])


def test_a_name_wider_than_its_column_is_cut_with_an_ellipsis() -> None:
    result = invoke_cli(["list", "--format", "table"], _page(NAMES))
    row = result.stdout.splitlines()[NAMES.index("김민준 김민준 김민준 김민준 김민준") + 1]
    profile = next(cells for column, cells in fit(COLUMNS, None) if column.field == "profile_name")
    cut = "김민준 김민준 김민준 김…"
    assert wcwidth.width(cut) == profile
    assert f"  {cut}  " in row


@pytest.mark.parametrize("width", [40, 60, 80, 100, 128, 200])
def test_the_table_fits_the_terminal_width(width: int) -> None:
    result = invoke_cli(["list", "--format", "table"], _page(NAMES), COLUMNS=str(width))
    lines = result.stdout.splitlines()
    kept = fit(COLUMNS, width)
    assert [c.heading for c, _ in kept] == _headings(lines[0])
    widest_id = len(contact(0)["id"])
    assert all(wcwidth.width(line) <= max(width, widest_id) for line in lines)


def test_the_table_shows_fields_of_the_specs_contact() -> None:
    assert {c.field for c in COLUMNS} <= set(default_contract().contact_fields)


def test_off_a_terminal_every_column_is_shown_at_its_full_width() -> None:
    assert fit(COLUMNS, None) == [(c, c.maximum) for c in COLUMNS]
    headings = invoke_cli(["list", "--format", "table"], _page(NAMES)).stdout.splitlines()[0]
    assert _headings(headings) == [c.heading for c in COLUMNS]


def test_a_narrow_terminal_drops_the_least_needed_columns_first() -> None:
    order = [c.field for c in sorted(COLUMNS, key=lambda c: c.keep, reverse=True)]
    shown = {width: [c.field for c, _ in fit(COLUMNS, width)] for width in range(20, 140)}
    dropped_at = {
        field: min(w for w, fields in shown.items() if field in fields) for field in order
    }
    # A column dropped earlier (needing a wider terminal to show) is less needed.
    assert [dropped_at[f] for f in order] == sorted(dropped_at.values(), reverse=True)
    assert shown[20] == ["id"]


def test_control_characters_and_bidi_overrides_in_a_name_never_reach_the_terminal() -> None:
    names = ["\x1b[31mred\x1b[0m", "abc\u202edcba", "bell\x07", "tab\tand\nnewline"]
    result = invoke_cli(["list", "--format", "table"], _page(names))
    out = result.stdout
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\ufffd[31mred\ufffd[0m" in out
    assert "tab and newline" in out


# --------------------------------------------------------------------------- csv

FORMULAS = ['=HYPERLINK("http://x")', "+1 555 0100", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _csv_rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout, newline="")))


def test_csv_prefixes_cells_that_start_like_a_formula_by_default() -> None:
    rows = _csv_rows(invoke_cli(["list", "--format", "csv"], _page([*FORMULAS, "María"])))
    assert [row["profile_name"] for row in rows] == [f"'{f}" for f in FORMULAS] + ["María"]
    assert json.loads(rows[0]["metadata"]) == {"n": 0}


def test_csv_escaping_covers_every_column() -> None:
    transport = _page(["x"], display_name="=1+1", wa_id="+15550100", customer_id=None)
    row = _csv_rows(invoke_cli(["list", "--format", "csv"], transport))[0]
    assert (row["display_name"], row["wa_id"], row["customer_id"]) == ("'=1+1", "'+15550100", "")


def test_no_escape_formulas_writes_cells_as_they_are() -> None:
    args = ["list", "--format", "csv", "--no-escape-formulas"]
    rows = _csv_rows(invoke_cli(args, _page(FORMULAS)))
    assert [row["profile_name"] for row in rows] == FORMULAS


def test_csv_columns_are_the_specs_contact_fields_and_unknown_fields_stay_out() -> None:
    result = invoke_cli(["list", "--format", "csv"], _page(["x"], brand_new_field="y"))
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header == list(default_contract().contact_fields)


def test_the_help_documents_formula_escaping_and_the_flag() -> None:
    text = " ".join(invoke_cli(["list", "--help"], _page([])).stdout.split())
    assert "--escape-formulas / --no-escape-formulas" in text
    assert "so spreadsheets do not run them as formulas (OWASP)" in text
