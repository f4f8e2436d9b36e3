"""The mutation catalogue: every mutant changes an answer it targets, declares real promises,
and follows the spec it is built from.

Whether the contract suite catches each mutant is the mutation gauge's job
(``scripts/gauge.py``); whether each broken promise is one some check declares
is ``tests/test_promises.py``'s. Here: the mutants themselves, in process.
"""

from __future__ import annotations

import copy
import itertools
import json
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from kapso_contacts.contract import (
    FILTER_KINDS,
    Contract,
    default_contract,
    format_timestamp,
    packaged_spec,
    timestamp_of,
)
from kapso_fake import FakeApp, create_app, linked_value
from kapso_fake.cli import serve as kapso_fake
from kapso_fake.mutants import CATEGORIES, Mutant, catalogue, describe, wear
from kapso_fake.mutants._kit import Worn, relisted
from kapso_fake.server import transport

KEY = "test-key-for-the-mutants"
CONTRACT = default_contract()
Request = tuple[str, dict[str, str], dict[str, str]]  # label, query, headers
Seen = tuple[int, str, Any, tuple[tuple[str, str], ...]]  # status, type, body, legacy headers


def client(app: Any) -> httpx.Client:
    return httpx.Client(transport=transport(app), base_url="http://fake.test")


def seen(response: httpx.Response) -> Seen:
    """What a client sees of an answer (the body parsed when it is JSON)."""
    kind = response.headers.get("content-type", "")
    body = response.json() if kind.startswith("application/json") else response.text
    headers = tuple(
        sorted((k, v) for k, v in response.headers.items() if k.startswith(("x-", "link")))
    )
    return response.status_code, kind, body, headers


def make_app(contract: Contract = CONTRACT, contacts: int = 300) -> FakeApp:
    """A fake holding generated items and a few that show what generated data may not."""
    app = create_app(api_keys=[KEY], contract=contract, contacts=contacts, seed=7)
    digits = next(n for n, f in contract.item.fields.items() if f.sample.get("text") == "digits")
    for text in ("44ABC123", "44abc987", "44aBc555"):  # a case-sensitive substring filter's cases
        app.add(**{digits: text})
    return app


def listing(app: FakeApp) -> list[dict[str, Any]]:
    return app.store.listing()


def cursor_of(app: FakeApp, item: dict[str, Any]) -> str:
    return app.store.cursors.encode(app.store.cursors.key_of(item))


