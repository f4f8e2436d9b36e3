"""Schemathesis hooks and checks, loaded by pytest and by `st run` (schemathesis.toml).

- `before_call` (st run) and `prepare_case` (pytest) give positive requests
  cursors the server issued (see `_cursors`).
- `filter_failure` forgives exactly one thing: a 400 to a positive request
  that breaks a documented cross-parameter rule (`_rules`), which the check
  `cross_parameter_rules_enforced` then requires.
- The checks below hold for any server that honours the docs.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from kapso_contacts_api.models import ContactList, Error, LegacyPaginationLimitError
from schemathesis import Case, CheckContext, HookContext, Response
from schemathesis.core.failures import Failure

from contract_tests import _pagechecks
from contract_tests._cursors import POOL, Fetch, with_issued_cursors
from contract_tests._drift import DRIFT
from contract_tests._rules import obey_rules, violated_rules

_PRIMING = False


def _is_positive(case: Case[Any]) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def prepare_case(case: Case[Any], fetch: Fetch | None) -> Case[Any]:
    """Give a positive case issued cursors in place of made-up ones.

    Fuzzed positive cases are also made to obey the cross-parameter rules, so
    that they exercise the filters; examples and coverage cases keep their
    combinations and meet `cross_parameter_rules_enforced`.
    """
    if not _is_positive(case):
        return case
    query = dict(case.query)
    if case.meta is not None and case.meta.phase.name.value == "fuzzing":
        query = obey_rules(query)
    if "after" in query or "before" in query:
        query = with_issued_cursors(query, fetch)
    if query != case.query:
        case.query = query
    return case


def _body(response: Response) -> Any:
    try:
        return response.json()
    except Exception:
        return None


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """st run: swap made-up cursors for issued ones, priming the pool with a short walk."""
    global _PRIMING
    if _PRIMING:
        return

    def fetch(query: dict[str, Any]) -> tuple[int, Any]:
        global _PRIMING
        probe = case.operation.Case(query=query)
        _PRIMING = True
        try:
            response = probe.call(**kwargs)
        finally:
            _PRIMING = False
        return response.status_code, _body(response)

    prepare_case(case, fetch)


@schemathesis.hook
def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    """Harvest cursors and record drift from every answer."""
    body = _body(response)
    POOL.record(response.status_code, body)
    flat = {name: values[0] for name, values in response.headers.items() if values}
    DRIFT.observe(response.status_code, flat, body, case.formatted_path)


@schemathesis.hook
def filter_failure(
    context: HookContext, failure: Failure, case: Case[Any], response: Response
) -> bool:
    """Keep every failure but a 400 to a positive request that breaks a documented rule."""
    rejected_positive = "positive_data_acceptance" in getattr(failure, "checks", ())
    return not (rejected_positive and response.status_code == 400 and violated_rules(case.query))


@schemathesis.check
def cross_parameter_rules_enforced(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Spec: before+after, and legacy with cursor parameters, are refused with a 400."""
    if case.method == "GET" and response.status_code not in (401, 429):
        _pagechecks.rules_enforced(case.query, response.status_code)
    return None


@schemathesis.check
def envelope_matches_mode(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Spec: cursor mode answers `paging`, legacy mode `meta` and X-Total*/Link; exactly one."""
    if response.status_code == 200 and case.method == "GET":
        _pagechecks.envelope_matches_mode(case.query, response.headers, _body(response))
    return None


@schemathesis.check
def page_respects_limit(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Docs: `limit` / `per_page` cap the page (default 20)."""
    body = _body(response)
    if response.status_code == 200 and isinstance(body, dict):
        _pagechecks.page_respects_size(case.query, body)
    return None


@schemathesis.check
def contacts_newest_first(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Spec: newest first by created_at."""
    body = _body(response)
    if (
        response.status_code == 200
        and isinstance(body, dict)
        and isinstance(body.get("data"), list)
    ):
        _pagechecks.newest_first(body["data"])
    return None


@schemathesis.check
def filter_is_sound(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Docs: every returned contact matches every filter given."""
    body = _body(response)
    if (
        response.status_code == 200
        and isinstance(body, dict)
        and isinstance(body.get("data"), list)
    ):
        _pagechecks.filters_sound(case.query, body["data"])
    return None


@schemathesis.check
def legacy_totals_agree(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """Facts: meta, X-Total* and the page length agree."""
    body = _body(response)
    if response.status_code == 200 and isinstance(body, dict):
        _pagechecks.legacy_totals(case.query, response.headers, body)
    return None


@schemathesis.check
def parses_with_generated_client(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    """Every documented response, error bodies included, parses with the generated client."""
    status, body = response.status_code, _body(response)
    try:
        if status == 200:
            ContactList.from_dict(body)
        elif status == 400 and isinstance(body, dict) and "detail" in body:
            LegacyPaginationLimitError.from_dict(body)
        elif status in (400, 401, 429):
            Error.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AssertionError(
            f"a {status} body parses with the generated client; it did not ({exc!r})"
        ) from None
    return None
