"""What one response must be, given the query that asked for it (read with `assess`).

Pure functions of (contract, verdict, headers, body), raising through
`_findings.broken` with one line: what was promised and what came back. The
schemathesis checks and the semantic tests both call them. Where the
contract refuses the query and the server served it anyway, what it served
is not defined: only the checks that hold for any page run (one envelope,
order, the filters it did read, legacy totals agreeing with themselves); the
refusal itself is the refusal checks' business (`_refusals`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kapso_contacts.contract import Assessment, Contract, Mode, Provenance, to_query_value

from . import _filter_model
from ._findings import promise
from ._spec import items_field


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's first value from httpx headers or schemathesis' lowercase lists."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def contacts_of(contract: Contract, body: Any) -> list[dict[str, Any]]:
    """The contacts of a page (empty when the body has none)."""
    data = body.get(items_field(contract)) if isinstance(body, dict) else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def mode_in(contract: Contract, body: Any) -> Mode | None:
    """The mode a page was served in, by its envelope (None: neither or both)."""
    if not isinstance(body, dict):
        return None
    cursor = contract.pagination.cursor.envelope in body
    legacy = contract.pagination.legacy.envelope in body
    if cursor == legacy:
        return None
    return "cursor" if cursor else "legacy"


def is_bare(contract: Contract, verdict: Assessment) -> bool:
    """Whether the query names no pagination parameter the server reads."""
    pagination = contract.pagination
    names = {p.name for p in (*pagination.cursor.parameters, *pagination.legacy.parameters)}
    return not names & {*verdict.values, *(r.parameter for r in verdict.refusals)}


def envelope_matches_mode(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """One envelope, the one of the query's mode; legacy pages carry the legacy headers."""
    pagination = contract.pagination
    cursor, legacy = pagination.cursor, pagination.legacy
    promise(
        isinstance(body, dict),
        pagination.one_envelope,
        f"a page is a JSON object; got {type(body).__name__}",
    )
    mode = mode_in(contract, body)
    promise(
        mode is not None,
        pagination.one_envelope,
        f"a response carries exactly one of `{legacy.envelope}` and `{cursor.envelope}`;"
        f" got keys {sorted(body)}",
    )
    if not verdict.refused:
        if is_bare(contract, verdict):
            promise(
                mode == pagination.bare_mode,
                pagination.bare,
                f"a request with no pagination parameter is served in {pagination.bare_mode} mode;"
                f" got {mode} mode",
            )
        elif verdict.mode == "cursor":
            promise(
                mode == "cursor",
                cursor.provenance,
                f"a cursor-mode request gets `{cursor.envelope}`; got `{legacy.envelope}`",
            )
        else:
            promise(
                mode == "legacy",
                legacy.provenance,
                f"a legacy request gets `{legacy.envelope}`; got `{cursor.envelope}`",
            )
    if mode == "legacy":
        missing = [name for name in legacy.headers if header(headers, name) is None]
        promise(
            not missing,
            legacy.provenance,
            f"legacy mode carries the {', '.join(legacy.headers)} headers; missing {missing}",
        )


def page_respects_size(contract: Contract, verdict: Assessment, body: Any) -> None:
    """A page holds at most the page size in force (`limit` / `per_page`, else its default)."""
    mode = mode_in(contract, body)
    if verdict.refused or mode is None:
        return
    parameter = contract.pagination.page_size_parameter(mode)
    size = int(verdict.values.get(parameter.name, parameter.default))
    provenance = (
        parameter.source_of("default")
        if parameter.name not in verdict.values
        else contract.pagination.cursor.full_pages
        if mode == "cursor"
        else contract.pagination.legacy.provenance
    )
    count = len(contacts_of(contract, body))
    promise(count <= size, provenance, f"a page holds at most {size} contacts; got {count}")


