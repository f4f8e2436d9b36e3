"""What the suite sends: the anchor, windows cut from it, edges, recipes, spellings and strategies.

The anchor is the newest items, read once by the shared setup (more than two
pages of ``limit``'s maximum, or the whole account), every page checked as it
goes: what the data can show is decided from what a correct server must hold,
never from answers under test. Windows are bounded by the filters on the
order's first key at real instants of the anchor, so a window is closed
before the run starts: a live account that gains items meanwhile cannot
change it. Every value is read from the contract; what a filter kind keeps
and which values are worth trying come from ``FILTER_KINDS``.
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import strategies as st

from kapso_contacts.contract import Contract, Filter, Instant, Parameter, timestamp_of

from ._api import Api, Reply
from ._pages import in_order, modes_in
from ._run import Run
from ._verdicts import promise

#: How far apart two anchor items of a drawn window are, at most.
MAX_SPAN = 30
_MICRO = timedelta(microseconds=1)


def bounds(contract: Contract) -> tuple[Filter, Filter] | None:
    """The filters that bound a window on the order's first key: (lower, upper), if any."""
    first = contract.order[0].field
    instants = [
        f for f in contract.filters.values() if f.field == first and f.meaning.value == "instant"
    ]
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    lower = [f for f in instants if f.meaning.keeps(moment.isoformat(), Instant(moment - _MICRO))]
    upper = [f for f in instants if f.meaning.keeps(moment.isoformat(), Instant(moment + _MICRO))]
    return (lower[0], upper[0]) if lower and upper else None


def instant_of(contract: Contract, item: dict[str, Any]) -> datetime:
    """An item's value of the order's first key, as a UTC datetime."""
    found = timestamp_of(item.get(contract.order[0].field))
    if found is None:
        raise AssertionError(f"an item's {contract.order[0].field} is a timestamp; got {item!r}")
    return found


@dataclass(frozen=True, repr=False)
class Window:
    """Items strictly between two instants of the first order key: a closed part of the listing."""

    contract: Contract
    after: datetime
    before: datetime
    expected: list[dict[str, Any]]

    def __repr__(self) -> str:
        return f"Window({self.after.isoformat()}..{self.before.isoformat()}: {len(self.expected)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis prints examples so
        printer.text(repr(self))

    def query(self, offset_minutes: int = 0) -> dict[str, datetime]:
        """The window as filter values (written in a UTC offset: the same instants)."""
        lower, upper = bounds(self.contract) or (None, None)
        zone = timezone(timedelta(minutes=offset_minutes))
        assert lower is not None and upper is not None
        return {
            lower.parameter: self.after.astimezone(zone),
            upper.parameter: self.before.astimezone(zone),
        }

    @property
    def ids(self) -> list[str]:
        """The ids a correct server lists, in order."""
        return [str(item[self.contract.identity]) for item in self.expected]


@dataclass(repr=False)
class Anchor:
    """The newest items, newest first, and what reading them found."""

    contract: Contract
    items: list[dict[str, Any]]
    whole: bool
    #: Pages of ``limit``'s maximum it read that had a next cursor (each checked full).
    full_pages: int = 0
    problem: AssertionError | None = None

    def __repr__(self) -> str:
        return f"Anchor(<{len(self.items)} newest items>)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def instant(self, index: int) -> datetime:
        """The first order key of the item at ``index``."""
        return instant_of(self.contract, self.items[index])

    def window(self, newer: int, older: int) -> Window:
        """The window strictly between the items at ``older`` and ``newer`` (indices)."""
        before, after = self.instant(newer), self.instant(older)
        inside = [i for i in self.items if after < instant_of(self.contract, i) < before]
        return Window(self.contract, after, before, inside)

    def of_size(self, size: int, start: int = 0) -> Window | None:
        """The first window from ``start`` holding exactly ``size`` items (ties shift it)."""
        for newer in range(start, len(self.items) - size - 1):
            found = self.window(newer, newer + size + 1)
            if len(found.expected) == size:
                return found
        return None

    def widest(self) -> Window | None:
        """The window between the newest and the oldest item (None: fewer than 3)."""
        return self.window(0, len(self.items) - 1) if len(self.items) >= 3 else None

    def empty(self) -> Window | None:
        """A window between two neighbours of different instants: empty."""
        return next(
            (
                self.window(i, i + 1)
                for i in range(len(self.items) - 1)
                if self.instant(i) > self.instant(i + 1)
            ),
            None,
        )

    def tie(self) -> tuple[int, int] | None:
        """(first, last) index of the first run of items sharing an instant, inside the anchor."""
        times = [self.instant(i) for i in range(len(self.items))]
        for start in range(1, len(times) - 2):
            end = start
            while end + 1 < len(times) and times[end + 1] == times[start]:
                end += 1
            if end > start and end + 1 < len(times) and times[start - 1] != times[start]:
                return start, end
        return None


