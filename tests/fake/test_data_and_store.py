"""The generator is deterministic and realistic; the store inserts, persists and counts."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kapso_fake import ContactStore, Filters, create_app, generate_dataset
from kapso_fake.data import SPAN_END, SPAN_START

from .conftest import CONTRACT, KEY, PATH, client_for

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def test_the_same_size_and_seed_give_the_same_data() -> None:
    first = ContactStore.from_dataset(generate_dataset(200, 5))
    again = ContactStore.from_dataset(generate_dataset(200, 5))
    other = ContactStore.from_dataset(generate_dataset(200, 6))
    assert first.matching() == again.matching()
    assert first.customers() == again.customers()
    assert first.matching() != other.matching()


def test_a_small_dataset_has_the_awkward_cases() -> None:
    contacts = ContactStore.from_dataset(generate_dataset(12, 1)).matching()
    assert len(contacts) == 12
    assert any(c["display_name"] is None for c in contacts)
    assert any(c["customer_id"] is None for c in contacts)
    assert any(c["wa_id"] is None and c["business_scoped_user_id"] for c in contacts)
    assert any("%" in c["profile_name"] for c in contacts)
    assert any("_" in c["profile_name"] for c in contacts)
    assert any(c["metadata"] is None for c in contacts)
    stamps = [c["created_at"] for c in contacts]
    assert len(set(stamps)) < len(stamps)


def test_a_larger_dataset_has_several_scripts_and_metadata_shapes() -> None:
    contacts = ContactStore.from_dataset(generate_dataset(500, 2)).matching()
    names = " ".join(c["profile_name"] for c in contacts)
    scripts = ("[\u0370-\u03ff]", "[\u0400-\u04ff]", "[\u0600-\u06ff]", "[\u4e00-\u9fff]", "[é-ø]")
    for script in scripts:
        assert re.search(script, names), script
    shapes = {type(c["metadata"]).__name__ for c in contacts}
    assert shapes == {"dict", "NoneType"}
    assert any(c["metadata"] == {} for c in contacts)
    assert any(isinstance(v, dict) for c in contacts for v in (c["metadata"] or {}).values())


def test_every_contact_has_the_api_shape() -> None:
    for c in ContactStore.from_dataset(generate_dataset(300, 3)).matching():
        assert list(c) == [
            "id", "wa_id", "business_scoped_user_id", "parent_business_scoped_user_id",
            "username", "profile_name", "display_name", "customer_id", "metadata",
            "created_at", "updated_at",
        ]  # fmt: skip
        assert UUID.fullmatch(c["id"])
        assert c["customer_id"] is None or UUID.fullmatch(c["customer_id"])
        assert STAMP.fullmatch(c["created_at"])
        assert STAMP.fullmatch(c["updated_at"])
        assert c["updated_at"] >= c["created_at"]
        start, end = SPAN_START.strftime("%Y-%m-%d"), SPAN_END.strftime("%Y-%m-%d")
        assert start <= c["created_at"] < end
        assert c["wa_id"] is not None or c["business_scoped_user_id"] is not None


def test_add_contact_uses_the_store_clock_and_is_served() -> None:
    store = ContactStore(clock=lambda: datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC))
    customer = store.add_customer("crm-x", "X")
    added = store.add_contact(profile_name="Ñandú", customer_id=customer, metadata={"a": [1]})
    assert added["created_at"] == "2026-01-02T03:04:05.000006Z"
    assert added["updated_at"] == added["created_at"]
    app = create_app(api_keys=[KEY], store=store)
    with client_for(app) as client:
        body = client.get(PATH, params={"customer_external_id": "crm-x"}).json()
        assert body["data"] == [added]
        assert client.get(PATH, params={"profile_name_contains": "ÑANDÚ"}).json()["data"]


def test_add_generated_is_deterministic_and_spreads_over_the_span() -> None:
    def grow() -> list[dict[str, object]]:
        store = ContactStore.from_dataset(generate_dataset(20, 1))
        store.add_generated(30, seed=9)
        return store.matching()

    grown = grow()
    assert grown == grow()
    assert len(grown) == 50


def test_a_file_store_is_rebuilt_and_indexed(tmp_path: Path) -> None:
    path = tmp_path / "fake.db"
    store = ContactStore.from_dataset(generate_dataset(50, 1), path)
    store.add_contact(profile_name="extra", created_at=datetime(2024, 5, 5, tzinfo=UTC))
    store.close()
    rebuilt = ContactStore.from_dataset(generate_dataset(50, 1), path)
    assert rebuilt.count() == 50
    indexes = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    filters = CONTRACT.filters.values()
    exact = {f"contacts_{f.field}" for f in filters if f.match == "equals" and not f.on_customer}
    assert len(exact) >= 2
    assert {"contacts_keyset", *exact} <= indexes


def test_db_path_serves_from_a_file(tmp_path: Path) -> None:
    app = create_app(api_keys=[KEY], contacts=30, seed=1, db_path=tmp_path / "f.db")
    assert (tmp_path / "f.db").exists()
    assert app.state.store.count() == 30


@pytest.mark.parametrize(
    "values",
    [{}, {"customer_id": "x"}, {"has_customer": True}, {"profile_name_contains": "jo"},
     {"wa_id_contains": "5", "profile_name_contains": "a"}],
)  # fmt: skip
def test_a_cursor_page_is_chosen_on_an_index_alone(values: dict[str, object]) -> None:
    """A page is an index range scan in key order; no row is read that is not on it."""
    store = ContactStore.from_dataset(generate_dataset(100, 1))
    layout = store._layout
    where, args = Filters(**values).where()
    sql = layout.page(f"{where} AND {layout.beyond(toward_end=True)}")
    plan = [
        row[-1] for row in store._db.execute(f"EXPLAIN QUERY PLAN {sql}", [*args, "2025", "x", 21])
    ]
    chosen = next(step for step in plan if "contacts USING" in step and "PRIMARY KEY" not in step)
    assert "COVERING INDEX" in chosen, plan
    assert "SEARCH c USING INTEGER PRIMARY KEY" in " ".join(plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


@pytest.mark.parametrize("keys", [[], [""]])
def test_an_app_needs_a_key(keys: list[str]) -> None:
    with pytest.raises(ValueError, match="API key"):
        create_app(api_keys=keys, contacts=1)


def test_generate_dataset_refuses_a_negative_size() -> None:
    with pytest.raises(ValueError, match="contacts"):
        generate_dataset(-1, 1)
    assert ContactStore.from_dataset(generate_dataset(0, 1)).count() == 0
