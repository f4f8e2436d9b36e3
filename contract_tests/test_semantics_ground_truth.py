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

from contract_tests import _checks
from contract_tests._api import Api
from contract_tests._strategies import filter_sets, limits
from contract_tests._target import Target, open_client
from contract_tests._transport import RequestLog
from contract_tests._walk import cursor_walk

pytestmark = pytest.mark.ground_truth


def _ground_filters(store: Any) -> st.SearchStrategy[dict[str, Any]]:
    contacts = store.matching()
    externals = [c["external_id"] for c in store.customers()]
    return filter_sets(contacts).flatmap(
        lambda filters: st.one_of(st.just(filters), st.sampled_from(externals)).map(
            lambda extra: (
                filters
                if isinstance(extra, dict)
                else {
                    **{k: v for k, v in filters.items() if k != "customer_external_id"},
                    "customer_external_id": extra,
                }
            )
        )
    )


@given(data=st.data())
def test_filtered_walk_equals_the_fakes_ground_truth(
    api: Api, store: Any, data: st.DataObject
) -> None:
    """The filtered cursor walk lists exactly store.matching(filters), in API order."""
    filters = data.draw(_ground_filters(store), label="filters")
    limit = data.draw(st.sampled_from([37, 100]), label="limit")
    truth = [str(c["id"]) for c in store.matching(**filters)]
    walk = cursor_walk(api, filters, limit, max_contacts=len(truth))
    _checks.same_sequence(truth, walk.ids, f"filtered walk {filters!r}")


def test_bare_request_gets_legacy_page_one_of_20(api: Api) -> None:
    """Fake policy (docs/fake-policy.md): a request without pagination is legacy page 1 of 20."""
    bare = api.list().expect(200, "a bare request is a 200")
    if bare.meta.get("page") != 1 or bare.meta.get("per_page") != 20 or "paging" in bare.body:
        raise AssertionError(
            f"the fake answers a bare request with legacy page 1 of 20; got {bare.meta}"
        )


class WalkDuringWrites(RuleBasedStateMachine):
    """A cursor walk while contacts are added: never a duplicate, never a gap in what was there."""

    def __init__(self) -> None:
        super().__init__()
        from kapso_fake import create_app

        key = "kapso_canary_" + secrets.token_hex(8)
        self.app = create_app(contacts=120, seed=7, api_keys=[key])
        target = Target(
            base_url="http://127.0.0.1:8080/platform/v1", api_key=key, budget=None, app=self.app
        )
        self.http: httpx.Client = open_client(target, RequestLog())
        self.api = Api(self.http)
        self.before_walk = [str(c["id"]) for c in self.app.state.store.matching()]
        self.seen: list[str] = []
        self.after: str | None = None
        self.done = False
        self.limit = 7
        self.writes = 0

    @rule(limit=limits())
    @precondition(lambda self: not self.seen)
    def choose_limit(self, limit: int) -> None:
        self.limit = limit

    @rule()
    @precondition(lambda self: not self.done)
    def next_page(self) -> None:
        params: dict[str, Any] = {
            "limit": self.limit,
            **({"after": self.after} if self.after else {}),
        }
        page = self.api.list(**params).expect(200, "a cursor page during writes is a 200")
        self.seen.extend(page.ids)
        self.after = page.paging.get("next")
        self.done = self.after is None

    @rule(n=st.integers(1, 5), seed=st.integers(0, 1000))
    def add_contacts(self, n: int, seed: int) -> None:
        self.app.state.store.add_generated(n, seed)
        self.writes += n

    @invariant()
    def no_duplicates(self) -> None:
        _checks.no_duplicates(self.seen, f"a walk during {self.writes} writes")

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
