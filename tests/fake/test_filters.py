"""Every filter of each spec keeps exactly what its kind means, alone and in pairs.

Driven by the contract: each filter parameter of the shipped spec and of List
conversations, values cut from the data by its kind
(``FILTER_KINDS[kind].samples``, instants around real timestamps). The answer
of a walk is checked against two grounds: the kind's own predicate (the
registry's meaning, no SQL) applied to every item, hidden fields included,
and ``Store.listing`` (the fake's ground truth for users).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from kapso_contacts.contract import (
    Contract,
    Filter,
    assess,
    format_timestamp,
    read_value,
    timestamp_of,
    to_query_value,
)
from kapso_fake import FakeApp, linked_value

from .conftest import SPECS, Item, Served, walk

FILTERS = [
    pytest.param(name, parameter, id=f"{name}:{parameter}")
    for name, contract in SPECS.items()
    for parameter in contract.filters
]


def field_value(served: Served, filter_: Filter, item: Item) -> object:
    """What the filter reads in an item: a field, a linked record's, or a hidden one."""
    if filter_.through is not None:
        return linked_value(filter_, item.get(filter_.through))
    if filter_.hidden:
        return served.hidden[item[served.contract.identity]].get(filter_.field)
    return filter_.field_value(item)[1]


def _instants(items: list[Item], field: str) -> list[str]:
    """Bounds worth trying: tied timestamps, other spellings of them, the edges of time."""
    stamps = [str(item[field]) for item in items]
    tied = next((s for s in stamps if stamps.count(s) > 1), stamps[0])
    moment = timestamp_of(tied)
    assert moment is not None
    shifted = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    return [
        tied,
        shifted.isoformat(),  # the same instant at +05:30
        tied[:-1] + "1Z",  # a tenth of a microsecond after it
        sorted(stamps)[len(stamps) // 2],
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999991Z",  # past the last microsecond a timestamp holds
    ]


def values_for(served: Served, filter_: Filter) -> list[str]:
    """Query values worth trying for a filter, as the query carries them."""
    if filter_.meaning.value == "instant":
        return _instants(served.items, filter_.field)
    contract = served.contract
    parameter = contract.parameters[filter_.parameter]
    samples = filter_.meaning.samples([field_value(served, filter_, i) for i in served.items])
    written = [to_query_value(contract, parameter, sample) for sample in samples]
    if filter_.meaning.value == "boolean":
        return written
    return [*written, "\u2603 no item has this"]


def expected(served: Served, filter_: Filter, text: str) -> list[Item]:
    """The items the filter keeps for a query value, by the kind's own meaning."""
    value = read_value(served.contract, served.contract.parameters[filter_.parameter], text)
    keeps = filter_.meaning.keeps
    kept = [keeps(field_value(served, filter_, item), value) for item in served.items]
    if filter_.through is not None:  # the linked record's value, equal or not
        kept = [field_value(served, filter_, item) == value for item in served.items]
    assert None not in kept, f"{filter_.parameter}={text!r}: the readings disagree"
    return [item for item, keep in zip(served.items, kept, strict=True) if keep]


def answer(served: Served, query: dict[str, str]) -> list[Item] | int:
    """A walk's items, or the status of the refusal the contract says the query gets."""
    verdict = assess(served.contract, query)
    if verdict.refused:
        response = served.client.get(served.contract.path, params=query)
        return response.status_code
    return walk(served.client, query, limit=100, contract=served.contract)


@pytest.mark.parametrize(("served", "parameter"), FILTERS, indirect=["served"])
def test_each_filter_keeps_what_its_kind_means(served: Served, parameter: str) -> None:
    filter_ = served.contract.filters[parameter]
    sizes = set()
    for text in values_for(served, filter_):
        if assess(served.contract, {parameter: text}).refused:  # an enum's other value
            assert answer(served, {parameter: text}) == served.contract.refusal_status.value
            continue
        kept = expected(served, filter_, text)
        assert answer(served, {parameter: text}) == kept, text
        assert served.app.store.listing(**{parameter: text}) == kept, text
        sizes.add(len(kept))
    # The values tried tell items apart: some keep a few, some keep none or all.
    assert len(sizes) > 1, f"the data gives {parameter} no value to tell items apart: {sizes}"
    assert any(0 < size < len(served.items) for size in sizes), sizes


def _pairs(contract: Contract) -> list[tuple[Filter, Filter]]:
    return list(itertools.combinations(contract.filters.values(), 2))


@pytest.mark.parametrize(
    ("served", "pair"),
    [pytest.param(name, i, id=f"{name}:{a.parameter}+{b.parameter}")
     for name, contract in SPECS.items() for i, (a, b) in enumerate(_pairs(contract))],
    indirect=["served"],
)  # fmt: skip
def test_two_filters_keep_what_both_keep(served: Served, pair: int) -> None:
    first, second = _pairs(served.contract)[pair]
    values = zip(values_for(served, first)[:3], values_for(served, second)[:3], strict=False)
    for a, b in values:
        query = {first.parameter: a, second.parameter: b}
        if assess(served.contract, query).refused:  # a rule or an enum refuses it
            assert answer(served, query) == served.contract.refusal_status.value
            continue
        identity = served.contract.identity
        seconds = {item[identity] for item in expected(served, second, b)}
        both = [item for item in expected(served, first, a) if item[identity] in seconds]
        assert answer(served, query) == both, query


@pytest.mark.parametrize(
    ("needle", "must_match"),
    [("STRAUSS", "Strauß"), ("σοφια", "ΣΟΦΙΑ"), ("ИВАН", "Иван"), ("%", "%"), ("_", "_"),
     ("\\", "\\"), ("ødegård", "Ødegård")],
)  # fmt: skip
def test_case_insensitive_contains_folds_all_of_unicode_and_is_literal(
    client: httpx.Client, everything: list[Item], needle: str, must_match: str
) -> None:
    found = walk(client, {"profile_name_contains": needle}, limit=100)
    assert found == [c for c in everything if needle.casefold() in c["profile_name"].casefold()]
    assert any(must_match in c["profile_name"] for c in found)
    assert len(found) < len(everything)


def test_store_listing_takes_python_values(shared_app: FakeApp, everything: list[Item]) -> None:
    bound = datetime(2025, 1, 1, tzinfo=UTC)
    found = shared_app.store.listing(has_customer=False, created_before=bound)
    assert found == [
        c
        for c in everything
        if c["customer_id"] is None and c["created_at"] < format_timestamp(bound)
    ]
    assert found
    with pytest.raises(ValueError, match="aware"):
        shared_app.store.listing(created_after=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="not filters of the contract: colour"):
        shared_app.store.listing(colour="blue")
