"""The SQLite store of contacts and customers, and the queries the API runs on it.

Each contact is kept as the JSON the API serves (written once, at insert)
next to the columns its order and filters need (``_layout``); a page is the
rows' JSON spliced together, never decoded and encoded again.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kapso_contacts.contract import Contract, default_contract, format_timestamp

from ._filters import Filters
from ._layout import CUSTOMER_LINK, Layout
from ._shape import Shape
from .cursor import Keyset
from .data import ContactJSON, CustomerRow, Dataset, generate_contacts, new_uuid

_INSERT_CUSTOMER = "INSERT INTO customers VALUES (?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Page:
    """Contacts in listing order, each as its JSON, and where the page sits in the listing.

    ``first`` / ``last`` are the keysets of the first and last contact (None
    when the page is empty); ``has_previous`` / ``has_next`` say whether a
    matching contact lies before / after the page.
    """

    bodies: list[bytes]
    first: Keyset | None
    last: Keyset | None
    has_next: bool = False
    has_previous: bool = False

    @property
    def contacts(self) -> list[ContactJSON]:
        """The contacts, decoded."""
        return [json.loads(body) for body in self.bodies]


@dataclass
class ContactStore:
    """Contacts and customers in SQLite (in memory unless ``path`` is given).

    Safe to share between threads: every call holds one lock. The listing
    order, the filters and the fields come from ``contract``.
    """

    path: str | Path | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    seed: int = 0
    contract: Contract = field(default_factory=default_contract)
    _db: sqlite3.Connection = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _rng: random.Random = field(init=False, repr=False)
    _layout: Layout = field(init=False, repr=False)
    _shape: Shape = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._layout = Layout.for_contract(self.contract)
        self._shape = Shape(self.contract)
        target = ":memory:" if self.path is None else str(self.path)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        # Case-insensitive filters on customers fold on the fly (contacts have a column).
        self._db.create_function("casefold", 1, _casefold, deterministic=True)
        self._rng = random.Random(f"kapso-fake:store:{self.seed}")  # noqa: S311 (reproducible)
        self._db.executescript(self._layout.schema() + self._layout.indexes())

    @classmethod
    def from_dataset(
        cls, dataset: Dataset, path: str | Path | None = None, contract: Contract | None = None
    ) -> ContactStore:
        """Return a new store holding ``dataset`` (a file at ``path`` is rebuilt)."""
        store = cls(path=path, seed=dataset.seed, contract=contract or default_contract())
        store.load(dataset)
        return store

    def load(self, dataset: Dataset) -> None:
        """Replace every row with ``dataset``, fast: one transaction, indexes built last."""
        self.replace(dataset.contacts(), dataset.customers, trusted=True)

    def replace(
        self,
        contacts: Iterable[Mapping[str, Any]],
        customers: Iterable[CustomerRow] | None = None,
        *,
        trusted: bool = False,
    ) -> int:
        """Replace every row with ``contacts`` (and ``customers``); return how many contacts.

        Args:
            contacts: the contacts, as the API serves them (completed per the spec).
            customers: their customers; by default one per distinct customer id,
                with an empty external id and name.
            trusted: the contacts are Contacts in the API's own form (generated
                ones): neither checked against the Contact schema nor normalized.

        Raises:
            ValueError: a contact is not a Contact of the spec, or two contacts
                share a place in the listing.
        """
        linked: set[str] = set()
        count = 0

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal count
            for contact in contacts:
                complete, row = self._row(contact, trusted)
                link = complete.get(CUSTOMER_LINK)
                if isinstance(link, str):
                    linked.add(link)
                count += 1
                yield row

        with self._lock:
            db = self._db
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(self._layout.schema())
            try:
                db.execute("BEGIN")
                db.executemany(self._layout.insert_sql(), rows())
                owners = customers
                if owners is None:
                    owners = [CustomerRow(i, "", "") for i in sorted(linked)]
                db.executemany(_INSERT_CUSTOMER, owners)
                db.execute("COMMIT")
                # Indexes last (faster); the unique keyset index finds duplicates here.
                db.executescript(self._layout.indexes() + "ANALYZE;")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                db.executescript(self._layout.schema() + self._layout.indexes())  # empty, usable
                if isinstance(exc, sqlite3.IntegrityError):
                    raise ValueError(f"two contacts share a place in the listing ({exc})") from exc
                raise
        return count

    def clear(self) -> None:
        """Remove every contact and customer."""
        self.replace([], [])

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def customers(self) -> list[dict[str, str]]:
        """Return every customer (``id``, ``external_id``, ``name``), by id."""
        with self._lock:
            rows = self._db.execute("SELECT id, external_id, name FROM customers ORDER BY id")
            return [{"id": i, "external_id": e, "name": n} for i, e, n in rows]

    def filters(self, **values: Any) -> Filters:
        """The filters of this store's contract (see ``Filters``)."""
        return Filters(self.contract, **values)

    def count(self, filters: Filters | None = None) -> int:
        """Return how many contacts match ``filters`` (all of them when ``None``)."""
        where, args = (filters or self.filters()).where()
        # SQL text here is built from the layout's quoted names only; values are bound.
        sql = f"SELECT COUNT(*) FROM contacts WHERE {where}"  # noqa: S608
        with self._lock:
            return int(self._db.execute(sql, args).fetchone()[0])

    def matching(self, **filters: Any) -> list[ContactJSON]:
        """Return every contact matching the filters, in API order (the ground truth).

        Args:
            **filters: the filter parameters' names with typed values
                (``has_customer: bool``, ``created_after: datetime``...).

        Raises:
            ValueError: a name that is not a filter, or a value it cannot take.
        """
        return self.matching_filters(self.filters(**filters))

    def matching_filters(self, filters: Filters) -> list[ContactJSON]:
        """Return every contact matching ``filters``, in API order."""
        where, args = filters.where()
        sql = f"{self._layout.select()} WHERE {where} {self._layout.order_by()}"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def legacy_page(self, filters: Filters, page: int, per_page: int) -> tuple[Page, int]:
        """Return page ``page`` of ``per_page`` contacts and how many match in all.

        Pages count from the contract's first page number; one below it is the first.
        """
        first_page = self.contract.pagination.legacy.first_page
        where, args = filters.where()
        layout = self._layout
        sql = layout.page(where, offset=True)
        offset = max(page - first_page, 0) * per_page
        with self._lock:
            rows = layout.in_order(self._db.execute(sql, [*args, per_page, offset]).fetchall())
            total = self._db.execute(f"SELECT COUNT(*) FROM contacts WHERE {where}", args)  # noqa: S608
            count = int(total.fetchone()[0])
        return _page(rows), count

    def cursor_page(
        self,
        filters: Filters,
        limit: int,
        after: Keyset | None = None,
        before: Keyset | None = None,
    ) -> Page:
        """Return the ``limit`` contacts after ``after``, before ``before``, or from the top."""
        where, args = filters.where()
        layout = self._layout
        with self._lock:
            if before is None:
                bound = "" if after is None else f" AND {layout.beyond(toward_end=True)}"
                found = self._db.execute(
                    layout.page(where + bound), [*args, *(after or ()), limit + 1]
                )
                rows = layout.in_order(found.fetchall())
                shown, has_next = rows[:limit], len(rows) > limit
                # From the top nothing can come before the page; after a cursor, look.
                has_previous = bool(after and shown) and self._exists(where, args, shown[0], False)
            else:
                sql = layout.page(f"{where} AND {layout.beyond(toward_end=False)}", reverse=True)
                found = self._db.execute(sql, [*args, *before, limit + 1])
                rows = layout.in_order(found.fetchall(), reverse=True)
                shown, has_previous = rows[:limit][::-1], len(rows) > limit
                has_next = bool(shown) and self._exists(where, args, shown[-1], True)
        return _page(shown, has_next, has_previous)

    def add_customer(self, external_id: str, name: str = "", *, id: str | None = None) -> str:
        """Insert a customer and return its id."""
        with self._lock:
            customer_id = id or new_uuid(self._rng)
            self._db.execute(_INSERT_CUSTOMER, (customer_id, external_id, name))
        return customer_id

    def add_contact(self, **fields: Any) -> ContactJSON:
        """Insert one contact and return it as the API serves it.

        Fields left out are completed per the spec: a new id, created now by the
        store's clock (and updated then), null where null is allowed. A
        ``datetime`` (timezone-aware) is written as the API writes timestamps.

        Raises:
            ValueError: a field of the wrong type, or a naive datetime.
        """
        given = {
            k: format_timestamp(v) if isinstance(v, datetime) else v for k, v in fields.items()
        }
        with self._lock:
            now = format_timestamp(self.clock())
            contact = self._shape.complete(given, now=now, fresh_uuid=lambda: new_uuid(self._rng))
        return self.add_contacts([contact])[0]

    def add_contacts(self, contacts: Iterable[Mapping[str, Any]]) -> list[ContactJSON]:
        """Insert contacts (each completed and checked per the spec); return them as served.

        Raises:
            ValueError: a contact is not a Contact of the spec, or its place in
                the listing is taken.
        """
        rows = [self._row(contact, trusted=False) for contact in contacts]
        with self._lock:
            try:
                self._db.executemany(self._layout.insert_sql(), (row for _, row in rows))
            except sqlite3.IntegrityError as exc:
                raise ValueError(f"a contact's place in the listing is taken ({exc})") from exc
        return [json.loads(row[0]) for _, row in rows]

    def add_generated(self, n: int, seed: int) -> list[ContactJSON]:
        """Insert ``n`` generated contacts spread over the generated span; return them.

        They belong to existing customers or to none. Deterministic for the
        same store content and ``seed``.
        """
        with self._lock:
            customer_ids = [r[0] for r in self._db.execute("SELECT id FROM customers ORDER BY id")]
            (total,) = self._db.execute("SELECT COUNT(*) FROM contacts").fetchone()
        rng = random.Random(f"kapso-fake:extra:{seed}:{total}")  # noqa: S311 (reproducible)
        return self.add_contacts(generate_contacts(rng, n, customer_ids))

    def _row(
        self, contact: Mapping[str, Any], trusted: bool
    ) -> tuple[ContactJSON, tuple[Any, ...]]:
        complete = self._shape.complete(contact)
        if not trusted:
            problems = self._shape.problems(complete)
            if problems:
                raise ValueError("not a Contact of the spec: " + "; ".join(problems))
        body = self._shape.body(complete)
        return complete, self._layout.row(complete, body, normalize=not trusted)

    def _exists(self, where: str, args: list[object], row: Any, toward_end: bool) -> bool:
        beyond = self._layout.beyond(toward_end)
        sql = f"SELECT 1 FROM contacts WHERE {where} AND {beyond} LIMIT 1"  # noqa: S608
        return self._db.execute(sql, [*args, *row[1:]]).fetchone() is not None


def _page(rows: list[Any], has_next: bool = False, has_previous: bool = False) -> Page:
    if not rows:
        return Page([], None, None, has_next, has_previous)
    return Page(
        [row[0] for row in rows], tuple(rows[0][1:]), tuple(rows[-1][1:]), has_next, has_previous
    )


def _casefold(text: object) -> str | None:
    return text.casefold() if isinstance(text, str) else None
