"""The facts of a list operation's contract as typed values (read by `_read`, the one reader)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from ._kinds import FILTER_KINDS, FilterKind

T = TypeVar("T")
Mode = Literal["cursor", "legacy"]
Kind = Literal["string", "integer", "boolean", "date-time", "cursor"]
#: What a rule does: refuse the request, or drop these parameters and serve it.
Effect = Literal["refuse"] | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from: documented (a source and its words) or assumed (and why).

    ``pointer`` (a JSON pointer into the spec) names the promise: a finding,
    a mutant and a check all refer to a fact by it.
    """

    pointer: str
    spec: str
    source: str | None = None
    quote: str | None = None
    reason: str | None = None

    @property
    def documented(self) -> bool:
        """Whether Kapso's docs promise this (else the spec chose it)."""
        return self.source is not None

    @property
    def location(self) -> str:
        """The place in the spec to read or edit: ``openapi/contacts.yaml#/paths/...``."""
        return f"{self.spec}#{self.pointer}"

    def describe(self) -> str:
        """One line: ``documented (docs-page: "...")`` or ``assumed (...)``."""
        if self.documented:
            return f'documented ({self.source}: "{self.quote}")'
        return f"assumed ({self.reason})"


@dataclass(frozen=True, slots=True)
class Fact(Generic[T]):
    """A fact holding one value, and the other values a server could plausibly hold (readings).

    ``value`` is typed for the code that reads it; ``raw`` and ``readings``
    are as the spec writes them (JSON), which is what ``--reading`` takes.
    """

    value: T
    provenance: Provenance
    readings: tuple[Any, ...] = ()
    raw: Any = None

    @property
    def pointer(self) -> str:
        """The spec node holding the value (where ``--reading`` points)."""
        return self.provenance.pointer


@dataclass(frozen=True)
class FieldPath:
    """A field of a body, as a dotted path (``paging.next``)."""

    path: str

    @cached_property
    def parts(self) -> tuple[str, ...]:
        """The path's steps."""
        return tuple(self.path.split("."))

    def get(self, body: Any) -> Any:
        """The value at this path in ``body`` (None where a step is missing)."""
        value = body
        for part in self.parts:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return value

    def present(self, body: Any) -> bool:
        """Whether every step of the path is there (a null at the end counts)."""
        value = body
        for part in self.parts:
            if not isinstance(value, Mapping) or part not in value:
                return False
            value = value[part]
        return True


@dataclass(frozen=True)
class Field:
    """A field of the item schema (nested objects carry their own fields)."""

    name: str
    types: tuple[str, ...]
    format: str | None = None
    enum: tuple[Any, ...] | None = None
    required: bool = False
    fields: Mapping[str, Field] = field(default_factory=dict)
    #: The fake's data hints (``x-kapso-sample``).
    sample: Mapping[str, Any] = field(default_factory=dict)

    @property
    def nullable(self) -> bool:
        """Whether null is allowed."""
        return "null" in self.types

    @property
    def type(self) -> str:
        """The JSON type of a value (``string``, ``object``, ...)."""
        return next((t for t in self.types if t != "null"), "null")


@dataclass(frozen=True)
class Item:
    """What the items of a page are: their schema and the facts about them."""

    schema: str
    fields: Mapping[str, Field]
    #: An item is the same record wherever it appears.
    identity: Provenance
    #: ``present`` (a field with no value is null) or ``omitted``.
    nulls: Fact[str]

    def field(self, path: str) -> Field | None:
        """The field at a dotted path (``kapso.contact_name``); None if the item has none."""
        found, fields = None, self.fields
        for part in FieldPath(path).parts:
            found = fields.get(part)
            if found is None:
                return None
            fields = found.fields
        return found


@dataclass(frozen=True, slots=True)
class Filter:
    """What a filter parameter keeps: items whose ``field`` passes its kind against the value.

    A ``hidden`` field is not in the item (``customer.external_id``): the item
    field named by ``through`` links to the record that holds it, so an item
    whose link is null has no value for it.
    """

    parameter: str
    field: str
    kind: str
    provenance: Provenance
    through: str | None = None
    hidden: bool = False

    @property
    def meaning(self) -> FilterKind:
        """The kind's entry in the registry (``FILTER_KINDS``)."""
        return FILTER_KINDS[self.kind]

    def field_value(self, item: Mapping[str, Any]) -> tuple[bool, Any]:
        """(known, value) of the field this filter reads in ``item``."""
        if not self.hidden:
            return True, FieldPath(self.field).get(item)
        if self.through is not None and item.get(self.through) is None:
            return True, None  # no linked record: no value
        return False, None

    def keeps(self, item: Mapping[str, Any], value: Any) -> bool | None:
        """Whether the filter keeps ``item`` (``value`` typed); None when it cannot be told."""
        known, field_value = self.field_value(item)
        return self.meaning.keeps(field_value, value) if known else None


