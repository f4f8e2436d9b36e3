"""Ground truth (embedded fake only): the API against the fake's own store, and walks during writes.

These need to know the data, so they run only in-process (marked `ground_truth`).
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kapso_contacts.contract import Contract

from . import _walk_checks
from ._api import Api
from ._response_checks import mode_in
from ._spec import identity_field, suite_contract
from ._strategies import filter_sets, page_sizes
from ._target import Target, fake_base_url, open_client
from ._transport import RequestLog
from ._walk import cursor_walk, largest_page

pytestmark = pytest.mark.ground_truth


def _ground_filters(contract: Contract, store: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Filters as `filter_sets` draws them, a customer's field sometimes set to a real value."""
    contacts = store.matching()
    customers = store.customers()
    on_customer = {
        name: rule.field.split(".", 1)[1]
        for name, rule in contract.filters.items()
        if rule.on_customer
    }

    def with_real_customer(filters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        if not on_customer or not customers:
            return st.just(filters)
        return st.one_of(
            st.just(filters),
            st.tuples(st.sampled_from(sorted(on_customer)), st.sampled_from(customers)).map(
                lambda pick: {**filters, pick[0]: pick[1][on_customer[pick[0]]]}
            ),
        )

    return filter_sets(contract, contacts).flatmap(with_real_customer)


@given(data=st.data())
def test_filtered_walk_equals_the_fakes_ground_truth(
    api: Api, store: Any, data: st.DataObject
) -> None:
    """The filtered cursor walk lists exactly store.matching(filters), in API order."""
    contract = api.contract
    filters = data.draw(_ground_filters(contract, store), label="filters")
    limit = data.draw(st.sampled_from([37, largest_page(api)]), label="limit")
    key = identity_field(contract)
    truth = [str(c[key]) for c in store.matching(**filters)]
    walk = cursor_walk(api, filters, limit, max_contacts=len(truth))
    _walk_checks.same_sequence(
        truth, walk.ids, f"filtered walk {filters!r}", contract.pagination.cursor.provenance
    )


def test_bare_request_gets_the_first_page_of_the_bare_mode_at_its_default_size(
    api: Api, store: Any
) -> None:
    """The fake reads the silent parts as the spec does: a bare request's mode and defaults."""
    contract = api.contract
    pagination = contract.pagination
    mode = pagination.bare_mode
    size = pagination.page_size_parameter(mode).default
    bare = api.list().served("a bare request is served", pagination.bare)
    want = min(size, len(store.matching()))
    if mode_in(contract, bare.body) != mode or len(bare.contacts) != want:
        raise AssertionError(
            f"the fake answers a bare request in {mode} mode with {want} contacts;"
            f" got keys {sorted(bare.body)} with {len(bare.contacts)} contacts"
        )
    if mode == "legacy":
        legacy = pagination.legacy
        page = legacy.meta["page"].get(bare.body)
        per_page = legacy.meta["per-page"].get(bare.body)
        if (page, per_page) != (legacy.page.default, legacy.per_page.default):
            raise AssertionError(
                f"the fake answers a bare request with legacy page {legacy.page.default} of"
                f" {legacy.per_page.default}; got page {page} of {per_page}"
            )


class WalkDuringWrites(RuleBasedStateMachine):
    """A cursor walk while contacts are added: never a duplicate, never a gap in what was there."""

    def __init__(self) -> None:
        super().__init__()
        from kapso_fake import create_app

        self.contract = suite_contract()
        key = "kapso_canary_" + secrets.token_hex(8)
        self.app = create_app(contacts=120, seed=7, api_keys=[key])
        target = Target(fake_base_url(self.contract), key, budget=None, app=self.app)
        log = RequestLog(self.contract.api_key_header)
        self.http: httpx.Client = open_client(target, log, self.contract)
        self.api = Api(self.http, self.contract)
        identity = identity_field(self.contract)
        self.before_walk = [str(c[identity]) for c in self.app.state.store.matching()]
        self.seen: list[str] = []
        self.after: str | None = None
        self.done = False
        self.limit = 7
        self.writes = 0

    @rule(limit=page_sizes(suite_contract().pagination.cursor.limit))
    @precondition(lambda self: not self.seen)
    def choose_limit(self, limit: int) -> None:
        self.limit = limit

    @rule()
    @precondition(lambda self: not self.done)
    def next_page(self) -> None:
        cursor = self.contract.pagination.cursor
        params: dict[str, Any] = {
            cursor.limit.name: self.limit,
            **({cursor.after.name: self.after} if self.after else {}),
        }
        page = self.api.list(**params).served(
            "a cursor page during writes is served", cursor.provenance
        )
        self.seen.extend(page.ids)
        self.after = page.next
        self.done = self.after is None

    @rule(n=st.integers(1, 5), seed=st.integers(0, 1000))
    def add_contacts(self, n: int, seed: int) -> None:
        self.app.state.store.add_generated(n, seed)
        self.writes += n

    @invariant()
    def no_duplicates(self) -> None:
        _walk_checks.no_duplicates(
            self.seen,
            f"a walk during {self.writes} writes",
            self.contract.pagination.cursor.provenance,
        )

    def teardown(self) -> None:
        if self.done:
            missing = [cid for cid in self.before_walk if cid not in set(self.seen)]
            if missing:
                raise AssertionError(
                    f"a walk during writes lists every contact that existed before it;"
                    f" {len(missing)} missing, e.g. {missing[:3]}"
                )
        self.http.close()


TestWalkDuringWrites = WalkDuringWrites.TestCase
TestWalkDuringWrites.settings = settings(stateful_step_count=40)
