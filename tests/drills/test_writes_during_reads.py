"""Drill: contacts added while a cursor walk is in progress.

The walk must still return every contact that existed when it started,
exactly once, whatever is inserted around the cursor (new contacts anywhere
in the time span, and ties on the cursor's own created_at).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kapso_fake import create_app, decode_cursor, encode_cursor

from .conftest import KEY, PATH, client_for

MAX_PAGES = 400


class WalkWhileWriting(RuleBasedStateMachine):
    """A cursor walk (forward or backward) interleaved with inserts."""

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(api_keys=[KEY], contacts=150, seed=13)
        self.store = self.app.state.store
        self.client = client_for(self.app)
        self.params: dict[str, str] = {}
        self.cursor: str | None = None
        self.done = False
        self.seen: list[str] = []
        self.pages = 0
        self.direction = "after"

    @initialize(
        limit=st.integers(1, 40),
        has_customer=st.sampled_from([None, "true", "false"]),
        backward=st.booleans(),
    )
    def start(self, limit: int, has_customer: str | None, backward: bool) -> None:
        self.params = {"limit": str(limit)}
        if has_customer is not None:
            self.params["has_customer"] = has_customer
        self.direction = "before" if backward else "after"
        flag = None if has_customer is None else has_customer == "true"
        existing = self.store.matching() if flag is None else self.store.matching(has_customer=flag)
        self.originals = {c["id"] for c in existing}
        if backward:  # start from beyond the oldest contact and walk towards the newest
            self.cursor = self._cursor_below_everything()
            self.done = not existing

    @staticmethod
    def _cursor_below_everything() -> str:
        return str(
            encode_cursor("0001-01-01T00:00:00.000000Z", "00000000-0000-0000-0000-000000000000")
        )

    def _page(self) -> dict[str, Any]:
        query = dict(self.params)
        if self.cursor is not None:
            query[self.direction] = self.cursor
        response = self.client.get(PATH, params=query)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @precondition(lambda self: not self.done)
    @rule()
    def next_page(self) -> None:
        body = self._page()
        self.pages += 1
        assert self.pages <= MAX_PAGES
        ids = [c["id"] for c in body["data"]]
        self.seen.extend(ids if self.direction == "after" else ids[::-1])
        following = body["paging"]["next" if self.direction == "after" else "previous"]
        self.cursor = following
        self.done = following is None

    @rule(n=st.integers(1, 25), seed=st.integers(0, 10**6))
    def add_contacts(self, n: int, seed: int) -> None:
        self.store.add_generated(n, seed)

    @precondition(lambda self: self.cursor is not None and not self.done)
    @rule(seed=st.integers(0, 10**6))
    def add_ties_at_the_cursor(self, seed: int) -> None:
        """Insert contacts created at the very instant the walk stopped at."""
        assert self.cursor is not None
        created_at, _ = decode_cursor(self.cursor)
        when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
        rng = random.Random(seed)
        for _ in range(3):
            self.store.add_contact(
                profile_name=f"tie {rng.random()}",
                created_at=when,
                customer_id=None,
            )

    @invariant()
    def nothing_seen_twice(self) -> None:
        assert len(self.seen) == len(set(self.seen)), "a contact came back twice"

    def teardown(self) -> None:
        try:
            for _ in range(MAX_PAGES):
                if self.done:
                    break
                self.next_page()
            missing = self.originals - set(self.seen)
            assert not missing, f"{len(missing)} contacts that existed at the start were skipped"
            assert len(self.seen) == len(set(self.seen))
        finally:
            self.client.close()


WalkWhileWriting.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None
)
test_walk_while_writing = WalkWhileWriting.TestCase


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_a_walk_with_writes_after_every_page(limit: int) -> None:
    """The plain version: about limit / 2 contacts added after each page, one of them a tie.

    Half of the inserts land ahead of the cursor, so the walk still ends.
    """
    app = create_app(api_keys=[KEY], contacts=300, seed=17)
    store = app.state.store
    originals = {c["id"] for c in store.matching()}
    seen: list[str] = []
    with client_for(app) as client:
        query = {"limit": str(limit)}
        for page in range(2000):
            body = client.get(PATH, params=query).json()
            seen.extend(c["id"] for c in body["data"])
            store.add_generated(limit // 2, page)
            if body["data"] and page % 2:
                last = body["data"][-1]["created_at"]
                at = datetime.fromisoformat(last.replace("Z", "+00:00"))
                store.add_contact(profile_name="tie", created_at=at)
            if body["paging"]["next"] is None:
                break
            query["after"] = body["paging"]["next"]
    assert len(seen) == len(set(seen)), "a contact came back twice"
    assert originals <= set(seen), "a contact that existed at the start was skipped"
