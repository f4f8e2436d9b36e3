"""The CLI's table (terminal cells, fitted to the width, nothing a name can inject) and csv."""

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

from kapso_contacts._output import COLUMNS, DROPPED_FIRST, fit
from kapso_contacts.contract import default_contract

from .conftest import contact, cursor_body, invoke_cli

FIELDS = list(default_contract().item.fields)
NAMES = [
    "王伟 李娜",  # CJK: two cells a character
    "Ana 💃",  # an emoji: two cells
    "👩\u200d👩\u200d👧 family",  # a ZWJ sequence: one glyph, two cells
    "Jose\u0301",  # a combining accent: no cell of its own
    "김민준 김민준 김민준 김민준 김민준",  # too wide: cut with an ellipsis
    "plain ascii",
]


def _page(names: list[str], **fields: Any) -> httpx.MockTransport:
    items = [{**contact(i), "profile_name": name, **fields} for i, name in enumerate(names)]
    return httpx.MockTransport(lambda request: httpx.Response(200, json=cursor_body(items, None)))


@pytest.mark.parametrize("columns", [None, "120", "100"])
def test_wide_characters_and_emoji_keep_the_columns_aligned(columns: str | None) -> None:
    env = {} if columns is None else {"COLUMNS": columns}
    result = invoke_cli(["list", "--format", "table"], _page(NAMES), **env)
    header, *rows = result.stdout.splitlines()
    start = wcwidth.width(header[: header.index("CREATED AT")])
    created_at = contact(0)["created_at"]
    assert len(rows) == len(NAMES)
    assert all(wcwidth.width(row[: row.index(created_at)]) == start for row in rows)
    if columns is not None:
        assert all(wcwidth.width(line) <= int(columns) for line in [header, *rows])


def test_a_name_wider_than_its_column_is_cut_with_an_ellipsis() -> None:
    result = invoke_cli(["list", "--format", "table"], _page(NAMES))
    row = result.stdout.splitlines()[NAMES.index("김민준 김민준 김민준 김민준 김민준") + 1]
    cut = "김민준 김민준 김민준 김…"
    assert wcwidth.width(cut) == COLUMNS["profile_name"]
    assert f"  {cut}  " in row


@pytest.mark.parametrize("width", [40, 60, 80, 100, 128, 200])
def test_the_table_fits_the_terminal_dropping_the_least_needed_columns_first(width: int) -> None:
    result = invoke_cli(["list", "--format", "table"], _page(NAMES), COLUMNS=str(width))
    lines = result.stdout.splitlines()
    kept = fit(FIELDS, width)
    assert [c.replace("_", " ").upper() for c in kept] == re.split(r"\s{2,}", lines[0].strip())
    dropped = sorted((c for c in COLUMNS if c not in kept), key=DROPPED_FIRST.index)
    assert dropped == list(DROPPED_FIRST[: len(dropped)])
    assert all(wcwidth.width(line) <= max(width, COLUMNS["id"]) for line in lines)
    assert fit(FIELDS, None) == list(COLUMNS)


def test_control_characters_and_bidi_overrides_never_reach_the_terminal() -> None:
    names = ["\x1b[31mred\x1b[0m", "abc\u202edcba", "bell\x07", "tab\tand\nnewline"]
    out = invoke_cli(["list", "--format", "table"], _page(names)).stdout
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\ufffd[31mred\ufffd[0m" in out
    assert "tab and newline" in out


FORMULAS = ['=HYPERLINK("http://x")', "+1 555 0100", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout, newline="")))


def test_csv_prefixes_every_cell_that_starts_like_a_formula() -> None:
    rows = _rows(invoke_cli(["list", "--format", "csv"], _page([*FORMULAS, "María"])))
    assert [row["profile_name"] for row in rows] == [f"'{f}" for f in FORMULAS] + ["María"]
    one = _rows(
        invoke_cli(["list", "--format", "csv"], _page(["x"], display_name="=1+1", wa_id="+1"))
    )
    assert (one[0]["display_name"], one[0]["wa_id"], one[0]["customer_id"]) == ("'=1+1", "'+1", "")
    plain = invoke_cli(["list", "--format", "csv", "--no-escape-formulas"], _page(FORMULAS))
    assert [row["profile_name"] for row in _rows(plain)] == FORMULAS


def test_csv_columns_are_the_specs_item_fields_and_no_header_leaves_them_out() -> None:
    result = invoke_cli(["list", "--format", "csv"], _page(["x"], brand_new_field="y"))
    assert next(csv.reader(io.StringIO(result.stdout))) == FIELDS
    headless = invoke_cli(["list", "--format", "csv", "--no-header"], _page(["x"]))
    assert next(csv.reader(io.StringIO(headless.stdout)))[0] == contact(0)["id"]
    assert json.loads(next(csv.DictReader(io.StringIO(result.stdout)))["metadata"]) == {"n": 0}