def observe(run: Run, api: Api, pages: list[Reply], bare: Reply) -> None:
    """Observe once the readings shared setup can see, and go on under them (see `Run.observe`)."""
    contract, pagination = run.now, run.now.pagination
    modes = modes_in(contract, bare.body)
    if bare.status == contract.success_status and len(modes) == 1:
        (mode,) = modes
        run.observe(
            pagination.bare,
            mode,
            f"a request with no pagination parameter is served in {mode} mode",
        )
    if any(isinstance(p.body, dict) and pagination.legacy.envelope in p.body for p in pages):
        run.observe(
            pagination.one_envelope,
            False,
            f"cursor pages also carry `{pagination.legacy.envelope}`",
        )
    items = [item for page in pages for item in page.items]
    nullable = [n for n, f in contract.item.fields.items() if f.nullable and not f.required]
    left_out = sorted({n for item in items for n in nullable if n not in item})
    if left_out:
        run.observe(
            contract.item.nulls, "omitted", f"items leave null fields out ({', '.join(left_out)})"
        )
    for index, key in enumerate(contract.order[1:], start=1):
        earlier = [k.field for k in contract.order[:index]]
        ways = set()
        for one, two in itertools.pairwise(items):
            if all(one.get(f) == two.get(f) for f in earlier) and one.get(key.field) != two.get(
                key.field
            ):
                ways.add(
                    "descending"
                    if str(one.get(key.field)) > str(two.get(key.field))
                    else "ascending"
                )
        if len(ways) == 1 and not key.direction.provenance.documented:
            (way,) = ways
            run.observe(
                key.direction, way, f"ties on {earlier[-1]} are broken by {key.field}, {way}"
            )


def load_anchor(run: Run, api: Api) -> Anchor:
    """Read the newest items (see the module docstring); a problem is kept for its own check."""
    contract = run.now
    cursor = contract.pagination.cursor
    size = cursor.limit.maximum or int(cursor.limit.default)
    pages: list[Reply] = []
    bare = api.raw([])
    after = None
    while len(pages) < 3:
        pages.append(api.get(**{cursor.limit.name: size, cursor.after.name: after}))
        after = pages[-1].next if isinstance(pages[-1].next, str) else None
        if pages[-1].status != contract.success_status or after is None:
            break
    observe(run, api, pages, bare)
    contract = run.now
    items = [item for page in pages for item in page.items]
    whole = after is None
    anchor = Anchor(contract, items, whole, full_pages=len(pages) - 1 if not whole else 0)
    try:
        for number, page in enumerate(pages, 1):
            api.answered(page, cursor.provenance, "a cursor page of the newest items")
            promise(
                not isinstance(page.next, str) or len(page.items) == size,
                cursor.full_pages,
                f"a page with a next cursor is full ({size}); page {number} holds {len(page.items)}"
                f" (GET {page.url})",
            )
        in_order(contract, items)
    except AssertionError as problem:
        anchor.problem = problem
    if not whole and items:
        oldest = instant_of(contract, items[-1])  # may be shared by items not read: drop them
        anchor.items = [i for i in items if instant_of(contract, i) != oldest]
    return anchor


# -- edges of the page size ---------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """A page size at an edge of its range, and the window sizes that show it best."""

    id: str
    size: int
    windows: tuple[int, ...]
    by_default: bool = False

    @property
    def label(self) -> str:
        """``limit=20 (default)``."""
        return f"={self.size}" + (" (default)" if self.by_default else "")


