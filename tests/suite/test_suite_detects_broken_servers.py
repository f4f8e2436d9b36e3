"""The contract suite fails, with a clear message, against a server breaking each property."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings

from contract_tests import (
    test_semantics_filters as filters,
)
from contract_tests import (
    test_semantics_paging as paging,
)
from contract_tests import (
    test_semantics_ranges as ranges,
)
from contract_tests._api import Api
from contract_tests._probes import AWKWARD, string_filters
from contract_tests._target import Target, fake_base_url, open_client
from contract_tests._transport import RequestLog
from contract_tests._windows import load_anchor
from kapso_contacts.contract import default_contract

from ._broken import BROKEN, KEY, fake

CONTRACT = default_contract()
# Few examples, no shrinking: a failure is enough, the tests only read its message.
SMALL = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)


def _client(app: Any, *, with_key: bool = True) -> httpx.Client:
    target = Target(fake_base_url(CONTRACT), KEY, budget=None, app=app)
    log = RequestLog(CONTRACT.api_key_header)
    return open_client(target, log, CONTRACT, with_key=with_key)


def _hypothesis(test: Any, **fixed: Any) -> Callable[[Api, Any], None]:
    small = SMALL(test)
    return lambda api, app: small(api=api, anchor=load_anchor(api), **fixed)


def _edges(api: Api, app: Any) -> None:
    for edge in ranges.EDGES:
        ranges.test_documented_bound_is_accepted_at_its_edge_and_refused_one_past(api, edge)


def _auth(api: Api, app: Any) -> None:
    with _client(app, with_key=False) as without_key:
        ranges.test_a_request_without_a_valid_key_is_a_401_with_an_error_body(api, without_key)


def _awkward(api: Api, app: Any) -> None:
    for value in sorted(AWKWARD):
        for name in string_filters(CONTRACT):
            ranges.test_every_string_filter_accepts_any_string(api, name, value)


def _recipes(api: Api, app: Any) -> None:
    anchor = load_anchor(api)
    for recipe in filters.RECIPES:
        filters.test_each_filter_is_sound_and_complete_on_the_newest_contacts(api, anchor, recipe)


def _legacy_body(api: Api, app: Any) -> None:
    per_page = CONTRACT.pagination.legacy.per_page.default
    ranges.test_page_past_the_largest_gets_the_documented_legacy_limit_body(api, per_page)


RUNS: dict[str, Callable[[Api, Any], None]] = {
    "recipes": _recipes,
    "filters": _hypothesis(filters.test_filters_are_sound_and_complete),
    "case_folding": _hypothesis(
        filters.test_name_filter_folds_the_case_of_every_letter,
        name=filters.CASE_INSENSITIVE[0],
    ),
    "awkward": _awkward,
    "dates": _hypothesis(filters.test_date_bounds_are_exclusive_at_real_boundaries),
    "order": _hypothesis(paging.test_order_is_the_contracts_and_deterministic_on_ties),
    "walk": _hypothesis(paging.test_cursor_walk_has_no_duplicates_or_gaps_at_any_limit),
    "before": _hypothesis(paging.test_before_from_the_next_page_gives_the_page_back),
    "legacy": _hypothesis(paging.test_cursor_walk_agrees_with_legacy_walk),
    "envelope": lambda api, app: paging.test_each_mode_answers_with_its_own_envelope(api),
    "ranges": _edges,
    "legacy_body": _legacy_body,
    "auth": _auth,
}


@pytest.fixture
def api_for() -> Iterator[Callable[[Any], Api]]:
    clients: list[httpx.Client] = []

    def make(app: Any) -> Api:
        clients.append(_client(app))
        return Api(clients[-1], CONTRACT)

    yield make
    for client in clients:
        client.close()


@pytest.mark.parametrize("kind", sorted(RUNS))
def test_every_check_passes_against_the_real_fake(kind: str, api_for: Callable[[Any], Api]) -> None:
    app = fake()
    RUNS[kind](api_for(app), app)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_suite_fails_clearly_against_a_server_that(
    name: str, api_for: Callable[[Any], Api]
) -> None:
    factory, kind, expected = BROKEN[name]
    app = factory()
    with pytest.raises(AssertionError) as failure:
        RUNS[kind](api_for(app), app)
    message = str(failure.value)
    assert any(text in message for text in expected.split("|")), f"{name}: unclear {message!r}"
