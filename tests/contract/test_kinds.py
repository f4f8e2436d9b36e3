"""FILTER_KINDS: the fake's SQL and the suite's predicate keep the same items; breakages show."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kapso_contacts.contract as core
from kapso_contacts.contract import FILTER_KINDS, Contract, Filter, FilterKind

CONVERSATIONS = Path(__file__).resolve().parents[2] / "tests/specs/conversations.yaml"
CONTRACTS = (core.default_contract(), core.load_contract(CONVERSATIONS))
DB = sqlite3.connect(":memory:")
DB.execute("CREATE TABLE items (field)")  # untyped, as the fake's columns
OFFSETS = st.integers(-1439, 1439).map(lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30), timezones=OFFSETS)
# Sharp s, sigmas, dotted and dotless i, Kelvin sign, titlecase dz, fi ligature: where
# lower() and casefold() part; and SQL LIKE wildcards.
CASED = st.text("\xdf\u1e9e\u03c2\u03c3\u03a3\u0130\u0131IiKk\u212a \u01c5\u01c6\ufb01%_")
TEXTS = st.none() | st.text() | CASED | st.integers(-(2**63), 2**63 - 1)  # SQLite: 64 bits
TIMES = st.none() | MOMENTS.map(core.format_timestamp) | MOMENTS.map(datetime.isoformat)
EDGES = [core.parse_rfc3339(t) for t in ("0000-06-01T00:00:00Z", "9999-12-31T23:30:00-01:00")]
NAMES = ["John Doe", "Élodie Moreau", "ÉLODIE MOREAU", "ΣΟΦΙΑ", "Łukasz Kowalski", "Strauß",
         "İbrahim", "王伟", "100% Real", "under_score", "15551234567", "447700900123",
         "bsu_8f14e45fceea167a", "550e8400-e29b-41d4-a716-446655440000", None]  # fmt: skip
TIMESTAMPS = ["2025-03-26T15:05:00.000000Z", "2025-03-26T15:00:00.000000Z",
              "2025-03-26T17:05:00+02:00", "2024-12-31T23:59:59.999999Z", None]  # fmt: skip
REAL = {"text": NAMES, "boolean": NAMES, "instant": TIMESTAMPS}  # realistic values of a field


def sql_keeps(kind: FilterKind, field: Any, value: Any) -> bool:
    DB.execute("DELETE FROM items")
    DB.execute("INSERT INTO items VALUES (?)", [kind.column(field)])
    clause, args = kind.clause("field", value)
    return bool(DB.execute(f"SELECT count(*) FROM items WHERE {clause}", args).fetchone()[0])


def values(kind: FilterKind, field: Any) -> tuple[st.SearchStrategy[Any], list[Any]]:
    """Filter values drawn close to the field's (case flipped, cut, past the microsecond)..."""
    if kind.value == "boolean":
        return st.booleans(), [True, False]
    if kind.value == "instant":
        near = core.timestamp_of(field) or datetime(2025, 3, 26, tzinfo=UTC)
        moment = st.integers(-2, 2).map(lambda d: near + timedelta(microseconds=d))
        digits = st.text("0123456789", max_size=3)
        texts = st.builds(lambda m, d: core.format_timestamp(m)[:-1] + d + "Z", moment, digits)
        return texts.map(core.parse_rfc3339), EDGES  # ...and those always tried
    text = "" if field is None else str(field)
    ends = st.lists(st.integers(0, len(text)), min_size=2, max_size=2)
    cut = ends.map(lambda e: text[min(e) : max(e)])
    return st.text() | CASED | cut | cut.map(str.swapcase) | cut.map(str.upper), [text]


@pytest.mark.parametrize("kind", FILTER_KINDS.values(), ids=list(FILTER_KINDS))
@given(data=st.data())
def test_the_fakes_sql_keeps_what_the_suites_predicate_keeps(
    kind: FilterKind, data: st.DataObject
) -> None:
    field = data.draw(TIMES if kind.value == "instant" else TEXTS, label="field")
    drawn, always = values(kind, field)
    for value in [data.draw(drawn, label="value"), *always]:
        kept = kind.keeps(field, value)
        if kept is not None:  # None: the readings the docs allow disagree
            assert sql_keeps(kind, field, value) is kept, value


BREAKAGES = [(kind, name) for kind in FILTER_KINDS.values() for name in kind.breakages]
BROKEN = [f"{kind.name}:{name}" for kind, name in BREAKAGES]


@pytest.mark.parametrize(("kind", "breakage"), BREAKAGES, ids=BROKEN)
def test_each_breakage_differs_from_the_kind_on_a_sample_of_real_values(
    kind: FilterKind, breakage: str
) -> None:
    real, wrong = REAL[kind.value], kind.breakages[breakage]
    kept = [(f, s, kind.keeps(f, s)) for s in kind.samples(real) for f in real]
    assert any(wrong(f, s) != k for f, s, k in kept if k is not None), kind.samples(real)


FILTERS = [(c, f) for c in CONTRACTS for f in c.filters.values()]
NAMED = [f"{contract.noun}:{rule.parameter}" for contract, rule in FILTERS]


@pytest.mark.parametrize(("contract", "rule"), FILTERS, ids=NAMED)
def test_samples_of_real_values_are_values_the_parameter_accepts(
    contract: Contract, rule: Filter
) -> None:
    field = contract.item.field(rule.field)
    enum = field.enum if field else None
    real = [] if rule.hidden else list(enum) if enum else REAL[rule.meaning.value]
    parameter = contract.parameters[rule.parameter]
    for sample in rule.meaning.samples(real):
        if enum and sample not in enum:
            continue  # a real value cut short: the kind cannot know the field is an enum
        query = {parameter.name: core.to_query_value(contract, parameter, sample)}
        assert not core.assess(contract, query).refused, query
