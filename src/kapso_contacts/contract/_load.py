"""Build the `Contract` from the spec: standard keywords first, the `x-kapso-*` extensions after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from ._contract import Contract
from ._model import (
    Booleans,
    ContactField,
    Filter,
    Kind,
    OrderKey,
    Parameter,
    Provenance,
    QuerySyntax,
    RateLimit,
    Refusal,
    Rule,
)
from ._pagination import CursorMode, FieldPath, LegacyMode, Pagination

#: The spec as `make generate` ships it inside the generated package.
PACKAGED_SPEC = "openapi.json"
#: The operation this contract is about, found by its ``operationId`` (its path
#: is the spec's to say); the generated client names its module after it too.
OPERATION_ID = "list_contacts"


class ContractError(ValueError):
    """The spec does not say something the code needs, or says it in a shape it cannot read."""


def packaged_spec() -> dict[str, Any]:
    """The spec shipped in ``kapso_contacts_api`` (written there by ``make generate``)."""
    text = resources.files("kapso_contacts_api").joinpath(PACKAGED_SPEC).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_spec(path: str | Path) -> dict[str, Any]:
    """A spec file: JSON, or YAML (needs PyYAML, which the contract suite brings)."""
    text = Path(path).read_text(encoding="utf-8")
    if str(path).endswith(".json"):
        loaded: dict[str, Any] = json.loads(text)
        return loaded
    import yaml  # the suite's dependency; the client never reads YAML

    loaded = yaml.safe_load(text)
    return loaded


def build_contract(spec: Mapping[str, Any]) -> Contract:
    """Read the contract of the List contacts operation out of ``spec``.

    Raises:
        ContractError: a fact the code needs is missing or malformed.
    """
    return _Reader(spec).contract()


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Reader:
    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        found = [
            (path, item["get"])
            for path, item in (spec.get("paths") or {}).items()
            if isinstance(item, Mapping)
            and (item.get("get") or {}).get("operationId") == OPERATION_ID
        ]
        if len(found) != 1:
            raise ContractError(f"the spec has no single GET operation {OPERATION_ID!r}")
        self.path: str = found[0][0]
        self.op: Mapping[str, Any] = found[0][1]
        self.op_pointer = f"/paths/{_escape(self.path)}/get"

    # -- helpers ---------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow local ``$ref``s until a node without one."""
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#/"):
                raise ContractError(f"only local references are read, got {ref}")
            target: Any = self.spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 20:
                raise ContractError(f"reference loop at {ref}")
        return node

    def provenance(self, node: Any, pointer: str) -> Provenance:
        if not isinstance(node, Mapping):
            raise ContractError(f"{pointer}: expected source/quote or assumed")
        if "assumed" in node:
            return Provenance(pointer, reason=" ".join(str(node["assumed"]).split()))
        source = node.get("source")
        if source not in ("docs-page", "kapso-facts") or not node.get("quote"):
            raise ContractError(f"{pointer}: a fact needs `source` and `quote`, or `assumed`")
        return Provenance(pointer, source=source, quote=" ".join(str(node["quote"]).split()))

    def extension(self, name: str) -> Any:
        if name not in self.op:
            raise ContractError(f"{self.op_pointer}: `{name}` is missing")
        return self.op[name]

    # -- parts -----------------------------------------------------------------

    def parameters(self) -> dict[str, Parameter]:
        found: dict[str, Parameter] = {}
        for index, raw in enumerate(self.op.get("parameters", [])):
            param = self.resolve(raw)
            if param.get("in") != "query":
                continue
            pointer = f"{self.op_pointer}/parameters/{index}"
            found[param["name"]] = self.parameter(param, pointer)
        return found

    def parameter(self, param: Mapping[str, Any], pointer: str) -> Parameter:
        name = str(param["name"])
        raw_schema = param.get("schema", {})
        schema = self.resolve(raw_schema)
        kind = self.kind(schema, raw_schema, f"{pointer}/schema")
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
            filter_ = self.filter(name, param["x-kapso-filter"], f"{pointer}/x-kapso-filter")
        return Parameter(
            name=name,
            kind=kind,
            schema=schema,
            pointer=pointer,
            minimum=schema.get("minimum"),
            maximum=schema.get("maximum"),
            pattern=schema.get("pattern"),
            deprecated=bool(param.get("deprecated", False)),
            default=default,
            description=" ".join(str(param.get("description", "")).split()),
            provenance=provenance,
            filter=filter_,
        )

    def kind(self, schema: Mapping[str, Any], raw: Mapping[str, Any], pointer: str) -> Kind:
        if isinstance(raw, Mapping) and str(raw.get("$ref", "")).endswith("/Cursor"):
            return "cursor"
        type_ = schema.get("type")
        if type_ == "string" and schema.get("format") == "date-time":
            return "date-time"
        if type_ in ("string", "integer", "boolean"):
            return cast(Kind, type_)
        raise ContractError(f"{pointer}: a query parameter of type {type_!r} is not supported")

    def filter(self, parameter: str, node: Mapping[str, Any], pointer: str) -> Filter:
        match = node.get("match")
        if match not in ("equals", "contains", "present", "after", "before"):
            raise ContractError(f"{pointer}/match: unknown match {match!r}")
        return Filter(
            parameter=parameter,
            field=str(node["field"]),
            match=match,
            case_insensitive=node.get("case") == "insensitive",
            provenance=self.provenance(node, pointer),
        )

    def pagination(self, params: Mapping[str, Parameter]) -> Pagination:
        pointer = f"{self.op_pointer}/x-kapso-pagination"
        node = self.extension("x-kapso-pagination")

        def param(where: str, role: str, value: Any) -> Parameter:
            if value not in params:
                raise ContractError(f"{pointer}/{where}/{role}: no query parameter {value!r}")
            return params[value]

        cur, leg = node["cursor"], node["legacy"]
        cp, lp = f"{pointer}/cursor", f"{pointer}/legacy"
        unissued = cur.get("unissued-cursors", {})
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
            unissued_refused=bool(unissued.get("refused", False)),
            unissued=self.provenance(unissued, f"{cp}/unissued-cursors"),
        )
        limit_error = leg["limit-error"]
        body = str(limit_error["body"])
        code = self.resolve(self.spec["components"]["schemas"][body])
        const = code.get("properties", {}).get("message", {}).get("const")
        if not isinstance(const, str):
            raise ContractError(f"{lp}/limit-error: {body} has no constant `message`")
        # Page numbers start at the smallest `meta.page` the 200 may carry; a
        # request below it (if the spec ever allows one) is served that page.
        meta_page = self.field_schema(FieldPath(leg["meta"]["page"]))
        legacy = LegacyMode(
            first_page=int(meta_page.get("minimum", 1)),
            page=param("legacy", "page", leg["page"]),
            per_page=param("legacy", "per-page", leg["per-page"]),
            envelope=str(leg["envelope"]),
            meta={role: FieldPath(path) for role, path in leg["meta"].items()},
            headers={str(name): str(role) for name, role in leg["headers"].items()},
            provenance=self.provenance(leg, lp),
            max_window=int(leg["max-window"]["value"]),
            window=self.provenance(leg["max-window"], f"{lp}/max-window"),
            limit_error_status=int(limit_error["status"]),
            limit_error_body=body,
            limit_error_code=const,
            limit_error=self.provenance(limit_error, f"{lp}/limit-error"),
        )
        bare = node["bare-request"]
        if bare.get("mode") not in ("cursor", "legacy"):
            raise ContractError(f"{pointer}/bare-request/mode: cursor or legacy")
        return Pagination(
            cursor=cursor,
            legacy=legacy,
            one_envelope=self.provenance(node["one-envelope"], f"{pointer}/one-envelope"),
            bare_mode=bare["mode"],
            bare=self.provenance(bare, f"{pointer}/bare-request"),
            items=self.items_field(),
        )

    def items_field(self) -> FieldPath:
        """The 200 body's array of Contact (``data``)."""
        body = self.resolve(self.spec["components"]["schemas"]["ContactList"])
        for name, raw in body.get("properties", {}).items():
            node = self.resolve(raw)
            ref = str(node.get("items", {}).get("$ref", ""))
            if node.get("type") == "array" and ref.endswith("/Contact"):
                return FieldPath(str(name))
        raise ContractError("ContactList has no array of Contact")

    def field_schema(self, path: FieldPath) -> Mapping[str, Any]:
        """The schema of a field of the 200 body (``{}`` when the path leads nowhere)."""
        node: Any = self.spec["components"]["schemas"]["ContactList"]
        for part in path.parts:
            node = self.resolve(node).get("properties", {}).get(part)
            if node is None:
                return {}
        resolved: Mapping[str, Any] = self.resolve(node)
        return resolved

    def order(self) -> tuple[OrderKey, ...]:
        pointer = f"{self.op_pointer}/x-kapso-order"
        keys = []
        for index, node in enumerate(self.extension("x-kapso-order")):
            where = f"{pointer}/{index}"
            provenance = self.provenance(node, where)
            direction = node.get("direction-provenance")
            keys.append(
                OrderKey(
                    field=str(node["field"]),
                    descending=node.get("direction") == "descending",
                    provenance=provenance,
                    direction=(
                        provenance
                        if direction is None
                        else self.provenance(direction, f"{where}/direction-provenance")
                    ),
                )
            )
        return tuple(keys)

    def rules(self, params: Mapping[str, Parameter]) -> tuple[Rule, ...]:
        pointer = f"{self.op_pointer}/x-kapso-rules"
        rules = []
        for index, node in enumerate(self.extension("x-kapso-rules")):
            where = f"{pointer}/{index}"
            groups = tuple(tuple(str(name) for name in group) for group in node["together"])
            for name in (n for group in groups for n in group):
                if name not in params:
                    raise ContractError(f"{where}/together: no query parameter {name!r}")
            effect = node.get("effect")
            if effect not in ("refuse", "ignore"):
                raise ContractError(f"{where}/effect: refuse or ignore, got {effect!r}")
            ignore = tuple(str(name) for name in node.get("ignore", ()))
            if effect == "ignore" and not ignore:
                raise ContractError(f"{where}/ignore: name the parameters that are dropped")
            rules.append(Rule(node["id"], groups, effect, ignore, self.provenance(node, where)))
        return tuple(rules)

    def query(self) -> QuerySyntax:
        pointer = f"{self.op_pointer}/x-kapso-query"
        node = self.extension("x-kapso-query")

        def prov(key: str) -> Provenance:
            return self.provenance(node[key], f"{pointer}/{key}")

        booleans = node["booleans"]
        dates = node["date-times"]
        return QuerySyntax(
            integer_pattern=str(node["integers"]["pattern"]),
            integers=prov("integers"),
            booleans=Booleans(
                true=tuple(str(v) for v in booleans["true"]),
                false=tuple(str(v) for v in booleans["false"]),
                provenance=prov("booleans"),
            ),
            offset_required=bool(dates.get("offset-required", True)),
            min_year=int(dates.get("min-year", 1)),
            max_year=int(dates.get("max-year", 9999)),
            date_times=prov("date-times"),
            repeated=node["repeated"]["use"],
            repeated_provenance=prov("repeated"),
            empty_filter=node["empty-filter"]["use"],
            empty_filter_provenance=prov("empty-filter"),
            unknown=node["unknown"]["use"],
            unknown_provenance=prov("unknown"),
        )

    def contact_fields(self) -> dict[str, ContactField]:
        schema = self.resolve(self.spec["components"]["schemas"]["Contact"])
        required = set(schema.get("required", []))
        fields = {}
        for name, raw in schema.get("properties", {}).items():
            prop = self.resolve(raw)
            types = prop.get("type", "object")
            fields[name] = ContactField(
                name=name,
                types=tuple(types) if isinstance(types, list) else (str(types),),
                format=prop.get("format"),
                required=name in required,
            )
        return fields

    def contract(self) -> Contract:
        params = self.parameters()
        servers = self.spec.get("servers") or [{"url": "/"}]
        server_url = str(servers[0]["url"]).rstrip("/")
        scheme = self.api_key_scheme()
        refusal = self.extension("x-kapso-refusal")
        rate = self.extension("x-kapso-rate-limit")
        pointer = self.op_pointer
        return Contract(
            spec=self.spec,
            server_url=server_url,
            base_path=urlsplit(server_url).path or "/",
            operation_path=self.path,
            operation_pointer=pointer,
            api_key_header=str(scheme["name"]),
            parameters=params,
            filters={name: p.filter for name, p in params.items() if p.filter is not None},
            pagination=self.pagination(params),
            order=self.order(),
            rules=self.rules(params),
            query=self.query(),
            refusal=Refusal(
                status=int(refusal["status"]),
                body=str(refusal["body"]),
                provenance=self.provenance(refusal, f"{pointer}/x-kapso-refusal"),
            ),
            rate_limit=RateLimit(
                window_seconds=float(rate["window-seconds"]),
                limit_header=str(rate["limit-header"]),
                remaining_header=str(rate["remaining-header"]),
                provenance=self.provenance(rate, f"{pointer}/x-kapso-rate-limit"),
            ),
            statuses=frozenset(int(code) for code in self.op.get("responses", {})),
            contact_fields=self.contact_fields(),
        )

    def api_key_scheme(self) -> Mapping[str, Any]:
        for requirement in self.op.get("security", []):
            for name in requirement:
                scheme = self.resolve(self.spec["components"]["securitySchemes"][name])
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    return cast(Mapping[str, Any], scheme)
        raise ContractError(f"{self.op_pointer}/security: no API key header")
