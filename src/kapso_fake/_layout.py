"""The SQLite layout of the contacts table, derived from the contract.

A contact is stored as the JSON the API serves (``body``), plus one column
per field the listing orders or filters by (``x-kapso-order``,
``x-kapso-filter``) and a casefolded copy of each field a case-insensitive
filter reads. A filter declared in the spec on a Contact field therefore gets
its column and index with no code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from kapso_contacts.contract import Contract, ContractError, format_timestamp, parse_rfc3339

from .cursor import CursorCodec

#: The contact field that names the contact's customer (the fake's customers table).
CUSTOMER_LINK = "customer_id"
#: The columns of the fake's customers, which ``customer.<field>`` filters read.
CUSTOMER_COLUMNS = ("id", "external_id", "name")
#: Page queries kept, by their WHERE text (a few per combination of filters).
_CACHED_PAGES = 4096


def quoted(name: str) -> str:
    """``name`` as an SQL identifier (any text a spec may use as a field name)."""
    return '"' + name.replace('"', '""') + '"'


def folded(name: str) -> str:
    """The quoted column holding ``name`` casefolded."""
    return quoted(f"casefold:{name}")


@dataclass(frozen=True)
class Layout:
    """Which columns the contacts table has, and the SQL of the listing order."""

    contract: Contract
    codec: CursorCodec
    #: Fields stored in their own column, the order keys first.
    fields: tuple[str, ...]
    #: Fields stored casefolded only (case-insensitive ``contains`` filters).
    folded_fields: tuple[str, ...]
    #: Fields with an exact-match filter: each gets a (field, keys) index.
    exact_fields: tuple[str, ...]
    #: Columns the other filters test while walking the keyset index.
    scanned_columns: tuple[str, ...]
    #: Customer columns a ``customer.<field>`` filter reads (each gets an index).
    customer_fields: tuple[str, ...]
    descending: bool
    _pages: dict[tuple[str, bool, bool], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def for_contract(cls, contract: Contract) -> Layout:
        """The layout of ``contract``.

        Raises:
            ContractError: the order mixes directions, or a filter reads a field
                Contact does not have (or a customer field the fake does not keep).
        """
        if len({key.descending for key in contract.order}) != 1:
            raise ContractError("x-kapso-order: the fake pages keysets in one direction only")
        codec = CursorCodec.for_contract(contract)
        fields, folded_fields = list(codec.columns), []
        exact, scanned, customer = [], [], []
        for filter_ in contract.filters.values():
            name = filter_.field
            if filter_.on_customer:
                customer.append(name.removeprefix("customer."))
                if customer[-1] not in CUSTOMER_COLUMNS:
                    raise ContractError(f"{filter_.parameter}: the fake's customers have no {name}")
                name = CUSTOMER_LINK
            if name not in contract.contact_fields:
                raise ContractError(f"{filter_.parameter}: Contact has no field {name}")
            if filter_.match == "contains" and filter_.case_insensitive:
                folded_fields.append(name)
                scanned.append(folded(name))
                continue
            fields.append(name)
            if filter_.match == "equals" or filter_.on_customer:
                exact.append(name)
            elif name not in codec.columns:
                scanned.append(quoted(name))
        return cls(
            contract=contract,
            codec=codec,
            fields=_unique(fields),
            folded_fields=_unique(folded_fields),
            exact_fields=tuple(f for f in _unique(exact) if f not in codec.columns),
            scanned_columns=_unique(scanned),
            customer_fields=_unique(customer),
            descending=contract.order[0].descending,
        )

    @property
    def keys(self) -> tuple[str, ...]:
        """The order keys (the keyset's columns)."""
        return self.codec.columns

    def schema(self) -> str:
        """``CREATE TABLE`` of both tables (dropping any previous ones)."""
        columns = ", ".join(
            [quoted(f) for f in self.fields] + [folded(f) for f in self.folded_fields]
        )
        customers = ", ".join(quoted(c) for c in CUSTOMER_COLUMNS)
        return (
            "DROP TABLE IF EXISTS contacts; DROP TABLE IF EXISTS customers;"
            f"CREATE TABLE customers ({customers});"
            f"CREATE TABLE contacts (body BLOB NOT NULL, {columns});"
        )

    def indexes(self) -> str:
        """The indexes, built after a bulk load.

        Every keyset walk is an index range scan in key order, so a page costs
        the same at any table size. Exact-match filters get a (value, keys)
        index; the other filters are tested on one wide (keys, columns) index
        while walking, with no table lookup for a row that does not match.
        """
        keys = ", ".join(quoted(k) for k in self.keys)
        statements = [
            f"CREATE UNIQUE INDEX IF NOT EXISTS contacts_keyset ON contacts ({keys})",
            "CREATE UNIQUE INDEX IF NOT EXISTS customers_id ON customers (id)",
            *(
                f"CREATE INDEX IF NOT EXISTS {quoted('customers_' + c)} ON customers ({quoted(c)})"
                for c in self.customer_fields
            ),
            *(
                f"CREATE INDEX IF NOT EXISTS {quoted('contacts_' + f)} "
                f"ON contacts ({quoted(f)}, {keys})"
                for f in self.exact_fields
            ),
        ]
        if self.scanned_columns:
            statements.append(
                "CREATE INDEX IF NOT EXISTS contacts_keyset_filters "
                f"ON contacts ({keys}, {', '.join(self.scanned_columns)})"
            )
        return ";".join(statements) + ";"

    def insert_sql(self) -> str:
        """The one ``INSERT`` of a contact row (see ``row``)."""
        names = ["body", *map(quoted, self.fields), *map(folded, self.folded_fields)]
        marks = ", ".join("?" * len(names))
        return f"INSERT INTO contacts ({', '.join(names)}) VALUES ({marks})"  # noqa: S608

    def row(
        self, contact: Mapping[str, Any], body: bytes, *, normalize: bool = True
    ) -> tuple[Any, ...]:
        """The values ``insert_sql`` takes for ``contact`` served as ``body``.

        Args:
            contact: a complete contact.
            body: its JSON.
            normalize: write date-times and UUIDs in the API's own form (skip it
                only for contacts already in that form, like generated ones).

        Raises:
            ValueError: a key field is missing or not of its format.
        """
        if normalize:
            keys = self.codec.key_of(contact)
            rest = self.fields[len(keys) :]
            values = [*keys, *(self._column(f, contact.get(f)) for f in rest)]
        else:
            values = [contact.get(f) for f in self.fields]
        return (body, *values, *(_fold(contact.get(f)) for f in self.folded_fields))

    def _column(self, name: str, value: Any) -> Any:
        """A field's value as its column holds it: date-times as the API writes them."""
        if isinstance(value, str) and self.contract.contact_fields[name].format == "date-time":
            return format_timestamp(parse_rfc3339(value).floor)
        return value if isinstance(value, str | int | float) else None

    def order_by(self, reverse: bool = False) -> str:
        """``ORDER BY`` the listing order (``reverse``: the other way)."""
        direction = "DESC" if self.descending != reverse else "ASC"
        return "ORDER BY " + ", ".join(f"{quoted(k)} {direction}" for k in self.keys)

    def beyond(self, toward_end: bool) -> str:
        """The condition "after the keyset ``?, ...`` in listing order" (or before it)."""
        op = "<" if self.descending == toward_end else ">"
        keys = ", ".join(quoted(k) for k in self.keys)
        marks = ", ".join("?" * len(self.keys))
        return f"({keys}) {op} ({marks})"

    def select(self) -> str:
        """``SELECT`` of contacts: the body, then the keyset."""
        keys = ", ".join(quoted(k) for k in self.keys)
        return f"SELECT body, {keys} FROM contacts"  # noqa: S608 (quoted names)

    def page(self, where: str, *, reverse: bool = False, offset: bool = False) -> str:
        """``SELECT`` of one page: ``LIMIT ?`` (then ``OFFSET ?``) rows matching ``where``.

        The rows are chosen on the indexes alone and only then read from the
        table: a filter tested while walking an index would otherwise make
        SQLite read every row it rejects (a large body each). Put the rows in
        order with ``in_order``.
        """
        cached = self._pages.get((where, reverse, offset))
        if cached is not None:
            return cached
        chosen = f"SELECT rowid FROM contacts WHERE {where} {self.order_by(reverse)} LIMIT ?"  # noqa: S608
        if offset:
            chosen += " OFFSET ?"
        keys = ", ".join(f"c.{quoted(k)}" for k in self.keys)
        sql = (
            f"SELECT c.body, {keys} FROM ({chosen}) AS chosen "  # noqa: S608 (quoted names)
            "CROSS JOIN contacts AS c ON c.rowid = chosen.rowid"
        )
        if len(self._pages) < _CACHED_PAGES:  # one per combination of filters and bounds
            self._pages[where, reverse, offset] = sql
        return sql

    def in_order(self, rows: list[Any], *, reverse: bool = False) -> list[Any]:
        """Rows of ``page`` (body, then keyset) in listing order (``reverse``: the other way)."""
        rows.sort(key=itemgetter(*range(1, 1 + len(self.keys))), reverse=self.descending != reverse)
        return rows


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _fold(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) else None
