"""The contract of a Kapso list operation, read from its spec: the one place code learns a fact.

Every range, parameter, filter meaning, rule, order and error shape comes
from the spec (``openapi/contacts.yaml``: standard keywords first,
``x-kapso-*`` extensions where OpenAPI has none), which ``make generate``
ships inside the generated package as ``kapso_contacts_api/openapi.json``.
The client, the fake, the mutants and the contract suite all read it here,
and nothing here knows it is about contacts: another list operation of
Kapso's family (List conversations) is read from its own spec the same way.

```python
from kapso_contacts.contract import default_contract

contract = default_contract()
contract.pagination.cursor.limit.maximum  # 100
contract.filters["profile_name_contains"].kind  # "contains-any-case"
contract.read_as({"x-kapso-order/1/direction": "ascending"})  # another reading
```
"""

from functools import cache
from pathlib import Path

from ._bodies import (
    SchemaCheck,
    error_body_schema,
    json_type,
    matches_schema,
    parse_error_body,
    schema_checker,
    schema_problems,
)
from ._contract import (
    SPEC_FILE,
    Contract,
    ContractError,
    escape,
    packaged_spec,
    read_spec,
)
from ._kinds import FILTER_KINDS, FilterKind, case_flipped_pieces, folds_to
from ._model import (
    Booleans,
    CursorMode,
    Effect,
    Fact,
    Field,
    FieldPath,
    Filter,
    Item,
    LegacyMode,
    Mode,
    OrderKey,
    Pagination,
    Parameter,
    Provenance,
    QuerySyntax,
    RateLimit,
    Rule,
)
from ._query import (
    Assessment,
    Readable,
    Refused,
    assess,
    read_value,
    refusal,
    shown,
    to_query_value,
    unreadable_cursor,
)
from ._timestamps import Instant, format_timestamp, parse_rfc3339, timestamp_of


@cache
def default_contract() -> Contract:
    """The contract of the spec shipped in the generated package (read once)."""
    return Contract.read(packaged_spec())


def load_contract(path: str | Path | None = None) -> Contract:
    """The contract of a spec file (YAML or JSON), or the shipped one when ``path`` is None."""
    if path is None:
        return default_contract()
    return Contract.read(read_spec(path), file=str(path))


__all__ = [  # noqa: RUF022 (grouped)
    # loading
    "SPEC_FILE",
    "ContractError",
    "default_contract",
    "escape",
    "load_contract",
    "packaged_spec",
    "read_spec",
    # the model
    "Booleans",
    "Contract",
    "CursorMode",
    "Effect",
    "Fact",
    "Field",
    "FieldPath",
    "Filter",
    "Item",
    "LegacyMode",
    "Mode",
    "OrderKey",
    "Pagination",
    "Parameter",
    "Provenance",
    "QuerySyntax",
    "RateLimit",
    "Rule",
    # what filters mean
    "FILTER_KINDS",
    "FilterKind",
    "case_flipped_pieces",
    "folds_to",
    # reading queries
    "Assessment",
    "Instant",
    "Readable",
    "Refused",
    "assess",
    "format_timestamp",
    "parse_rfc3339",
    "read_value",
    "refusal",
    "shown",
    "timestamp_of",
    "to_query_value",
    "unreadable_cursor",
    # reading bodies
    "SchemaCheck",
    "error_body_schema",
    "json_type",
    "matches_schema",
    "parse_error_body",
    "schema_checker",
    "schema_problems",
]
