"""Drill: items added while a cursor walk is in progress.

The walk must still return every item that existed when it started, exactly
once, whatever is inserted around the cursor (new items anywhere in the time
span, and ties on the cursor's own first key).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kapso_contacts.contract import format_timestamp
from kapso_fake.app import create_app

from .conftest import CONTRACT, KEY, PATH, client_for

MAX_PAGES = 400
MODE = CONTRACT.pagination.cursor
FIRST_KEY = CONTRACT.order[0].field
IDENTITY = CONTRACT.identity


def ids(body: Any) -> list[str]:
    return [item[IDENTITY] for item in CONTRACT.pagination.items.get(body)]


class WalkWhileWriting(RuleBasedStateMachine):
    """A cursor walk (forward or backward) interleaved with inserts."""

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(api_keys=[KEY], contacts=150, seed=13)
        self.client = client_for(self.app)
        self.params: dict[str, str] = {}
        self.cursor: str | None = None
        self.done = False
        self.seen: list[str] = []
        self.pages = 0
        self.direction = MODE.after.name
        self.originals: set[str] = set()

    @initialize(
        limit=st.integers(1, 40),
        has_customer=st.sampled_from([None, True, False]),
        backward=st.booleans(),
    )
    def start(self, limit: int, has_customer: bool | None, backward: bool) -> None:
        self.params = {MODE.limit.name: str(limit)}
        filters = {} if has_customer is None else {"has_customer": has_customer}
        if has_customer is not None:
            self.params["has_customer"] = "true" if has_customer else "false"
        existing = self.app.store.listing(**filters)
        self.originals = {item[IDENTITY] for item in existing}
        if backward:  # from below the oldest item towards the newest
            self.direction = MODE.before.name
            epoch = format_timestamp(datetime(1970, 1, 1, tzinfo=UTC))
            self.cursor = self.app.store.cursors.encode(
                (epoch, "0" * 8 + "-0000-0000-0000-" + "0" * 12)
            )
            self.done = not existing

    @precondition(lambda self: not self.done)
    @rule()
    def next_page(self) -> None:
        query = dict(self.params)
        if self.cursor is not None:
            query[self.direction] = self.cursor
        response = self.client.get(PATH, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        self.pages += 1
        assert self.pages <= MAX_PAGES
        forward = self.direction == MODE.after.name
        self.seen.extend(ids(body) if forward else ids(body)[::-1])
        self.cursor = (MODE.next if forward else MODE.previous).get(body)
        self.done = self.cursor is None

    @rule(n=st.integers(1, 25))
    def add_items(self, n: int) -> None:
        self.app.add_generated(n)

    @precondition(lambda self: self.cursor is not None and not self.done)
    @rule()
    def add_ties_at_the_cursor(self) -> None:
        """Insert items created at the very instant the walk stopped at."""
        assert self.cursor is not None
        first, _ = self.app.store.cursors.decode(self.cursor)
        for _ in range(3):
            self.app.add(**{FIRST_KEY: first})

    @invariant()
    def nothing_seen_twice(self) -> None:
        assert len(self.seen) == len(set(self.seen)), "an item came back twice"

    def teardown(self) -> None:
        try:
            for _ in range(MAX_PAGES):
                if self.done:
                    break
                self.next_page()
            missing = self.originals - set(self.seen)
            assert not missing, f"{len(missing)} items that existed at the start were skipped"
        finally:
            self.client.close()


WalkWhileWriting.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None
)
test_walk_while_writing = WalkWhileWriting.TestCase


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_a_walk_with_writes_after_every_page(limit: int) -> None:
    """About limit / 2 items added after each page, and on every other page a tie with its last.

    Half of the inserts land ahead of the cursor, so the walk still ends.
    """
    app = create_app(api_keys=[KEY], contacts=300, seed=17)
    originals = {item[IDENTITY] for item in app.store.listing()}
    seen: list[str] = []
    with client_for(app) as client:
        query = {MODE.limit.name: str(limit)}
        for page in range(2000):
            body = client.get(PATH, params=query).json()
            seen.extend(ids(body))
            app.add_generated(limit // 2)
            items = CONTRACT.pagination.items.get(body)
            if items and page % 2:
                app.add(**{FIRST_KEY: items[-1][FIRST_KEY]})
            after = MODE.next.get(body)
            if after is None:
                break
            query[MODE.after.name] = after
    assert len(seen) == len(set(seen)), "an item came back twice"
    assert originals <= set(seen), "an item that existed at the start was skipped"
