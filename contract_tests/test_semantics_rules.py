"""The contract's rules between parameters, how it reads a query, and cursors it did not issue.

For a rule that refuses, the server must refuse; for one that ignores, and
for the query-syntax rules (unknown parameters, empty filters, repeated
parameters), the answer must equal the answer to the query as the contract
reads it (`assess`), written out plainly.
"""

from __future__ import annotations

import base64

import pytest

from kapso_contacts.contract import Provenance

from ._api import Api
from ._findings import check_each
from ._probes import rule_triggers, string_filters
from ._readings import expect_read_as
from ._refusals import expect_verdict
from ._spec import suite_contract

CONTRACT = suite_contract()
# A well-formed cursor (Base64) that no server issued.
UNISSUED = base64.urlsafe_b64encode(b"not-a-cursor-this-server-issued").decode()


def issued_cursors(api: Api) -> dict[str, str]:
    """An `after` and a `before` the server issued (from the first two one-contact pages)."""
    cursor = api.contract.pagination.cursor
    size = cursor.limit.minimum or 1
    first = api.list(**{cursor.limit.name: size}).served(
        f"{cursor.limit.name}={size} is served", cursor.provenance
    )
    after = first.next
    if not isinstance(after, str):
        pytest.skip("the account holds too few contacts: no cursor to test with")
    second = api.list(**{cursor.limit.name: size, cursor.after.name: after}).served(
        f"`{cursor.after.name}` with an issued cursor is served", cursor.provenance
    )
    before = second.previous
    if not isinstance(before, str):
        raise AssertionError(f"page 2 has a `previous` cursor; got {before!r} (GET {second.url})")
    return {cursor.after.name: after, cursor.before.name: before}


@pytest.mark.parametrize("rule_id", [rule.id for rule in CONTRACT.rules])
def test_cross_parameter_rule_is_honoured(api: Api, rule_id: str) -> None:
    """A refusing rule gets the refusal; an ignoring one, the answer without those parameters."""
    rule = next(r for r in api.contract.rules if r.id == rule_id)
    cursors = issued_cursors(api)

    def check(query: dict[str, str]) -> None:
        what = f"{', '.join(sorted(query))} together"
        reply = api.raw(query)
        if rule.effect == "refuse":
            expect_verdict(
                api.contract, reply.verdict(), reply.status, reply.body, what, reply.url,
                rule.provenance,
            )  # fmt: skip
        else:
            expect_read_as(api, reply, rule.provenance, what)

    check_each(rule_triggers(api.contract, rule, cursors), check)


def test_a_cursor_the_server_did_not_issue_is_refused(api: Api) -> None:
    """A well-formed cursor the server did not issue gets what the contract says (refused)."""
    cursor = api.contract.pagination.cursor

    def check(name: str) -> None:
        reply = api.raw({name: UNISSUED})
        verdict = reply.verdict(issued=lambda _name, _value: False)
        expect_verdict(
            api.contract, verdict, reply.status, reply.body,
            f"a cursor the server did not issue, as `{name}`", reply.url, cursor.unissued,
        )  # fmt: skip

    check_each([cursor.after.name, cursor.before.name], check)


def test_a_query_is_read_as_the_contract_says(api: Api) -> None:
    """Unknown parameters, empty filters and repeated parameters read as the contract says."""
    contract = api.contract
    syntax = contract.query
    limit = contract.pagination.cursor.limit
    size = str(limit.minimum + 2 if limit.minimum is not None else 3)
    text_filter = string_filters(contract)[0]
    cases: list[tuple[list[tuple[str, str]], Provenance, str]] = [
        (
            [(limit.name, size), ("no_such_parameter", "1")],
            syntax.unknown_provenance,
            "a parameter the spec does not list",
        ),
        (
            [(limit.name, size), (text_filter, "")],
            syntax.empty_filter_provenance,
            f"an empty {text_filter}",
        ),
        (
            [(limit.name, "not-a-number"), (limit.name, size)],
            syntax.repeated_provenance,
            f"{limit.name} sent twice",
        ),
    ]

    def check(case: tuple[list[tuple[str, str]], Provenance, str]) -> None:
        pairs, provenance, what = case
        expect_read_as(api, api.raw(pairs), provenance, what)

    check_each(cases, check)
