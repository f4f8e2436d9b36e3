"""Each reading of each assumed fact changes the fake's answer the way the spec says.

Driven by ``contract.assumptions``: every assumed fact, with its own value and
each listed reading, is served by a fake created with that reading, and a
probe sends the request the fact decides and checks the answer against what
the reading means. A fact the spec gains without a probe here fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kapso_contacts.contract import Contract, Fact
from kapso_fake import FakeApp, create_app

from .conftest import CONTRACT, KEY, PATH, Item, client_for, ids, items_of, walk

CURSOR = CONTRACT.pagination.cursor
Probe = Callable[[httpx.Client, FakeApp, Any], None]
PROBES: dict[str, Probe] = {}


def probe(*pointers: str) -> Callable[[Probe], Probe]:
    """Register the probe of the facts at these relative pointers."""

    def register(function: Probe) -> Probe:
        PROBES.update(dict.fromkeys(pointers, function))
        return function

    return register


def _refused(response: httpx.Response, contract: Contract, parameter: str) -> None:
    assert response.status_code == contract.refusal_status.value, response.text
    assert response.json()["parameter"] == parameter


@probe("x-kapso-pagination/cursor/unreadable-cursor")
def _unreadable(client: httpx.Client, app: FakeApp, status: int) -> None:
    response = client.get(PATH, params={"after": "abcde"})
    assert response.status_code == status
    assert response.json() == {
        "error": "after is not a cursor this server issued",
        "parameter": "after",
    }


@probe("x-kapso-pagination/one-envelope")
def _one_envelope(client: httpx.Client, app: FakeApp, one: bool) -> None:
    body = client.get(PATH, params={"limit": 5, "has_customer": "true"}).json()
    total = CONTRACT.pagination.legacy.meta["total-count"]
    assert "paging" in body
    if one:
        assert "meta" not in body
    else:  # the legacy envelope too, with the total of the filtered listing
        assert total.get(body) == len(app.store.listing(has_customer=True)) > 5


@probe("x-kapso-pagination/bare-request")
def _bare(client: httpx.Client, app: FakeApp, mode: str) -> None:
    response = client.get(PATH)
    envelope = {"legacy": "meta", "cursor": "paging"}
    assert set(response.json()) == {"data", envelope[mode]}
    assert ("x-total" in response.headers) is (mode == "legacy")
    assert items_of(app.contract, response) == app.store.listing()[:20]


@probe("x-kapso-order/1/direction")
def _ties(client: httpx.Client, app: FakeApp, direction: str) -> None:
    walked = walk(client, {}, limit=3)
    assert walked == app.store.listing()
    stamps = [c["created_at"] for c in walked]
    assert stamps == sorted(stamps, reverse=True)
    ties = {s for s in stamps if stamps.count(s) > 1}
    assert ties
    for stamp in ties:
        tied = [c["id"] for c in walked if c["created_at"] == stamp]
        assert tied == sorted(tied, reverse=direction == "descending")


@probe("x-kapso-items/nulls")
def _nulls(client: httpx.Client, app: FakeApp, nulls: str) -> None:
    served = client.get(PATH, params={"limit": 100}).json()["data"]
    fields = set(app.contract.item.fields)
    assert any(None in c.values() or set(c) != fields for c in served)
    for contact in served:
        if nulls == "present":
            assert set(contact) == fields
        else:
            assert None not in contact.values()
            assert {"id", "created_at"} <= set(contact)
    assert app.store.listing()[:100] == served


def _answer(client: httpx.Client, query: dict[str, Any]) -> tuple[int, Any]:
    response = client.get(PATH, params=query)
    return response.status_code, response.json()


def _rule(index: int) -> Probe:
    def check(client: httpx.Client, app: FakeApp, effect: Any) -> None:
        rule = app.contract.rules[index]
        first = client.get(PATH, params={"limit": 30}).json()
        second = client.get(PATH, params={"limit": 30, "after": CURSOR.next.get(first)}).json()
        valid = {"limit": 5, "page": 2, "per_page": 5}
        valid |= {"after": CURSOR.next.get(first), "before": CURSOR.previous.get(second)}
        query = {group[0]: valid[group[0]] for group in rule.groups}
        if effect == "refuse":
            status, body = _answer(client, query)
            assert status == app.contract.refusal_status.value
            assert body["parameter"] in query
            assert "cannot be used together" in body["error"]
        else:
            kept = {k: v for k, v in query.items() if k not in effect["ignore"]}
            assert kept != query
            assert _answer(client, query) == _answer(client, kept)

    return check


for number in range(len(CONTRACT.rules)):
    probe(f"x-kapso-rules/{number}/effect")(_rule(number))


def _spelled(
    client: httpx.Client, app: FakeApp, query: str, plain: str, parameter: str, accepted: bool
) -> None:
    """``query`` is answered as ``plain`` is when the reading accepts it, else refused."""
    response = client.get(f"{PATH}?{query}")
    if accepted:
        assert (response.status_code, response.json()) == _answer_text(client, plain), query
    else:
        _refused(response, app.contract, parameter)


def _answer_text(client: httpx.Client, query: str) -> tuple[int, Any]:
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 200, response.text
    return response.status_code, response.json()


@probe("x-kapso-query/leading-zeros")
def _leading_zeros(client: httpx.Client, app: FakeApp, value: str) -> None:
    _spelled(client, app, "limit=007", "limit=7", "limit", value == "accepted")


@probe("x-kapso-query/plus-sign")
def _plus_sign(client: httpx.Client, app: FakeApp, value: str) -> None:
    _spelled(client, app, "limit=%2B7", "limit=7", "limit", value == "accepted")


@probe("x-kapso-query/booleans")
def _booleans(client: httpx.Client, app: FakeApp, spellings: dict[str, list[str]]) -> None:
    for word in ("true", "1", "yes", "t", "false", "0", "no", "f", "True"):
        truth = next((truth for truth, words in spellings.items() if word in words), None)
        query, plain = f"has_customer={word}", f"has_customer={truth}"
        _spelled(client, app, query, plain, "has_customer", truth is not None)


@probe("x-kapso-query/date-times/forms")
def _forms(client: httpx.Client, app: FakeApp, value: str) -> None:
    for iso, rfc in [("2025-01-01", "2025-01-01T00:00:00Z"),
                     ("2025-01-01%2012:30:00Z", "2025-01-01T12:30:00Z"),
                     ("2025-01-01T12:30:00", "2025-01-01T12:30:00Z"),
                     ("2025-01-01T12:30:00%2B0530", "2025-01-01T12:30:00%2B05:30")]:  # fmt: skip
        _spelled(client, app, f"created_after={iso}", f"created_after={rfc}", "created_after",
                 value == "iso8601")  # fmt: skip


@probe("x-kapso-query/date-times/lowercase")
def _lowercase(client: httpx.Client, app: FakeApp, value: str) -> None:
    lower, upper = "created_after=2025-01-01t00:00:00z", "created_after=2025-01-01T00:00:00Z"
    _spelled(client, app, lower, upper, "created_after", value == "accepted")


@probe("x-kapso-query/date-times/sub-microsecond")
def _sub_microsecond(client: httpx.Client, app: FakeApp, value: str) -> None:
    stamps = [c["created_at"] for c in app.store.listing()]
    tied = next(s for s in stamps if stamps.count(s) > 1)
    later = tied[:-1] + "1Z"  # a tenth of a microsecond after the tied items
    kept = walk(client, {"created_before": later}, limit=100)
    at_it = [c for c in app.store.listing() if c["created_at"] == tied]
    # Kept: the bound is after them; truncated: it is them, and "before" excludes them.
    assert all((c in kept) is (value == "kept") for c in at_it)
    assert walk(client, {"created_after": later}, limit=100) == [
        c for c in app.store.listing() if c["created_at"] > tied
    ]


@probe("x-kapso-query/repeated")
def _repeated(client: httpx.Client, app: FakeApp, value: str) -> None:
    served = items_of(app.contract, client.get(f"{PATH}?limit=3&limit=5"))
    assert len(served) == (5 if value == "last" else 3)


@probe("x-kapso-query/empty-value")
def _empty_filter(client: httpx.Client, app: FakeApp, value: str) -> None:
    everything = app.store.listing()
    for name, filter_ in app.contract.filters.items():
        text = app.contract.parameters[name].kind == "string"
        response = client.get(PATH, params={name: "", "limit": 100})
        if value == "ignore" or (value == "ignore-text" and text):
            assert items_of(app.contract, response) == everything[:100], name
        elif value == "refuse" or not text:
            _refused(response, app.contract, name)
        else:  # literal: the empty text is the value (no linked record has it)
            literal = [c for c in everything if not filter_.through and filter_.keeps(c, "")]
            assert items_of(app.contract, response) == literal[:100], name


@probe("x-kapso-query/unknown")
def _unknown(client: httpx.Client, app: FakeApp, value: str) -> None:
    response = client.get(PATH, params={"colour": "blue", "limit": 4})
    if value == "ignore":
        assert response.json() == client.get(PATH, params={"limit": 4}).json()
    else:
        _refused(response, app.contract, "colour")


@probe("x-kapso-query/out-of-range")
def _out_of_range(client: httpx.Client, app: FakeApp, value: str) -> None:
    limit = CURSOR.limit
    assert limit.minimum is not None and limit.maximum is not None
    for given, nearest in ((limit.maximum + 1, limit.maximum), (limit.minimum - 1, limit.minimum)):
        _spelled(client, app, f"limit={given}", f"limit={nearest}", "limit", value == "clamp")


@probe("x-kapso-refusal/status")
def _refusal_status(client: httpx.Client, app: FakeApp, status: int) -> None:
    response = client.get(PATH, params={"limit": "abc"})
    assert response.status_code == status
    assert response.json() == {"error": "limit must be an integer, got 'abc'", "parameter": "limit"}


def _cases() -> list[Any]:
    cases = []
    for fact in CONTRACT.assumptions:
        pointer = CONTRACT.relative(fact.pointer)
        for value in (fact.raw, *fact.readings):
            reading = "own" if value == fact.raw else "reading"
            cases.append(pytest.param(fact, value, id=f"{pointer}={reading}:{value}"))
    return cases


@pytest.mark.parametrize(("fact", "value"), _cases())
def test_the_fake_serves_each_reading_of_each_assumed_fact(fact: Fact[Any], value: Any) -> None:
    pointer = CONTRACT.relative(fact.pointer)
    assert pointer in PROBES, f"no probe for {pointer}: add one above"
    readings = {} if value == fact.raw else {pointer: value}
    app = create_app(api_keys=[KEY], contacts=150, seed=5, readings=readings)
    assert app.contract.fact(pointer).raw == value
    with client_for(app) as client:
        PROBES[pointer](client, app, value)


@pytest.mark.parametrize(
    ("fact", "value"), [case for case in _cases() if case.values[1] != case.values[0].raw]
)
def test_each_probe_tells_the_reading_from_the_spec_s_own(fact: Fact[Any], value: Any) -> None:
    # The answer changes: what the reading means is not what the spec's own fake serves.
    app = create_app(api_keys=[KEY], contacts=150, seed=5)
    with client_for(app) as client, pytest.raises(AssertionError):
        PROBES[CONTRACT.relative(fact.pointer)](client, app, value)


def test_readings_combine() -> None:
    readings = {
        "x-kapso-order/1/direction": "ascending",
        "x-kapso-items/nulls": "omitted",
        "x-kapso-pagination/one-envelope": False,
        "x-kapso-refusal/status": 422,
    }
    app = create_app(api_keys=[KEY], contacts=150, seed=5, readings=readings)
    with client_for(app) as client:
        for pointer, value in readings.items():
            PROBES[pointer](client, app, value)


@pytest.mark.parametrize(
    ("readings", "problem"),
    [({"x-kapso-order/0/direction": "ascending"}, "no assumed fact"),
     ({"x-kapso-order/1/direction": "sideways"}, "reads one of")],
)  # fmt: skip
def test_a_reading_the_spec_does_not_list_is_refused(
    readings: dict[str, Any], problem: str
) -> None:
    with pytest.raises((KeyError, ValueError), match=problem):
        create_app(api_keys=[KEY], contacts=1, readings=readings)


def test_every_reading_has_a_probe_and_no_probe_is_stale() -> None:
    assert set(PROBES) == {CONTRACT.relative(f.pointer) for f in CONTRACT.assumptions}


def test_a_reading_changes_only_its_own_fact(everything: list[Item]) -> None:
    app = create_app(
        api_keys=[KEY], contacts=300, seed=7, readings={"x-kapso-query/unknown": "refuse"}
    )
    assert ids(app.store.listing()) == ids(everything)