def size_edges(parameter: Parameter) -> list[Edge]:
    """Minimum, minimum + 1, default, maximum - 1 and maximum of a page size (distinct)."""
    low = parameter.minimum if parameter.minimum is not None else 1
    found = [Edge("minimum", low, (3 * low,)), Edge("minimum+1", low + 1, (2 * (low + 1),))]
    if isinstance(parameter.default, int):
        size = parameter.default
        found.append(Edge("default", size, (2 * size + size // 4 + 1,), by_default=True))
    if parameter.maximum is not None:
        high = parameter.maximum
        found += [
            Edge("maximum-1", high - 1, (2 * (high - 1), high - 1)),
            Edge("maximum", high, (2 * high + 1,)),
        ]
    distinct: dict[int, Edge] = {}
    for edge in found:
        distinct.setdefault(edge.size, edge)
    return [edge for size, edge in distinct.items() if size >= low]


# -- filter values ------------------------------------------------------------

UNKNOWN = "no-such-value-anywhere"


def real_values(items: list[dict[str, Any]], rule: Filter) -> list[Any]:
    """The values a filter's field holds among ``items`` (none for a hidden field)."""
    return [] if rule.hidden else [rule.field_value(item)[1] for item in items]


def filter_sets(
    contract: Contract, items: list[dict[str, Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """One to three filters, their values cut from real items (kind samples) or drawn."""
    window = bounds(contract)
    options: dict[str, st.SearchStrategy[Any]] = {}
    for name, rule in contract.filters.items():
        if window and rule in window:
            continue
        samples = rule.meaning.samples(real_values(items, rule))
        text = st.text(
            st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
            min_size=1,
            max_size=4,
        )
        drawn = st.booleans() if rule.meaning.value == "boolean" else text
        options[name] = st.one_of(st.sampled_from(samples), drawn) if samples else drawn
    names = st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda chosen: st.fixed_dictionaries({n: options[n] for n in sorted(chosen)})
    )


def windows(anchor: Anchor) -> st.SearchStrategy[Window]:
    """A window between two anchor items at most `MAX_SPAN` apart."""
    last = len(anchor.items) - 1
    return st.integers(0, last - 1).flatmap(
        lambda newer: st.integers(newer + 1, min(last, newer + MAX_SPAN)).map(
            lambda older: anchor.window(newer, older)
        )
    )


def page_sizes(parameter: Parameter) -> st.SearchStrategy[int]:
    """Sizes across a page size's range, small ones and its edges likelier."""
    low = parameter.minimum if parameter.minimum is not None else 1
    high = parameter.maximum if parameter.maximum is not None else low + 99
    edges = sorted(
        {v for v in (parameter.default, high - 1, high) if isinstance(v, int) and low <= v <= high}
    )
    return st.one_of(
        st.integers(low, min(high, low + 6)), st.sampled_from(edges), st.integers(low, high)
    )


# -- probes -------------------------------------------------------------------


def range_edges(contract: Contract) -> list[tuple[str, dict[str, str], str]]:
    """(id, query, keyword) of every integer bound at its edge, one past it, twice past it."""
    found = []
    for p in contract.parameters.values():
        for keyword, edge, step in (("minimum", p.minimum, -1), ("maximum", p.maximum, 1)):
            if p.kind != "integer" or edge is None:
                continue
            values = {keyword: edge, f"{keyword}{step:+d}": edge + step}
            if step > 0:
                values["2x maximum"] = 2 * edge
            found += [(f"{p.name} {role}", {p.name: str(v)}, keyword) for role, v in values.items()]
    legacy = contract.pagination.legacy
    size = legacy.per_page.maximum
    if legacy.max_page is not None and size:
        last = min(legacy.max_page, legacy.max_window.value // size)
        found.append(
            (
                "largest window",
                {legacy.page.name: str(last), legacy.per_page.name: str(size)},
                "window",
            )
        )
        found.append(
            (
                "window+1",
                {legacy.page.name: str(last + 1), legacy.per_page.name: str(size)},
                "window",
            )
        )
    return found


def _cursor_text(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


PROBED = ("string", "date-time")
#: Values at the edges of each kind's domain, beyond any documented range.
DOMAIN: dict[str, tuple[str, ...]] = {
    "string": (
        "+1555 \U0001f600e\u0301%_\\" + "z" * 300, "", "z" * 4096, "+1555", " ", "  padded  ",
        "%", "_", "%_", "'\"", "\\", "\U0001f600", "e\u0301", "\u200f\u05e9\u05dc\u05d5\u05dd",
        "\x01\t", "%20", "%2B", "%zz", "a+b c", "\u03a9" * 300,
    ),
    "integer": ("0", "-1", "+5", "007", "-0", str(2**31), str(2**63), "9" * 40, "1.0", "1e2", " 5"),
    "boolean": ("", "TRUE", "False", "1", "0", "yes", "t", "maybe"),
    "date-time": (
        "3000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
        "2038-01-19T03:14:08Z", "9999-12-31T23:59:59.999999Z",
        "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
        "2025-02-30T00:00:00Z", "2025-01-01", "2025-01-01 00:00:00Z", "2025-01-01T00:00:00",
        "2025-01-01t00:00:00z", "2025-01-01T24:00:00Z", "20250101T000000Z", "1735689600", "",
    ),
    "cursor": (
        "", "=", "@@@", "A" * 4096, _cursor_text({"values": ["2025-01-01T00:00:00.000000Z", "x"]}),
        _cursor_text([1, 2]),
    ),
}  # fmt: skip


def domain_edges(contract: Contract) -> list[Any]:
    """(parameter, value) at the edges of each type's domain; the first text and time edge probe."""
    cost = [pytest.mark.cost("sweep"), pytest.mark.cost("probe")]
    params = contract.parameters.values()
    return [
        pytest.param(p.name, v, marks=cost[not i and p.kind in PROBED])
        for p in params
        for i, v in enumerate(DOMAIN[p.kind])
    ]


def inverted_windows(contract: Contract) -> list[dict[str, str]]:
    """Bound pairs that cannot both hold: a lower bound after an upper one, on each field."""
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    found = []
    for lower in contract.filters.values():
        for upper in contract.filters.values():
            if lower.field != upper.field or lower.meaning.value != "instant" or lower is upper:
                continue
            if lower.meaning.keeps(
                moment.isoformat(), Instant(moment - _MICRO)
            ) and upper.meaning.keeps(moment.isoformat(), Instant(moment + _MICRO)):
                found.append(
                    {
                        lower.parameter: "2038-01-19T03:14:08Z",
                        upper.parameter: "1970-01-01T00:00:00Z",
                    }
                )
    return found


# -- spellings ----------------------------------------------------------------

_NANOS = 1_000_000_000


@dataclass(frozen=True)
class Spelling:
    """One way RFC 3339 writes an instant: fractional digits, separator, zone."""

    label: str
    digits: int = 6
    separator: str = "T"
    zone: str = "Z"

    def write(self, nanos: int) -> str:
        """The spelling of an instant in nanoseconds since the epoch (a multiple of its unit)."""
        seconds, fraction = divmod(nanos, _NANOS)
        zone = UTC
        if self.zone[0] in "+-":
            sign = -1 if self.zone[0] == "-" else 1
            zone = timezone(
                sign * timedelta(hours=int(self.zone[1:3]), minutes=int(self.zone[4:6]))
            )
        text = (
            datetime.fromtimestamp(seconds, UTC)
            .astimezone(zone)
            .strftime(f"%Y-%m-%d{self.separator}%H:%M:%S")
        )
        return text + ("." + f"{fraction:09d}"[: self.digits] if self.digits else "") + self.zone

    def around(self, instant: datetime) -> tuple[str, str] | None:
        """The nearest spellings strictly below and above ``instant`` (exact: the instant twice).

        None when the spelling writes the instant exactly though it holds fewer digits.
        """
        nanos = int((instant - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1)) * 1000
        unit = 10 ** (9 - self.digits)
        if self.digits == 6:
            return self.write(nanos), self.write(nanos)
        if nanos % unit == 0 and self.digits < 6:
            return None
        low = nanos - nanos % unit
        low = low if low < nanos else low - unit
        return self.write(low), self.write(nanos - nanos % unit + unit)


#: Those servers most often misread first (fractions, offsets), for a small budget.
SPELLINGS = (
    Spelling("9 digits", digits=9), Spelling("3 digits", digits=3),
    Spelling("+05:30", zone="+05:30"), Spelling("Z"), Spelling("-03:00", zone="-03:00"),
    Spelling("0 digits", digits=0), Spelling("+00:00", zone="+00:00"),
    Spelling("z", zone="z"), Spelling("t", separator="t"),
)  # fmt: skip


def value_spellings(contract: Contract) -> list[tuple[str, str, str]]:
    """(parameter, label, text) of other spellings a value may take: a leading zero, each
    boolean spelling of any reading, each with the plain value it stands for."""
    booleans = contract.query.booleans
    words = {*booleans.value.true, *booleans.value.false}
    for reading in booleans.readings:
        words |= {*reading["true"], *reading["false"]}

    def ten(p: Parameter) -> int:  # a value in range that octal or a dropped digit misreads
        return 10 if (p.minimum or 1) <= 10 <= (p.maximum or 10) else (p.minimum or 1)

    by_kind = {
        "integer": lambda p: [("leading zero", f"0{ten(p)}")],
        "boolean": lambda p: [(f"as {word}", word) for word in sorted(words)],
    }
    return [
        (p.name, label, text)
        for p in contract.parameters.values()
        for label, text in by_kind.get(p.kind, lambda p: [])(p)
    ]
