"""Values shared across the fake's modules."""

from __future__ import annotations

#: Where the API lives; the spec's server URL ends in ``/platform/v1``.
CONTACTS_PATH = "/platform/v1/whatsapp/contacts"

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_LEGACY_PAGE = 50
MAX_LEGACY_WINDOW = 5000

#: The one format every timestamp is written in: UTC, microseconds, ``Z``.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
