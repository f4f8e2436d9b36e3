"""A client for Kapso's WhatsApp List contacts API, built on the generated client.

```python
from kapso_contacts import KapsoContacts

with KapsoContacts() as kapso:  # reads KAPSO_API_KEY
    for contact in kapso.iter_contacts(has_customer=True):
        print(contact.id, contact.profile_name)
```
"""

from kapso_contacts_api.filters import ContactFilters
from kapso_contacts_api.models import Contact

from ._async_client import AsyncKapsoContacts
from ._client import KapsoContacts
from ._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidParameterError,
    KapsoError,
    LegacyPaginationLimitExceededError,
    MissingAPIKeyError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
)
from ._headers import RateLimitInfo
from ._pagination import AsyncContactPage, ContactPage
from ._policy import RetryPolicy
from ._retry import AsyncRetryingTransport, RetryingTransport

__all__ = [  # noqa: RUF022 (grouped by kind, sorted within a group)
    # Clients
    "AsyncKapsoContacts",
    "KapsoContacts",
    # Pages and items
    "AsyncContactPage",
    "Contact",
    "ContactFilters",
    "ContactPage",
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
