"""The spec drives the client: swap the contract and the client's ranges, filters and CLI follow."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kapso_contacts import (
    ContactFilters,
    InvalidParameterError,
    KapsoContacts,
    RetryingTransport,
    RetryPolicy,
)
from kapso_contacts.cli import CliOverrides, build_cli
from kapso_contacts.contract import (
    Contract,
    assess,
    build_contract,
    default_contract,
    packaged_spec,
)

from .conftest import BASE_URL, KEY, FakeTime, Stub

CONTRACT = default_contract()
LIMIT = CONTRACT.pagination.cursor.limit


def _spec() -> dict[str, Any]:
    return copy.deepcopy(packaged_spec())


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"][CONTRACT.operation_path]["get"]
    return operation


def _with_limit_maximum(maximum: int) -> Contract:
    spec = _spec()
    for parameter in _operation(spec)["parameters"]:
        if parameter["name"] == LIMIT.name:
            parameter["schema"]["maximum"] = maximum
    return build_contract(spec)


def _with_filter(name: str, kind: dict[str, Any], description: str) -> Contract:
    spec = _spec()
    _operation(spec)["parameters"].append(
        {
            "name": name,
            "in": "query",
            "description": description,
            "schema": kind,
            "x-kapso-filter": {
                "field": "username",
                "match": "contains",
                "assumed": "A filter this test adds to the spec.",
            },
        }
    )
    return build_contract(spec)


def _client(stub: Stub, contract: Contract | None = None) -> KapsoContacts:
    return KapsoContacts(
        api_key=KEY, base_url=BASE_URL, transport=stub.transport(), contract=contract
    )


# --------------------------------------------------------------------------- ranges


def test_a_contract_whose_limit_maximum_is_250_lets_the_client_send_250(stub: Stub) -> None:
    contract = _with_limit_maximum(250)
    with _client(stub, contract) as kapso:
        kapso.list_contacts(limit=250)
        with pytest.raises(InvalidParameterError, match="from 1 to 250, got '251'"):
            kapso.list_contacts(limit=251)
    assert [r.url.params["limit"] for r in stub.requests] == ["250"]
    with _client(Stub(), None) as kapso, pytest.raises(InvalidParameterError):
        kapso.list_contacts(limit=250)  # the shipped spec still says 100


def test_a_walk_asks_for_the_contracts_largest_page(stub: Stub) -> None:
    stub.total = 600
    with _client(stub, _with_limit_maximum(250)) as kapso:
        assert len(list(kapso.iter_contacts())) == 600
    assert [r.url.params["limit"] for r in stub.requests] == ["250", "250", "250"]


def test_one_page_asks_for_the_documented_default_and_a_walk_for_the_maximum(stub: Stub) -> None:
    stub.total = 500
    with _client(stub) as kapso:
        kapso.list_contacts()
        next(kapso.iter_pages())
    sent = [r.url.params["limit"] for r in stub.requests]
    assert sent == [str(LIMIT.default), str(LIMIT.maximum)]


@given(st.integers(min_value=-(10**6), max_value=10**6))
def test_the_client_refuses_a_limit_exactly_when_the_contract_does(limit: int) -> None:
    stub = Stub(total=0)
    refused_by_contract = assess(CONTRACT, {LIMIT.name: str(limit)}).refused
    with _client(stub) as kapso:
        if refused_by_contract:
            with pytest.raises(InvalidParameterError) as caught:
                kapso.list_contacts(limit=limit)
            assert caught.value.parameter == LIMIT.name
        else:
            kapso.list_contacts(limit=limit)
    assert len(stub.requests) == (0 if refused_by_contract else 1)


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"after": "YWJj", "before": "ZGVm"}, "after"),  # x-kapso-rules: before-with-after
        ({"created_after": "0001-01-01T00:00:00+05:00"}, "created_after"),  # before year 1 in UTC
        ({"before": ""}, "before"),
    ],
)
def test_values_and_combinations_the_contract_refuses_are_refused_before_sending(
    stub: Stub, arguments: dict[str, Any], parameter: str
) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(**arguments)
    assert caught.value.parameter == parameter
    assert stub.requests == []


# --------------------------------------------------------------------------- filters


def test_the_filters_typeddict_is_the_generated_one() -> None:
    from kapso_contacts_api.filters import ContactFilters as Generated

    assert ContactFilters is Generated
    assert set(ContactFilters.__annotations__) == set(CONTRACT.filters)


def test_an_unknown_filter_lists_the_contracts_filters(stub: Stub) -> None:
    with _client(stub) as kapso, pytest.raises(InvalidParameterError) as caught:
        kapso.list_contacts(nickname="x")  # type: ignore[call-arg]
    assert f"the filters are: {', '.join(CONTRACT.filters)}" in str(caught.value)


def test_a_filter_added_to_the_spec_is_accepted_by_the_client(stub: Stub) -> None:
    contract = _with_filter("username_contains", {"type": "string"}, "Username contains this.")
    with _client(stub, contract) as kapso:
        kapso.list_contacts(username_contains="maria")  # type: ignore[call-arg]
    assert stub.requests[0].url.params["username_contains"] == "maria"


def test_a_filter_added_to_the_spec_appears_in_the_cli_with_its_description(stub: Stub) -> None:
    description = "Only contacts whose username contains this (a filter added by this test)."
    contract = _with_filter("username_contains", {"type": "string"}, description)
    cli = build_cli(contract)
    runner = CliRunner()
    help_text = " ".join(runner.invoke(cli, ["list", "--help"]).stdout.split())
    assert f"--username-contains TEXT {description}" in help_text
    result = runner.invoke(
        cli,
        ["list", "--username-contains", "maria"],
        env={"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL},
        obj=CliOverrides(transport=stub.transport()),
    )
    assert result.exit_code == 0, result.stderr
    assert stub.requests[0].url.params["username_contains"] == "maria"


def test_a_boolean_filter_added_to_the_spec_takes_the_specs_spellings(stub: Stub) -> None:
    contract = _with_filter("has_username", {"type": "boolean"}, "With a username.")
    cli = build_cli(contract)
    env = {"KAPSO_API_KEY": KEY, "KAPSO_BASE_URL": BASE_URL}
    overrides = CliOverrides(transport=stub.transport())
    true = contract.query.booleans.true[0]
    ok = CliRunner().invoke(cli, ["list", "--has-username", true], env=env, obj=overrides)
    assert ok.exit_code == 0, ok.stderr
    assert stub.requests[0].url.params["has_username"] == true
    refused = CliRunner().invoke(cli, ["list", "--has-username", "yes"], env=env, obj=overrides)
    assert refused.exit_code == 2
    assert "'yes' is not true or false" in refused.stderr


def test_the_cli_limit_range_comes_from_the_contract() -> None:
    cli = build_cli(_with_limit_maximum(250))
    help_text = " ".join(CliRunner().invoke(cli, ["list", "--help"]).stdout.split())
    assert "Contacts per request, 1-250 [default: 20; 250 with --all]" in help_text
    refused = CliRunner().invoke(cli, ["list", "--limit", "251"], env={"KAPSO_API_KEY": KEY})
    assert "251 is not in the range 1<=x<=250" in refused.stderr


# --------------------------------------------------------------------------- rate limit


def test_retry_policy_waits_one_window_of_the_contract_by_default() -> None:
    window = CONTRACT.rate_limit.window_seconds
    policy = RetryPolicy()
    assert policy.rate_limit_window == window
    assert policy.max_retry_after == window


def test_pacing_reads_the_rate_limit_headers_the_contract_names(fake_time: FakeTime) -> None:
    spec = _spec()
    rate = _operation(spec)["x-kapso-rate-limit"]
    rate["limit-header"], rate["remaining-header"] = "RateLimit-Limit", "RateLimit-Remaining"
    contract = build_contract(spec)
    stub = Stub(total=2, headers={"RateLimit-Remaining": "0", "RateLimit-Limit": "1"})
    transport = RetryingTransport(
        stub.transport(), policy=fake_time.policy(), rate_limit=contract.rate_limit
    )
    with httpx.Client(transport=transport, base_url=BASE_URL) as client:
        client.get("/whatsapp/contacts")
        client.get("/whatsapp/contacts")
    assert fake_time.sleeps == [contract.rate_limit.window_seconds]
