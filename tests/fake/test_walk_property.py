"""Property: for any filters of a spec and any page size, every walk is the ground truth.

A cursor walk forward, the walk back with ``before``, and the legacy pages the
limits allow all equal ``Store.listing`` for the same filters, for the
shipped spec and for List conversations. The filters and their values are
drawn from the contract (each kind's values, plus any text); the
repository's Hypothesis profile makes it deterministic in CI.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kapso_contacts.contract import assess

from .conftest import SPECS, Item, Served, cursor_pages
from .test_filters import values_for


def _filters(served: Served) -> st.SearchStrategy[dict[str, str]]:
    def values(parameter: str) -> st.SearchStrategy[str]:
        known = st.sampled_from(values_for(served, served.contract.filters[parameter]))
        if served.contract.parameters[parameter].kind != "string":
            return known
        return st.one_of(known, st.text(max_size=3))

    return st.fixed_dictionaries({}, optional={p: values(p) for p in served.contract.filters})


@pytest.mark.parametrize("served", [(name, 80) for name in SPECS], indirect=True, ids=list(SPECS))
@settings(deadline=None)
@given(data=st.data())
def test_every_walk_is_the_ground_truth(served: Served, data: st.DataObject) -> None:
    contract, client = served.contract, served.client
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    filters = data.draw(_filters(served), label="filters")
    limit = data.draw(st.integers(1, cursor.limit.maximum or 100), label="limit")
    assume(not assess(contract, filters).refused)  # a rule or a format refuses it
    expected = served.app.store.listing(**filters)
    items = contract.pagination.items.get

    pages = cursor_pages(client, filters, limit, contract)
    walked: list[Item] = [item for page in pages for item in items(page)]
    assert walked == expected
    assert cursor.previous.get(pages[0]) is None
    assert all(len(items(page)) == limit for page in pages[:-1])  # full pages

    back: list[list[Item]] = []
    body: dict[str, Any] = pages[-1]
    while cursor.previous.get(body) is not None:
        query = {**filters, cursor.limit.name: limit, cursor.before.name: cursor.previous.get(body)}
        body = client.get(contract.path, params=query).json()
        back.append(items(body))
    assert back[::-1] == [items(page) for page in pages[:-1]]

    total_pages = math.ceil(len(expected) / limit)
    reachable = min(total_pages, legacy.max_page or total_pages, legacy.max_window.value // limit)
    total = legacy.header_for("total-count")
    paged: list[Item] = []
    for page in range(legacy.first_page, legacy.first_page + reachable):
        query = {**filters, legacy.page.name: page, legacy.per_page.name: limit}
        response = client.get(contract.path, params=query)
        assert total is None or response.headers[total] == str(len(expected))
        paged.extend(items(response.json()))
    assert paged == expected[: reachable * limit]
