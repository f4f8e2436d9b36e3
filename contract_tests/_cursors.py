"""Real cursors harvested from the server, fed into generated requests.

The spec says cursors are opaque and that a value the server did not issue is
refused, so a schema-valid random string is not a valid `after` or `before`.
Positive requests get a cursor the server issued instead: the page's `next`
for `after`, its `previous` for `before` (where the contract puts them). A
cursor encodes only the keyset, so it is valid with any filters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kapso_contacts.contract import Contract

from ._spec import success_status

MAX_POOL = 64
# Fetch one page of the given query; returns (status, JSON body).
Fetch = Callable[[dict[str, Any]], tuple[int, Any]]


@dataclass
class CursorPool:
    """Cursors seen in responses, by the parameter they may be passed as."""

    contract: Contract
    issued: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _sources(self) -> dict[str, Any]:
        cursor = self.contract.pagination.cursor
        return {cursor.after.name: cursor.next, cursor.before.name: cursor.previous}

    def record(self, status: int, body: Any) -> None:
        """Keep the `next` / `previous` cursors of a served page."""
        if status != success_status(self.contract):
            return
        with self.lock:
            for name, path in self._sources().items():
                value = path.get(body)
                pool = self.issued.setdefault(name, [])
                if isinstance(value, str) and value and value not in pool and len(pool) < MAX_POOL:
                    pool.append(value)

    def knows(self, name: str, value: object) -> bool:
        """Whether `value` is a cursor the server issued for parameter `name`."""
        return value in self.issued.get(name, [])

    def pick(self, name: str, seed: object) -> str | None:
        """A cursor for `name`, chosen deterministically from `seed`; None when none is known."""
        pool = self.issued.get(name, [])
        if not pool:
            return None
        return pool[sum(str(seed).encode()) % len(pool)]

    def prime(self, fetch: Fetch) -> None:
        """Walk three short pages so that both kinds of cursor are known."""
        if all(self.issued.get(name) for name in self._sources()):
            return
        cursor = self.contract.pagination.cursor
        size = min(2, cursor.limit.maximum or 2)
        query: dict[str, Any] = {cursor.limit.name: size}
        for _ in range(3):
            status, body = fetch(query)
            self.record(status, body)
            next_cursor = cursor.next.get(body)
            if status != success_status(self.contract) or not isinstance(next_cursor, str):
                return
            query = {cursor.limit.name: size, cursor.after.name: next_cursor}

    def with_issued(self, query: Mapping[str, Any], fetch: Fetch | None) -> dict[str, Any]:
        """`query` with each cursor the server did not issue replaced by one it did (or dropped)."""
        fixed = dict(query)
        for name in self._sources():
            if name not in fixed or fixed[name] is None or self.knows(name, fixed[name]):
                continue
            if fetch is not None:
                self.prime(fetch)
            real = self.pick(name, fixed[name])
            if real is None:
                del fixed[name]
            else:
                fixed[name] = real
        return fixed
