"""The contract of one list operation, read from its spec: the only code that walks a spec.

`Contract.read(spec)` finds the GET operation that declares
``x-kapso-pagination`` and reads its facts: standard OpenAPI keywords first,
the ``x-kapso-*`` extensions where OpenAPI has none. Every fact keeps its
provenance (a JSON pointer and where it comes from); an assumed fact that
lists ``readings`` can be read otherwise (`Contract.read_as`), which is how the
fake serves another reading and the suite explains an answer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from ._kinds import FILTER_KINDS
from ._model import (
    Booleans,
    CursorMode,
    Effect,
    Fact,
    Field,
    FieldPath,
    Filter,
    Item,
    Kind,
    LegacyMode,
    OrderKey,
    Pagination,
    Parameter,
    Provenance,
    QuerySyntax,
    RateLimit,
    Rule,
)

#: Where `make generate` ships the spec inside the generated package.
PACKAGED_SPEC = "openapi.json"
#: How findings name the shipped spec.
SPEC_FILE = "openapi/contacts.yaml"


class ContractError(ValueError):
    """The spec does not say something the code needs, or says it in a shape it cannot read."""


def packaged_spec() -> dict[str, Any]:
    """The spec shipped in ``kapso_contacts_api`` (written there by ``make generate``)."""
    text = resources.files("kapso_contacts_api").joinpath(PACKAGED_SPEC).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_spec(path: str | Path) -> dict[str, Any]:
    """A spec file: JSON, or YAML (needs PyYAML, which the fake and the suite bring)."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        loaded: dict[str, Any] = json.loads(text)
        return loaded
    import yaml  # the fake's and the suite's dependency; the client reads the JSON copy

    loaded = yaml.safe_load(text)
    if not isinstance(loaded, dict):
        raise ContractError(f"{path}: not an OpenAPI document")
    return loaded