def in_order(contract: Contract, contacts: Sequence[Mapping[str, Any]]) -> None:
    """Contacts follow the contract's order: each key one way, the contract's, ties to the next.

    A key seen going both ways breaks its promise of one order (for the first
    key, its direction; for a tie-breaker, that ties are broken one way); a
    key going only the other way breaks its direction. Documented findings
    are raised before assumed ones, so a mismatch never hides a violation.
    """
    ways: dict[int, dict[bool, tuple[Mapping[str, Any], Mapping[str, Any]]]] = {}
    for one, two in itertools.pairwise(contacts):
        for index, key in enumerate(contract.order):
            first = _sort_value(contract, key.field, one)
            second = _sort_value(contract, key.field, two)
            if first is None or second is None or first == second:
                continue
            ways.setdefault(index, {}).setdefault(first > second, (one, two))
            break
    problems: list[tuple[Provenance, str]] = []
    for index, key in enumerate(contract.order):
        seen = ways.get(index, {})
        wrong = seen.get(not key.descending)
        if wrong is None:
            continue
        way = "descending" if key.descending else "ascending"
        described = [_filter_model.describe(contract, c) for c in wrong]
        if len(seen) > 1 and not key.direction.documented and index > 0:
            tied = contract.order[index - 1].field
            problems.append(
                (
                    key.provenance,
                    f"ties on {tied} are broken by {key.field}, one direction; got both",
                )
            )
        message = f"contacts are ordered by {key.field}, {way}; {described[1]}"
        problems.append((key.direction, f"{message} follows {described[0]}"))
    problems.sort(key=lambda problem: not problem[0].documented)
    for provenance, message in problems[:1]:
        promise(False, provenance, message)


def _sort_value(contract: Contract, field: str, contact: Mapping[str, Any]) -> Any:
    value = contact.get(field)
    column = contract.contact_fields.get(field)
    if column is not None and column.format == "date-time":
        return _filter_model.instant(value)
    return None if value is None else str(value)


def filters_sound(
    contract: Contract, verdict: Assessment, contacts: Sequence[Mapping[str, Any]]
) -> None:
    """Every returned contact matches every filter the server read (AND)."""
    values = {n: v for n, v in verdict.values.items() if n in contract.filters}
    for contact in contacts:
        for name, value in values.items():
            rule = contract.filters[name]
            bound = rule.match in ("after", "before")
            promise(
                _filter_model.filter_match(contract, contact, name, value) is not False,
                rule.provenance,
                f"filter {name}={to_query_value(contract, contract.parameters[name], value)} is"
                f" sound, it admits only matching contacts"
                + (f" ({name} is exclusive: strictly {rule.match} the instant)" if bound else "")
                + f"; got {_filter_model.describe(contract, contact)}",
            )


def legacy_totals(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """`meta` echoes the request, counts pages right, agrees with its headers and the page."""
    legacy = contract.pagination.legacy
    if mode_in(contract, body) != "legacy":
        return
    meta = {role: path.get(body) for role, path in legacy.meta.items()}
    numbers = [meta.get(role) for role in ("page", "per-page", "total-count", "total-pages")]
    counts = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)]
    if len(counts) != len(numbers):
        return  # the schema check reports the types
    page, per_page, total, pages = counts
    if per_page < 1:
        return
    prov = legacy.provenance
    for role, parameter in (("page", legacy.page), ("per-page", legacy.per_page)):
        if verdict.refused and parameter.name not in verdict.values:
            continue  # the server's reading of a refused query is not defined
        want = verdict.values.get(parameter.name, parameter.default)
        if role == "page":
            want = max(want, legacy.first_page)  # a page below the first is the first
        got = meta[role]
        promise(
            got == want, prov, f"{legacy.meta[role].path} echoes the request ({want}); got {got}"
        )
    expected_pages = math.ceil(total / per_page)
    promise(
        pages == expected_pages or (total == 0 and pages == legacy.first_page),
        prov,
        f"{legacy.meta['total-pages'].path} is ceil({legacy.meta['total-count'].path} /"
        f" {legacy.meta['per-page'].path}) = {expected_pages}; got {pages}",
    )
    for name, role in legacy.headers.items():
        if role not in meta:
            continue
        got_header = header(headers, name)
        promise(
            got_header is None or got_header == str(meta[role]),
            prov,
            f"header {name} agrees with {legacy.meta[role].path} ({meta[role]});"
            f" got {got_header!r}",
        )
    expected_len = max(0, min(per_page, total - (page - legacy.first_page) * per_page))
    count = len(contacts_of(contract, body))
    promise(
        count == expected_len,
        prov,
        f"legacy page {page} of {total} contacts at {per_page} a page holds {expected_len};"
        f" got {count}",
    )


def one_page(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """Everything one served page must be on its own."""
    envelope_matches_mode(contract, verdict, headers, body)
    legacy_totals(contract, verdict, headers, body)
    page_respects_size(contract, verdict, body)
    contacts = contacts_of(contract, body)
    in_order(contract, contacts)
    filters_sound(contract, verdict, contacts)
