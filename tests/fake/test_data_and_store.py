"""The generated data (deterministic, awkward, items of the spec), the store, and its cursors."""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

import pytest

from kapso_contacts.contract import schema_problems, timestamp_of
from kapso_fake import SHAPES, CursorError, Cursors, Generator, Store, create_app
from kapso_fake.data import SPAN_END, SPAN_START

from .conftest import CONTRACT, KEY, Item, operation

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
CURSORS = Cursors(CONTRACT)
CURSOR = CONTRACT.pagination.cursor
KEYSET = ("2025-03-26T15:05:00.000000Z", "123e4567-e89b-12d3-a456-426614174000")


def _items(n: int, seed: int, shape: Any = "mixed") -> list[Item]:
    return create_app(api_keys=[KEY], contacts=n, seed=seed, shape=shape).store.listing()


def test_the_same_size_seed_and_shape_give_the_same_data() -> None:
    assert _items(200, 5) == _items(200, 5)
    assert _items(200, 5) != _items(200, 6)
    assert _items(200, 5) != _items(200, 5, "dense")


@pytest.mark.parametrize("shape", SHAPES)
def test_every_item_is_an_item_of_the_spec_in_its_order(shape: str) -> None:
    for item in _items(300, 3, shape):
        assert schema_problems(CONTRACT, CONTRACT.item.schema, item) == []
        assert list(item) == list(CONTRACT.item.fields)
        assert UUID.fullmatch(item["id"])
        assert item["customer_id"] is None or UUID.fullmatch(item["customer_id"])
        assert STAMP.fullmatch(item["created_at"]) and STAMP.fullmatch(item["updated_at"])
        assert item["updated_at"] >= item["created_at"]  # x-kapso-sample: not-before
        assert SPAN_START.isoformat()[:10] <= item["created_at"] < SPAN_END.isoformat()[:10]


def test_a_tiny_account_has_the_awkward_cases() -> None:
    items = _items(16, 1)
    for name, field in CONTRACT.item.fields.items():
        if field.nullable:
            assert any(item[name] is None for item in items), name
    names = [item["profile_name"] for item in items]
    assert {"%", "_", "100% Real", "back\\slash"} <= set(names)
    stamps = [item["created_at"] for item in items]
    assert len(set(stamps)) < len(stamps)  # a tie
    assert any(stamp.endswith(":00.000000Z") or ".000000Z" in stamp for stamp in stamps)


def test_a_larger_account_has_several_scripts_shared_values_and_metadata_shapes() -> None:
    items = _items(500, 2)
    names = " ".join(item["profile_name"] for item in items)
    for script in ("[\u0370-\u03ff]", "[\u0400-\u04ff]", "[\u0600-\u06ff]", "[\u4e00-\u9fff]"):
        assert re.search(script, names), script
    customers = [item["customer_id"] for item in items if item["customer_id"]]
    assert len(set(customers)) < len(customers)  # a pool: a customer has several contacts
    shapes = {type(item["metadata"]).__name__ for item in items}
    assert shapes == {"dict", "NoneType"}
    assert any(isinstance(v, dict) for item in items for v in (item["metadata"] or {}).values())


def test_the_shapes_spread_creation_times_as_they_say() -> None:
    def gaps(shape: str) -> list[float]:
        moments = [timestamp_of(item["created_at"]) for item in _items(200, 1, shape)]
        return [(a - b).total_seconds() for a, b in itertools.pairwise(moments)]  # type: ignore[operator]

    sparse, dense = gaps("sparse"), gaps("dense")
    assert min(sparse) > 0 and sum(sparse) / len(sparse) > 3600  # about a day apart, no tie
    assert dense.count(0.0) > len(dense) / 5 and max(dense) < 1  # many ties, all close


def test_hidden_and_linked_filter_values_follow_the_item() -> None:
    app = create_app(api_keys=[KEY], contacts=200, seed=2)
    owner = next(item["customer_id"] for item in app.store.listing() if item["customer_id"])
    linked = app.store.listing(customer_id=owner)
    external = app.store.listing(customer_external_id=_external_of(owner))
    assert external == linked and len(linked) >= 1


def _external_of(customer_id: str) -> str:
    from kapso_fake import linked_value

    return str(linked_value(CONTRACT.filters["customer_external_id"], customer_id))


def test_a_generator_refuses_an_unknown_shape() -> None:
    with pytest.raises(ValueError, match="shape must be one of"):
        Generator(CONTRACT, 1, "lumpy")  # type: ignore[arg-type]


def test_the_store_inserts_counts_and_clears() -> None:
    store = Store(CONTRACT)
    generator = Generator(CONTRACT, 1)
    rows = [store.row(*generator.item()) for _ in range(5)]
    assert store.insert(rows) == 5
    assert store.count() == 5 and store.count({"has_customer": True}) <= 5
    with pytest.raises(ValueError, match="share a place in the listing"):
        store.insert([rows[0]])
    assert store.count() == 5  # the failed insert left nothing behind
    with pytest.raises(ValueError, match="must be string"):
        store.row({**store.listing()[0], "profile_name": 3})
    store.clear()
    assert store.count() == 0 and store.listing() == [] and store.newest_key() is None


def test_a_page_asked_again_after_a_write_shows_the_write() -> None:
    store = Store(CONTRACT)
    generator = Generator(CONTRACT, 1)
    store.insert([store.row(*generator.item()) for _ in range(3)])
    before = store.cursor_page({}, 10)
    assert store.cursor_page({}, 10) == before  # remembered: the same answer
    store.insert([store.row(*generator.item()) for _ in range(2)])
    assert len(store.cursor_page({}, 10).bodies) == 5 and store.count() == 5
    store.clear()
    assert store.cursor_page({}, 10).bodies == [] and store.count() == 0


# -- cursors --------------------------------------------------------------------


def test_a_cursor_is_the_base64_json_keyset_of_the_order() -> None:
    cursor = CURSORS.encode(KEYSET)
    assert base64.urlsafe_b64decode(cursor) == (
        b'{"values":["2025-03-26T15:05:00.000000Z","123e4567-e89b-12d3-a456-426614174000"],'
        b'"columns":["created_at","id"]}'
    )
    assert CURSORS.decode(cursor) == KEYSET


def test_the_spec_s_example_cursor_decodes() -> None:
    example = operation(CONTRACT.spec)["responses"]["200"]["content"]["application/json"]
    cursors = [
        cursor
        for e in example["examples"].values()
        for path in (CURSOR.next, CURSOR.first, CURSOR.last)
        if (cursor := path.get(e["value"])) is not None
    ]
    assert len(cursors) == 3
    for cursor in cursors:
        assert CURSORS.decode(cursor) == KEYSET


def test_cursors_decode_in_either_alphabet_with_or_without_padding() -> None:
    raw = b'{"values":["%s","%s"],"columns":["created_at","id"]}  ' % tuple(
        v.encode() for v in KEYSET
    )  # the spaces force characters outside A-Za-z0-9
    for text in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        assert CURSORS.decode(text) == KEYSET
        assert CURSORS.decode(text.rstrip("=")) == KEYSET
        assert CURSORS.readable("after", text)


@pytest.mark.parametrize("text", ["", "a", "ab=c", "a b", "e30=", "bnVsbA", "W10"])
def test_what_is_not_a_keyset_of_this_listing_is_refused(text: str) -> None:
    with pytest.raises(CursorError):
        CURSORS.decode(text)
    assert not CURSORS.readable("after", text)
