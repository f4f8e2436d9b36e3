"""A query answered as the contract reads it: the same answer as the query written out plainly.

For a rule that ignores parameters, the query-syntax rules (unknown, empty,
repeated parameters) and every accepted spelling of a value, the answer must
be the answer to the query `assess` reads, written in the plain form
(`to_query_value`): refused if it is refused, else the same page.
"""

from __future__ import annotations

from kapso_contacts.contract import Assessment, Provenance, to_query_value

from ._api import Api, Reply
from ._findings import promise
from ._refusals import expect_refusal, snippet


def canonical(api: Api, verdict: Assessment) -> Reply:
    """The answer to the query as the contract reads it, written out plainly."""
    contract = api.contract
    return api.raw(
        {n: to_query_value(contract, contract.parameters[n], v) for n, v in verdict.values.items()}
    )


def expect_read_as(api: Api, reply: Reply, provenance: Provenance, what: str) -> None:
    """The reply is the contract's reading of its query: refused, or served as the plain query."""
    verdict = reply.verdict()
    if verdict.refused:
        expect_refusal(api.contract, verdict, reply.status, reply.body, what, reply.url)
        return
    plain = canonical(api, verdict)
    promise(
        (reply.status, reply.ids, _keys(reply)) == (plain.status, plain.ids, _keys(plain)),
        provenance,
        f"{what} is answered as {plain.url}; got {reply.status} {snippet(reply.body)}"
        f" for GET {reply.url}",
    )


def _keys(reply: Reply) -> list[str]:
    return sorted(reply.body) if isinstance(reply.body, dict) else []
