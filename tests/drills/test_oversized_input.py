"""Drill: oversized input gets a 4xx or a correct 200, never a 5xx or a hang.

8 KB values for every parameter, repeated parameters, 1,000 parameters; in
process and through a real uvicorn server on a loopback port.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kapso_contacts.contract import matches_schema

from .conftest import CONTRACT, KEY, PATH

EIGHT_KB = 8 * 1024
#: Filters whose value is any text; every other parameter has a typed value.
STRING_FILTERS = tuple(n for n, f in CONTRACT.filters.items() if f.meaning.value == "text")
OTHER_PARAMS = tuple(n for n in CONTRACT.parameters if n not in STRING_FILTERS)
FILLERS = {"ascii": "a", "digits": "7", "non-ascii": "é", "astral": "🎉", "percent": "%"}


@pytest.fixture(params=["in-process", pytest.param("loopback", marks=pytest.mark.loopback)])
def client(request: pytest.FixtureRequest, drill_client: httpx.Client) -> httpx.Client:
    """The same drills against the app in process and against a real server."""
    if request.param == "in-process":
        return drill_client
    real: httpx.Client = request.getfixturevalue("loopback")
    return real


def body(response: httpx.Response) -> Any:
    return response.json()


@pytest.mark.parametrize("filler", sorted(FILLERS))
@pytest.mark.parametrize("name", STRING_FILTERS)
def test_an_8kb_string_filter_matches_nothing(client: httpx.Client, name: str, filler: str) -> None:
    value = (FILLERS[filler] * EIGHT_KB)[: EIGHT_KB // len(FILLERS[filler].encode())]
    response = client.get(PATH, params={name: value, "limit": 10})
    assert response.status_code < 500
    if response.status_code == 200:
        assert body(response)["data"] == [], "no contact has an 8 KB name or id"
    else:
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize("name", OTHER_PARAMS)
def test_an_8kb_value_of_any_other_parameter_is_refused_with_a_documented_body(
    client: httpx.Client, name: str
) -> None:
    response = client.get(PATH, params={name: "9" * EIGHT_KB})
    assert 400 <= response.status_code < 500, response.status_code
    names = CONTRACT.body_schemas(response.status_code)  # the refusal bodies the spec documents
    assert any(matches_schema(CONTRACT, name, body(response)) for name in names), body(response)


def test_an_8kb_api_key_is_a_401(client: httpx.Client) -> None:
    response = client.get(PATH, headers={CONTRACT.api_key_header: "k" * EIGHT_KB})
    assert response.status_code == 401


def test_repeated_parameters_answer_as_one_of_the_values(client: httpx.Client) -> None:
    """The server may refuse repeats, or use one of the values; nothing else."""
    cases = [
        [("limit", "5"), ("limit", "7")],
        [("profile_name_contains", "a"), ("profile_name_contains", "zzzz-no-such-name")],
        [("has_customer", "true"), ("has_customer", "false")],
        [("page", "2"), ("page", "3"), ("per_page", "4")],
    ]
    for pairs in cases:
        response = client.get(PATH, params=tuple(pairs))
        assert response.status_code < 500
        if response.status_code != 200:
            assert response.status_code == 400
            continue
        name, values = pairs[0][0], [v for k, v in pairs if k == pairs[0][0]]
        rest = [(k, v) for k, v in pairs if k != name]
        singles = [body(client.get(PATH, params=((name, v), *rest))) for v in values]
        assert body(response) in singles, f"repeated {name} matches none of its values"


def test_one_filter_repeated_1000_times(client: httpx.Client) -> None:
    pairs = [("wa_id_contains", str(i)) for i in range(1000)]
    response = client.get(PATH, params=tuple(pairs))
    assert response.status_code < 500
    if response.status_code == 200:
        alone = client.get(PATH, params=(pairs[-1],))
        first = client.get(PATH, params=(pairs[0],))
        assert body(response) in (body(alone), body(first))


def test_1000_unknown_parameters_are_ignored_or_refused(client: httpx.Client) -> None:
    pairs = [(f"x{i}", str(i)) for i in range(1000)]
    response = client.get(PATH, params=tuple(pairs))
    assert response.status_code < 500
    if response.status_code == 200:
        assert body(response) == body(client.get(PATH))


def test_1000_parameters_with_8kb_of_filters(client: httpx.Client) -> None:
    pairs = [("profile_name_contains", "a" * 8)] * 1000
    response = client.get(PATH, params=tuple(pairs))
    assert response.status_code < 500
    if response.status_code == 200:
        assert body(response)["data"] == []


def test_keys_are_compared_whole(drill_client: httpx.Client) -> None:
    """An 8 KB key that starts with the real one is still refused."""
    response = drill_client.get(PATH, headers={CONTRACT.api_key_header: KEY + "x" * EIGHT_KB})
    assert response.status_code == 401