@dataclass(frozen=True, slots=True)
class Parameter:
    """A query parameter: its kind, its range and where each keyword of it comes from."""

    name: str
    kind: Kind
    schema: Mapping[str, Any]
    pointer: str
    spec: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    enum: tuple[Any, ...] | None = None
    deprecated: bool = False
    default: Any = None
    description: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    filter: Filter | None = None

    @property
    def span(self) -> str:
        """The allowed range in words: ``from 1 to 100``, ``of at least 1``, or ``""``."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"of at least {low}"
        return "" if high is None else f"of at most {high}"

    def source_of(self, keyword: str) -> Provenance:
        """The provenance of a schema keyword (``minimum``, ``maximum``, ``default``, ...).

        A keyword without its own entry counts as documented by the first
        source, where every parameter's type and format come from.
        """
        found = self.provenance.get(keyword)
        if found is not None:
            return found
        return Provenance(f"{self.pointer}/schema", self.spec, "schema", self.name)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule between parameters: sending one of every group triggers its effect."""

    id: str
    groups: tuple[tuple[str, ...], ...]
    effect: Fact[Effect]

    @property
    def provenance(self) -> Provenance:
        """Where the rule's effect comes from."""
        return self.effect.provenance

    def triggered_by(self, names: Collection[str]) -> bool:
        """Whether a request naming ``names`` triggers the rule."""
        return all(any(name in names for name in group) for group in self.groups)

    def describe(self) -> str:
        """``before with after``, ``page/per_page with limit/after/before``."""
        return " with ".join("/".join(group) for group in self.groups)


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One key of the listing's order."""

    field: str
    direction: Fact[str]
    provenance: Provenance

    @property
    def descending(self) -> bool:
        """Whether larger values come first."""
        return self.direction.value == "descending"


@dataclass(frozen=True, slots=True)
class CursorMode:
    """Cursor (keyset) pagination: parameters by role and where the cursors come back."""

    limit: Parameter
    after: Parameter
    before: Parameter
    envelope: str
    next: FieldPath
    previous: FieldPath
    first: FieldPath
    last: FieldPath
    provenance: Provenance
    full_pages: Provenance
    #: The status a cursor the server cannot read gets.
    unreadable: Fact[int]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The parameters that put a request in this mode."""
        return (self.limit, self.after, self.before)


@dataclass(frozen=True, slots=True)
class LegacyMode:
    """Legacy offset pagination: parameters, the ``meta`` fields and headers, the limits."""

    page: Parameter
    per_page: Parameter
    envelope: str
    meta: Mapping[str, FieldPath]
    headers: Mapping[str, str]
    provenance: Provenance
    max_window: Fact[int]
    limit_error_status: int
    limit_error_body: str
    limit_error_code: str
    limit_error: Provenance
    #: The first page number (the smallest ``meta.page``).
    first_page: int = 1

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The parameters that put a request in this mode."""
        return (self.page, self.per_page)

    @property
    def max_page(self) -> int | None:
        """The largest page (``page``'s maximum)."""
        return self.page.maximum

    def header_for(self, role: str) -> str | None:
        """The response header carrying a ``meta`` role (``total-count`` -> ``X-Total``)."""
        return next((name for name, value in self.headers.items() if value == role), None)


@dataclass(frozen=True, slots=True)
class Pagination:
    """Both modes, and what a request that names neither gets."""

    cursor: CursorMode
    legacy: LegacyMode
    #: False: cursor pages also carry the legacy envelope with its total count.
    one_envelope: Fact[bool]
    bare: Fact[str]
    #: The 200 body's array of items, in both modes.
    items: FieldPath

    @property
    def bare_mode(self) -> Mode:
        """The mode a request naming no pagination parameter gets."""
        return "cursor" if self.bare.value == "cursor" else "legacy"

    @property
    def names(self) -> frozenset[str]:
        """Every parameter that picks a mode."""
        return frozenset(p.name for p in (*self.cursor.parameters, *self.legacy.parameters))

    def mode_of(self, names: Collection[str]) -> Mode:
        """The mode a request naming these parameters is served in (cursor parameters first)."""
        if any(p.name in names for p in self.cursor.parameters):
            return "cursor"
        if any(p.name in names for p in self.legacy.parameters):
            return "legacy"
        return self.bare_mode

    def page_size_parameter(self, mode: Mode) -> Parameter:
        """``limit`` in cursor mode, ``per_page`` in legacy mode."""
        return self.cursor.limit if mode == "cursor" else self.legacy.per_page


@dataclass(frozen=True, slots=True)
class Booleans:
    """The spellings a boolean query value may take."""

    true: tuple[str, ...]
    false: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuerySyntax:
    """How query values are written and read where OpenAPI is silent (``x-kapso-query``)."""

    leading_zeros: Fact[str]
    plus_sign: Fact[str]
    booleans: Fact[Booleans]
    forms: Fact[str]
    lowercase: Fact[str]
    sub_microsecond: Fact[str]
    repeated: Fact[str]
    empty_value: Fact[str]
    unknown: Fact[str]
    out_of_range: Fact[str]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The rate-limit window and the headers that describe it."""

    window_seconds: float
    limit_header: str
    remaining_header: str
    provenance: Provenance
