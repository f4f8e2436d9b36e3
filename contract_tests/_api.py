"""Calls of the List contacts operation: each reply parsed, checked for drift and its schema."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from kapso_contacts_api.api.contacts import list_contacts

from kapso_contacts.contract import (
    Assessment,
    Contract,
    Provenance,
    body_schemas,
    parse_error_body,
)

from ._budget import BudgetSpent
from ._drift import DriftLog
from ._findings import promise
from ._refusals import Issued, snippet, verdict_for
from ._response_checks import contacts_of
from ._spec import BodyValidator, identity_field, success_status
from ._transport import BudgetExhausted

# The parse errors of the generated models' `from_dict`.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True)
class Reply:
    """One request and its response: query, status, headers, JSON body, the generated model."""

    contract: Contract = field(repr=False)
    pairs: tuple[tuple[str, str], ...]
    status: int
    headers: httpx.Headers
    body: Any
    parsed: object
    url: str

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """The contacts of the page."""
        return contacts_of(self.contract, self.body)

    @property
    def ids(self) -> list[str]:
        """The contacts' identities, in order."""
        key = identity_field(self.contract)
        return [str(contact.get(key)) for contact in self.contacts]

    @property
    def next(self) -> Any:
        """The cursor to pass as `after` for the next page (None at the end)."""
        return self.contract.pagination.cursor.next.get(self.body)

    @property
    def previous(self) -> Any:
        """The cursor to pass as `before` for the previous page (None at the start)."""
        return self.contract.pagination.cursor.previous.get(self.body)

    def envelope(self, name: str) -> dict[str, Any]:
        """A top-level object of the body (`paging`, `meta`), or {}."""
        found = self.body.get(name) if isinstance(self.body, dict) else None
        return found if isinstance(found, dict) else {}

    def verdict(self, issued: Issued | None = None) -> Assessment:
        """What the contract says of the query this reply answers."""
        return verdict_for(self.contract, self.pairs, issued)

    def expect(self, status: int, promise: str) -> Reply:
        """Fail with one line unless the status is `status`."""
        if self.status != status:
            raise AssertionError(
                f"{promise}: expected {status}, got {self.status} {snippet(self.body)}"
                f" for GET {self.url}"
            )
        return self

    def served(self, what: str, provenance: Provenance) -> Reply:
        """The page was served (`provenance`: the rule that says this query is valid)."""
        want = success_status(self.contract)
        promise(
            self.status == want,
            provenance,
            f"{what}: expected {want}, got {self.status} {snippet(self.body)} for GET {self.url}",
        )
        return self


class Api:
    """The List contacts operation: requests as the generated client builds them."""

    def __init__(
        self, http: httpx.Client, contract: Contract, drift: DriftLog | None = None
    ) -> None:
        self.http = http
        self.contract = contract
        self.drift = drift or DriftLog(contract)
        self.bodies = BodyValidator(contract)
        # Answers worth reading once per client (a window's unfiltered walk, say).
        self.memo: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Api({self.http.base_url})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def list(self, **params: Any) -> Reply:
        """GET the list with typed parameters (dates as datetimes), built by the generated client.

        A status the spec does not document fails: these calls expect an answer.
        """
        for name, value in params.items():
            kind = self.contract.parameters[name].kind
            if kind == "date-time" and not isinstance(value, datetime):
                raise TypeError(f"{name} must be a datetime here; use Api.raw for text")
        request = list_contacts._get_kwargs(**params)
        reply = self._send(self.http, request["url"], request["params"])
        if reply.status not in self.contract.statuses:
            raise AssertionError(
                f"the spec documents statuses {sorted(self.contract.statuses)}; got"
                f" {reply.status} {snippet(reply.body)} for GET {reply.url}"
            )
        return reply

    def raw(
        self,
        params: Mapping[str, str] | Iterable[tuple[str, str]],
        *,
        client: httpx.Client | None = None,
    ) -> Reply:
        """GET the list with raw query values (for values the generated client cannot send)."""
        pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
        return self._send(client or self.http, self.contract.operation_path, pairs)

    def _send(self, client: httpx.Client, path: str, params: Any) -> Reply:
        try:
            response = client.get(path, params=params)
        except BudgetExhausted as exc:
            raise BudgetSpent(str(exc)) from None
        body = _json(response.content)
        url = str(response.url)
        self.drift.observe(response.status_code, response.headers, body, url)
        parsed = self._parse(response.status_code, body, url)
        self._conforms(response.status_code, response.headers, body, url)
        pairs = tuple(response.request.url.params.multi_items())
        return Reply(
            self.contract, pairs, response.status_code, response.headers, body, parsed, url
        )

    def _parse(self, status: int, body: Any, url: str) -> object:
        """The generated model of a documented answer; a failure if it does not parse."""
        if status not in self.contract.statuses:
            return None
        try:
            parsed = parse_error_body(self.contract, status, body)
        except _PARSE_ERRORS as exc:
            parsed, problem = None, repr(exc)
        else:
            problem = f"it is none of {body_schemas(self.contract, status)}"
        if parsed is None:
            raise AssertionError(
                f"every response parses with the generated client; {status} {snippet(body)}"
                f" did not ({problem}) for GET {url}"
            )
        return parsed

    def _conforms(self, status: int, headers: httpx.Headers, body: Any, url: str) -> None:
        """Every documented answer has its documented media type and body schema.

        The schema layer checks this on its own cases; here it costs no request and
        covers every answer of the semantic layer too.
        """
        operation = self.contract.spec["paths"][self.contract.operation_path]["get"]
        media_types = set(operation["responses"].get(str(status), {}).get("content", {}))
        if not media_types:
            return
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in media_types:
            raise AssertionError(
                f"a {status} answer is {' or '.join(sorted(media_types))} (spec); got"
                f" Content-Type {media!r} for GET {url}"
            )
        problem = self.bodies.problem(status, body)
        if problem:
            raise AssertionError(
                f"a {status} body matches the spec's schema; {problem} for GET {url}"
            )


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None
