"""The filters of List contacts (`x-kapso-filter` parameters), as a TypedDict.

Generated from the spec by `make generate`: do not edit.
"""

from __future__ import annotations

import datetime
from typing import TypedDict


class ContactFilters(TypedDict, total=False):
    """Filters of the List contacts operation; they combine with AND."""

    customer_id: str
    """Filter by associated customer ID (exact match). Kapso declares no `format` on this filter, so none is promised here: a value that is not a UUID simply matches no contact."""
    customer_external_id: str
    """Filter by the external ID of the customer the contact belongs to (exact match)."""
    has_customer: bool
    """Filter by customer association (`true` or `false`)."""
    profile_name_contains: str
    """Filter by profile name: case-insensitive substring match for any Unicode text. Characters are literal: `%`, `_` and `\\` are not wildcards."""
    wa_id_contains: str
    """Filter by WhatsApp ID (case-sensitive substring match, characters literal)."""
    business_scoped_user_id: str
    """Filter by business-scoped user ID (exact match). Not on the docs page; listed in Kapso's own OpenAPI document."""
    created_after: datetime.datetime | str
    """Only contacts created strictly after this ISO 8601 timestamp (exclusive bound: a contact created exactly at this instant is not returned). A timestamp with a UTC offset is compared as the instant it denotes; the accepted spellings are in `x-kapso-query`."""
    created_before: datetime.datetime | str
    """Only contacts created strictly before this ISO 8601 timestamp (exclusive bound: a contact created exactly at this instant is not returned). Same spellings as `created_after`."""
