"""The contract as one value: what `openapi/contacts.yaml` says, read once (see `_load`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._model import ContactField, Filter, OrderKey, Parameter, QuerySyntax, RateLimit, Refusal, Rule
from ._pagination import Pagination


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
