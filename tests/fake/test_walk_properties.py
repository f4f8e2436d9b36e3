"""Property: any filter combination, any limit, the walks are the store's own answer."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kapso_fake import ContactStore, FakeApp, create_app

from .conftest import KEY, PATH, client_for

APP = create_app(api_keys=[KEY], contacts=120, seed=21)
STORE: ContactStore = APP.state.store
CONTACTS = STORE.matching()
CUSTOMERS = STORE.customers()
MAX_PAGE, MAX_WINDOW = 50, 5000


@pytest.fixture(scope="module")
def walker() -> Any:
    with client_for(APP) as c:
        yield c


def _instants() -> st.SearchStrategy[str]:
    existing = st.sampled_from([c["created_at"] for c in CONTACTS])
    anywhere = st.datetimes(
        min_value=datetime(2023, 12, 1), max_value=datetime(2025, 8, 1), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat())
    offset = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    shifted = st.tuples(existing, offset).map(
        lambda p: datetime.fromisoformat(p[0]).astimezone(p[1]).isoformat()
    )
    return st.one_of(existing, anywhere, shifted)


def _name_parts() -> st.SearchStrategy[str]:
    name = st.sampled_from([c["profile_name"] for c in CONTACTS])
    part = st.tuples(name, st.integers(0, 6), st.integers(1, 4)).map(
        lambda t: t[0][t[1] : t[1] + t[2]]
    )
    return st.one_of(part, part.map(str.upper), st.text(max_size=2), st.sampled_from("%_\\"))


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "customer_id": st.sampled_from([c["id"] for c in CUSTOMERS] + ["nope"]),
        "customer_external_id": st.sampled_from([c["external_id"] for c in CUSTOMERS]),
        "has_customer": st.booleans(),
        "profile_name_contains": _name_parts(),
        "wa_id_contains": st.text("0123456789", min_size=1, max_size=3),
        "business_scoped_user_id": st.sampled_from(
            [c["business_scoped_user_id"] for c in CONTACTS if c["business_scoped_user_id"]]
        ),
        "created_after": _instants(),
        "created_before": _instants(),
    },
)


def _query(filters: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.items()}


def _typed(filters: dict[str, Any]) -> dict[str, Any]:
    typed = dict(filters)
    for bound in ("created_after", "created_before"):
        if bound in typed:
            typed[bound] = datetime.fromisoformat(typed[bound])
    return typed


@settings(deadline=None)
@given(filters=FILTERS, limit=st.integers(1, 100))
def test_walks_equal_the_stores_answer(
    walker: httpx.Client, filters: dict[str, Any], limit: int
) -> None:
    expected = STORE.matching(**_typed(filters))
    query = _query(filters)

    # The cursor walk, page by page.
    pages: list[dict[str, Any]] = []
    params: dict[str, Any] = {**query, "limit": limit}
    while True:
        body = walker.get(PATH, params=params).json()
        pages.append(body)
        if body["paging"]["next"] is None:
            break
        params["after"] = body["paging"]["next"]
        assert len(pages) <= len(expected) + 1
    walked = [c for page in pages for c in page["data"]]
    assert walked == expected
    assert len({c["id"] for c in walked}) == len(walked)
    assert pages[0]["paging"]["previous"] is None

    # `before` from page n+1 returns page n.
    for n in range(len(pages) - 1):
        back = walker.get(
            PATH, params={**query, "limit": limit, "before": pages[n + 1]["paging"]["previous"]}
        ).json()
        assert back["data"] == pages[n]["data"]

    # The legacy walk over every page the limits allow agrees with the cursor walk.
    total_pages = math.ceil(len(expected) / limit)
    reachable = min(total_pages, MAX_PAGE, MAX_WINDOW // limit)
    legacy: list[Any] = []
    for page in range(1, reachable + 1):
        response = walker.get(PATH, params={**query, "page": page, "per_page": limit})
        assert response.json()["meta"]["total_count"] == len(expected)
        assert response.headers["x-total-pages"] == str(total_pages)
        legacy.extend(response.json()["data"])
    assert legacy == expected[: reachable * limit]


def test_the_module_app_is_not_shared(shared_app: FakeApp) -> None:
    assert shared_app.state.store is not STORE
