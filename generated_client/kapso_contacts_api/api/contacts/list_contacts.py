import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contact_list import ContactList
from ...models.error import Error
from ...models.legacy_pagination_limit_error import LegacyPaginationLimitError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    customer_id: str | Unset = UNSET,
    customer_external_id: str | Unset = UNSET,
    has_customer: bool | Unset = UNSET,
    profile_name_contains: str | Unset = UNSET,
    wa_id_contains: str | Unset = UNSET,
    business_scoped_user_id: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    before: str | Unset = UNSET,
    after: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["customer_id"] = customer_id

    params["customer_external_id"] = customer_external_id

    params["has_customer"] = has_customer

    params["profile_name_contains"] = profile_name_contains

    params["wa_id_contains"] = wa_id_contains

    params["business_scoped_user_id"] = business_scoped_user_id

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["page"] = page

    params["per_page"] = per_page

    params["limit"] = limit

    params["before"] = before

    params["after"] = after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/whatsapp/contacts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContactList | Error | Error | LegacyPaginationLimitError | None:
    if response.status_code == 200:
        response_200 = ContactList.from_dict(response.json())

        return response_200

    if response.status_code == 400:

        def _parse_response_400(data: object) -> Error | LegacyPaginationLimitError:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_400_type_0 = LegacyPaginationLimitError.from_dict(data)

                return response_400_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_400_type_1 = Error.from_dict(data)

            return response_400_type_1

        response_400 = _parse_response_400(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ContactList | Error | Error | LegacyPaginationLimitError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    customer_id: str | Unset = UNSET,
    customer_external_id: str | Unset = UNSET,
    has_customer: bool | Unset = UNSET,
    profile_name_contains: str | Unset = UNSET,
    wa_id_contains: str | Unset = UNSET,
    business_scoped_user_id: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    before: str | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[ContactList | Error | Error | LegacyPaginationLimitError]:
    """List contacts

     Lists the project's WhatsApp contacts, newest first, filtered by every
    filter given (filters combine with AND).

    Args:
        customer_id (str | Unset):
        customer_external_id (str | Unset):
        has_customer (bool | Unset):
        profile_name_contains (str | Unset):
        wa_id_contains (str | Unset):
        business_scoped_user_id (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        limit (int | Unset):
        before (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).
        after (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactList | Error | Error | LegacyPaginationLimitError]
    """

    kwargs = _get_kwargs(
        customer_id=customer_id,
        customer_external_id=customer_external_id,
        has_customer=has_customer,
        profile_name_contains=profile_name_contains,
        wa_id_contains=wa_id_contains,
        business_scoped_user_id=business_scoped_user_id,
        created_after=created_after,
        created_before=created_before,
        page=page,
        per_page=per_page,
        limit=limit,
        before=before,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    customer_id: str | Unset = UNSET,
    customer_external_id: str | Unset = UNSET,
    has_customer: bool | Unset = UNSET,
    profile_name_contains: str | Unset = UNSET,
    wa_id_contains: str | Unset = UNSET,
    business_scoped_user_id: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    before: str | Unset = UNSET,
    after: str | Unset = UNSET,
) -> ContactList | Error | Error | LegacyPaginationLimitError | None:
    """List contacts

     Lists the project's WhatsApp contacts, newest first, filtered by every
    filter given (filters combine with AND).

    Args:
        customer_id (str | Unset):
        customer_external_id (str | Unset):
        has_customer (bool | Unset):
        profile_name_contains (str | Unset):
        wa_id_contains (str | Unset):
        business_scoped_user_id (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        limit (int | Unset):
        before (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).
        after (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactList | Error | Error | LegacyPaginationLimitError
    """

    return sync_detailed(
        client=client,
        customer_id=customer_id,
        customer_external_id=customer_external_id,
        has_customer=has_customer,
        profile_name_contains=profile_name_contains,
        wa_id_contains=wa_id_contains,
        business_scoped_user_id=business_scoped_user_id,
        created_after=created_after,
        created_before=created_before,
        page=page,
        per_page=per_page,
        limit=limit,
        before=before,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    customer_id: str | Unset = UNSET,
    customer_external_id: str | Unset = UNSET,
    has_customer: bool | Unset = UNSET,
    profile_name_contains: str | Unset = UNSET,
    wa_id_contains: str | Unset = UNSET,
    business_scoped_user_id: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    before: str | Unset = UNSET,
    after: str | Unset = UNSET,
) -> Response[ContactList | Error | Error | LegacyPaginationLimitError]:
    """List contacts

     Lists the project's WhatsApp contacts, newest first, filtered by every
    filter given (filters combine with AND).

    Args:
        customer_id (str | Unset):
        customer_external_id (str | Unset):
        has_customer (bool | Unset):
        profile_name_contains (str | Unset):
        wa_id_contains (str | Unset):
        business_scoped_user_id (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        limit (int | Unset):
        before (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).
        after (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactList | Error | Error | LegacyPaginationLimitError]
    """

    kwargs = _get_kwargs(
        customer_id=customer_id,
        customer_external_id=customer_external_id,
        has_customer=has_customer,
        profile_name_contains=profile_name_contains,
        wa_id_contains=wa_id_contains,
        business_scoped_user_id=business_scoped_user_id,
        created_after=created_after,
        created_before=created_before,
        page=page,
        per_page=per_page,
        limit=limit,
        before=before,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    customer_id: str | Unset = UNSET,
    customer_external_id: str | Unset = UNSET,
    has_customer: bool | Unset = UNSET,
    profile_name_contains: str | Unset = UNSET,
    wa_id_contains: str | Unset = UNSET,
    business_scoped_user_id: str | Unset = UNSET,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    page: int | Unset = UNSET,
    per_page: int | Unset = UNSET,
    limit: int | Unset = UNSET,
    before: str | Unset = UNSET,
    after: str | Unset = UNSET,
) -> ContactList | Error | Error | LegacyPaginationLimitError | None:
    """List contacts

     Lists the project's WhatsApp contacts, newest first, filtered by every
    filter given (filters combine with AND).

    Args:
        customer_id (str | Unset):
        customer_external_id (str | Unset):
        has_customer (bool | Unset):
        profile_name_contains (str | Unset):
        wa_id_contains (str | Unset):
        business_scoped_user_id (str | Unset):
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        page (int | Unset):
        per_page (int | Unset):
        limit (int | Unset):
        before (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).
        after (str | Unset): An opaque pagination cursor, Base64 (standard or URL-safe alphabet).
            Kapso's cursors encode a JSON keyset over (`created_at`, `id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactList | Error | Error | LegacyPaginationLimitError
    """

    return (
        await asyncio_detailed(
            client=client,
            customer_id=customer_id,
            customer_external_id=customer_external_id,
            has_customer=has_customer,
            profile_name_contains=profile_name_contains,
            wa_id_contains=wa_id_contains,
            business_scoped_user_id=business_scoped_user_id,
            created_after=created_after,
            created_before=created_before,
            page=page,
            per_page=per_page,
            limit=limit,
            before=before,
            after=after,
        )
    ).parsed
