"""A live account: items added while the fake serves, by hand or as time passes (``grow``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kapso_contacts.contract import format_timestamp
from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, Item, client_for, ids

CURSOR = CONTRACT.pagination.cursor
#: After the generated data's span: every item created "now" is the newest.
START = datetime(2025, 9, 1, 12, tzinfo=UTC)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _growing(per_minute: float, clock: Clock) -> FakeApp:
    return create_app(api_keys=[KEY], contacts=80, seed=4, new_contacts_per_minute=per_minute,
                      now=clock)  # fmt: skip


def test_600_a_minute_is_ten_new_items_a_second_each_the_newest() -> None:
    clock = Clock()
    app = _growing(0, clock)
    before = app.store.listing()
    clock.advance(30)  # nothing grows before it is asked to
    app.grow(600)
    with client_for(app) as client:
        clock.advance(1.0)
        response = client.get(PATH)
        clock.advance(0.55)
        later = client.get(PATH)
    assert response.headers["x-total"] == str(len(before) + 10)
    assert later.headers["x-total"] == str(len(before) + 15)
    listing = app.store.listing()
    assert listing[15:] == before
    # Each item is created at the instant it fell due: every tenth of a second from the start.
    stamps = [c["created_at"] for c in listing[:15]]
    grown_from = START + timedelta(seconds=30)
    expected = [format_timestamp(grown_from + n * timedelta(seconds=0.1)) for n in range(15, 0, -1)]
    assert stamps == expected


@pytest.mark.parametrize("limit", [1, 7, 30])
def test_a_walk_while_the_account_grows_sees_each_item_once_and_the_new_ones_come_back(
    limit: int,
) -> None:
    clock = Clock()
    app = _growing(600, clock)
    original = app.store.listing()
    walked: list[Item] = []
    first_page: dict[str, object] = {}
    with client_for(app) as client:
        query: dict[str, Any] = {"limit": limit}
        while True:
            body = client.get(PATH, params=query).json()
            first_page = first_page or body
            walked.extend(body["data"])
            clock.advance(0.7)  # 7 new items between two pages
            if CURSOR.next.get(body) is None:
                break
            query["after"] = CURSOR.next.get(body)
        # The walk began at the newest item: all it missed is newer than its first page.
        newer = client.get(PATH, params={"limit": 100, "before": CURSOR.first.get(first_page)})
    assert walked == original  # no duplicate, no gap, nothing created behind the walk
    grown = app.store.listing()[: len(app.store.listing()) - len(original)]
    assert grown and all(c["created_at"] > original[0]["created_at"] for c in grown)
    assert newer.json()["data"] == grown[-100:]


def test_growth_can_stop_and_start_again() -> None:
    clock = Clock()
    app = _growing(600, clock)
    with client_for(app) as client:
        clock.advance(1)
        app.grow(0)  # what was due is created first
        clock.advance(10)
        assert client.get(PATH).headers["x-total"] == "90"
        app.grow(60)
        clock.advance(2.5)
        assert client.get(PATH).headers["x-total"] == "92"
    with pytest.raises(ValueError, match="0 or more"):
        app.grow(-1)


def test_an_added_item_is_created_now_unless_told_and_is_served_first() -> None:
    clock = Clock()
    app = _growing(0, clock)
    added = app.add(profile_name="Ñandú", metadata={"a": [1]})
    assert added["created_at"] == format_timestamp(START)
    assert (added["profile_name"], added["metadata"]) == ("Ñandú", {"a": [1]})
    assert set(added) == set(CONTRACT.item.fields)
    old = app.add(created_at=datetime(2024, 5, 5, tzinfo=UTC), customer_id=None)
    assert old["created_at"] == "2024-05-05T00:00:00.000000Z"
    listing = app.store.listing()
    assert listing[0] == added and old in listing
    with client_for(app) as client:
        assert client.get(PATH, params={"profile_name_contains": "ÑANDÚ"}).json()["data"] == [added]


def test_an_added_item_must_be_an_item_of_the_spec_at_a_free_place() -> None:
    app = _growing(0, Clock())
    with pytest.raises(ValueError, match="profile_name"):
        app.add(profile_name=7)
    taken = app.store.listing()[0]
    with pytest.raises(ValueError, match="share a place"):
        app.add(id=taken["id"], created_at=taken["created_at"])


def test_generated_items_are_added_over_the_span_the_same_for_a_seed() -> None:
    def grown() -> tuple[list[Item], list[Item]]:
        app = create_app(api_keys=[KEY], contacts=20, seed=1)
        return app.add_generated(30), app.store.listing()

    added, listing = grown()
    assert (added, listing) == grown()
    assert len(listing) == 50 and set(ids(added)) <= set(ids(listing))
    positions = [ids(listing).index(c["id"]) for c in added]
    assert min(positions) < 10 < 40 < max(positions)  # not all newest, not all oldest
