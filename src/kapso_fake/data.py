"""Deterministic items shaped like real data, from the item schema and its ``x-kapso-sample`` hints.

Each field is drawn by its type and format (a UUID, a timestamp, an enum
value, a nested object...) and its hints: ``text`` (names, words, digits,
token, handle, sentence), ``nulls`` (the share of items without a value),
``pool`` (how many distinct values items share, so exact filters find
several), ``prefix``, ``not-before`` / ``not-after`` (another timestamp of the
item), ``range`` (integers). The order's first key is spread by the data's
``shape``. The first items carry the awkward cases (each nullable field null
once, names with ``%`` and ``_``, ties), so even a tiny account has them.
Fields filters read that items do not show (``hidden``) are drawn too.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from kapso_contacts.contract import Contract, Field, format_timestamp, timestamp_of

Shape = Literal["mixed", "sparse", "dense"]
#: How the order's first key is spread (``--shape``): ``mixed`` (the default) over the
#: span, a tenth on whole seconds, an eighth tied with the one before; ``sparse`` one
#: item a day, never two close; ``dense`` many a second back from the span's end, a
#: third tied, in runs.
SHAPES: tuple[Shape, ...] = ("mixed", "sparse", "dense")
#: Generated items fall in this span (a sparse account starts at its start).
SPAN_START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_END = datetime(2025, 7, 1, tzinfo=UTC)
_MICRO = 1_000_000

Item = dict[str, Any]
Draw = Callable[[random.Random, int, Item], Any]

_FIRST = ("John", "Jane", "María", "José", "François", "Zoë", "Søren", "Łukasz", "İbrahim",
          "I\u015f\u0131l", "Γιώργος", "ΣΟΦΙΑ", "Иван", "Ольга", "محمد", "فاطمة", "דוד", "王伟",
          "李娜", "さくら", "김민준", "प्रिया", "สมชาย", "Nguyễn", "Ana 💃", "Strauß", "ǅemal",
          "Ωmega", "ÉLODIE", "Ærøskøbing")  # fmt: skip
_LAST = ("Doe", "Smith", "Sánchez", "Müller", "Ødegård", "Núñez", "Papadopoulos", "ΣΤΑΥΡΟΥ",
         "Петров", "الحسن", "Cohen", "田中", "佐藤", "Kowalski", "STRASSE", "O'Brien",
         "van der Berg")  # fmt: skip
#: Names where SQL LIKE would see wildcards or escapes.
_LITERAL = ("100% Real", "under_score", "back\\slash", "50%_off", "%", "_", "a_b%c\\d")
_WORDS = ("VIP", "lead", "cliente", "клиент", "顧客", "⭐", "50% off", "do_not_call", "text",
          "image", "audio", "document", "sticker", "hola 👋")  # fmt: skip
_SENTENCES = ("Hi! Is my order ready?", "¿Tienen envío a Bogotá?", "Thanks 🙏", "ok",
              'line1\nline2 "quoted" \\ back', "Где мой заказ?", "")  # fmt: skip
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


def new_uuid(rng: random.Random) -> str:
    """A version 4 UUID drawn from ``rng``."""
    h = f"{(rng.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62)) | (0x4 << 76) | (0x2 << 62):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _name(rng: random.Random, index: int) -> str:
    if 0 <= index < 2 * len(_LITERAL) and index % 2 == 1:
        return _LITERAL[index // 2]  # the first items: every literal once
    if rng.random() < 0.05:
        return rng.choice(_LITERAL)
    first = rng.choice(_FIRST)
    return first if rng.random() < 0.3 else f"{first} {rng.choice(_LAST)}"


_TEXT: dict[str, Callable[[random.Random, int, Mapping[str, Any]], str]] = {
    "names": lambda rng, i, hint: _name(rng, i),
    "words": lambda rng, i, hint: f"{rng.choice(_FIRST).split(' ')[0]} ({rng.choice(_WORDS)})",
    "digits": lambda rng, i, hint: rng.choice(_COUNTRY) + str(10**6 + rng.randrange(10**10)),
    "token": lambda rng, i, hint: f"{hint.get('prefix', '')}{rng.getrandbits(64):016x}",
    "handle": lambda rng, i, hint: (
        f"{rng.choice(_FIRST).split(' ')[0].lower()}.{rng.randrange(100)}"
    ),
    "sentence": lambda rng, i, hint: rng.choice(_SENTENCES),
}


def _times(shape: Shape, rng: random.Random) -> Iterator[int]:
    """Microseconds since the epoch for the order's first key, in listing order or not."""
    start, end = int(SPAN_START.timestamp()) * _MICRO, int(SPAN_END.timestamp()) * _MICRO
    previous = 0
    for i in itertools.count():
        if shape == "sparse":
            micros = start + i * 86400 * _MICRO + rng.randrange(86400 * _MICRO)
        elif shape == "dense":
            micros = previous or end
            if not (rng.random() < 0.35 or i == 4):
                micros -= 1 + rng.randrange(300_000)
                micros -= micros % 1000 if rng.random() < 0.1 else 0
        else:
            micros = start + rng.randrange(end - start)
            if rng.random() < 0.1 or i == 1:
                micros -= micros % _MICRO
            if previous and (rng.random() < 0.12 or i == 4):
                micros = previous  # a tie: the next key decides the order
        previous = micros
        yield micros


