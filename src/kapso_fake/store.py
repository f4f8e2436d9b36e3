"""The fake's items in SQLite, and the keyset cursors that address them.

An item is kept as the JSON the API serves (written once, at insert), next
to one column per order key (the keyset) and one per filter parameter,
holding what that filter's kind compares (``FILTER_KINDS[kind].column``). A
page is the rows' JSON spliced together, never decoded and encoded again.
Everything (order, directions, filters, which fields are hidden) comes from
the contract the store serves.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kapso_contacts.contract import (
    Contract,
    FieldPath,
    Filter,
    assess,
    format_timestamp,
    schema_problems,
    timestamp_of,
    to_query_value,
)

Keyset = tuple[str, ...]
"""A position in the listing: the order keys' values, as the store keeps them."""

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


@dataclass(frozen=True, slots=True)
class Page:
    """Items in listing order (each as its JSON), and where the page sits in the listing."""

    bodies: list[str]
    first: Keyset | None
    last: Keyset | None
    has_next: bool = False
    has_previous: bool = False


class CursorError(ValueError):
    """A cursor this server cannot read; the message says why."""


#: Reads (a page of rows each) and cursors remembered at most; more forget them all.
_REMEMBERED = 512


class Cursors:
    """URL-safe Base64 of ``{"values": [...], "columns": [...]}``: a keyset of the listing order."""

    def __init__(self, contract: Contract) -> None:
        """The cursors of ``contract``'s order keys."""
        self.columns = tuple(key.field for key in contract.order)
        self._dates = tuple(contract.item.fields[c].format == "date-time" for c in self.columns)
        self._uuids = tuple(contract.item.fields[c].format == "uuid" for c in self.columns)
        self._tail = '],"columns":' + _JSON(list(self.columns)) + "}"
        self._decoded: dict[str, Keyset] = {}  # a cursor is read twice a request, walks repeat

    def key_of(self, item: Mapping[str, Any]) -> Keyset:
        """An item's keyset, each value in its stored form.

        Raises:
            ValueError: a key field is missing or not a value of its format.
        """
        return tuple(self._stored(i, item.get(column)) for i, column in enumerate(self.columns))

    def _stored(self, index: int, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{self.columns[index]} must be a string, got {value!r}")
        if self._dates[index]:
            moment = timestamp_of(value)
            if moment is None:
                raise ValueError(f"{self.columns[index]} is not a timestamp: {value!r}")
            return format_timestamp(moment)
        return str(uuid.UUID(value)) if self._uuids[index] else value

    def encode(self, keyset: Keyset) -> str:
        """The cursor of a keyset."""
        text = '{"values":' + _JSON(list(keyset))[:-1] + self._tail
        return base64.urlsafe_b64encode(text.encode()).decode("ascii")

    def decode(self, cursor: str) -> Keyset:
        """The keyset a cursor encodes (either Base64 alphabet, padded or not).

        Raises:
            CursorError: not Base64 JSON of a keyset this server issues.
        """
        if cursor in self._decoded:
            return self._decoded[cursor]
        body = cursor.rstrip("=").replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
            payload = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, RecursionError) as exc:
            raise CursorError("is not Base64-encoded JSON") from exc
        if not isinstance(payload, dict) or payload.get("columns") != list(self.columns):
            raise CursorError("is not a cursor of this listing")
        values = payload.get("values")
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise CursorError("is not a cursor of this listing")
        try:
            keyset = tuple(self._stored(i, v) for i, v in enumerate(values))
        except ValueError as exc:
            raise CursorError(f"is not a cursor of this listing ({exc})") from exc
        if list(keyset) != values:
            raise CursorError("is not a cursor this server issued")
        if len(self._decoded) >= _REMEMBERED:
            self._decoded.clear()
        self._decoded[cursor] = keyset
        return keyset

    def readable(self, name: str, cursor: str) -> bool:
        """Whether a cursor decodes (``assess``'s ``readable``)."""
        try:
            self.decode(cursor)
        except CursorError:
            return False
        return True


