"""A client for Kapso's list endpoints, driven by their specs (``docs/client.md``).

``KapsoContacts`` lists contacts; ``ListClient(contract=load_contract("spec.yaml"))``
lists what any list operation a spec describes lists.
"""

from kapso_contacts_api.filters import ContactFilters
from kapso_contacts_api.models import Contact

from ._client import (
    DEFAULT_BASE_URL,
    AsyncContactPage,
    AsyncKapsoContacts,
    AsyncListClient,
    ContactPage,
    KapsoContacts,
    ListClient,
)
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    InvalidParameterError,
    KapsoError,
    LegacyPaginationLimitExceededError,
    MissingAPIKeyError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
)
from ._http import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncRetryingTransport,
    RetryingTransport,
    RetryPolicy,
)
from ._pagination import AsyncPage, Page
from .contract import Contract, load_contract

__all__ = [  # noqa: RUF022 (grouped by kind, sorted within a group)
    # Clients
    "AsyncKapsoContacts",
    "AsyncListClient",
    "KapsoContacts",
    "ListClient",
    # Contracts
    "Contract",
    "load_contract",
    # Pages and items
    "AsyncContactPage",
    "AsyncPage",
    "Contact",
    "ContactFilters",
    "ContactPage",
    "Page",
    "RateLimitInfo",
    # Retries
    "AsyncRetryingTransport",
    "RetryPolicy",
    "RetryingTransport",
    # Defaults
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    # Errors
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "InternalServerError",
    "InvalidParameterError",
    "KapsoError",
    "LegacyPaginationLimitExceededError",
    "MissingAPIKeyError",
    "NotFoundError",
    "PaginationLoopError",
    "PermissionDeniedError",
    "RateLimitError",
]
