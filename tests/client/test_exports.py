"""Every public name imports from the package root, and ``__all__`` lists exactly those."""

from __future__ import annotations

import kapso_contacts
from kapso_contacts import (  # noqa: F401 (each name is checked through globals())
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
    AsyncListClient,
    AsyncPage,
    AsyncRetryingTransport,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    Contact,
    ContactFilters,
    ContactPage,
    Contract,
    InternalServerError,
    InvalidParameterError,
    KapsoContacts,
    KapsoError,
    LegacyPaginationLimitExceededError,
    ListClient,
    MissingAPIKeyError,
    NotFoundError,
    Page,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    RetryingTransport,
    RetryPolicy,
    load_contract,
)

IMPORTED = {name: value for name, value in globals().items() if name in kapso_contacts.__all__}
ERRORS = [
    value for value in IMPORTED.values() if isinstance(value, type) and issubclass(value, Exception)
]


def test_all_lists_exactly_the_names_imported_here_and_they_are_the_roots() -> None:
    assert sorted(kapso_contacts.__all__) == sorted(IMPORTED)
    assert all(getattr(kapso_contacts, name) is value for name, value in IMPORTED.items())


def test_every_error_derives_from_the_one_base_class() -> None:
    assert len(ERRORS) == 17
    assert all(issubclass(cls, KapsoError) for cls in ERRORS)
    assert issubclass(MissingAPIKeyError, ConfigurationError)
    assert issubclass(APITimeoutError, APIConnectionError)


def test_the_contacts_pages_are_the_generic_pages_of_the_contact_model() -> None:
    assert ContactPage == Page[Contact] and AsyncContactPage == AsyncPage[Contact]
    assert DEFAULT_BASE_URL == "https://api.kapso.ai/platform/v1"
    assert (DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT.connect) == (8, 5.0)
