"""Documented ranges, cross-parameter rules, cursors, types and auth: edges and one past."""

from __future__ import annotations

import base64

import httpx
import pytest

from contract_tests import _pagechecks
from contract_tests._api import Answer, Api
from contract_tests._constants import LEGACY_LIMIT_MESSAGE, MAX_LEGACY_WINDOW, STRING_FILTERS

# (query, status): each documented bound at its edge and one past (docs page: Required range;
# spec: minimum 1 on page/per_page; facts: limit=200 is a 400, not clamped).
EDGES = [
    ({"limit": "1"}, 200),
    ({"limit": "100"}, 200),
    ({"limit": "0"}, 400),
    ({"limit": "101"}, 400),
    ({"limit": "200"}, 400),
    ({"per_page": "1"}, 200),
    ({"per_page": "100"}, 200),
    ({"per_page": "0"}, 400),
    ({"per_page": "101"}, 400),
    ({"page": "1"}, 200),
    ({"page": "50"}, 200),
    ({"page": "0"}, 400),
    ({"page": "51"}, 400),
    ({"page": "50", "per_page": "100"}, 200),
]
WRONG_TYPES = [
    {"limit": "ten"},
    {"limit": "2.5"},
    {"page": "first"},
    {"has_customer": "maybe"},
    {"created_after": "yesterday"},
    {"created_before": "2025-13-45T99:00:00Z"},
]
UNISSUED = base64.urlsafe_b64encode(b"not-a-cursor-this-server-issued").decode()


def _label(query: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items())


@pytest.mark.parametrize(("query", "status"), EDGES, ids=[_label(q) for q, _ in EDGES])
def test_documented_bound_is_accepted_at_its_edge_and_refused_one_past(
    api: Api, query: dict[str, str], status: int
) -> None:
    """Docs/spec: every documented bound holds exactly at its edge."""
    answer = api.raw(query)
    answer.expect(status, f"{_label(query)} is {'within' if status == 200 else 'past'} the range")
    if status == 200:
        size = int(query.get("limit") or query.get("per_page") or 20)
        if len(answer.contacts) > size:
            raise AssertionError(
                f"{_label(query)} returns at most {size}; got {len(answer.contacts)}"
            )
        one_page(query, answer)


def one_page(query: dict[str, str], answer: Answer) -> None:
    """Everything one 200 must be on its own: envelope, legacy totals, size, order, filters."""
    _pagechecks.envelope_matches_mode(query, answer.headers, answer.body)
    _pagechecks.legacy_totals(query, answer.headers, answer.body)
    _pagechecks.page_respects_size(query, answer.body)
    _pagechecks.newest_first(answer.contacts)
    _pagechecks.filters_sound(query, answer.contacts)


@pytest.mark.parametrize("per_page", ["20", "100"])
def test_page_past_50_gets_the_documented_legacy_limit_body(api: Api, per_page: str) -> None:
    """Facts/spec: page 51 is a 400 with the legacy_offset_pagination_limit_exceeded body."""
    answer = api.raw({"page": "51", "per_page": per_page}).expect(400, "page=51 is refused")
    _legacy_limit_body(answer, page=51, per_page=int(per_page))


def _legacy_limit_body(answer: Answer, page: int, per_page: int) -> None:
    body = answer.body if isinstance(answer.body, dict) else {}
    expected = {
        "message": LEGACY_LIMIT_MESSAGE,
        "requested_page": page,
        "requested_per_page": per_page,
        "requested_window": page * per_page,
        "max_page": 50,
        "max_window": MAX_LEGACY_WINDOW,
    }
    wrong = {k: body.get(k) for k, v in expected.items() if body.get(k) != v}
    if (
        wrong
        or not isinstance(body.get("detail"), str)
        or not isinstance(body.get("cursor_example"), str)
    ):
        raise AssertionError(
            f"the legacy limit 400 carries {expected} plus detail and cursor_example; got"
            f" {wrong or body} (GET {answer.url})"
        )


def _cursors(api: Api) -> tuple[str, str]:
    first = api.list(limit=1).expect(200, "limit=1 is a 200")
    after = first.paging.get("next")
    if not isinstance(after, str):
        pytest.skip("the account holds fewer than 2 contacts: no cursor to test with")
    second = api.list(limit=1, after=after).expect(200, "`after` with an issued cursor is a 200")
    before = second.paging.get("previous")
    if not isinstance(before, str):
        raise AssertionError(f"page 2 has a `previous` cursor; got {before!r} (GET {second.url})")
    return after, before


def test_cross_parameter_rules_are_refused(api: Api) -> None:
    """Spec, Cross-parameter rules: before+after, and legacy with cursor parameters, are 400s."""
    after, before = _cursors(api)
    for query in (
        {"after": after, "before": before},
        {"page": "1", "limit": "10"},
        {"per_page": "10", "after": after},
        {"page": "2", "before": before},
    ):
        shown = ", ".join(sorted(query))
        api.raw(query).expect(400, f"{shown} together are refused")


def test_a_cursor_the_server_did_not_issue_is_refused(api: Api) -> None:
    """Spec: a cursor value the server did not issue is refused with a 400."""
    api.raw({"after": UNISSUED}).expect(400, "an `after` the server did not issue is refused")
    api.raw({"before": UNISSUED}).expect(400, "a `before` the server did not issue is refused")


@pytest.mark.parametrize("query", WRONG_TYPES, ids=[_label(q) for q in WRONG_TYPES])
def test_a_value_of_the_wrong_type_is_refused(api: Api, query: dict[str, str]) -> None:
    """Spec, 400: a parameter of the wrong type is refused."""
    api.raw(query).expect(400, f"{_label(query)} is not of the declared type")


def test_a_request_without_a_valid_key_is_a_401_with_an_error_body(
    api: Api, http_without_key: httpx.Client
) -> None:
    """Spec, 401: missing or invalid X-API-Key; body {error}."""
    for headers, what in (({}, "no X-API-Key"), ({"X-API-Key": "invalid-key"}, "a wrong key")):
        http_without_key.headers.update(headers)
        answer = api.raw({"limit": "1"}, client=http_without_key)
        answer.expect(401, f"a request with {what} is refused")
        if not isinstance(answer.body, dict) or not isinstance(answer.body.get("error"), str):
            raise AssertionError(f"a 401 body is {{error: text}}; got {answer.body!r}")


# Valid values no server may choke on (the spec gives every string filter `type: string`
# with no length or character limit): an astral-plane character with a combining mark and
# the literal `%`, `_`, `\`; and a value past 255 characters (4,096: with the URL it stays
# under the 8,000-octet request line RFC 9110 asks every server to support).
AWKWARD = {
    "astral, combining, %_\\": "\U0001f600e\u0301%_\\",
    "4096 characters": "z" * 4096,
}


@pytest.mark.parametrize("value", sorted(AWKWARD))
@pytest.mark.parametrize("name", STRING_FILTERS)
def test_every_string_filter_accepts_any_string(api: Api, name: str, value: str) -> None:
    """Spec: every string filter takes any string: a 200 the client parses, never a 5xx.

    Soundness too: whatever comes back matches the filter.
    """
    answer = api.raw({name: AWKWARD[value]}).expect(200, f"{name} accepts any string ({value})")
    one_page({name: AWKWARD[value]}, answer)
