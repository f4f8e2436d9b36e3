"""The spec linter: a typo in an extension is one line naming where it is, and exit 1."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kapso_contacts.contract import read_spec

REPO = Path(__file__).resolve().parents[2]
CONTACTS = REPO / "openapi" / "contacts.yaml"
CONVERSATIONS = REPO / "tests" / "specs" / "conversations.yaml"
Spec = dict[str, Any]


def _op(spec: Spec) -> Any:
    (item,) = spec["paths"].values()
    return item["get"]


def _parameter(spec: Spec, name: str) -> Any:
    return next(p for p in _op(spec)["parameters"] if p["name"] == name)


def _contact(spec: Spec, field: str) -> Any:
    return spec["components"]["schemas"]["Contact"]["properties"][field]


def _set(node: Any, key: Any, value: Any) -> None:
    node[key] = value


BREAKAGES: list[tuple[str, Callable[[Spec], None], str]] = [
    (
        "a filter kind the registry does not have",
        lambda s: _set(_parameter(s, "customer_id")["x-kapso-filter"], "kind", "equal"),
        "parameters/0/x-kapso-filter/kind: 'equal' is not one of",
    ),
    (
        "a source that is not a key of info.x-kapso-sources",
        lambda s: _set(_parameter(s, "customer_id")["x-kapso-filter"], "source", "docs"),
        "x-kapso-filter/source: 'docs' is not one of ['docs-page', 'kapso-facts']",
    ),
    (
        "a misspelt key of a fact",
        lambda s: _set(_op(s)["x-kapso-order"][0], "qoute", "x"),
        "x-kapso-order/0: Unevaluated properties are not allowed ('qoute' was unexpected)",
    ),
    (
        "an extension the schema does not describe",
        lambda s: _set(_op(s), "x-kapso-paging", {}),
        "'x-kapso-paging' is not one of",
    ),
    (
        "an assumed fact without readings",
        lambda s: _op(s)["x-kapso-query"]["repeated"].pop("readings"),
        "x-kapso-query/repeated: 'readings' is a required property",
    ),
    (
        "a reading that repeats the value",
        lambda s: _set(_op(s)["x-kapso-query"]["repeated"], "readings", ["last"]),
        'x-kapso-query/repeated: reading "last" repeats the value',
    ),
    (
        "a filter on a field the item does not have",
        lambda s: _set(_parameter(s, "customer_id")["x-kapso-filter"], "field", "customer_idd"),
        "customer_idd is no field of Contact nor another record's",
    ),
    (
        "a time bound on a field that is not a date-time",
        lambda s: _set(_parameter(s, "created_after")["x-kapso-filter"], "field", "profile_name"),
        "after reads profile_name, not a date-time",
    ),
    (
        "a bound that does not say where it comes from",
        lambda s: _parameter(s, "limit")["x-kapso-provenance"].pop("minimum"),
        "minimum has no x-kapso-provenance",
    ),
    (
        "a rule reading that drops a parameter the rule does not name",
        lambda s: _set(_op(s)["x-kapso-rules"][0]["effect"]["readings"], 1, {"ignore": ["limit"]}),
        "x-kapso-rules/0/effect: {'ignore': ['limit']} drops a parameter not named",
    ),
    (
        "a legacy header the 200 does not document",
        lambda s: _set(_op(s)["x-kapso-pagination"]["legacy"]["headers"], "X-Totl", "page"),
        "x-kapso-pagination/legacy: X-Totl is not a header of the 200",
    ),
    (
        "a cursor output that is not a field of the body",
        lambda s: _set(_op(s)["x-kapso-pagination"]["cursor"], "next", "paging.nxt"),
        "x-kapso-pagination/cursor: paging.nxt is no cursor field of the body",
    ),
    (
        "an answer with a status the operation does not document",
        lambda s: _set(_op(s)["x-kapso-pagination"]["cursor"]["unreadable-cursor"], "value", 409),
        "unreadable-cursor: Error is not a documented body of status 409",
    ),
    (
        "an order key that is not a required item field",
        lambda s: _set(_op(s)["x-kapso-order"][0], "field", "updated_at"),
        "x-kapso-order/0: updated_at is no required, non-null item field",
    ),
    (
        "a sample hint naming a field that is not beside it",
        lambda s: _set(_contact(s, "updated_at")["x-kapso-sample"], "not-before", "created"),
        "Contact.updated_at: x-kapso-sample not-before names no date-time field beside it",
    ),
    (
        "a share of nulls on a field that cannot be null",
        lambda s: _set(_contact(s, "profile_name")["x-kapso-sample"], "nulls", 0.2),
        "Contact.profile_name: x-kapso-sample nulls on a field that cannot be null",
    ),
]


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [pytest.param(b, e, id=name) for name, b, e in BREAKAGES],
)
def test_one_breakage_is_one_line_naming_it(
    breakage: Callable[[Spec], None], expected: str, lint_spec: Any, tmp_path: Path
) -> None:
    spec = copy.deepcopy(read_spec(CONTACTS))
    breakage(spec)
    path = tmp_path / "contacts.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    problems = lint_spec.problems(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(str(path))
    assert expected in problems[0]


def test_it_exits_1_on_any_problem_0_on_clean_specs_and_2_on_no_spec(
    lint_spec: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'\n")  # not YAML
    assert lint_spec.main([str(CONTACTS), str(CONVERSATIONS)]) == 0
    assert lint_spec.main([str(CONTACTS), str(broken)]) == 1
    assert lint_spec.main([]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"x-kapso-* extensions OK: {CONTACTS}, {CONVERSATIONS}"
    assert lines[1:] == [lines[1]]
    assert lines[1].startswith(f"{broken}: cannot be read: ")