def _timestamp(micros: int) -> str:
    return format_timestamp(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros))


class Generator:
    """Draws items of one contract; the same seed and shape always draw the same items."""

    def __init__(self, contract: Contract, seed: int = 1, shape: Shape = "mixed") -> None:
        """Plan how each field is drawn.

        Raises:
            ValueError: an unknown shape.
        """
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
        self.contract = contract
        self.rng = random.Random(f"kapso-fake:{contract.operation_id}:{seed}")  # noqa: S311
        self.first_key = contract.order[0].field
        self._times = _times(shape, self.rng)
        self._pools: dict[str, list[Any]] = {}
        self._nullable = [name for name, f in contract.item.fields.items() if f.nullable]
        # Fields others are drawn relative to come first: the order's first key, then the rest.
        fields = contract.item.fields
        ranked = sorted(
            fields, key=lambda n: (n != self.first_key, _relative(fields[n]) is not None)
        )
        self._plan = {name: self._draw(name, fields[name]) for name in ranked}
        # A hidden field is drawn as the filters that compare values with it take them
        # (a UUID for `assigned_user_id`), not as a presence filter on it (`unassigned`).
        hidden = sorted(
            (f for f in contract.filters.values() if f.hidden and f.through is None),
            key=lambda f: f.meaning.value == "text",
        )
        self._hidden = {f.field: self._hidden_draw(f.parameter) for f in hidden}
        self.index = 0

    def items(self, n: int) -> Iterator[tuple[Item, dict[str, Any]]]:
        """The next ``n`` items, each with the values of its hidden fields."""
        for _ in range(n):
            yield self.item()

    def item(self, **given: Any) -> tuple[Item, dict[str, Any]]:
        """One item (fields in ``given`` win; ``datetime`` values written as the API does)."""
        i, rng = self.index, self.rng
        self.index += 1
        item: Item = {}
        for name, draw in self._plan.items():
            if name in given:
                value = given[name]
                item[name] = format_timestamp(value) if isinstance(value, datetime) else value
            else:
                item[name] = draw(rng, i, item)
        item.update((k, v) for k, v in given.items() if k not in item and k not in self._hidden)
        hidden = {k: given.get(k, draw(rng, i, item)) for k, draw in self._hidden.items()}
        ordered = {name: item[name] for name in self.contract.item.fields}
        ordered.update(item)
        return ordered, hidden

    def _draw(self, name: str, field: Field) -> Draw:
        hint = field.sample
        null_share = float(hint.get("nulls", 0.3 if field.nullable else 0))
        awkward = self._nullable.index(name) if name in self._nullable else -1
        value = self._value(name, field)

        def draw(rng: random.Random, i: int, item: Item) -> Any:
            if field.nullable and (
                i == awkward or (i > len(self._nullable) and rng.random() < null_share)
            ):
                return None
            return value(rng, i, item)

        return draw

    def _value(self, name: str, field: Field) -> Draw:
        hint, kind = field.sample, field.type
        if "pool" in hint:
            rest = {k: v for k, v in hint.items() if k != "pool"}
            inner = self._value(
                name, Field(name, field.types, field.format, field.enum, sample=rest)
            )
            return lambda rng, i, item: rng.choice(self._pool(name, int(hint["pool"]), inner))
        if field.enum:
            return lambda rng, i, item: rng.choice(field.enum or ())
        if field.format == "date-time":
            return self._time(name, hint)
        if field.format == "uuid":
            return lambda rng, i, item: new_uuid(rng)
        if kind == "string":
            text = _TEXT[str(hint.get("text", "words"))]
            return lambda rng, i, item: text(rng, i, hint)
        if kind == "integer":
            low, high = hint.get("range", (0, 500))
            return lambda rng, i, item: rng.randint(int(low), int(high))
        if kind == "number":
            return lambda rng, i, item: round(rng.uniform(0, 1000), 2)
        if kind == "boolean":
            return lambda rng, i, item: rng.random() < 0.5
        if kind == "object" and field.fields:
            ranked = sorted(field.fields, key=lambda k: _relative(field.fields[k]) is not None)
            nested = {k: self._draw(f"{name}.{k}", field.fields[k]) for k in ranked}

            def draw_object(rng: random.Random, i: int, item: Item) -> dict[str, Any]:
                inner: dict[str, Any] = {}
                for key, draw in nested.items():  # siblings first, then the item's own fields
                    inner[key] = draw(rng, i, {**item, **inner})
                return {key: inner[key] for key in field.fields}

            return draw_object
        if kind == "array":
            return lambda rng, i, item: []
        return lambda rng, i, item: dict(rng.choice(_METADATA))

    def _time(self, name: str, hint: Mapping[str, Any]) -> Draw:
        if name == self.first_key:
            return lambda rng, i, item: _timestamp(next(self._times))
        other = hint.get("not-before") or hint.get("not-after")
        sign = 1 if "not-before" in hint else -1
        span = int((SPAN_END - SPAN_START).total_seconds()) * _MICRO

        def draw(rng: random.Random, i: int, item: Item) -> str:
            moment = timestamp_of(item.get(other)) if other else None
            if moment is None:
                return _timestamp(int(SPAN_START.timestamp()) * _MICRO + rng.randrange(span))
            if rng.random() < 0.5:
                return format_timestamp(moment)
            return format_timestamp(moment + sign * timedelta(seconds=rng.randrange(30 * 86400)))

        return draw

    def _pool(self, name: str, size: int, draw: Draw) -> list[Any]:
        if name not in self._pools:
            self._pools[name] = [draw(self.rng, -1, {}) for _ in range(max(1, size))]
        return self._pools[name]

    def _hidden_draw(self, parameter: str) -> Draw:
        schema = self.contract.parameters[parameter].schema
        pool = [
            new_uuid(self.rng)
            if schema.get("format") == "uuid"
            else f"h{self.rng.getrandbits(48):012x}"
            for _ in range(12)
        ]
        return lambda rng, i, item: None if rng.random() < 0.4 else rng.choice(pool)


def _relative(field: Field) -> str | None:
    """The other timestamp a field is drawn relative to, if any."""
    other = field.sample.get("not-before") or field.sample.get("not-after")
    return str(other) if other else None
