"""The contract facts mutants look up: filters by meaning, node ids of the suite, refusals.

A mutant never names a parameter, a bound, a field or an error body: it asks
the contract for "the case-insensitive substring filter" or "`limit`'s
maximum", so a change of the spec changes the mutants with it. The catalogue
itself is built from the shipped spec (`default_contract`).
"""

from __future__ import annotations

from kapso_contacts_api import models

from kapso_contacts.contract import Contract, Filter, default_contract

from ._exchange import Answer, Call, Forward

CONTRACT = default_contract()


def slug(name: str) -> str:
    """A parameter or field name as a mutant name part: `profile_name` -> `profile-name`."""
    return name.replace("_", "-").replace(".", "-")


def filter_by(contract: Contract, match: str, case_insensitive: bool | None = None) -> Filter:
    """The first filter with that meaning (`contains`, case-insensitive...).

    Raises:
        LookupError: the contract has none.
    """
    for rule in contract.filters.values():
        if rule.match == match and case_insensitive in (None, rule.case_insensitive):
            return rule
    raise LookupError(f"the contract has no {match} filter")


def date_bounds(contract: Contract) -> tuple[Filter, Filter]:
    """The exclusive date bounds: (the `after` filter, the `before` filter)."""
    return filter_by(contract, "after"), filter_by(contract, "before")


def pagination_names(contract: Contract) -> set[str]:
    """Every parameter that chooses a pagination mode."""
    pagination = contract.pagination
    return {p.name for p in (*pagination.cursor.parameters, *pagination.legacy.parameters)}


async def refused(call: Call, forward: Forward, name: str, message: str) -> Answer:
    """The correct app's refusal, as it would refuse `name` (the contract's status and body)."""
    limit = call.contract.pagination.cursor.limit
    template = await forward(call.only(()).with_param(limit.name, "not-a-number"))
    body = models.Error(error=message, parameter=name).to_dict()
    return template.with_json(body, status=call.contract.refusal.status)


# The suite's checks the mutants name (node ids under its directory).
def edge(label: str) -> str:
    """A bound at its edge or past it (`limit maximum+1`)."""
    return (
        "test_semantics_ranges.py::"
        f"test_documented_bound_is_accepted_at_its_edge_and_refused_one_past[{label}]"
    )


def paging(label: str) -> str:
    """Cursor pages both ways at an edge of `limit` (`minimum`, ..., `maximum`)."""
    return f"test_power_paging.py::test_cursor_pages_both_ways_at_every_edge_of_limit[{label}]"


def legacy_pages(label: str) -> str:
    """Legacy pages at an edge of `per_page` (`minimum`, `default`, `maximum-1`, `maximum`)."""
    return f"test_power_paging.py::test_legacy_pages_at_the_first_last_and_largest_page[{label}]"


def spelling(label: str) -> str:
    """Date bounds in one spelling (`Z`, `3 digits`, `+05:30`...)."""
    return f"test_power_spellings.py::test_date_bounds_hold_in_every_spelling[{label}]"


def integers(name: str) -> str:
    """An integer parameter with a leading zero."""
    test = "test_power_spellings.py::test_every_accepted_spelling_reads_as_its_value"
    return f"{test}[{name}, leading zero]"


def recipe(label: str) -> str:
    """One filter recipe (`has_customer=false`, `wa_id_contains, a real piece`...)."""
    return (
        "test_semantics_filters.py::"
        f"test_each_filter_is_sound_and_complete_on_the_newest_contacts[{label}]"
    )


def awkward(name: str, label: str) -> str:
    """A string filter given an awkward value (`4096 characters`...)."""
    return f"test_semantics_ranges.py::test_every_string_filter_accepts_any_string[{name}-{label}]"


def wrong_type(name: str, value: str) -> str:
    """A value no reading of its parameter's type accepts."""
    return f"test_semantics_ranges.py::test_a_value_of_the_wrong_type_is_refused[{name}={value}]"


TIES = "test_power_paging.py::test_ties_are_broken_one_way_across_page_boundaries"
EMPTY = "test_power_paging.py::test_an_empty_result_is_an_empty_page_in_both_modes"
ENVELOPES = "test_semantics_paging.py::test_each_mode_answers_with_its_own_envelope"
AUTH = "test_semantics_ranges.py::test_a_request_without_a_valid_key_is_a_401_with_an_error_body"
QUERY = "test_semantics_rules.py::test_a_query_is_read_as_the_contract_says"
UNISSUED = "test_semantics_rules.py::test_a_cursor_the_server_did_not_issue_is_refused"
FOLDING = "test_semantics_filters.py::test_name_filter_folds_the_case_of_every_letter"
LEGACY_LIMIT = (
    "test_semantics_ranges.py::test_page_past_the_largest_gets_the_documented_legacy_limit_body"
)


def rule(rule_id: str) -> str:
    """A rule between parameters."""
    return f"test_semantics_rules.py::test_cross_parameter_rule_is_honoured[{rule_id}]"
