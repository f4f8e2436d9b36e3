"""The contract as typed values: what `openapi/contacts.yaml` says, read once (see `_load`)."""

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
class FieldPath:
    """A field of the 200 body, as a dotted path (``paging.next``)."""

    path: str

    @property
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
    unissued_refused: bool
    unissued: Provenance

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """The parameters that put a request in this mode."""
        return (self.limit, self.after, self.before)


@dataclass(frozen=True, slots=True)
class LegacyMode:
    """Legacy offset pagination: parameters, the ``meta`` fields and headers, and the limits."""

    page: Parameter
    per_page: Parameter
    envelope: str
    meta: Mapping[str, FieldPath]
    headers: Mapping[str, str]
    provenance: Provenance
    max_window: int
    window: Provenance
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
    one_envelope: Provenance
    bare_mode: Mode
    bare: Provenance
    #: The 200 body's array of contacts (``data``), in both modes.
    items: FieldPath

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


# Compared and hashed by identity: a contract is read once and shared, and its
# schema checks are cached per contract (kapso_contacts.contract._bodies).
@dataclass(frozen=True, eq=False)
class Contract:
    """Everything the spec says about the List contacts operation.

    Attributes:
        spec: The whole spec, as parsed.
        server_url: The production base URL (``https://api.kapso.ai/platform/v1``).
        base_path: The base URL's path (``/platform/v1``).
        operation_path: The operation's path (``/whatsapp/contacts``).
        operation_pointer: JSON pointer to the operation in the spec.
        api_key_header: The header that carries the API key.
        parameters: Every query parameter, in the spec's order.
        filters: The filter parameters' meanings, by parameter name.
        pagination: Both pagination modes.
        order: The listing's order, most significant key first.
        rules: The rules between parameters.
        query: How query values are written.
        refusal: How a refused value is answered.
        rate_limit: The rate-limit window and headers.
        statuses: The statuses the operation documents.
        contact_fields: The Contact schema's fields, in order.
    """

    spec: Mapping[str, Any] = field(repr=False)
    server_url: str
    base_path: str
    operation_path: str
    operation_pointer: str
    api_key_header: str
    parameters: Mapping[str, Parameter]
    filters: Mapping[str, Filter]
    pagination: Pagination
    order: tuple[OrderKey, ...]
    rules: tuple[Rule, ...]
    query: QuerySyntax
    refusal: Refusal
    rate_limit: RateLimit
    statuses: frozenset[int]
    contact_fields: Mapping[str, ContactField]

    @property
    def path(self) -> str:
        """The full request path: ``/platform/v1/whatsapp/contacts``."""
        return self.base_path.rstrip("/") + self.operation_path

    def schema(self, name: str) -> Mapping[str, Any]:
        """A component schema by name."""
        schemas: Mapping[str, Mapping[str, Any]] = self.spec["components"]["schemas"]
        return schemas[name]

    def response_headers(self, status: int) -> frozenset[str]:
        """The headers documented for a status, lowercase."""
        response = self._operation()["responses"].get(str(status), {})
        return frozenset(name.lower() for name in response.get("headers", {}))

    def _operation(self) -> Mapping[str, Any]:
        operation: Mapping[str, Any] = self.spec["paths"][self.operation_path]["get"]
        return operation
