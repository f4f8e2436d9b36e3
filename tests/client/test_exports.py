"""Every public name imports from the package root, and ``__all__`` lists exactly those."""

from __future__ import annotations

import kapso_contacts
from kapso_contacts import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncContactPage,
    AsyncKapsoContacts,
    AsyncRetryingTransport,
    AuthenticationError,
    BadRequestError,
    Contact,
    ContactFilters,
    ContactPage,
    InternalServerError,
    InvalidParameterError,
    KapsoContacts,
    KapsoError,
    LegacyPaginationLimitExceededError,
    MissingAPIKeyError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    RetryingTransport,
    RetryPolicy,
)

IMPORTED = {
    "DEFAULT_BASE_URL": DEFAULT_BASE_URL,
    "DEFAULT_MAX_RETRIES": DEFAULT_MAX_RETRIES,
    "DEFAULT_TIMEOUT": DEFAULT_TIMEOUT,
    "APIConnectionError": APIConnectionError,
    "APIError": APIError,
    "APIResponseValidationError": APIResponseValidationError,
    "APIStatusError": APIStatusError,
    "APITimeoutError": APITimeoutError,
    "AsyncContactPage": AsyncContactPage,
    "AsyncKapsoContacts": AsyncKapsoContacts,
    "AsyncRetryingTransport": AsyncRetryingTransport,
    "AuthenticationError": AuthenticationError,
    "BadRequestError": BadRequestError,
    "Contact": Contact,
    "ContactFilters": ContactFilters,
    "ContactPage": ContactPage,
    "InternalServerError": InternalServerError,
    "InvalidParameterError": InvalidParameterError,
    "KapsoContacts": KapsoContacts,
    "KapsoError": KapsoError,
    "LegacyPaginationLimitExceededError": LegacyPaginationLimitExceededError,
    "MissingAPIKeyError": MissingAPIKeyError,
    "NotFoundError": NotFoundError,
    "PaginationLoopError": PaginationLoopError,
    "PermissionDeniedError": PermissionDeniedError,
    "RateLimitError": RateLimitError,
    "RateLimitInfo": RateLimitInfo,
    "RetryingTransport": RetryingTransport,
    "RetryPolicy": RetryPolicy,
}


def test_all_lists_exactly_the_names_imported_here() -> None:
    assert sorted(kapso_contacts.__all__) == sorted(IMPORTED)


def test_every_name_in_all_is_the_object_the_root_exports() -> None:
    for name, value in IMPORTED.items():
        assert getattr(kapso_contacts, name) is value


def test_every_error_derives_from_the_one_base_class() -> None:
    errors = [value for value in IMPORTED.values() if isinstance(value, type)]
    errors = [cls for cls in errors if issubclass(cls, Exception)]
    assert len(errors) == 16
    assert all(issubclass(cls, KapsoError) for cls in errors)


def test_the_console_script_entry_point_exists() -> None:
    from kapso_contacts.cli import main

    assert callable(main)
