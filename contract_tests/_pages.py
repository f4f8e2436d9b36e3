"""What one page, and whole walks of pages, must be: pure functions of the contract and answers.

One page is judged by the query that asked for it (`assess`): its envelope is
its mode's (cursor mode recognised by its cursors, legacy mode by ``meta``'s
documented members; an extra envelope only where the contract allows it), it
holds at most the page size, its items keep the contract's order and every
filter the server read, and legacy counts agree with each other. Walks are
compared with references: the same items, once each, in the same order.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from kapso_contacts.contract import (
    Assessment,
    Contract,
    Mode,
    Provenance,
    timestamp_of,
    to_query_value,
)

from ._verdicts import promise

Item = Mapping[str, Any]


def items_of(contract: Contract, body: Any) -> list[dict[str, Any]]:
    """The items of a page (empty when the body has none)."""
    data = contract.pagination.items.get(body)
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def ids_of(contract: Contract, items: Sequence[Item]) -> list[str]:
    """The items' identities, in order."""
    return [str(item.get(contract.identity)) for item in items]


def modes_in(contract: Contract, body: Any) -> set[Mode]:
    """The modes a body's envelopes are of: cursor by its cursors, legacy by ``meta``'s page."""
    pagination = contract.pagination
    found: set[Mode] = set()
    if pagination.cursor.next.present(body):
        found.add("cursor")
    if pagination.legacy.meta["page"].present(body):
        found.add("legacy")
    return found


def mode_of(contract: Contract, body: Any) -> Mode | None:
    """The mode of a page (None: neither or both envelopes)."""
    modes = modes_in(contract, body)
    return modes.pop() if len(modes) == 1 else None


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's first value, from httpx headers or schemathesis' lists."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def describe(contract: Contract, item: Item) -> str:
    """A short description of an item: its order keys and the fields filters read."""
    names = [key.field for key in contract.order]
    names += [f.field for f in contract.filters.values() if not f.hidden and f.field not in names]
    return " ".join(f"{name}={item.get(name)!r}" for name in names)


