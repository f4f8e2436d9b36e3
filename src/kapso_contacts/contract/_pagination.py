"""The two pagination modes as typed values: parameters by role, envelopes, cursors, limits."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ._model import Mode, Parameter, Provenance


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
