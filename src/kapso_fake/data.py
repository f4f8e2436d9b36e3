"""A deterministic generator of contacts and customers shaped like real data."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal, NamedTuple

#: Generated contacts are created in this span (inclusive start, exclusive end); a
#: ``sparse`` account starts at its start and runs on, a ``dense`` one ends at its end.
SPAN_START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_END = datetime(2025, 7, 1, tzinfo=UTC)

Shape = Literal["mixed", "sparse", "dense"]
#: How creation times are spread (``--shape``): ``mixed`` (the default) over the
#: span, with whole seconds and ties; ``sparse`` one contact a day, no two close,
#: no ties; ``dense`` many a second from the span's end, ties in runs.
SHAPES: tuple[Shape, ...] = ("mixed", "sparse", "dense")

_FIRST = (
    "John",
    "Jane",
    "María",
    "José",
    "François",
    "Zoë",
    "Søren",
    "Łukasz",
    "İbrahim",
    "Işıl",  # noqa: RUF001
    "Γιώργος",
    "ΣΟΦΙΑ",
    "Иван",
    "Ольга",
    "محمد",
    "فاطمة",
    "דוד",
    "王伟",
    "李娜",
    "さくら",
    "김민준",
    "प्रिया",
    "สมชาย",
    "Nguyễn",
    "Ana 💃",
    "Strauß",
    "ǅemal",
    "Ωmega",
)
_LAST = (
    "Doe",
    "Smith",
    "Sánchez",
    "Müller",
    "Ødegård",
    "Núñez",
    "Papadopoulos",
    "ΣΤΑΥΡΟΥ",
    "Петров",
    "الحسن",
    "Cohen",
    "田中",
    "佐藤",
    "Kowalski",
    "STRASSE",
    "O'Brien",
    "van der Berg",
)
#: Names where SQL LIKE would see wildcards or escapes.
_LITERAL = ("100% Real", "under_score", "back\\slash", "50%_off", "%", "_", "a_b%c\\d", "100 %")
_NICK = ("VIP", "lead", "cliente", "клиент", "顧客", "⭐", "50% off", "do_not_call")
_COUNTRY = ("1", "1555", "44", "52", "55", "91", "34", "49", "62", "234", "972")
_METADATA: tuple[dict[str, Any], ...] = (
    {"segment": "vip"},
    {"source": "sandbox"},
    {},
    {"source": "import", "tags": ["a", "b"], "score": 0.75},
    {"crm": {"id": 1234, "stage": "won", "owner": None}},
    {"opt_in": True, "language": "es-MX"},
    {"ключ": "значение", "键": ["值", 1, False]},
    {"notes": 'line1\nline2 "quoted" \\ back', "emoji": "🎉"},
    {"nested": {"deeper": {"deepest": [1, [2, [3]]]}}},
    {"count": 0, "ratio": -1.5e-3, "big": 9007199254740993},
)
_METADATA_CHOICES: tuple[dict[str, Any] | None, ...] = (None, *_METADATA)

ContactJSON = dict[str, Any]
"""A contact as the API serializes it (JSON types)."""


class CustomerRow(NamedTuple):
    """A customer as stored (``external_id`` is empty for customers known only by id)."""

    id: str
    external_id: str
    name: str


@dataclass(frozen=True)
class Dataset:
    """The customers and contacts that ``--contacts N --seed S`` stands for."""

    seed: int
    size: int
    customers: list[CustomerRow]
    shape: Shape = "mixed"

    def contacts(self) -> Iterator[ContactJSON]:
        """Yield the ``size`` contacts, the same ones on every call."""
        rng = random.Random(f"kapso-fake:contacts:{self.seed}")  # noqa: S311 (reproducible)
        return generate_contacts(rng, self.size, [c.id for c in self.customers], self.shape)


def generate_dataset(contacts: int, seed: int, shape: Shape = "mixed") -> Dataset:
    """Return the deterministic dataset for ``contacts`` contacts, ``seed`` and ``shape``.

    Args:
        contacts: how many contacts (>= 0); about a third as many customers.
        seed: any integer; the same arguments always yield the same data.
        shape: how creation times are spread (``SHAPES``).

    Returns:
        The dataset (customers built, contacts generated on demand).

    Raises:
        ValueError: ``contacts`` is negative, or ``shape`` is not one of ``SHAPES``.
    """
    if contacts < 0:
        raise ValueError("contacts must be >= 0")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    rng = random.Random(f"kapso-fake:customers:{seed}")  # noqa: S311 (reproducible)
    r = rng.random
    customers = [
        CustomerRow(new_uuid(rng), f"crm-{seed}-{i:06d}", f"{_pick(r, _FIRST)} {_pick(r, _LAST)}")
        for i in range(max(1, contacts // 3) if contacts else 0)
    ]
    return Dataset(seed, contacts, customers, shape)


_UUID_CLEAR = ((1 << 128) - 1) ^ ((0xF << 76) | (0x3 << 62))
_UUID_SET = (0x4 << 76) | (0x2 << 62)


def new_uuid(rng: random.Random) -> str:
    """Return a random (version 4) UUID drawn from ``rng``."""
    h = "%032x" % ((rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET)  # faster than f"{...:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def generate_contacts(
    rng: random.Random, n: int, customer_ids: Sequence[str], shape: Shape = "mixed"
) -> Iterator[ContactJSON]:
    """Yield ``n`` contacts drawn from ``rng``, of ``customer_ids`` or none.

    The first contacts always include the awkward cases (null ``wa_id``, no
    customer, null display name, names with ``%``/``_``; shared ``created_at``
    unless the shape is ``sparse``), so even a tiny dataset has them. Written
    for speed: a million take seconds.
    """
    r, bits = rng.random, rng.getrandbits
    n_customers = len(customer_ids)
    times = _TIMES[shape](r)
    for i in range(n):
        micros = next(times)
        created = _timestamp(micros)
        updated = _timestamp(micros + int(r() * 30 * 86400) * _MICRO) if r() < 0.5 else created
        no_wa_id = r() < 0.08 or i == 0
        wa_id = None if no_wa_id else _pick(r, _COUNTRY) + str(10**6 + int(r() * 10**10))
        bsuid = f"bsu_{bits(64):016x}" if no_wa_id or r() < 0.3 else None
        parent = f"bsu_{bits(64):016x}" if bsuid and r() < 0.15 else None
        if r() < 0.06 or i in (2, 3):
            name = _LITERAL[i] if i < 4 else _pick(r, _LITERAL)
        elif r() < 0.3:
            name = _pick(r, _FIRST)
        else:
            name = f"{_pick(r, _FIRST)} {_pick(r, _LAST)}"
        first = name.split(" ", 1)[0]
        username = f"{first.lower()}.{int(r() * 100)}" if r() < 0.25 else None
        display = None if r() < 0.45 or i == 1 else f"{first} ({_pick(r, _NICK)})"
        with_customer = n_customers and i > 1 and r() < 0.6
        customer = customer_ids[int(r() * n_customers)] if with_customer else None
        metadata = None if i == 5 else _METADATA_CHOICES[int(r() * len(_METADATA_CHOICES))]
        yield {
            "id": new_uuid(rng), "wa_id": wa_id, "business_scoped_user_id": bsuid,
            "parent_business_scoped_user_id": parent, "username": username,
            "profile_name": name, "display_name": display, "customer_id": customer,
            "metadata": metadata, "created_at": created, "updated_at": updated,
        }  # fmt: skip


def _mixed_times(r: Callable[[], float]) -> Iterator[int]:
    """Anywhere in the span; a tenth on a whole second; an eighth tied with the one before."""
    start = int(SPAN_START.timestamp()) * _MICRO
    span = int((SPAN_END - SPAN_START).total_seconds()) * _MICRO
    previous = 0
    for i in itertools.count():
        micros = start + int(r() * span)
        if r() < 0.1 or i == 1:
            micros -= micros % _MICRO
        if previous and (r() < 0.12 or i == 4):
            micros = previous  # ties: the id decides the order
        previous = micros
        yield micros


def _sparse_times(r: Callable[[], float]) -> Iterator[int]:
    """One contact a day from the span's start, at any microsecond of it: never two close."""
    start = int(SPAN_START.timestamp()) * _MICRO
    day = 86400 * _MICRO
    for i in itertools.count():
        yield start + i * day + int(r() * day)


def _dense_times(r: Callable[[], float]) -> Iterator[int]:
    """Many a second back from the span's end: a third tied with the one before, in runs."""
    micros = int(SPAN_END.timestamp()) * _MICRO
    for i in itertools.count():
        if not (r() < 0.35 or i == 4):
            micros -= 1 + int(r() * 0.3 * _MICRO)
            if r() < 0.1:
                micros -= micros % 1000  # a whole millisecond now and then
        yield micros


_TIMES: dict[Shape, Callable[[Callable[[], float]], Iterator[int]]] = {
    "mixed": _mixed_times,
    "sparse": _sparse_times,
    "dense": _dense_times,
}
_MICRO = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIMES_OF_DAY = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def _pick(r: Callable[[], float], items: Sequence[str]) -> str:
    return items[int(r() * len(items))]


@cache
def _day(day: int) -> str:
    return (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")


def _timestamp(micros: int) -> str:
    """Write microseconds since the epoch as the API does (years 1970..9999)."""
    seconds, fraction = divmod(micros, _MICRO)
    day, second = divmod(seconds, 86400)
    return f"{_day(day)}T{_TIMES_OF_DAY[second]}.{fraction:06d}Z"
