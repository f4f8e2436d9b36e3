"""Real cursors harvested from the server, fed into generated requests.

Spec: cursors are opaque and "a value the server did not issue is refused
with a 400", so a schema-valid random string is not a valid `after` or
`before`. Positive requests get a cursor the server issued instead:
`paging.next` for `after`, `paging.previous` for `before` (spec, Cursor
pagination). Facts: a cursor encodes only the (created_at, id) keyset, so it
is valid with any filters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_POOL = 64
# Fetch one page of the given query; returns (status, JSON body).
Fetch = Callable[[dict[str, Any]], tuple[int, Any]]


@dataclass
class CursorPool:
    """Cursors seen in responses, by the parameter they may be passed as."""

    after: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, body: Any) -> None:
        """Keep `paging.next` / `paging.previous` of a 200 answer."""
        if status != 200 or not isinstance(body, dict) or not isinstance(body.get("paging"), dict):
            return
        paging = body["paging"]
        with self.lock:
            for key, pool in (("next", self.after), ("previous", self.before)):
                value = paging.get(key)
                if isinstance(value, str) and value and value not in pool and len(pool) < MAX_POOL:
                    pool.append(value)

    def issued(self, name: str, value: object) -> bool:
        """Whether `value` is a cursor the server issued for parameter `name`."""
        return value in (self.after if name == "after" else self.before)

    def pick(self, name: str, seed: object) -> str | None:
        """A cursor for `name`, chosen deterministically from `seed`; None when none is known."""
        pool = self.after if name == "after" else self.before
        if not pool:
            return None
        return pool[sum(str(seed).encode()) % len(pool)]

    def prime(self, fetch: Fetch) -> None:
        """Walk three short pages so that both kinds of cursor are known."""
        if self.after and self.before:
            return
        query: dict[str, Any] = {"limit": 2}
        for _ in range(3):
            status, body = fetch(query)
            self.record(status, body)
            paging = body.get("paging") if isinstance(body, dict) else None
            next_cursor = paging.get("next") if isinstance(paging, dict) else None
            if status != 200 or not isinstance(next_cursor, str):
                return
            query = {"limit": 2, "after": next_cursor}


POOL = CursorPool()


def with_issued_cursors(query: Mapping[str, Any], fetch: Fetch | None) -> dict[str, Any]:
    """Replace each `after`/`before` the server did not issue by one it did (or drop it)."""
    fixed = dict(query)
    for name in ("after", "before"):
        if name not in fixed or fixed[name] is None or POOL.issued(name, fixed[name]):
            continue
        if fetch is not None:
            POOL.prime(fetch)
        real = POOL.pick(name, fixed[name])
        if real is None:
            del fixed[name]
        else:
            fixed[name] = real
    return fixed