def linked_value(filter_: Filter, link: Any) -> str | None:
    """The value of a hidden field reached through a link (``customer.external_id``).

    The fake keeps no linked records: the value is derived from the link, the
    same for every item linked to the same record.
    """
    if link is None:
        return None
    digest = hashlib.sha256(f"{filter_.field}:{link}".encode()).hexdigest()
    return f"{filter_.field.rsplit('.', 1)[-1].replace('_', '-')}-{digest[:10]}"


def quoted(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Store:
    """The items of one contract in an in-memory SQLite table; every call holds one lock."""

    def __init__(self, contract: Contract) -> None:
        """An empty store for ``contract`` (readings applied: it serves as they say)."""
        self.contract = contract
        self.cursors = Cursors(contract)
        self._keys = [f"k{i}" for i in range(len(contract.order))]
        self._filters = list(contract.filters.values())
        self._columns = {f.parameter: f"f{i}" for i, f in enumerate(self._filters)}
        self._reads = [(f, None if f.hidden else FieldPath(f.field)) for f in self._filters]
        self._omit_nulls = contract.item.nulls.value == "omitted"
        self._lock = threading.Lock()
        # Answers to reads since the last write: CI asks the same pages again and again, and
        # a filtered page scans until it has found its items.
        self._answers: dict[tuple[str, tuple[Any, ...]], list[tuple[Any, ...]]] = {}
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        columns = ", ".join([*self._keys, *self._columns.values()])
        self._db.execute(f"CREATE TABLE items (body TEXT NOT NULL, {columns})")
        # Every page walks the keyset index in order: an exact filter has an index of its
        # own, led by its column; the other filters are read off one wide index while
        # walking, so a row that does not match is never read from the table.
        keys = ", ".join(self._keys)
        exact = [c for f, c in zip(self._filters, self._columns.values(), strict=True)
                 if f.kind == "equals"]  # fmt: skip
        scanned = [c for c in self._columns.values() if c not in exact]
        self._indexes = [
            f"CREATE UNIQUE INDEX keyset ON items ({keys})",
            *(f"CREATE INDEX {c}_index ON items ({c}, {keys})" for c in exact),
            *([f"CREATE INDEX scanned ON items ({keys}, {', '.join(scanned)})"] if scanned else []),
        ]
        self._uniform = len({key.descending for key in contract.order}) == 1
        self._index(build=True)
        marks = ", ".join("?" * (1 + len(self._keys) + len(self._columns)))
        self._insert = f"INSERT INTO items VALUES ({marks})"  # noqa: S608 (our names)
        directions = ["DESC" if key.descending else "ASC" for key in self.contract.order]
        self._order = [f"{k} {d}" for k, d in zip(self._keys, directions, strict=True)]
        self._reverse = [
            f"{k} {'ASC' if d == 'DESC' else 'DESC'}"
            for k, d in zip(self._keys, directions, strict=True)
        ]

    # -- writing ----------------------------------------------------------------

    def row(
        self,
        item: Mapping[str, Any],
        hidden: Mapping[str, Any] | None = None,
        *,
        trusted: bool = False,
    ) -> tuple[Any, ...]:
        """The stored row of an item as served, with the values of its hidden fields.

        Args:
            item: the item, complete (every field of the schema).
            hidden: values of the fields filters read that items do not show.
            trusted: the item was generated here (skip the schema checks).

        Raises:
            ValueError: the item is not one of the spec's items.
        """
        if not trusted:
            problems = schema_problems(self.contract, self.contract.item.schema, item)
            if problems:
                raise ValueError("; ".join(problems))
        hidden = hidden or {}
        served = {k: v for k, v in item.items() if v is not None} if self._omit_nulls else item
        stored = []
        for filter_, path in self._reads:
            if path is not None:
                value = path.get(item)
            elif filter_.through is not None:
                value = linked_value(filter_, item.get(filter_.through))
            else:
                value = hidden.get(filter_.field)
            stored.append(filter_.meaning.column(value))
        keys = (
            tuple(item[c] for c in self.cursors.columns) if trusted else self.cursors.key_of(item)
        )
        return (_JSON(served), *keys, *stored)

    def _index(self, *, build: bool) -> None:
        for sql in self._indexes:
            name = sql.split(" INDEX ", 1)[1].split(" ", 1)[0]
            self._db.execute(sql if build else f"DROP INDEX {name}")

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Insert rows made by ``row``; return how many.

        Into an empty store the rows go in first and the indexes are built after
        (a million items load in seconds, not minutes).

        Raises:
            ValueError: two items share a place in the listing (the same keyset).
        """
        with self._lock:
            self._answers.clear()
            bulk = self._db.execute("SELECT 1 FROM items LIMIT 1").fetchone() is None
            before = self._db.total_changes
            try:
                self._db.execute("BEGIN")
                if bulk:
                    self._index(build=False)
                self._db.executemany(self._insert, rows)
                if bulk:
                    self._index(build=True)
                self._db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                self._db.execute("ROLLBACK")
                raise ValueError(f"two items share a place in the listing ({exc})") from exc
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            return self._db.total_changes - before

    def clear(self) -> None:
        """Remove every item."""
        with self._lock:
            self._answers.clear()
            self._db.execute("DELETE FROM items")

    # -- reading ----------------------------------------------------------------

    def where(self, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The SQL condition of typed filter values (as ``assess`` reads them) and its arguments."""
        clauses, args = [], []
        for name, value in filters.items():
            filter_ = self.contract.filters[name]
            clause, bound = filter_.meaning.clause(self._columns[name], value)
            clauses.append(clause)
            args.extend(bound)
        return " AND ".join(clauses) or "1", args

    def _beyond(self, toward_end: bool) -> str:
        """The condition "after the keyset ``?...`` in listing order" (or before it)."""
        if self._uniform:  # a row value: a direct lookup in the keyset index
            op = "<" if self.contract.order[0].descending == toward_end else ">"
            marks = ", ".join("?" * len(self._keys))
            return f"({', '.join(self._keys)}) {op} ({marks})"
        terms = []
        for i, key in enumerate(self.contract.order):
            op = "<" if key.descending == toward_end else ">"
            equal = [f"{k} = ?" for k in self._keys[:i]]
            terms.append("(" + " AND ".join([*equal, f"{self._keys[i]} {op} ?"]) + ")")
        return "(" + " OR ".join(terms) + ")"

    def _args(self, keyset: Keyset) -> list[str]:
        if self._uniform:
            return list(keyset)
        return [value for i in range(len(keyset)) for value in keyset[: i + 1]]

    def _select(
        self, where: str, args: list[Any], *, reverse: bool = False, limit: int, offset: int = 0
    ) -> list[tuple[Any, ...]]:
        terms = self._reverse if reverse else self._order
        order = ", ".join(terms)
        keys = ", ".join(f"i.{k}" for k in self._keys)
        # Rows are chosen on the indexes, then read: a rejected row's body is never loaded.
        sql = (
            f"SELECT i.body, {keys} FROM (SELECT rowid FROM items WHERE {where} ORDER BY {order}"  # noqa: S608
            " LIMIT ? OFFSET ?) AS chosen JOIN items AS i ON i.rowid = chosen.rowid"
            f" ORDER BY {', '.join(f'i.{term}' for term in terms)}"
        )
        return self._read(sql, [*args, limit, offset])

    def _exists(self, where: str, args: list[Any], keyset: Keyset, toward_end: bool) -> bool:
        sql = f"SELECT 1 FROM items WHERE {where} AND {self._beyond(toward_end)} LIMIT 1"  # noqa: S608
        return bool(self._read(sql, [*args, *self._args(keyset)]))

    def _read(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        """The rows of a read, remembered until the next write (the lock is held)."""
        key = (sql, tuple(args))
        if key not in self._answers:
            if len(self._answers) >= _REMEMBERED:
                self._answers.clear()
            self._answers[key] = list(self._db.execute(sql, args))
        return self._answers[key]

    def cursor_page(
        self,
        filters: Mapping[str, Any],
        limit: int,
        after: Keyset | None = None,
        before: Keyset | None = None,
    ) -> Page:
        """The ``limit`` items after ``after``, before ``before``, or from the top."""
        where, args = self.where(filters)
        with self._lock:
            if before is not None:
                bounded = f"{where} AND {self._beyond(toward_end=False)}"
                rows = self._select(
                    bounded, [*args, *self._args(before)], reverse=True, limit=limit + 1
                )
                shown = rows[:limit][::-1]
                has_previous = len(rows) > limit
                has_next = bool(shown) and self._exists(where, args, _key(shown[-1]), True)
            else:
                bounded, bound_args = where, args
                if after is not None:
                    bounded = f"{where} AND {self._beyond(toward_end=True)}"
                    bound_args = [*args, *self._args(after)]
                rows = self._select(bounded, bound_args, limit=limit + 1)
                shown, has_next = rows[:limit], len(rows) > limit
                has_previous = (
                    after is not None
                    and bool(shown)
                    and self._exists(where, args, _key(shown[0]), False)
                )
        return _page(shown, has_next, has_previous)

    def legacy_page(self, filters: Mapping[str, Any], page: int, per_page: int) -> tuple[Page, int]:
        """Page ``page`` of ``per_page`` items (from the first page number) and the total."""
        first = self.contract.pagination.legacy.first_page
        where, args = self.where(filters)
        with self._lock:
            rows = self._select(where, args, limit=per_page, offset=max(page - first, 0) * per_page)
            total = self._read(f"SELECT COUNT(*) FROM items WHERE {where}", args)  # noqa: S608
        return _page(rows), int(total[0][0])

    def count(self, filters: Mapping[str, Any] | None = None) -> int:
        """How many items match typed filter values (all when None)."""
        where, args = self.where(filters or {})
        with self._lock:
            return int(self._read(f"SELECT COUNT(*) FROM items WHERE {where}", args)[0][0])  # noqa: S608

    def listing(self, **filters: Any) -> list[dict[str, Any]]:
        """Every item matching the filters, in API order (the ground truth).

        Args:
            **filters: filter parameters with Python values (``True``, a
                ``datetime``, a string), read as the contract reads them.

        Raises:
            ValueError: a name that is not a filter, or a value it refuses.
        """
        unknown = sorted(set(filters) - set(self.contract.filters))
        if unknown:
            raise ValueError(f"not filters of the contract: {', '.join(unknown)}")
        query = {
            name: to_query_value(self.contract, self.contract.parameters[name], value)
            for name, value in filters.items()
            if value is not None
        }
        verdict = assess(self.contract, query)
        if verdict.refused:
            raise ValueError("; ".join(r.message for r in verdict.refusals))
        where, args = self.where(verdict.filters(self.contract))
        order = ", ".join(self._order)
        with self._lock:
            rows = self._db.execute(f"SELECT body FROM items WHERE {where} ORDER BY {order}", args)  # noqa: S608
            return [json.loads(body) for (body,) in rows]

    def newest_key(self) -> Keyset | None:
        """The keyset of the first item of the listing (None when empty)."""
        with self._lock:
            keys, order = ", ".join(self._keys), ", ".join(self._order)
            sql = f"SELECT {keys} FROM items ORDER BY {order} LIMIT 1"  # noqa: S608
            row = self._db.execute(sql).fetchone()
        return None if row is None else tuple(row)


def _key(row: tuple[Any, ...]) -> Keyset:
    return tuple(row[1:])


def _page(rows: list[tuple[Any, ...]], has_next: bool = False, has_previous: bool = False) -> Page:
    if not rows:
        return Page([], None, None, has_next, has_previous)
    return Page([r[0] for r in rows], _key(rows[0]), _key(rows[-1]), has_next, has_previous)
