"""Each filter keeps exactly the contacts its documented meaning selects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kapso_fake import ContactStore

from .conftest import Params, walk_cursor

Contact = dict[str, Any]


def _check(
    client: httpx.Client, store: ContactStore, params: Params, keep: Callable[[Contact], bool]
) -> list[Contact]:
    """The API answer equals the predicate applied to every contact, in API order."""
    expected = [c for c in store.matching() if keep(c)]
    assert walk_cursor(client, params, limit=100) == expected
    return expected


def _parse(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("needle", "must_match"),
    [
        ("STRAUSS", "Strauß"),  # full Unicode case folding, not only ASCII
        ("ß", "Strauß"),
        ("σοφια", "ΣΟΦΙΑ"),
        ("ИВАН", "Иван"),
        ("%", "%"),  # literal, not a wildcard
        ("_", "_"),
        ("\\", "\\"),
        ("50%_off", "50%_off"),
        ("ødegård", "Ødegård"),
    ],
)
def test_profile_name_contains_is_unicode_case_insensitive_and_literal(
    client: httpx.Client, shared_store: ContactStore, needle: str, must_match: str
) -> None:
    found = _check(
        client,
        shared_store,
        {"profile_name_contains": needle},
        lambda c: needle.casefold() in c["profile_name"].casefold(),
    )
    assert any(must_match in c["profile_name"] for c in found)
    assert len(found) < len(shared_store.matching())


def test_profile_name_contains_matches_no_contact_for_an_absent_text(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    assert _check(client, shared_store, {"profile_name_contains": "%%__zz"}, lambda c: False) == []


def test_wa_id_contains_is_a_substring_match_that_skips_null_wa_ids(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    found = _check(
        client,
        shared_store,
        {"wa_id_contains": "55"},
        lambda c: c["wa_id"] is not None and "55" in c["wa_id"],
    )
    assert found


def test_customer_id_keeps_that_customers_contacts(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    customer = next(c["customer_id"] for c in shared_store.matching() if c["customer_id"])
    assert _check(
        client, shared_store, {"customer_id": customer}, lambda c: c["customer_id"] == customer
    )


def test_customer_id_that_is_not_a_uuid_matches_nothing(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    assert _check(client, shared_store, {"customer_id": "not-a-uuid"}, lambda c: False) == []


def test_customer_external_id_goes_through_the_customer(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    customers = {c["id"]: c["external_id"] for c in shared_store.customers()}
    owner = next(c["customer_id"] for c in shared_store.matching() if c["customer_id"])
    external = customers[owner]
    found = _check(
        client,
        shared_store,
        {"customer_external_id": external},
        lambda c: c["customer_id"] is not None and customers[c["customer_id"]] == external,
    )
    assert found


@pytest.mark.parametrize("value", [True, False])
def test_has_customer(client: httpx.Client, shared_store: ContactStore, value: bool) -> None:
    found = _check(
        client,
        shared_store,
        {"has_customer": str(value).lower()},
        lambda c: (c["customer_id"] is not None) is value,
    )
    assert found


def test_business_scoped_user_id_is_an_exact_match(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    bsuid = next(
        c["business_scoped_user_id"] for c in shared_store.matching() if c["wa_id"] is None
    )
    found = _check(
        client,
        shared_store,
        {"business_scoped_user_id": bsuid},
        lambda c: c["business_scoped_user_id"] == bsuid,
    )
    assert found
    assert (
        _check(client, shared_store, {"business_scoped_user_id": bsuid[:-1]}, lambda c: False) == []
    )


def _tied_timestamp(store: ContactStore) -> str:
    stamps = [c["created_at"] for c in store.matching()]
    return str(next(s for s in stamps if stamps.count(s) > 1))


def test_created_after_is_exclusive(client: httpx.Client, shared_store: ContactStore) -> None:
    bound = _tied_timestamp(shared_store)
    found = _check(
        client, shared_store, {"created_after": bound}, lambda c: c["created_at"] > bound
    )
    assert found
    assert all(c["created_at"] != bound for c in found)


def test_created_before_is_exclusive(client: httpx.Client, shared_store: ContactStore) -> None:
    bound = _tied_timestamp(shared_store)
    found = _check(
        client, shared_store, {"created_before": bound}, lambda c: c["created_at"] < bound
    )
    assert found


def test_a_bound_with_an_offset_is_the_instant_it_denotes(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    bound = _tied_timestamp(shared_store)
    shifted = (_parse(bound) + timedelta(hours=5, minutes=30)).strftime(
        "%Y-%m-%dT%H:%M:%S.%f+05:30"
    )
    _check(client, shared_store, {"created_after": shifted}, lambda c: c["created_at"] > bound)
    _check(client, shared_store, {"created_before": shifted}, lambda c: c["created_at"] < bound)


def test_sub_microsecond_digits_keep_the_bounds_exact(
    client: httpx.Client, shared_store: ContactStore
) -> None:
    bound = _tied_timestamp(shared_store)
    later = bound[:-1] + "1Z"  # 0.1 microsecond after the tied contacts
    _check(client, shared_store, {"created_before": later}, lambda c: c["created_at"] <= bound)
    _check(client, shared_store, {"created_after": later}, lambda c: c["created_at"] > bound)


def test_filters_combine_with_and(client: httpx.Client, shared_store: ContactStore) -> None:
    found = _check(
        client,
        shared_store,
        {"has_customer": "true", "wa_id_contains": "5", "created_after": "2024-06-01T00:00:00Z"},
        lambda c: (
            c["customer_id"] is not None
            and c["wa_id"] is not None
            and "5" in c["wa_id"]
            and c["created_at"] > "2024-06-01T00:00:00.000000Z"
        ),
    )
    assert found


@pytest.mark.parametrize(
    "name",
    ["profile_name_contains", "wa_id_contains", "customer_id", "customer_external_id",
     "business_scoped_user_id"],
)  # fmt: skip
def test_an_empty_string_filter_matches_everything(
    client: httpx.Client, shared_store: ContactStore, name: str
) -> None:
    _check(client, shared_store, {name: ""}, lambda c: True)


def test_unknown_parameters_are_ignored(client: httpx.Client, shared_store: ContactStore) -> None:
    _check(client, shared_store, {"colour": "blue", "q": "x"}, lambda c: True)


def test_store_matching_takes_typed_filters(shared_store: ContactStore) -> None:
    bound = datetime(2025, 1, 1, tzinfo=UTC)
    found = shared_store.matching(has_customer=False, created_before=bound)
    assert found
    assert all(c["customer_id"] is None and c["created_at"] < "2025-01-01" for c in found)
    with pytest.raises(ValueError, match="timezone-aware"):
        shared_store.matching(created_after=datetime(2025, 1, 1))