def escape(token: str) -> str:
    """A JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


# Compared and hashed by identity: a contract is read once and shared (caches key on it).
@dataclass(frozen=True, eq=False)
class Contract:
    """Everything a spec says about one list operation.

    Attributes:
        spec: The whole spec, as parsed.
        file: How findings name the spec (``openapi/contacts.yaml``).
        server_url: The production base URL (``https://api.kapso.ai/platform/v1``).
        base_path: The base URL's path (``/platform/v1``).
        operation_id: ``list_contacts``.
        operation_path: ``/whatsapp/contacts``.
        operation_pointer: JSON pointer to the operation in the spec.
        api_key_header: The header that carries the API key.
        parameters: Every query parameter, in the spec's order.
        filters: The filter parameters' meanings, by parameter name.
        pagination: Both pagination modes.
        order: The listing's order, most significant key first.
        rules: The rules between parameters.
        query: How query values are written and read.
        refusal: The body and status of a refused value.
        rate_limit: The rate-limit window and headers.
        statuses: The statuses the operation documents.
        item: The items' schema and facts.
        sources: The documents a documented fact may cite, by key.
    """

    spec: Mapping[str, Any] = field(repr=False)
    file: str
    server_url: str
    base_path: str
    operation_id: str
    operation_path: str
    operation_pointer: str
    api_key_header: str
    parameters: Mapping[str, Parameter]
    filters: Mapping[str, Filter]
    pagination: Pagination
    order: tuple[OrderKey, ...]
    rules: tuple[Rule, ...]
    query: QuerySyntax
    refusal_body: str
    refusal_status: Fact[int]
    rate_limit: RateLimit
    statuses: frozenset[int]
    item: Item
    sources: Mapping[str, str]

    @classmethod
    def read(
        cls, spec: Mapping[str, Any], *, file: str = SPEC_FILE, operation_id: str | None = None
    ) -> Contract:
        """Read the contract of the spec's list operation (the one with ``x-kapso-pagination``).

        Raises:
            ContractError: a fact the code needs is missing or malformed.
        """
        try:
            return _Reader(spec, file, operation_id).contract()
        except ContractError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ContractError(f"{file}: {type(exc).__name__}: {exc}") from exc

    # -- derived facts ----------------------------------------------------------

    @property
    def path(self) -> str:
        """The full request path: ``/platform/v1/whatsapp/contacts``."""
        return self.base_path.rstrip("/") + self.operation_path

    @property
    def noun(self) -> str:
        """What the operation lists, in words: ``contacts``."""
        return self.operation_id.removeprefix("list_").replace("_", " ")

    @property
    def identity(self) -> str:
        """The item field that tells items apart: the order's last key, which breaks every tie."""
        return self.order[-1].field

    @property
    def success_status(self) -> int:
        """The status of a served page (the one 2xx the operation documents)."""
        return min(status for status in self.statuses if 200 <= status < 300)

    @property
    def operation(self) -> Mapping[str, Any]:
        """The operation object of the spec."""
        operation: Mapping[str, Any] = self.spec["paths"][self.operation_path]["get"]
        return operation

    def schema(self, name: str) -> Mapping[str, Any]:
        """A component schema by name."""
        schemas: Mapping[str, Mapping[str, Any]] = self.spec["components"]["schemas"]
        return schemas[name]

    def response(self, status: int) -> Mapping[str, Any]:
        """The operation's response object for a status ({} when undocumented)."""
        found: Mapping[str, Any] = self.operation["responses"].get(str(status), {})
        return found

    def response_headers(self, status: int) -> frozenset[str]:
        """The headers documented for a status, lowercase."""
        return frozenset(name.lower() for name in self.response(status).get("headers", {}))

    def media_types(self, status: int) -> frozenset[str]:
        """The media types documented for a status."""
        return frozenset(self.response(status).get("content", {}))

    def body_schema(self, status: int) -> Mapping[str, Any] | None:
        """The JSON schema of a status's body (None when it documents none)."""
        content = self.response(status).get("content", {}).get("application/json", {})
        schema = content.get("schema")
        return schema if isinstance(schema, Mapping) else None

    def body_field(self, status: int, path: str) -> Mapping[str, Any] | None:
        """The schema of a field of a status's JSON body, by dotted path (None where none is)."""
        node: Any = self.body_schema(status)
        for part in FieldPath(path).parts:
            if not isinstance(node, Mapping):
                return None
            node = _resolve(self.spec, node).get("properties", {}).get(part)
        return _resolve(self.spec, node) if isinstance(node, Mapping) else None

    def body_schemas(self, status: int) -> list[str]:
        """The component schemas a status's JSON body may be, in the spec's order."""
        schema = self.body_schema(status)
        if schema is None:
            return []
        options = schema.get("anyOf") or schema.get("oneOf") or [schema]
        return [str(o["$ref"]).rsplit("/", 1)[-1] for o in options if "$ref" in o]

    # -- readings ---------------------------------------------------------------

    @cached_property
    def assumptions(self) -> tuple[Fact[Any], ...]:
        """Every assumed fact that lists other readings, in the spec's order."""
        return tuple(fact for fact in _facts_with_readings(self) if fact.readings)

    def fact(self, pointer: str) -> Fact[Any]:
        """The assumed fact at a pointer (absolute, or relative to the operation).

        Raises:
            KeyError: no assumed fact with readings sits there.
        """
        wanted = self.absolute(pointer)
        for fact in self.assumptions:
            if fact.pointer == wanted:
                return fact
        known = ", ".join(self.relative(f.pointer) for f in self.assumptions)
        raise KeyError(f"no assumed fact with readings at {pointer} (known: {known})")

    def absolute(self, pointer: str) -> str:
        """A pointer relative to the operation (``x-kapso-order/1/direction``) made absolute."""
        return pointer if pointer.startswith("/") else f"{self.operation_pointer}/{pointer}"

    def relative(self, pointer: str) -> str:
        """An absolute pointer under the operation, relative to it (else as it is)."""
        return pointer.removeprefix(self.operation_pointer + "/")

    def read_as(self, readings: Mapping[str, Any]) -> Contract:
        """This contract with assumed facts read otherwise: pointer -> one of their readings.

        Raises:
            KeyError: a pointer names no assumed fact with readings.
            ValueError: a value is not one of the fact's readings (nor its own value).
        """
        if not readings:
            return self
        spec = copy.deepcopy(dict(self.spec))
        for pointer, value in readings.items():
            fact = self.fact(pointer)
            if value != fact.raw and value not in fact.readings:
                allowed = ", ".join(json.dumps(v) for v in (fact.raw, *fact.readings))
                raise ValueError(f"{self.relative(fact.pointer)} reads one of {allowed}")
            _node(spec, fact.pointer)["value"] = copy.deepcopy(value)
        return Contract.read(spec, file=self.file, operation_id=self.operation_id)

    def alternatives(self) -> Iterator[tuple[Fact[Any], Any, Contract]]:
        """Each assumed fact's other readings, one at a time: (fact, value, the contract)."""
        for fact in self.assumptions:
            for value in fact.readings:
                yield fact, value, self.read_as({fact.pointer: value})


def _facts_with_readings(contract: Contract) -> Iterator[Fact[Any]]:
    pagination = contract.pagination
    yield pagination.cursor.unreadable
    yield pagination.one_envelope
    yield pagination.bare
    for key in contract.order:
        yield key.direction
    yield contract.item.nulls
    for rule in contract.rules:
        yield rule.effect
    query = contract.query
    yield from (
        query.leading_zeros,
        query.plus_sign,
        query.booleans,
        query.forms,
        query.lowercase,
        query.sub_microsecond,
        query.repeated,
        query.empty_value,
        query.unknown,
        query.out_of_range,
    )
    yield contract.refusal_status


def _node(spec: Any, pointer: str) -> Any:
    node = spec
    for token in pointer.lstrip("/").split("/"):
        node = node[int(token)] if isinstance(node, list) else node[_unescape(token)]
    return node


def _resolve(spec: Any, node: Any) -> Any:
    """Follow local ``$ref``s until a node without one."""
    for _ in range(20):
        if not (isinstance(node, Mapping) and "$ref" in node):
            return node
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            raise ContractError(f"only local references are read, got {ref}")
        node = _node(spec, ref[1:])
    raise ContractError("a reference loop")


class _Reader:
    """Reads one operation's facts out of a spec (see `Contract.read`)."""

    def __init__(self, spec: Mapping[str, Any], file: str, operation_id: str | None) -> None:
        self.spec = spec
        self.file = file
        found = [
            (path, item["get"])
            for path, item in (spec.get("paths") or {}).items()
            if isinstance(item, Mapping)
            and isinstance(item.get("get"), Mapping)
            and "x-kapso-pagination" in item["get"]
            and operation_id in (None, item["get"].get("operationId"))
        ]
        if len(found) != 1:
            raise ContractError(f"{file}: no single GET list operation (with x-kapso-pagination)")
        self.path: str = found[0][0]
        self.op: Mapping[str, Any] = found[0][1]
        self.pointer = f"/paths/{escape(self.path)}/get"
        self.sources: Mapping[str, str] = (spec.get("info") or {}).get("x-kapso-sources") or {}

    # -- helpers ----------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow local ``$ref``s until a node without one."""
        return _resolve(self.spec, node)

    def provenance(self, node: Any, pointer: str) -> Provenance:
        if not isinstance(node, Mapping):
            raise ContractError(f"{pointer}: expected source/quote or assumed")
        if "assumed" in node:
            return Provenance(pointer, self.file, reason=" ".join(str(node["assumed"]).split()))
        source = node.get("source")
        if source not in self.sources or not node.get("quote"):
            raise ContractError(
                f"{pointer}: a fact needs `source` (one of {sorted(self.sources)}) and `quote`,"
                " or `assumed`"
            )
        quote = " ".join(str(node["quote"]).split())
        return Provenance(pointer, self.file, source=str(source), quote=quote)

    def fact(self, node: Any, pointer: str, inherited: Provenance | None = None) -> Fact[Any]:
        """A value with its provenance: ``{value, <provenance>, readings?}`` or a plain value."""
        if isinstance(node, Mapping) and "value" in node:
            readings = tuple(node.get("readings", ()))
            return Fact(node["value"], self.provenance(node, pointer), readings, node["value"])
        if inherited is None:
            raise ContractError(f"{pointer}: expected {{value, source/quote or assumed}}")
        return Fact(node, inherited, (), node)

    def extension(self, name: str) -> Any:
        if name not in self.op:
            raise ContractError(f"{self.pointer}: `{name}` is missing")
        return self.op[name]

    # -- parts ------------------------------------------------------------------

    def parameters(self, item: Item) -> dict[str, Parameter]:
        found: dict[str, Parameter] = {}
        for index, raw in enumerate(self.op.get("parameters", [])):
            param = self.resolve(raw)
            if param.get("in") == "query":
                parameter = self.parameter(param, f"{self.pointer}/parameters/{index}", item)
                found[parameter.name] = parameter
        return found

    def parameter(self, param: Mapping[str, Any], pointer: str, item: Item) -> Parameter:
        name = str(param["name"])
        raw_schema = param.get("schema", {})
        schema = self.resolve(raw_schema)
        provenance = {
            keyword: self.provenance(node, f"{pointer}/x-kapso-provenance/{keyword}")
            for keyword, node in (param.get("x-kapso-provenance") or {}).items()
        }
        default = None
        if "x-kapso-default" in param:
            node = param["x-kapso-default"]
            default = node["value"]
            provenance["default"] = self.provenance(node, f"{pointer}/x-kapso-default")
        filter_ = None
        if "x-kapso-filter" in param:
            filter_ = self.filter(name, param["x-kapso-filter"], f"{pointer}/x-kapso-filter", item)
        enum = schema.get("enum")
        return Parameter(
            name=name,
            kind=self.kind(schema, raw_schema, f"{pointer}/schema"),
            schema=schema,
            pointer=pointer,
            spec=self.file,
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            pattern=schema.get("pattern"),
            enum=tuple(enum) if isinstance(enum, list) else None,
            deprecated=bool(param.get("deprecated", False)),
            default=default,
            description=" ".join(str(param.get("description", "")).split()),
            provenance=provenance,
            filter=filter_,
        )

    def kind(self, schema: Mapping[str, Any], raw: Any, pointer: str) -> Kind:
        if isinstance(raw, Mapping) and str(raw.get("$ref", "")).endswith("/Cursor"):
            return "cursor"
        type_ = schema.get("type")
        if type_ == "string" and schema.get("format") == "date-time":
            return "date-time"
        if type_ in ("string", "integer", "boolean"):
            return cast(Kind, type_)
        raise ContractError(f"{pointer}: a query parameter of type {type_!r} is not supported")

    def filter(self, parameter: str, node: Mapping[str, Any], pointer: str, item: Item) -> Filter:
        kind = str(node.get("kind"))
        if kind == "contains" and node.get("case") == "insensitive":
            kind = "contains-any-case"
        if kind not in FILTER_KINDS:
            raise ContractError(f"{pointer}/kind: unknown kind {kind!r} ({sorted(FILTER_KINDS)})")
        field_name = str(node["field"])
        through = node.get("through")
        hidden = field_name.split(".", 1)[0] not in item.fields
        if hidden and through is not None and through not in item.fields:
            raise ContractError(f"{pointer}/through: {item.schema} has no field {through!r}")
        return Filter(
            parameter=parameter,
            field=field_name,
            kind=kind,
            provenance=self.provenance(node, pointer),
            through=str(through) if through is not None else None,
            hidden=hidden,
        )

    def items_schema(self) -> tuple[FieldPath, str, str]:
        """(the path of the items array, the list schema's name, the item schema's name)."""
        node = self.extension("x-kapso-pagination")
        items = FieldPath(str(node.get("items", "data")))
        ok = self.op.get("responses", {}).get("200", {})
        raw = ok.get("content", {}).get("application/json", {}).get("schema", {})
        list_name = str(raw.get("$ref", "")).rsplit("/", 1)[-1]
        schema = self.resolve(raw)
        for part in items.parts:
            schema = self.resolve(schema.get("properties", {}).get(part, {}))
        ref = str(schema.get("items", {}).get("$ref", ""))
        if schema.get("type") != "array" or not ref:
            raise ContractError(f"{self.pointer}: the 200 body has no array of items at {items}")
        return items, list_name, ref.rsplit("/", 1)[-1]

    def fields(self, schema: Mapping[str, Any]) -> dict[str, Field]:
        required = set(schema.get("required", []))
        found = {}
        for name, raw in schema.get("properties", {}).items():
            prop = self.resolve(raw)
            types = prop.get("type", "object")
            enum = prop.get("enum")
            found[name] = Field(
                name=name,
                types=tuple(types) if isinstance(types, list) else (str(types),),
                format=prop.get("format"),
                enum=tuple(enum) if isinstance(enum, list) else None,
                required=name in required,
                fields=self.fields(prop) if "properties" in prop else {},
                sample=prop.get("x-kapso-sample") or {},
            )
        return found

    def item(self, schema_name: str) -> Item:
        node = self.extension("x-kapso-items")
        pointer = f"{self.pointer}/x-kapso-items"
        return Item(
            schema=schema_name,
            fields=self.fields(self.resolve(self.spec["components"]["schemas"][schema_name])),
            identity=self.provenance(node["identity"], f"{pointer}/identity"),
            nulls=self.fact(node["nulls"], f"{pointer}/nulls"),
        )

    def pagination(self, params: Mapping[str, Parameter], items: FieldPath) -> Pagination:
        pointer = f"{self.pointer}/x-kapso-pagination"
        node = self.extension("x-kapso-pagination")

        def param(where: str, role: str, value: Any) -> Parameter:
            if value not in params:
                raise ContractError(f"{pointer}/{where}/{role}: no query parameter {value!r}")
            return params[value]

        cur, leg = node["cursor"], node["legacy"]
        cp, lp = f"{pointer}/cursor", f"{pointer}/legacy"
        cursor = CursorMode(
            limit=param("cursor", "limit", cur["limit"]),
            after=param("cursor", "after", cur["after"]),
            before=param("cursor", "before", cur["before"]),
            envelope=str(cur["envelope"]),
            next=FieldPath(cur["next"]),
            previous=FieldPath(cur["previous"]),
            first=FieldPath(cur["first"]),
            last=FieldPath(cur["last"]),
            provenance=self.provenance(cur, cp),
            full_pages=self.provenance(cur["full-pages"], f"{cp}/full-pages"),
            unreadable=self.fact(cur["unreadable-cursor"], f"{cp}/unreadable-cursor"),
        )
        limit_error = leg["limit-error"]
        body = str(limit_error["body"])
        code = self.resolve(self.spec["components"]["schemas"][body])
        const = code.get("properties", {}).get("message", {}).get("const")
        if not isinstance(const, str):
            raise ContractError(f"{lp}/limit-error: {body} has no constant `message`")
        meta_page = self.resolve(self.spec["components"]["schemas"].get("LegacyMeta", {}))
        first_page = meta_page.get("properties", {}).get("page", {}).get("minimum", 1)
        legacy = LegacyMode(
            page=param("legacy", "page", leg["page"]),
            per_page=param("legacy", "per-page", leg["per-page"]),
            envelope=str(leg["envelope"]),
            meta={role: FieldPath(path) for role, path in leg["meta"].items()},
            headers={str(name): str(role) for name, role in leg["headers"].items()},
            provenance=self.provenance(leg, lp),
            max_window=self.fact(leg["max-window"], f"{lp}/max-window"),
            limit_error_status=int(limit_error["status"]),
            limit_error_body=body,
            limit_error_code=const,
            limit_error=self.provenance(limit_error, f"{lp}/limit-error"),
            first_page=int(first_page),
        )
        bare = self.fact(node["bare-request"], f"{pointer}/bare-request")
        if bare.value not in ("cursor", "legacy"):
            raise ContractError(f"{pointer}/bare-request: cursor or legacy")
        return Pagination(
            cursor=cursor,
            legacy=legacy,
            one_envelope=self.fact(node["one-envelope"], f"{pointer}/one-envelope"),
            bare=bare,
            items=items,
        )

    def order(self) -> tuple[OrderKey, ...]:
        pointer = f"{self.pointer}/x-kapso-order"
        keys = []
        for index, node in enumerate(self.extension("x-kapso-order")):
            where = f"{pointer}/{index}"
            provenance = self.provenance(node, where)
            direction = self.fact(node["direction"], f"{where}/direction", provenance)
            if direction.value not in ("ascending", "descending"):
                raise ContractError(f"{where}/direction: ascending or descending")
            keys.append(OrderKey(str(node["field"]), direction, provenance))
        return tuple(keys)

    def rules(self, params: Mapping[str, Parameter]) -> tuple[Rule, ...]:
        pointer = f"{self.pointer}/x-kapso-rules"
        rules = []
        for index, node in enumerate(self.extension("x-kapso-rules")):
            where = f"{pointer}/{index}"
            groups = tuple(tuple(str(name) for name in group) for group in node["together"])
            for name in (n for group in groups for n in group):
                if name not in params:
                    raise ContractError(f"{where}/together: no query parameter {name!r}")
            raw = self.fact(node["effect"], f"{where}/effect")
            for reading in raw.readings:
                self.effect(reading, f"{where}/effect/readings")
            effect = Fact(
                self.effect(raw.value, f"{where}/effect"), raw.provenance, raw.readings, raw.raw
            )
            rules.append(Rule(str(node["id"]), groups, effect))
        return tuple(rules)

    def effect(self, value: Any, pointer: str) -> Effect:
        if value == "refuse":
            return "refuse"
        if isinstance(value, Mapping) and isinstance(value.get("ignore"), list):
            return tuple(str(name) for name in value["ignore"])
        raise ContractError(f"{pointer}: `refuse` or {{ignore: [names]}}, got {value!r}")

    def query(self) -> QuerySyntax:
        pointer = f"{self.pointer}/x-kapso-query"
        node = self.extension("x-kapso-query")
        dates = node["date-times"]

        def fact(key: str) -> Fact[Any]:
            return self.fact(node[key], f"{pointer}/{key}")

        def date(key: str) -> Fact[Any]:
            return self.fact(dates[key], f"{pointer}/date-times/{key}")

        spelled = fact("booleans")
        for reading in spelled.readings:
            _booleans(reading)
        booleans = Fact(_booleans(spelled.value), spelled.provenance, spelled.readings, spelled.raw)
        return QuerySyntax(
            leading_zeros=fact("leading-zeros"),
            plus_sign=fact("plus-sign"),
            booleans=booleans,
            forms=date("forms"),
            lowercase=date("lowercase"),
            sub_microsecond=date("sub-microsecond"),
            repeated=fact("repeated"),
            empty_value=fact("empty-value"),
            unknown=fact("unknown"),
            out_of_range=fact("out-of-range"),
        )

    def contract(self) -> Contract:
        items, _, item_schema = self.items_schema()
        item = self.item(item_schema)
        params = self.parameters(item)
        servers = self.spec.get("servers") or [{"url": "/"}]
        server_url = str(servers[0]["url"]).rstrip("/")
        refusal = self.extension("x-kapso-refusal")
        rate = self.extension("x-kapso-rate-limit")
        pointer = self.pointer
        return Contract(
            spec=self.spec,
            file=self.file,
            server_url=server_url,
            base_path=urlsplit(server_url).path or "/",
            operation_id=str(self.op.get("operationId", "list")),
            operation_path=self.path,
            operation_pointer=pointer,
            api_key_header=str(self.api_key_scheme()["name"]),
            parameters=params,
            filters={name: p.filter for name, p in params.items() if p.filter is not None},
            pagination=self.pagination(params, items),
            order=self.order(),
            rules=self.rules(params),
            query=self.query(),
            refusal_body=str(refusal["body"]),
            refusal_status=self.fact(refusal["status"], f"{pointer}/x-kapso-refusal/status"),
            rate_limit=RateLimit(
                window_seconds=float(rate["window-seconds"]),
                limit_header=str(rate["limit-header"]),
                remaining_header=str(rate["remaining-header"]),
                provenance=self.provenance(rate, f"{pointer}/x-kapso-rate-limit"),
            ),
            statuses=frozenset(int(code) for code in self.op.get("responses", {})),
            item=item,
            sources=dict(self.sources),
        )

    def api_key_scheme(self) -> Mapping[str, Any]:
        for requirement in self.op.get("security", []):
            for name in requirement:
                scheme = self.resolve(self.spec["components"]["securitySchemes"][name])
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    return cast(Mapping[str, Any], scheme)
        raise ContractError(f"{self.pointer}/security: no API key header")


def _booleans(value: Any) -> Booleans:
    return Booleans(
        true=tuple(str(v) for v in value["true"]), false=tuple(str(v) for v in value["false"])
    )
