"""Calls through the generated client, each answer parsed and checked for drift."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from kapso_contacts_api import AuthenticatedClient
from kapso_contacts_api.api.contacts import list_contacts
from kapso_contacts_api.errors import UnexpectedStatus
from kapso_contacts_api.models import ContactList, Error, LegacyPaginationLimitError

from contract_tests import _spec
from contract_tests._constants import API_KEY_HEADER, MASK
from contract_tests._drift import DRIFT
from contract_tests._transport import BudgetExhausted


@dataclass(frozen=True)
class Answer:
    """One response: status, headers, JSON body and what the generated client made of it."""

    status: int
    headers: httpx.Headers
    body: Any
    parsed: object
    url: str

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """The `data` items."""
        data = self.body.get("data") if isinstance(self.body, dict) else None
        return list(data) if isinstance(data, list) else []

    @property
    def ids(self) -> list[str]:
        """The ids of the `data` items, in order."""
        return [str(contact.get("id")) for contact in self.contacts]

    @property
    def paging(self) -> dict[str, Any]:
        """The `paging` object (cursor mode), or {}."""
        paging = self.body.get("paging") if isinstance(self.body, dict) else None
        return paging if isinstance(paging, dict) else {}

    @property
    def meta(self) -> dict[str, Any]:
        """The `meta` object (legacy mode), or {}."""
        meta = self.body.get("meta") if isinstance(self.body, dict) else None
        return meta if isinstance(meta, dict) else {}

    def expect(self, status: int, promise: str) -> Answer:
        """Fail with one line unless the status is `status`."""
        if self.status != status:
            raise AssertionError(
                f"{promise}: expected {status}, got {self.status} {_snippet(self.body)}"
                f" for GET {self.url}"
            )
        return self


def _snippet(body: Any) -> str:
    text = json.dumps(body, ensure_ascii=False) if body is not None else "(no JSON body)"
    return text if len(text) <= 120 else text[:120] + "..."


def _parse(status: int, body: Any) -> object:
    """Parse a body with the generated models the spec assigns to its status."""
    if status == 200:
        return ContactList.from_dict(body)
    if status == 400 and isinstance(body, dict) and "message" in body and "detail" in body:
        return LegacyPaginationLimitError.from_dict(body)
    return Error.from_dict(body)


class Api:
    """The List contacts operation, called through the generated client."""

    def __repr__(self) -> str:
        return f"Api({self.http.base_url})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __init__(self, client: httpx.Client) -> None:
        self.http = remember_urls(client)
        # The key travels in `client`'s headers; the generated client only holds a mask.
        self.generated = AuthenticatedClient(
            base_url=str(client.base_url),
            token=MASK,
            prefix="",
            auth_header_name=API_KEY_HEADER,
            raise_on_unexpected_status=True,
        ).set_httpx_client(client)

    def list(self, **params: Any) -> Answer:
        """GET the list with typed parameters (dates as datetimes) via the generated client."""
        self._check_types(params)
        try:
            detailed = list_contacts.sync_detailed(client=self.generated, **params)
        except BudgetExhausted as exc:
            pytest.skip(str(exc))
        except UnexpectedStatus as exc:
            raise AssertionError(
                f"the spec documents statuses 200, 400, 401, 429; got {exc.status_code}"
                f" {exc.content[:200]!r}"
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AssertionError(
                "every response parses with the generated client; the answer to"
                f" GET {detailed_url(self.http)} did not ({exc!r})"
            ) from None
        url = str(detailed_url(self.http))
        body = _json(detailed.content)
        headers = httpx.Headers(dict(detailed.headers))
        DRIFT.observe(int(detailed.status_code), headers, body, url)
        conforms(int(detailed.status_code), headers, body, url)
        return Answer(int(detailed.status_code), headers, body, detailed.parsed, url)

    def raw(self, params: dict[str, str], *, client: httpx.Client | None = None) -> Answer:
        """GET the list with raw query values (for values the generated client cannot send)."""
        try:
            response = (client or self.http).get("/whatsapp/contacts", params=params)
        except BudgetExhausted as exc:
            pytest.skip(str(exc))
        body = _json(response.content)
        url = str(response.url)
        DRIFT.observe(response.status_code, response.headers, body, url)
        conforms(response.status_code, response.headers, body, url)
        try:
            parsed = _parse(response.status_code, body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AssertionError(
                f"every response parses with the generated client; {response.status_code}"
                f" {_snippet(body)} did not ({exc!r}) for GET {url}"
            ) from None
        return Answer(response.status_code, response.headers, body, parsed, url)

    @staticmethod
    def _check_types(params: dict[str, Any]) -> None:
        for name in ("created_after", "created_before"):
            if name in params and not isinstance(params[name], datetime):
                raise TypeError(f"{name} must be a datetime here; use Api.raw for text")


def conforms(status: int, headers: httpx.Headers, body: Any, url: str) -> None:
    """Spec: every documented answer is application/json; a 200 body is a ContactList.

    The schema layer checks this on its own cases; here it costs no request and
    covers every answer of the semantic layer too.
    """
    if status not in _spec.documented_statuses():
        return
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise AssertionError(
            f"a {status} answer is application/json (spec); got Content-Type {media!r}"
            f" for GET {url}"
        )
    if status == 200:
        problem = _spec.contact_list_problem(body)
        if problem:
            raise AssertionError(
                f"a 200 body matches the spec's ContactList schema; {problem} for GET {url}"
            )


_LAST_URL: dict[int, str] = {}


def detailed_url(client: httpx.Client) -> str:
    """The URL of the last request `client` sent (recorded by its response hook)."""
    return _LAST_URL.get(id(client), "")


def remember_urls(client: httpx.Client) -> httpx.Client:
    """Install (once) a response hook that remembers each request URL for failure messages."""
    if id(client) in _LAST_URL:
        return client
    _LAST_URL[id(client)] = ""

    def _hook(response: httpx.Response) -> None:
        _LAST_URL[id(client)] = str(response.request.url)

    client.event_hooks["response"] = [*client.event_hooks["response"], _hook]
    return client


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None