def envelope(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """One envelope, the one of the query's mode; legacy pages carry the legacy headers."""
    pagination = contract.pagination
    cursor, legacy = pagination.cursor, pagination.legacy
    modes = modes_in(contract, body)
    why = cursor.provenance if verdict.mode == "cursor" else legacy.provenance
    promise(modes, why, f"a page carries an envelope; got {_keys(body)}")
    other = legacy.envelope if "cursor" in modes else cursor.envelope
    extra = isinstance(body, dict) and other in body
    promise(
        not (extra and pagination.one_envelope.value),
        pagination.one_envelope.provenance,
        f"a page carries one envelope; got {_keys(body)}",
    )
    mode = "cursor" if "cursor" in modes else "legacy"
    if not verdict.refused:
        bare = pagination.bare.provenance in verdict.assumed
        promise(
            mode == verdict.mode,
            pagination.bare.provenance if bare else why,
            f"a {'bare' if bare else verdict.mode}-mode request is served in {verdict.mode} mode;"
            f" got {_keys(body)}",
        )
    if mode == "legacy":
        missing = [name for name in legacy.headers if header(headers, name) is None]
        promise(not missing, legacy.provenance, f"a legacy page carries {missing}; it does not")


def _keys(body: Any) -> str:
    return f"keys {sorted(body)}" if isinstance(body, dict) else type(body).__name__


def page_size(contract: Contract, verdict: Assessment, body: Any) -> None:
    """A page holds at most the page size in force (its default when not given)."""
    mode = mode_of(contract, body)
    if verdict.refused or mode is None:
        return
    parameter = contract.pagination.page_size_parameter(mode)
    given = parameter.name in verdict.values
    size = int(verdict.values.get(parameter.name, parameter.default))
    why = parameter.source_of("maximum" if given else "default")
    count = len(items_of(contract, body))
    promise(count <= size, why, f"a {mode} page holds at most {size} items; got {count}")


def in_order(contract: Contract, items: Sequence[Item]) -> None:
    """Items follow the contract's order: each key one way, ties broken by the next key.

    A key seen both ways breaks its promise of one order; a key seen only the
    other way breaks its direction. Documented findings come first, so that a
    mismatch never hides a violation.
    """
    ways: dict[int, dict[bool, tuple[Item, Item]]] = {}
    for one, two in itertools.pairwise(items):
        for index, key in enumerate(contract.order):
            first, second = (
                _sort_value(contract, key.field, one),
                _sort_value(contract, key.field, two),
            )
            if first is None or second is None or first == second:
                continue
            ways.setdefault(index, {}).setdefault(first > second, (one, two))
            break
    problems: list[tuple[Provenance, str]] = []
    for index, key in enumerate(contract.order):
        seen = ways.get(index, {})
        if len(seen) > 1:
            problems.append((key.provenance, f"items are ordered by {key.field} one way; got both"))
        wrong = seen.get(not key.descending)
        if wrong is not None:
            way = "descending" if key.descending else "ascending"
            shown = " after ".join(describe(contract, item) for item in reversed(wrong))
            problems.append(
                (key.direction.provenance, f"items are ordered by {key.field}, {way}; {shown}")
            )
    problems.sort(key=lambda problem: not problem[0].documented)
    for provenance, message in problems[:1]:
        promise(False, provenance, message)


def _sort_value(contract: Contract, name: str, item: Item) -> Any:
    value = item.get(name)
    field = contract.item.fields.get(name)
    if field is not None and field.format == "date-time":
        return timestamp_of(value)
    return None if value is None else str(value)


def filters_sound(contract: Contract, verdict: Assessment, items: Sequence[Item]) -> None:
    """Every item matches every filter the server read (AND)."""
    for name, value in verdict.filters(contract).items():
        rule = contract.filters[name]
        for item in items:
            promise(
                rule.keeps(item, value) is not False,
                rule.provenance,
                f"{name}={to_query_value(contract, contract.parameters[name], value)} keeps only"
                f" {rule.kind} items; got {describe(contract, item)}",
            )


def legacy_counts(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """``meta`` echoes the request, counts pages right, agrees with its headers and the page."""
    legacy = contract.pagination.legacy
    if mode_of(contract, body) != "legacy":
        return
    meta = {role: path.get(body) for role, path in legacy.meta.items()}
    numbers = [meta.get(role) for role in ("page", "per-page", "total-count", "total-pages")]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        return  # the body's schema check reports the types
    page, per_page, total, pages = (int(n or 0) for n in numbers)
    if per_page < 1:
        return
    why = legacy.provenance
    for role, parameter in (("page", legacy.page), ("per-page", legacy.per_page)):
        if verdict.refused and parameter.name not in verdict.values:
            continue
        want = max(
            int(verdict.values.get(parameter.name, parameter.default)),
            legacy.first_page if role == "page" else 1,
        )
        promise(
            meta[role] == want, why, f"{legacy.meta[role].path} echoes {want}; got {meta[role]}"
        )
    want_pages = math.ceil(total / per_page)
    promise(
        pages == want_pages, why, f"{legacy.meta['total-pages'].path} is {want_pages}; got {pages}"
    )
    for name, role in legacy.headers.items():
        got = header(headers, name)
        promise(
            role not in meta or got is None or got == str(meta[role]),
            why,
            f"header {name} agrees with {legacy.meta[role].path if role in meta else role}"
            f" ({meta.get(role)}); got {got!r}",
        )
    want_len = max(0, min(per_page, total - (page - legacy.first_page) * per_page))
    count = len(items_of(contract, body))
    promise(
        count == want_len,
        why,
        f"legacy page {page} of {total} at {per_page} holds {want_len}; got {count}",
    )


def one_page(
    contract: Contract, verdict: Assessment, headers: Mapping[str, Any], body: Any
) -> None:
    """Everything one served page must be on its own."""
    envelope(contract, verdict, headers, body)
    legacy_counts(contract, verdict, headers, body)
    page_size(contract, verdict, body)
    items = items_of(contract, body)
    in_order(contract, items)
    filters_sound(contract, verdict, items)


# -- whole walks --------------------------------------------------------------


def no_duplicates(ids: Sequence[str], what: str, provenance: Provenance) -> None:
    """A walk lists each item once."""
    twice = [key for key, n in Counter(ids).items() if n > 1]
    promise(
        not twice, provenance, f"{what} lists each item once; {len(twice)} came twice: {twice[:3]}"
    )


def same_sequence(
    expected: Sequence[str], got: Sequence[str], what: str, provenance: Provenance
) -> None:
    """Two listings hold the same items in the same order."""
    if list(expected) == list(got):
        return
    no_duplicates(got, what, provenance)
    seen, wanted = set(got), set(expected)
    missing = [key for key in expected if key not in seen]
    extra = [key for key in got if key not in wanted]
    promise(
        not missing, provenance, f"{what} has no gaps; {len(missing)} missing, e.g. {missing[:3]}"
    )
    promise(not extra, provenance, f"{what} holds only the expected items; extra: {extra[:3]}")
    at = next(i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b)
    promise(
        False,
        provenance,
        f"{what} keeps one order; position {at} holds {got[at]}, expected {expected[at]}",
    )


def link_next(
    contract: Contract, headers: Mapping[str, Any], number: int, last: int, url: str
) -> None:
    """The ``Link`` header has rel=next exactly when a page follows."""
    legacy = contract.pagination.legacy
    name = legacy.header_for("links")
    if name is None:
        return
    rels = set(re.findall(r'rel="?([a-z]+)"?', header(headers, name) or ""))
    promise(
        ("next" in rels) == (number < last),
        legacy.provenance,
        f"{name} has rel=next exactly when a page follows; page {number} of {last} has"
        f" {sorted(rels)} (GET {url})",
    )


def filtered_as_reference(
    contract: Contract,
    values: Mapping[str, Any],
    reference: Sequence[Item],
    got: Sequence[Item],
    what: str,
) -> None:
    """A filtered listing is the reference listing filtered (AND), where that can be told.

    Items a filter cannot judge (a hidden field, readings that disagree) are
    neither required nor forbidden; the rest is held to soundness,
    completeness and the reference's order.
    """
    ids = ids_of(contract, got)
    shown = ", ".join(
        f"{n}={to_query_value(contract, contract.parameters[n], v)}" for n, v in values.items()
    )
    provenances = [contract.filters[name].provenance for name in values]
    why = next(
        (p for p in provenances if not p.documented),
        provenances[0] if provenances else contract.pagination.cursor.provenance,
    )
    no_duplicates(ids, what, contract.pagination.cursor.provenance)
    known = {str(item.get(contract.identity)): item for item in reference}
    for item in got:
        key = str(item.get(contract.identity))
        promise(
            key in known,
            why,
            f"{what} [{shown}] holds only items of the reference; got {describe(contract, item)}",
        )
    for name, value in values.items():
        rule = contract.filters[name]
        for item in got:
            promise(
                rule.keeps(item, value) is not False,
                rule.provenance,
                f"{what}: {shown} keeps only matching items; got {describe(contract, item)}",
            )
    order, wanted = [], set(ids)
    for item in reference:
        verdicts = [contract.filters[name].keeps(item, value) for name, value in values.items()]
        key = str(item.get(contract.identity))
        if False in verdicts:
            continue
        if None not in verdicts:
            promise(
                key in wanted,
                why,
                f"{what} [{shown}] is complete; {describe(contract, item)} is missing",
            )
        if key in wanted:
            order.append(key)
    same_sequence(order, ids, f"{what} [{shown}]", why)