def filter_values(app: FakeApp, contract: Contract) -> dict[str, list[str]]:
    """Values worth sending to each filter: the kind's samples, a proper prefix, real bounds."""
    items = listing(app)
    found: dict[str, list[str]] = {}
    for name, f in contract.filters.items():
        if f.hidden:
            real = sorted({linked_value(f, i.get(f.through or "")) or "" for i in items} - {""})
        else:
            real = sorted({str(v) for i in items if (v := i.get(f.field)) is not None})
        if FILTER_KINDS[f.kind].value == "instant":  # a real instant, and one among the newest
            found[name] = [items[20][f.field], items[len(items) // 2][f.field]]
        elif FILTER_KINDS[f.kind].value == "boolean":
            found[name] = ["true", "false"]
        else:
            samples = [str(s) for s in FILTER_KINDS[f.kind].samples(real)]
            found[name] = [*samples[:4], real[0][:6], "ABC", "%"] if real else samples
    return found


def battery(app: FakeApp, contract: Contract = CONTRACT) -> Iterator[Request]:
    """Requests aimed at every kind of defect, built from the contract and the fake's data."""
    pagination, items = contract.pagination, listing(app)
    cursor, legacy = pagination.cursor, pagination.legacy
    limit, after, before = cursor.limit.name, cursor.after.name, cursor.before.name
    page, per_page = legacy.page.name, legacy.per_page.name
    top, n = str(cursor.limit.maximum), len(items)
    auth = {contract.api_key_header: KEY}

    def at(i: int) -> str:
        return cursor_of(app, items[i])

    first_key = contract.order[0].field
    tie = next(i for i in range(5, n - 1) if items[i][first_key] == items[i + 1][first_key])

    def plain(label: str, **query: str) -> Request:
        return label, dict(query), auth

    yield plain("bare")
    for size in ("1", "2", "3", top):
        yield plain(f"first page at {size}", limit=size)
    yield from (
        plain("a page after a cursor", **{limit: "3", after: at(2)}),
        plain("after a cursor, no limit", **{after: at(2)}),
        plain("one left after the page", **{limit: "2", after: at(n - 4)}),
        plain("a full last page", **{limit: "2", after: at(n - 3)}),
        plain("an empty page", **{limit: "3", after: at(n - 1)}),
        plain("a page before a cursor", **{limit: "3", before: at(10)}),
        plain("a tie at the boundary", **{limit: "3", after: at(tie)}),
        plain("a page holding a tie", **{limit: "3", after: at(tie - 1)}),
        plain("a wider page after a cursor", **{limit: "5", after: at(5)}),
        plain("before with after", **{after: at(2), before: at(10)}),
        plain("both modes", **{page: "1", limit: "5"}),
        plain("a leading zero", **{limit: "010"}),
    )
    for label, query in (
        ("legacy page 2", {page: "2", per_page: "7"}),
        ("legacy page 1 of 100", {page: "1", per_page: top}),
        ("the short last page", {page: str(-(-n // 7)), per_page: "7"}),
        (
            "an exact multiple",
            {page: "1", per_page: str(next(d for d in range(2, n) if n % d == 0))},
        ),
        ("past the end", {page: str(-(-n // 7) + 1), per_page: "7"}),
        ("the largest page and window", {page: str(legacy.max_page), per_page: top}),
        ("past the largest page", {page: str((legacy.max_page or 1) + 1), per_page: "20"}),
        ("the smallest page and size", {page: "1", per_page: "1"}),
        ("legacy without per_page", {page: "2"}),
        ("the smallest limit", {limit: "1"}),
    ):
        yield plain(label, **query)
    values = filter_values(app, contract)
    for name, choices in values.items():
        for value in choices:
            yield plain(f"{name}={value}", **{name: value, limit: top})
        yield plain(f"{name} in legacy mode", **{name: choices[0], page: "1", per_page: "7"})
        first = client(app).get(contract.path, params={name: choices[0], limit: "2"}, headers=auth)
        if next_ := cursor.next.get(first.json()):
            yield plain(f"{name}, page 2", **{name: choices[0], limit: "2", after: next_})
        if (
            contract.parameters[name].schema.get("type") == "string"
            and "format" not in contract.parameters[name].schema
        ):
            for odd in ("😀", "x" * 300, "+1555"):
                yield plain(f"{name}={odd[:8]}", **{name: odd, limit: top})
    for a, b in itertools.combinations(values, 2):
        yield plain(f"{a} and {b}", **{a: values[a][0], b: values[b][-1], limit: top})
    yield from spellings(app, contract)
    yield "no key", {}, {}
    yield "a wrong key", {}, {contract.api_key_header: "wrong"}
    yield "an empty key", {}, {contract.api_key_header: ""}


def spellings(app: FakeApp, contract: Contract) -> Iterator[Request]:
    """Date bounds in every spelling, at an instant the data makes visible; domain edges.

    The instant is an item's (among the newest), a tenth of a second into its second, so
    that a bound read to the second, or its fraction read as microseconds, leaves it out.
    """
    items, auth, first_key = listing(app), {contract.api_key_header: KEY}, contract.order[0].field
    moments = [timestamp_of(item[first_key]) for item in items]
    moment = next(m for m in moments[10:] if m and 100_000 < m.microsecond < 900_000)
    limit = contract.pagination.cursor.limit
    exact = format_timestamp(moment)
    tenth = exact[:20] + str(moment.microsecond // 100_000 + 1) + "Z"  # just after the item
    shifted = moment + timedelta(hours=5, minutes=30)
    offset = shifted.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+05:30"
    dates = [n for n, p in contract.parameters.items() if p.schema.get("format") == "date-time"]
    for name in dates:
        for label, value in (
            ("exact", exact),
            ("a tenth", tenth),
            ("an offset", offset),
            ("nanoseconds", exact[:-1] + "000Z"),
            ("the year 3000", "3000-01-01T00:00:00Z"),
        ):
            yield f"{name}, {label}", {name: value, limit.name: str(limit.maximum)}, auth
    booleans = [n for n, p in contract.parameters.items() if p.schema.get("type") == "boolean"]
    for name in booleans:
        yield f"{name}=maybe", {name: "maybe"}, auth


@pytest.fixture(scope="module")
def app() -> FakeApp:
    return make_app()


@pytest.fixture(scope="module")
def clean(app: FakeApp) -> list[tuple[Request, Seen]]:
    """The battery and what the correct fake answers to each request."""
    with client(app) as http:
        return [
            ((label, q, h), seen(http.get(CONTRACT.path, params=q, headers=h)))
            for label, q, h in battery(app)
        ]


def changed(app: FakeApp, mutant: Mutant, clean: list[tuple[Request, Seen]]) -> list[str]:
    """The battery's requests the mutant answers differently (each request is sent)."""
    with client(wear(app, [mutant.name], api_keys=[KEY])) as http:
        return [
            label
            for (label, query, headers), expected in clean
            if seen(http.get(CONTRACT.path, params=query, headers=headers)) != expected
        ]


def test_the_battery_is_served_by_the_correct_fake(clean: list[tuple[Request, Seen]]) -> None:
    statuses = {answer[0] for _, answer in clean}
    assert statuses <= {200, 400, 401, 404}, statuses
    assert sum(answer[0] == 200 for _, answer in clean) > len(clean) * 0.8


@pytest.mark.parametrize("name", list(catalogue(CONTRACT)))
def test_every_mutant_changes_an_answer_it_targets(
    name: str, app: FakeApp, clean: list[tuple[Request, Seen]]
) -> None:
    assert changed(app, catalogue(CONTRACT)[name], clean), f"{name} changes no answer"


def test_the_catalogue_covers_every_kind_of_defect() -> None:
    mutants = catalogue(CONTRACT)
    assert {m.category for m in mutants.values()} == set(CATEGORIES)
    filters = CONTRACT.filters.values()
    # Each filter ignored, and each one the answers show (not hidden) read with each breakage.
    breakages = sum(len(f.meaning.breakages) for f in filters if not f.hidden)
    assert len([m for m in mutants.values() if m.category == "filter"]) == len(filters) + breakages
    assert len(mutants) == 96, describe(mutants)


def _node(spec: Any, pointer: str) -> Any:
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        spec = spec[int(token)] if isinstance(spec, list) else spec[token]
    return spec


@pytest.mark.parametrize("mutant", catalogue(CONTRACT).values(), ids=lambda m: m.name)
def test_what_a_mutant_breaks_is_a_place_in_the_spec(mutant: Mutant) -> None:
    assert mutant.breaks
    nodes = [_node(CONTRACT.spec, CONTRACT.absolute(pointer)) for pointer in mutant.breaks]
    assumed = [isinstance(node, dict) and "assumed" in node for node in nodes]
    assert mutant.documented == (not all(assumed)), mutant.breaks
    for pointer, is_assumed in zip(mutant.breaks, assumed, strict=True):
        assert not pointer.startswith(CONTRACT.operation_pointer)  # relative to the operation
        if is_assumed and CONTRACT.absolute(pointer) in {f.pointer for f in CONTRACT.assumptions}:
            assert CONTRACT.fact(pointer).provenance.documented is False


def test_no_test_name_in_the_catalogue() -> None:
    mutants = catalogue(CONTRACT)
    text = describe(mutants) + json.dumps([m.needs for m in mutants.values()])
    assert "test_" not in text and "::" not in text


# -- what particular mutants do ---------------------------------------------------------


def get(app: Any, **query: str) -> httpx.Response:
    with client(app) as http:
        return http.get(CONTRACT.path, params=query, headers={CONTRACT.api_key_header: KEY})


def test_after_inclusive_repeats_the_item_at_the_cursor(app: FakeApp) -> None:
    items = listing(app)
    body = get(
        wear(app, ["cursor-after-inclusive"], api_keys=[KEY]),
        limit="3",
        after=cursor_of(app, items[4]),
    ).json()
    assert [i["id"] for i in body["data"]] == [i["id"] for i in items[4:7]]


def test_a_short_page_at_the_maximum_still_has_next(app: FakeApp) -> None:
    body = get(wear(app, ["short-page-with-next-at-maximum"], api_keys=[KEY]), limit="100").json()
    assert len(body["data"]) == 50 and body["paging"]["next"] is not None


def test_legacy_pages_in_nfd_hold_the_same_names_in_other_bytes(app: FakeApp) -> None:
    right = get(app, page="1", per_page="100").json()["data"]
    wrong = get(wear(app, ["legacy-text-in-nfd"], api_keys=[KEY]), page="1", per_page="100").json()[
        "data"
    ]
    names = [(r["profile_name"], w["profile_name"]) for r, w in zip(right, wrong, strict=True)]
    assert all(unicodedata.normalize("NFC", w) == r for r, w in names)
    assert any(w != r for r, w in names)


def test_a_crash_is_a_bare_500(app: FakeApp) -> None:
    response = get(wear(app, ["crash-on-plus-in-text-filter"], api_keys=[KEY]), wa_id_contains="+1")
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/plain")


def test_a_filter_breakage_is_served_in_both_modes(app: FakeApp) -> None:
    worn = wear(app, ["has-customer-false-is-truthy"], api_keys=[KEY])
    for query in ({"limit": "100"}, {"page": "1", "per_page": "100"}):
        data = get(worn, has_customer="false", **query).json()["data"]
        assert data and all(item["customer_id"] is not None for item in data)
    meta = get(worn, has_customer="false", page="1", per_page="7").json()["meta"]
    assert meta["total_count"] == len(app.store.listing(has_customer=True))


def test_a_listing_read_again_sees_what_the_account_gained() -> None:
    app = make_app(contacts=40)
    worn = wear(app, ["has-customer-false-is-truthy"], api_keys=[KEY])
    before = get(worn, has_customer="false", limit="100").json()["data"]
    added = app.add(customer_id="550e8400-e29b-41d4-a716-446655440000")
    after = get(worn, has_customer="false", limit="100").json()["data"]
    assert [item["id"] for item in after] == [added["id"], *(item["id"] for item in before)]


def test_mutants_stack_the_first_innermost(app: FakeApp) -> None:
    worn = wear(app, ["ignores-has-customer", "unauthorized-is-403"], api_keys=[KEY])
    assert get(worn, has_customer="true", limit="100").json() == get(app, limit="100").json()
    with client(worn) as http:
        assert http.get(CONTRACT.path).status_code == 403


def test_wear_refuses_an_unknown_name_and_a_missing_key(app: FakeApp) -> None:
    with pytest.raises(KeyError):
        wear(app, ["no-such-mutant"], api_keys=[KEY])
    with pytest.raises(ValueError, match="API keys"):
        wear(app, ["ignores-has-customer"], api_keys=[])


# -- re-paging: a listing served again is the correct page -------------------------


READINGS: list[dict[str, Any]] = [
    {},
    {"x-kapso-order/1/direction": "ascending", "x-kapso-pagination/one-envelope": False},
    {"x-kapso-pagination/bare-request": "cursor", "x-kapso-items/nulls": "omitted"},
]


@pytest.mark.parametrize(
    "readings", READINGS, ids=["as-specified", "ascending-ties", "bare-cursor"]
)
def test_the_correct_listing_paged_again_is_the_correct_answer(readings: dict[str, Any]) -> None:
    app = create_app(api_keys=[KEY], contacts=80, seed=3, readings=readings)
    contract, items = app.contract, listing(app)
    identity = Mutant(
        "identity", "cursor", "re-pages every call", (), True, relisted(lambda call: True)
    )

    def at(i: int) -> str:
        return cursor_of(app, items[i])

    queries: list[dict[str, str]] = [
        {},
        {"limit": "7"},
        {"limit": "7", "after": at(6)},
        {"limit": "7", "after": at(75)},
        {"limit": "7", "before": at(9)},
        {"limit": "7", "before": at(3)},
        {"limit": "100", "has_customer": "true"},
        {"limit": "3", "after": at(10), "profile_name_contains": "a"},
        {"page": "3", "per_page": "9"},
        {"page": "9", "per_page": "9", "wa_id_contains": "5"},
        {"page": "20", "per_page": "9"},
    ]
    headers = {contract.api_key_header: KEY}
    with client(app) as right, client(Worn(app, identity, [KEY])) as again:
        for query in queries:
            expected = seen(right.get(contract.path, params=query, headers=headers))
            assert seen(again.get(contract.path, params=query, headers=headers)) == expected, query


# -- the catalogue follows the spec -------------------------------------------------------


def edited() -> Contract:
    """The contacts spec with a filter renamed, another dropped and ``limit``'s maximum lowered."""
    spec = copy.deepcopy(packaged_spec())
    operation = spec["paths"][CONTRACT.operation_path]["get"]
    parameters = operation["parameters"]
    renamed = next(p for p in parameters if p["name"] == "wa_id_contains")
    renamed["name"] = "phone_contains"
    parameters[:] = [p for p in parameters if p["name"] != "business_scoped_user_id"]
    next(p for p in parameters if p["name"] == "limit")["schema"]["maximum"] = 50
    return Contract.read(spec)


def test_the_catalogue_of_an_edited_spec_follows_the_edit() -> None:
    contract = edited()
    names = set(catalogue(contract))
    renamed = {"ignores-phone-contains", "phone-contains-prefix", "phone-contains-like-wildcards"}
    assert renamed <= names
    assert not [n for n in names if "wa-id-contains" in n or "business-scoped" in n]
    assert len(names) == len(catalogue(CONTRACT)) - 2  # the dropped filter's two
    after = catalogue(contract)["created-after-inclusive"]
    pointer = contract.filters["created_after"].provenance.pointer
    assert after.breaks == (contract.relative(pointer),) == ("parameters/5/x-kapso-filter",)
    assert "limit=50" in catalogue(contract)["limit-maximum-serves-one-less"].description
    for mutant in catalogue(contract).values():
        for pointer in mutant.breaks:
            _node(contract.spec, contract.absolute(pointer))  # a place of the edited spec


def test_a_listing_ordered_by_one_key_has_no_tie_mutants() -> None:
    spec = copy.deepcopy(packaged_spec())
    del spec["paths"][CONTRACT.operation_path]["get"]["x-kapso-order"][1]
    names = set(catalogue(Contract.read(spec)))
    ties = {"unstable-tie-order", "keyset-on-the-first-key-only", "keyset-compared-per-column"}
    assert ties | {"legacy-ties-disagree"} <= set(catalogue(CONTRACT))
    assert not names & (ties | {"legacy-ties-disagree"})
    assert len(names) == len(catalogue(CONTRACT)) - 4


def test_the_mutants_of_an_edited_spec_serve_the_edit() -> None:
    contract = edited()
    app = make_app(contract, contacts=120)
    one_less = get_as(
        wear(app, ["limit-maximum-serves-one-less"], api_keys=[KEY]), contract, limit="50"
    )
    assert len(one_less.json()["data"]) == 49 and one_less.json()["paging"]["next"]
    clean = [
        ((label, q, h), seen(get_with(app, contract, q, h)))
        for label, q, h in battery(app, contract)
    ]
    touched = [n for n in catalogue(contract) if "phone-contains" in n or "limit" in n]
    assert {"phone-contains-case-insensitive", "limit-maximum-refused"} <= set(touched)
    for name in touched:
        with client(wear(app, [name], api_keys=[KEY])) as http:
            answers = (
                seen(http.get(contract.path, params=q, headers=h)) for (_, q, h), _a in clean
            )
            assert any(a != expected for a, (_, expected) in zip(answers, clean, strict=True)), name


def get_as(app: Any, contract: Contract, **query: str) -> httpx.Response:
    return get_with(app, contract, query, {contract.api_key_header: KEY})


def get_with(
    app: Any, contract: Contract, query: dict[str, str], headers: dict[str, str]
) -> httpx.Response:
    with client(app) as http:
        return http.get(contract.path, params=query, headers=headers)


# -- kapso-fake --list-mutants / --mutant ---------------------------------------------------


def test_kapso_fake_lists_the_mutants_one_a_line() -> None:
    result = CliRunner().invoke(kapso_fake, ["--list-mutants"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(catalogue(CONTRACT))
    for line, mutant in zip(lines, catalogue(CONTRACT).values(), strict=True):
        assert line.split()[:3] == [
            mutant.category,
            mutant.name,
            "documented" if mutant.documented else "assumed",
        ]
        assert line.endswith(f"[{', '.join(mutant.breaks)}]")


def test_kapso_fake_refuses_an_unknown_mutant() -> None:
    result = CliRunner().invoke(kapso_fake, ["--mutant", "no-such-mutant", "--api-key", KEY])
    assert result.exit_code == 2 and "no mutant named no-such-mutant" in result.output
