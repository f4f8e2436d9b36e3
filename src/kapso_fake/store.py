"""The SQLite store of contacts and customers, and the queries the API runs on it."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._cursor import Keyset
from ._filters import Filters
from ._timestamps import format_timestamp
from .data import ContactRow, Dataset, generate_contacts, new_uuid

_COLUMNS = ContactRow._fields
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM contacts"  # noqa: S608 (fixed names)
_NEWEST_FIRST = "ORDER BY created_at DESC, id DESC"
_OLDEST_FIRST = "ORDER BY created_at ASC, id ASC"
_SCHEMA = """
DROP TABLE IF EXISTS contacts;
DROP TABLE IF EXISTS customers;
CREATE TABLE customers (id TEXT NOT NULL, external_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE contacts (
    id TEXT NOT NULL, wa_id TEXT, business_scoped_user_id TEXT,
    parent_business_scoped_user_id TEXT, username TEXT, profile_name TEXT NOT NULL,
    display_name TEXT, customer_id TEXT, metadata TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, profile_name_folded TEXT NOT NULL
);
"""
# Built after a bulk load. Every keyset walk is an index range scan in
# (created_at, id) order, so a page costs the same at any table size; the
# exact-match filters get their own (value, created_at, id) indexes.
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS customers_id ON customers (id);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_id ON contacts (id);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_keyset ON contacts (created_at, id);
-- The substring and has_customer filters are tested on this index's own
-- columns while walking in keyset order: no table lookup for a non-match.
CREATE INDEX IF NOT EXISTS contacts_keyset_filters
    ON contacts (created_at, id, profile_name_folded, wa_id, customer_id);
CREATE INDEX IF NOT EXISTS contacts_customer ON contacts (customer_id, created_at, id);
CREATE INDEX IF NOT EXISTS contacts_bsuid ON contacts (business_scoped_user_id, created_at, id);
CREATE INDEX IF NOT EXISTS customers_external_id ON customers (external_id);
"""

Contact = dict[str, Any]
"""A contact exactly as the API serializes it."""


@dataclass(frozen=True, slots=True)
class CursorResult:
    """One cursor page, newest first, and whether matching contacts lie beyond each end."""

    contacts: list[Contact]
    has_next: bool
    has_previous: bool


@dataclass
class ContactStore:
    """Contacts and customers in SQLite (in memory unless ``path`` is given).

    Safe to share between threads: every call holds one lock. API order is
    newest first by ``created_at``, ties broken by ``id`` descending (compared
    as the lowercase canonical UUID text).
    """

    path: str | Path | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    seed: int = 0
    _db: sqlite3.Connection = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        target = ":memory:" if self.path is None else str(self.path)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._rng = random.Random(f"kapso-fake:store:{self.seed}")  # noqa: S311 (reproducible)
        self._db.executescript(_SCHEMA + _INDEXES)

    @classmethod
    def from_dataset(cls, dataset: Dataset, path: str | Path | None = None) -> ContactStore:
        """Return a new store holding ``dataset`` (a file at ``path`` is rebuilt)."""
        store = cls(path=path, seed=dataset.seed)
        store.load(dataset)
        return store

    def load(self, dataset: Dataset) -> None:
        """Replace every row with ``dataset``, fast: one transaction, indexes built last."""
        with self._lock:
            db = self._db
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            db.execute("BEGIN")
            db.executemany("INSERT INTO customers VALUES (?, ?, ?)", dataset.customers)
            db.executemany(
                "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                dataset.stored_rows(),
            )
            db.execute("COMMIT")
            db.executescript(_INDEXES + "ANALYZE;")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def customers(self) -> list[dict[str, str]]:
        """Return every customer (``id``, ``external_id``, ``name``), by id."""
        with self._lock:
            rows = self._db.execute("SELECT id, external_id, name FROM customers ORDER BY id")
            return [{"id": i, "external_id": e, "name": n} for i, e, n in rows]

    def count(self, filters: Filters | None = None) -> int:
        """Return how many contacts match ``filters`` (all of them when ``None``)."""
        where, args = (filters or Filters()).where()
        # SQL text below is built from fixed fragments only; values are bound.
        sql = f"SELECT COUNT(*) FROM contacts WHERE {where}"  # noqa: S608
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return int(row[0])

    def matching(self, **filters: Any) -> list[Contact]:
        """Return every contact matching the filters, in API order (the ground truth).

        Args:
            **filters: the query parameters' names with typed values
                (``has_customer: bool``, ``created_after: datetime``...).
        """
        return self.matching_filters(Filters(**filters))

    def matching_filters(self, filters: Filters) -> list[Contact]:
        """Return every contact matching ``filters``, in API order."""
        where, args = filters.where()
        return self._select(f"{_SELECT} WHERE {where} {_NEWEST_FIRST}", args)

    def legacy_page(self, filters: Filters, page: int, per_page: int) -> tuple[list[Contact], int]:
        """Return page ``page`` (from 1) of ``per_page`` contacts and the total count."""
        where, args = filters.where()
        sql = f"{_SELECT} WHERE {where} {_NEWEST_FIRST} LIMIT ? OFFSET ?"
        contacts = self._select(sql, [*args, per_page, (page - 1) * per_page])
        return contacts, self.count(filters)

    def cursor_page(
        self,
        filters: Filters,
        limit: int,
        after: Keyset | None = None,
        before: Keyset | None = None,
    ) -> CursorResult:
        """Return the ``limit`` contacts after ``after``, before ``before``, or from the top."""
        where, args = filters.where()
        if before is None:
            bound = "" if after is None else "AND (created_at, id) < (?, ?)"
            sql = f"{_SELECT} WHERE {where} {bound} {_NEWEST_FIRST} LIMIT ?"
            rows = self._select(sql, [*args, *(after or ()), limit + 1])
            page, has_next = rows[:limit], len(rows) > limit
            has_previous = bool(page) and self._exists(where, args, ">", page[0])
        else:
            sql = f"{_SELECT} WHERE {where} AND (created_at, id) > (?, ?) {_OLDEST_FIRST} LIMIT ?"
            rows = self._select(sql, [*args, *before, limit + 1])
            page, has_previous = rows[:limit][::-1], len(rows) > limit
            has_next = bool(page) and self._exists(where, args, "<", page[-1])
        return CursorResult(page, has_next, has_previous)

    def add_customer(self, external_id: str, name: str = "", *, id: str | None = None) -> str:
        """Insert a customer and return its id."""
        with self._lock:
            customer_id = id or new_uuid(self._rng)
            self._db.execute(
                "INSERT INTO customers VALUES (?, ?, ?)", (customer_id, external_id, name)
            )
        return customer_id

    def add_contact(
        self,
        *,
        profile_name: str,
        wa_id: str | None = None,
        business_scoped_user_id: str | None = None,
        parent_business_scoped_user_id: str | None = None,
        username: str | None = None,
        display_name: str | None = None,
        customer_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        created_at: datetime | None = None,
        updated_at: datetime | None = None,
        id: str | None = None,
    ) -> Contact:
        """Insert one contact (created now by the store's clock unless told) and return it."""
        created = format_timestamp(created_at or self.clock())
        with self._lock:
            row = ContactRow(
                id or new_uuid(self._rng),
                wa_id,
                business_scoped_user_id,
                parent_business_scoped_user_id,
                username,
                profile_name,
                display_name,
                customer_id,
                None if metadata is None else _dumps(metadata),
                created,
                created if updated_at is None else format_timestamp(updated_at),
            )
            self._insert([row])
        return _serialize(row)

    def add_generated(self, n: int, seed: int) -> list[Contact]:
        """Insert ``n`` generated contacts spread over the generated span; return them.

        They belong to existing customers or to none. Deterministic for the
        same store content and ``seed``.
        """
        with self._lock:
            customer_ids = [r[0] for r in self._db.execute("SELECT id FROM customers ORDER BY id")]
            (total,) = self._db.execute("SELECT COUNT(*) FROM contacts").fetchone()
            rng = random.Random(f"kapso-fake:extra:{seed}:{total}")  # noqa: S311 (reproducible)
            rows = list(generate_contacts(rng, n, customer_ids))
            self._insert(rows)
        return [_serialize(row) for row in rows]

    def _insert(self, rows: Iterable[ContactRow]) -> None:
        sql = "INSERT INTO contacts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        self._db.executemany(sql, (_with_folded(row) for row in rows))

    def _select(self, sql: str, args: list[object]) -> list[Contact]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_serialize(ContactRow._make(row)) for row in rows]

    def _exists(self, where: str, args: list[object], op: str, contact: Contact) -> bool:
        sql = f"SELECT 1 FROM contacts WHERE {where} AND (created_at, id) {op} (?, ?) LIMIT 1"  # noqa: S608
        with self._lock:
            found = self._db.execute(sql, [*args, contact["created_at"], contact["id"]])
            return found.fetchone() is not None


def _with_folded(row: ContactRow) -> tuple[object, ...]:
    return (*row, row.profile_name.casefold())


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _serialize(row: ContactRow) -> Contact:
    contact = row._asdict()
    if row.metadata is not None:
        contact["metadata"] = json.loads(row.metadata)
    return contact
