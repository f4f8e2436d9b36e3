"""Lint the `x-kapso-*` extensions of specs: their shape, and that every name they use exists.

`scripts/lint_spec.py SPEC [SPEC...]` (`make lint`): a spec validates against the extensions'
schema (`source` narrowed to its `info.x-kapso-sources`); its contract reads, and so does each
listed reading (`Contract.read_as`); every parameter, field, header and status an extension
names exists; every integer bound says where it comes from. One line per problem, exit 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from kapso_contacts.contract import Contract, ContractError, Field, escape, read_spec

SCHEMA = Path(__file__).resolve().parent.parent / "openapi" / "extensions.schema.json"
#: The parameter kind a filter kind's value takes (``FilterKind.value`` -> ``Parameter.kind``).
VALUE_KINDS = {"text": "string", "boolean": "boolean", "instant": "date-time"}


def shape_problems(path: Path, spec: Mapping[str, Any], schema: dict[str, Any]) -> Iterator[str]:
    """Where the spec breaks the extensions' schema (a cascade of one problem counts once)."""
    sources = sorted((spec.get("info") or {}).get("x-kapso-sources") or {})
    narrowed = {**schema, "$defs": {**schema["$defs"], "source": {"enum": sources}}}
    found = [best_match([e]) for e in jsonschema.Draft202012Validator(narrowed).iter_errors(spec)]
    seen: list[str] = []
    for error in sorted(found, key=lambda e: e.validator == "unevaluatedProperties"):
        pointer = "".join(f"/{escape(str(part))}" for part in error.absolute_path)
        if error.validator == "unevaluatedProperties" and any(s.startswith(pointer) for s in seen):
            continue  # what is left over when an alternative failed, reported already
        seen.append(pointer)
        yield f"{path}#{pointer}: {error.message[:300]}"


def _samples(fields: Mapping[str, Field], where: str) -> Iterator[str]:
    for name, field in fields.items():
        sample, at = field.sample, f"{where}.{name}"
        for key in ("not-before", "not-after"):
            other = fields.get(sample.get(key, name))
            if key in sample and (other is None or other.format != "date-time"):
                yield f"{at}: x-kapso-sample {key} names no date-time field beside it"
        if ("text" in sample or "prefix" in sample) and field.type != "string":
            yield f"{at}: x-kapso-sample text on a {field.type} field"
        span = sample.get("range", [0, 0])
        if span != sorted(span) or ("range" in sample and field.type != "integer"):
            yield f"{at}: x-kapso-sample range {sample['range']} on a {field.type} field"
        if sample.get("nulls", 0) > 0 and not field.nullable:
            yield f"{at}: x-kapso-sample nulls on a field that cannot be null"
        yield from _samples(field.fields, at)


def name_problems(contract: Contract) -> Iterator[str]:
    """Names the extensions use that the spec does not define, and bounds without a source."""
    ok, rate = contract.success_status, contract.rate_limit
    cursor, legacy = contract.pagination.cursor, contract.pagination.legacy
    cursors = [o.path for o in (cursor.next, cursor.previous, cursor.first, cursor.last)]
    fields = [(cursor.provenance, path) for path in (cursor.envelope, *cursors)]
    fields += [(legacy.provenance, m.path) for m in legacy.meta.values()]
    for why, path in [*fields, (legacy.provenance, legacy.envelope)]:
        schema = contract.body_field(ok, path)
        if schema is None or (path in cursors and "string" not in schema.get("type", ())):
            yield f"{why.location}: {path} is no {'cursor ' * (path in cursors)}field of the body"
    if {cursor.after.kind, cursor.before.kind} != {"cursor"}:
        yield f"{cursor.provenance.location}: {cursor.after.name}/{cursor.before.name} not Cursors"
    headers = [(legacy.provenance, h) for h in legacy.headers]
    headers += [(rate.provenance, rate.limit_header), (rate.provenance, rate.remaining_header)]
    for why, header in headers:
        if header.lower() not in contract.response_headers(ok):
            yield f"{why.location}: {header} is not a header of the {ok}"
    for status, body, why in (
        (legacy.limit_error_status, legacy.limit_error_body, legacy.limit_error),
        (contract.refusal_status.value, contract.refusal_body, contract.refusal_status.provenance),
        (cursor.unreadable.value, contract.refusal_body, cursor.unreadable.provenance),
    ):
        if body not in contract.body_schemas(status):
            yield f"{why.location}: {body} is not a documented body of status {status}"
    for name, flt in contract.filters.items():
        at, parameter = flt.provenance.location, contract.parameters[name]
        field = contract.item.field(flt.field)
        if field is None and not (flt.hidden and "." in flt.field):
            yield f"{at}: {flt.field} is no field of {contract.item.schema} nor another record's"
        if VALUE_KINDS[flt.meaning.value] != parameter.kind:
            yield f"{at}: {flt.kind} takes no {parameter.kind} value"
        if flt.meaning.value == "instant" and field is not None and field.format != "date-time":
            yield f"{at}: {flt.kind} reads {flt.field}, not a date-time"
        if field and parameter.enum and not set(parameter.enum) <= set(field.enum or ()):
            yield f"{at}: {name}'s enum is not among {flt.field}'s values"
    for key in contract.order:
        field = contract.item.fields.get(key.field)
        if field is None or not field.required or field.nullable:
            yield f"{key.provenance.location}: {key.field} is no required, non-null item field"
    yield from _samples(contract.item.fields, f"{contract.file}: {contract.item.schema}")
    for parameter in contract.parameters.values():
        for keyword in ("minimum", "maximum"):
            if getattr(parameter, keyword) is not None and keyword not in parameter.provenance:
                yield f"{parameter.spec}#{parameter.pointer}: {keyword} has no x-kapso-provenance"


def reading_problems(contract: Contract) -> Iterator[str]:
    """Listed readings that do not read, and rule effects that drop a parameter not named."""
    contracts = [contract]
    for fact in contract.assumptions:
        for value in fact.readings:
            where = f"{fact.provenance.location}: reading {json.dumps(value)}"
            try:
                contracts.append(read := contract.read_as({fact.pointer: value}))
            except (ContractError, KeyError, ValueError) as exc:
                yield f"{where} does not read: {exc}"
                continue
            if value == fact.raw or read.fact(fact.pointer).raw != value:
                yield f"{where} repeats the value, or is not read as given"
    for read in contracts:
        for rule in read.rules:
            names = {name for group in rule.groups for name in group}
            if rule.effect.value != "refuse" and not set(rule.effect.value) <= names:
                yield f"{rule.provenance.location}: {rule.effect.raw} drops a parameter not named"


def problems(path: Path) -> list[str]:
    """Every problem with a spec's extensions (one line when it cannot be read at all)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        spec = read_spec(path)
        if found := list(shape_problems(path, spec, schema)):
            return found
        contract = Contract.read(spec, file=str(path))
    except Exception as exc:  # not YAML or JSON, or no contract: one line, not a traceback
        return [f"{path}: cannot be read: {type(exc).__name__}: {' '.join(str(exc).split())}"]
    return list(dict.fromkeys([*name_problems(contract), *reading_problems(contract)]))


def main(argv: list[str]) -> int:
    """Lint each spec given; 1 if any has a problem, 2 if none is given."""
    if not argv:
        print("usage: lint_spec.py SPEC [SPEC...]", file=sys.stderr)
        return 2
    found = [problem for path in map(Path, argv) for problem in problems(path)]
    print("\n".join(found) if found else f"x-kapso-* extensions OK: {', '.join(argv)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
