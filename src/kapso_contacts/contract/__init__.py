"""The List contacts contract, read from the spec: the one place code learns a fact of it.

Every range, parameter, filter meaning, rule, order and error shape comes
from ``openapi/contacts.yaml`` (standard keywords first, ``x-kapso-*``
extensions where OpenAPI has none), which ``make generate`` ships inside the
generated package as ``kapso_contacts_api/openapi.json``. The client, the
fake, the mutants and the contract suite all read it through this module.

```python
from kapso_contacts.contract import default_contract

contract = default_contract()
contract.pagination.cursor.limit.maximum  # 100
contract.filters["profile_name_contains"].match  # "contains"
```
"""

from functools import cache
from pathlib import Path

from ._bodies import (
    SchemaCheck,
    body_schemas,
    error_body_schema,
    json_type,
    matches_schema,
    parse_error_body,
    schema_checker,
    schema_problems,
)
from ._contract import Contract
from ._load import ContractError, build_contract, packaged_spec, read_spec
from ._model import (
    Booleans,
    ContactField,
    Filter,
    Mode,
    OrderKey,
    Parameter,
    Provenance,
    QuerySyntax,
    RateLimit,
    Refusal,
    Rule,
)
from ._pagination import CursorMode, FieldPath, LegacyMode, Pagination
from ._query import Assessment, Refused, assess, read_value, shown, to_query_value
from ._timestamps import Instant, format_timestamp, parse_rfc3339


@cache
def default_contract() -> Contract:
    """The contract of the spec shipped in the generated package (read once)."""
    return build_contract(packaged_spec())


def load_contract(path: str | Path | None = None) -> Contract:
    """The contract of a spec file (YAML or JSON), or the shipped one when ``path`` is None."""
    return default_contract() if path is None else build_contract(read_spec(path))


__all__ = [  # noqa: RUF022 (grouped)
    # loading
    "ContractError",
    "build_contract",
    "default_contract",
    "load_contract",
    "packaged_spec",
    "read_spec",
    # the model
    "Booleans",
    "ContactField",
    "Contract",
    "CursorMode",
    "FieldPath",
    "Filter",
    "LegacyMode",
    "Mode",
    "OrderKey",
    "Pagination",
    "Parameter",
    "Provenance",
    "QuerySyntax",
    "RateLimit",
    "Refusal",
    "Rule",
    # reading queries
    "Assessment",
    "Instant",
    "Refused",
    "assess",
    "format_timestamp",
    "parse_rfc3339",
    "read_value",
    "shown",
    "to_query_value",
    # reading bodies
    "body_schemas",
    "error_body_schema",
    "json_type",
    "matches_schema",
    "parse_error_body",
    "SchemaCheck",
    "schema_checker",
    "schema_problems",
]
