"""The facts of the contract as typed values; `_pagination` has the modes, `_contract` the whole."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SPEC_FILE = "openapi/contacts.yaml"

Source = Literal["docs-page", "kapso-facts"]
Match = Literal["equals", "contains", "present", "after", "before"]
Mode = Literal["cursor", "legacy"]
Kind = Literal["string", "integer", "boolean", "date-time", "cursor"]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from: documented (a source and its words) or assumed (and why)."""

    pointer: str
    source: Source | None = None
    quote: str | None = None
    reason: str | None = None

    @property
    def documented(self) -> bool:
        """Whether Kapso's docs promise this (else the spec chose it)."""
        return self.source is not None

    @property
    def location(self) -> str:
        """The place in the spec to read or edit: ``openapi/contacts.yaml#/paths/...``."""
        return f"{SPEC_FILE}#{self.pointer}"

    def describe(self) -> str:
        """One line: ``documented (docs page: "...")`` or ``assumed (...)``."""
        if self.documented:
            where = "docs page" if self.source == "docs-page" else "Kapso's public facts"
            return f'documented ({where}: "{self.quote}")'
        return f"assumed ({self.reason})"


@dataclass(frozen=True, slots=True)
class Filter:
    """What a filter parameter keeps: contacts whose ``field`` passes ``match`` against the value.

    ``field`` is a Contact field, or ``customer.<field>`` for a field of the
    contact's customer (which the response does not carry).
    """

    parameter: str
    field: str
    match: Match
    case_insensitive: bool
    provenance: Provenance

    @property
    def on_customer(self) -> bool:
        """Whether the field belongs to the contact's customer, not to the contact."""
        return self.field.startswith("customer.")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A query parameter: its kind, its range and where each keyword of it comes from."""

    name: str
    kind: Kind
    schema: Mapping[str, Any]
    pointer: str
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None
    deprecated: bool = False
    default: Any = None
    description: str = ""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    filter: Filter | None = None

    @property
    def span(self) -> str:
        """The allowed range in words: ``from 1 to 100``, ``of at least 1``, or ``""`` if none."""
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"from {low} to {high}"
        if low is not None:
            return f"of at least {low}"
        return "" if high is None else f"of at most {high}"

    def source_of(self, keyword: str) -> Provenance:
        """The provenance of a schema keyword (``minimum``, ``maximum``, ``default``, ...).

        A keyword without its own entry counts as documented by the docs page,
        where every parameter's type and format come from.
        """
        found = self.provenance.get(keyword)
        if found is not None:
            return found
        return Provenance(f"{self.pointer}/schema", "docs-page", f"{self.name}")


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule between parameters: sending one of every group triggers ``effect``."""

    id: str
    groups: tuple[tuple[str, ...], ...]
    effect: Literal["refuse", "ignore"]
    ignore: tuple[str, ...]
    provenance: Provenance

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
    descending: bool
    provenance: Provenance
    direction: Provenance


@dataclass(frozen=True, slots=True)
class Booleans:
    """The spellings a boolean query value may take."""

    true: tuple[str, ...]
    false: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class QuerySyntax:
    """How query values are written and read where OpenAPI is silent."""

    integer_pattern: str
    integers: Provenance
    booleans: Booleans
    offset_required: bool
    min_year: int
    max_year: int
    date_times: Provenance
    repeated: Literal["last", "first"]
    repeated_provenance: Provenance
    empty_filter: Literal["ignore", "match"]
    empty_filter_provenance: Provenance
    unknown: Literal["ignore", "refuse"]
    unknown_provenance: Provenance


@dataclass(frozen=True, slots=True)
class Refusal:
    """How the server answers a refused value or combination."""

    status: int
    body: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The rate-limit window and the headers that describe it."""

    window_seconds: float
    limit_header: str
    remaining_header: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ContactField:
    """A field of the Contact schema."""

    name: str
    types: tuple[str, ...]
    format: str | None
    required: bool

    @property
    def nullable(self) -> bool:
        """Whether null is allowed."""
        return "null" in self.types
