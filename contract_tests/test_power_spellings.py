"""Every accepted spelling of a value is a promise of its own, checked at a real boundary.

A date bound in each RFC 3339 spelling (`_spellings`) is put at real creation
times: the API's own form and the exact ones at the instants themselves (both
bounds exclusive), the inexact ones (0 or 3 digits, or 9 that add to an
instant) on either side of them, where a bound read to the second, to the
millisecond, with its digits misplaced or its zone dropped lets a contact in
or out. What comes back must be exactly the window's contacts strictly after
and before the instants the bounds denote. Integers and booleans in every
other spelling `x-kapso-query` accepts read as their value.
"""

from __future__ import annotations

from typing import Any

import pytest

from kapso_contacts.contract import Contract, assess

from . import _budget, _filter_model, _walk_checks
from ._api import Api
from ._coverage import Coverage
from ._findings import promise
from ._readings import expect_read_as
from ._refusals import snippet
from ._response_checks import one_page
from ._spec import identity_field, suite_contract
from ._spellings import DateSpelling, ValueSpelling, date_spellings, value_spellings
from ._windows import Anchor, bounds, created

CONTRACT = suite_contract()
SPELLINGS = date_spellings(CONTRACT)
# Where the bounding contacts are taken from: well inside the anchor, so that a bound
# written a second wide of a contact still falls among the contacts the anchor knows.
NEWEST_BOUND, OLDEST_BOUND, MIN_BETWEEN = 4, 60, 2


def _pair(anchor: Anchor, spelling: DateSpelling) -> tuple[int, int] | None:
    """Two anchor contacts (newer, older) a few apart whose times the spelling straddles."""
    contract = anchor.contract
    times = [created(contract, c) for c in anchor.contacts]
    last = min(OLDEST_BOUND, len(times) - 2)

    def fit(i: int) -> bool:
        alone = times[i - 1] != times[i] != times[i + 1]
        return alone and spelling.can_straddle(times[i])

    for newer in range(min(NEWEST_BOUND, last), last):
        if not fit(newer):
            continue
        for older in range(newer + MIN_BETWEEN + 1, last + 1):
            if fit(older):
                return newer, older
    return None


def _expected(contract: Contract, anchor: Anchor, query: dict[str, str]) -> list[str]:
    """The anchor contacts the bounds, as the contract reads them, keep (in order)."""
    values = {n: v for n, v in assess(contract, query).values.items() if n in contract.filters}
    key = identity_field(contract)
    return [
        str(c[key]) for c in anchor.contacts if _filter_model.matches(contract, c, values) is True
    ]


@_budget.cost(_budget.RECIPE)
@pytest.mark.parametrize("spelling", SPELLINGS, ids=[s.label for s in SPELLINGS])
def test_date_bounds_hold_in_every_spelling(
    api: Api, anchor: Anchor, coverage: Coverage, spelling: DateSpelling
) -> None:
    """Both bounds in one spelling: accepted, and exactly the contacts strictly between."""
    contract = api.contract
    after, before = bounds(contract)
    pair = _pair(anchor, spelling)
    if pair is None:
        why = (
            f"no two of the newest {min(OLDEST_BOUND, len(anchor.contacts))} contacts were created"
            f" at instants {spelling.label} cannot write exactly"
        )
        coverage.miss("date-bounds", spelling.label, why)
        pytest.skip(why)
    newer, older = (anchor.instant(i) for i in pair)
    # Exact: at the instants (both out). Else: just outside them (both in), just inside (both out).
    cases = (
        [(spelling.above(older), spelling.below(newer))]
        if spelling.exact
        else [
            (spelling.below(older), spelling.above(newer)),
            (spelling.above(older), spelling.below(newer)),
        ]
    )
    cursor = contract.pagination.cursor
    size = cursor.limit.maximum or cursor.limit.default
    for low, high in cases:
        query: dict[str, Any] = {after.parameter: low, before.parameter: high}
        expected = _expected(contract, anchor, query)
        reply = api.raw({**query, cursor.limit.name: str(size)})
        accepted = contract.parameters[after.parameter].source_of("format")
        promise(
            reply.status == 200,
            accepted,
            f"{after.parameter}={low} and {before.parameter}={high} ({spelling.label}, RFC 3339"
            f" date-times) are accepted; got {reply.status} {snippet(reply.body)}"
            f" (GET {reply.url})",
        )
        one_page(contract, reply.verdict(), reply.headers, reply.body)
        _exclusive(contract, reply.verdict(), reply.contacts, reply.url)
        _walk_checks.same_sequence(
            expected,
            reply.ids,
            f"the window {after.parameter}={low}, {before.parameter}={high} ({spelling.label})",
            after.provenance,
        )
    coverage.hit("date-bounds", spelling.label)


def _exclusive(contract: Contract, verdict: Any, contacts: list[dict[str, Any]], url: str) -> None:
    """No contact created exactly at a bound's instant comes back (both bounds are exclusive)."""
    for rule in bounds(contract):
        bound = verdict.values.get(rule.parameter)
        if bound is None or bound.inexact:
            continue
        for contact in contacts:
            promise(
                created(contract, contact) != bound.floor,
                rule.provenance,
                f"{rule.parameter} is exclusive: a contact created exactly at the bound is not"
                f" returned; got {_filter_model.describe(contract, contact)} (GET {url})",
            )


SPELLED = value_spellings(CONTRACT)


@_budget.cost(_budget.SWEEP, rank=1)
@pytest.mark.parametrize("spelled", SPELLED, ids=[f"{s.parameter}, {s.label}" for s in SPELLED])
def test_every_accepted_spelling_reads_as_its_value(
    api: Api, coverage: Coverage, spelled: ValueSpelling
) -> None:
    """A value in another accepted spelling (`010`) is answered as the value written plainly."""
    what = f"{spelled.parameter}={spelled.text}"
    expect_read_as(api, api.raw({spelled.parameter: spelled.text}), spelled.provenance, what)
    coverage.hit("spellings", f"{spelled.parameter} with a {spelled.label}")
