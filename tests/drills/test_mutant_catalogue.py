"""The mutant catalogue: big enough, covers every category, and no mutant is a no-op.

Each mutant must change at least one answer of a fixed probe battery
compared with the clean fake on a small dataset; the re-serving engine the
filter mutants use must, with the correct predicate, answer exactly as the
fake does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from kapso_contacts.contract import default_contract
from kapso_fake import cli as kapso_fake_cli
from kapso_fake import create_app, encode_cursor, generate_dataset
from kapso_fake.mutants import CATEGORIES, MUTANTS, Answer, Call, Forward, Server, apply_mutant
from kapso_fake.mutants._exchange import MutantApp
from kapso_fake.mutants._listing import page_listing, walk

from .conftest import KEY, PATH, client_for

CONTACTS, SEED = 150, 5
CONTRACT = default_contract()
Probe = tuple[str, list[tuple[str, str]], dict[str, str] | None]
"""A label, the query pairs and the headers (None: the valid key)."""


@pytest.fixture(scope="module")
def clean_app() -> ASGIApp:
    return create_app(api_keys=[KEY], contacts=CONTACTS, seed=SEED)


@pytest.fixture(scope="module")
def clean(clean_app: ASGIApp) -> Iterator[httpx.Client]:
    with client_for(clean_app) as client:
        yield client


def _contacts(client: httpx.Client) -> list[dict[str, Any]]:
    return list(client.get(PATH, params={"per_page": 100, "page": 1}).json()["data"]) + list(
        client.get(PATH, params={"per_page": 100, "page": 2}).json()["data"]
    )


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


def _offset_bound(everyone: list[dict[str, Any]]) -> str:
    """The newest contact's created_at written at UTC+20:00, for ``created_before``.

    Read with its offset dropped, the bound moves 20 hours later and lets that contact in.
    """
    newest = max(_instant(c["created_at"]) for c in everyone)
    return newest.astimezone(timezone(timedelta(hours=20))).isoformat()


def probes(client: httpx.Client) -> list[Probe]:
    """A fixed battery of ordinary and edge requests, with values taken from the data."""
    everyone = _contacts(client)
    first = client.get(PATH, params={"limit": 7}).json()
    cursor = first["paging"]["next"]
    named = next(c for c in everyone if re.search(r"[ΣØÉŁ]", c["profile_name"]))
    upper = next(c for c in everyone if re.match(r"[A-Z][a-z]{3}", c["profile_name"]))
    with_wa = next(c for c in everyone if c["wa_id"] and len(c["wa_id"]) > 8)
    with_bsu = next(c for c in everyone if c["business_scoped_user_id"])
    with_customer = next(c for c in everyone if c["customer_id"])
    dataset = generate_dataset(CONTACTS, SEED)
    middle = everyone[len(everyone) // 2]["created_at"]
    p: list[tuple[str, list[tuple[str, str]]]] = [
        ("bare", []),
        ("legacy page 2", [("page", "2"), ("per_page", "7")]),
        ("legacy big page", [("page", "1"), ("per_page", "100")]),
        ("cursor first page", [("limit", "7")]),
        ("cursor big page", [("limit", "100")]),
        ("cursor next", [("limit", "7"), ("after", cursor)]),
        ("cursor before", [("limit", "7"), ("before", cursor)]),
        ("cursor last page", [("limit", "100"), ("after", _last_cursor(client))]),
        ("customer_id", [("customer_id", with_customer["customer_id"]), ("limit", "50")]),
        ("external id", [("customer_external_id", dataset.customers[0].external_id)]),
        ("has_customer false", [("has_customer", "false"), ("limit", "100")]),
        ("bsuid", [("business_scoped_user_id", with_bsu["business_scoped_user_id"])]),
        ("wa_id middle", [("wa_id_contains", with_wa["wa_id"][3:7]), ("limit", "100")]),
        ("name non-ascii lower", [("profile_name_contains", named["profile_name"].lower())]),
        ("name upper", [("profile_name_contains", upper["profile_name"][1:4].upper())]),
        ("name middle", [("profile_name_contains", upper["profile_name"][1:4])]),
        ("name wildcard", [("profile_name_contains", "_"), ("limit", "100")]),
        ("after bound", [("created_after", middle), ("limit", "100")]),
        ("before bound", [("created_before", middle), ("limit", "100")]),
        ("offset bound", [("created_before", _offset_bound(everyone)), ("limit", "100")]),
        ("two filters", [("has_customer", "true"), ("wa_id_contains", "5"), ("per_page", "50")]),
        ("legacy filtered", [("has_customer", "true"), ("page", "1")]),
        ("astral name", [("profile_name_contains", "🎉")]),
        ("long filter", [("profile_name_contains", "a" * 300)]),
        ("empty cursor page", [("customer_id", "no-such-customer"), ("limit", "5")]),
        ("limit 101", [("limit", "101")]),
        ("limit 0", [("limit", "0")]),
        ("per_page 101", [("per_page", "101")]),
        ("per_page 0", [("per_page", "0")]),
        ("page 0", [("page", "0")]),
        ("page 51", [("page", "51")]),
        ("mixed modes", [("page", "1"), ("limit", "5")]),
        ("before and after", [("after", cursor), ("before", cursor)]),
        *_edges_of_the_listing(everyone, middle),
    ]
    battery: list[Probe] = [(label, query, None) for label, query in p]
    battery += [
        ("no key", [], {}),
        ("empty key", [], {"X-API-Key": ""}),
        ("wrong key", [], {"X-API-Key": "not-the-key"}),
    ]
    return battery


def _cursor_of(contact: dict[str, Any]) -> str:
    return encode_cursor(contact["created_at"], contact["id"])


def _edges_of_the_listing(
    everyone: list[dict[str, Any]], middle: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Probes at the edges the power recipes check: before, ends, exact multiples, spellings."""
    legacy = CONTRACT.pagination.legacy
    half = len(everyone) // 2
    tie = next(
        i for i, c in enumerate(everyone[1:]) if c["created_at"] == everyone[i]["created_at"]
    )
    per_page = int(legacy.per_page.maximum or 1)
    nanos = middle.replace("Z", "001Z")
    # The millisecond just after the middle contact (so that it is before the bound).
    micros = int(middle[middle.index(".") + 1 : -1])
    milli = middle[: middle.index(".")] + f".{min(micros // 1000 + 1, 999):03d}Z"
    return [
        ("before, small page", [("limit", "2"), ("before", _cursor_of(everyone[6]))]),
        ("after, default size", [("after", _cursor_of(everyone[0]))]),
        (
            "after, filtered",
            [("has_customer", "false"), ("limit", "7"), ("after", _cursor_of(everyone[0]))],
        ),
        ("after a tie", [("limit", "3"), ("after", _cursor_of(everyone[tie]))]),
        ("one left", [("limit", "1"), ("after", _cursor_of(everyone[-3]))]),
        ("exact multiple", [("limit", str(half)), ("after", _cursor_of(everyone[half - 1]))]),
        ("legacy past the end", [("page", str(len(everyone))), ("per_page", str(per_page))]),
        ("largest page", [("page", str(legacy.max_page)), ("per_page", "1")]),
        (
            "largest window",
            [("page", str(legacy.max_window // per_page)), ("per_page", str(per_page))],
        ),
        ("empty filter", [("customer_id", ""), ("limit", "5")]),
        ("leading zero", [("limit", "010")]),
        ("repeated", [("limit", "x"), ("limit", "5")]),
        ("unknown parameter", [("limit", "5"), ("no_such_parameter", "1")]),
        ("bound, 3 digits", [("created_before", milli), ("limit", "100")]),
        ("bound, 9 digits", [("created_before", nanos), ("limit", "100")]),
        ("bound, z", [("created_before", middle.replace("Z", "z")), ("limit", "100")]),
        ("bound, t", [("created_before", middle.replace("T", "t")), ("limit", "100")]),
    ]


def _last_cursor(client: httpx.Client) -> str:
    query = {"limit": "100"}
    for _ in range(100):
        body = client.get(PATH, params=query).json()
        if body["paging"]["next"] is None:
            break
        query["after"] = body["paging"]["next"]
    return query.get("after", "")


def _seen(client: httpx.Client, probe: Probe) -> tuple[Any, ...]:
    _, query, headers = probe
    response = client.get(PATH, params=tuple(query), headers=headers)
    if headers is not None and "X-API-Key" not in headers:
        response = _without_key(client, query)
    kept = {k: v for k, v in response.headers.items() if k.startswith("x-") or k in ("link",)}
    kept["content-type"] = response.headers.get("content-type", "")
    return response.status_code, response.content, kept


def _without_key(client: httpx.Client, query: list[tuple[str, str]]) -> httpx.Response:
    request = client.build_request("GET", PATH, params=tuple(query))
    del request.headers["X-API-Key"]
    return client.send(request)


def test_the_catalogue_has_at_least_80_mutants_in_every_category() -> None:
    assert len(MUTANTS) >= 80
    assert {m.category for m in MUTANTS.values()} == set(CATEGORIES)
    for name, mutant in MUTANTS.items():
        assert name == mutant.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name), name
        assert mutant.description and "\n" not in mutant.description
        assert mutant.breaks in ("documented", "assumed") and mutant.caught_by


@pytest.fixture(scope="module")
def battery(clean: httpx.Client) -> list[tuple[Probe, tuple[Any, ...]]]:
    """The probes and the clean fake's answers to them."""
    return [(probe, _seen(clean, probe)) for probe in probes(clean)]


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mutant_changes_some_answer(
    name: str, clean_app: ASGIApp, battery: list[tuple[Probe, tuple[Any, ...]]]
) -> None:
    with client_for(apply_mutant(clean_app, name, api_keys=[KEY])) as mutated:
        differing = [probe[0] for probe, seen in battery if _seen(mutated, probe) != seen]
    assert differing, f"{name} answers every probe exactly as the clean fake"


def test_the_reserving_engine_is_faithful(clean: httpx.Client, clean_app: ASGIApp) -> None:
    """Re-serving the correct listing (what filter mutants build on) changes nothing."""

    async def identity(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        return page_listing(call, await walk(forward, call), answer) if answer.ok else answer

    with client_for(MutantApp(clean_app, identity, Server(CONTRACT))) as same:
        for probe in probes(clean):
            assert _seen(same, probe) == _seen(clean, probe), probe[0]


def test_unknown_mutants_and_missing_keys_are_refused(clean_app: ASGIApp) -> None:
    with pytest.raises(KeyError):
        apply_mutant(clean_app, "no-such-mutant")
    with pytest.raises(ValueError, match="API key"):
        apply_mutant(clean_app, "any-key-accepted")


def test_kapso_fake_lists_every_mutant(capsys: pytest.CaptureFixture[str]) -> None:
    kapso_fake_cli.main(["--list-mutants"])
    output = capsys.readouterr().out
    listed = {line.split()[1] for line in output.splitlines() if line.strip()}
    assert listed == set(MUTANTS)
