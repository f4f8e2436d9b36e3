"""The filters of a list request and their SQL, shared by the store and the query parser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._timestamps import format_timestamp


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters of a request; ``None`` (or an empty string) means not filtered.

    Filters combine with AND. ``created_after``/``created_before`` are
    exclusive bounds and must be timezone-aware.
    """

    customer_id: str | None = None
    customer_external_id: str | None = None
    has_customer: bool | None = None
    profile_name_contains: str | None = None
    wa_id_contains: str | None = None
    business_scoped_user_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None

    def where(self) -> tuple[str, list[object]]:
        """Return the SQL condition (``1`` when unfiltered) and its arguments.

        Raises:
            ValueError: a bound is a naive datetime.
            OverflowError: a bound falls outside years 1..9999 in UTC.
        """
        clauses: list[str] = []
        args: list[object] = []
        if self.customer_id:
            clauses.append("customer_id = ?")
            args.append(self.customer_id)
        if self.customer_external_id:
            clauses.append("customer_id IN (SELECT id FROM customers WHERE external_id = ?)")
            args.append(self.customer_external_id)
        if self.has_customer is not None:
            clauses.append(f"customer_id IS {'NOT ' if self.has_customer else ''}NULL")
        if self.profile_name_contains:
            # A precomputed casefold() column: Unicode case-insensitive, and
            # instr() treats %, _ and \\ as the characters they are.
            clauses.append("instr(profile_name_folded, ?) > 0")
            args.append(self.profile_name_contains.casefold())
        if self.wa_id_contains:
            clauses.append("instr(wa_id, ?) > 0")
            args.append(self.wa_id_contains)
        if self.business_scoped_user_id:
            clauses.append("business_scoped_user_id = ?")
            args.append(self.business_scoped_user_id)
        if self.created_after is not None:
            clauses.append("created_at > ?")
            args.append(format_timestamp(self.created_after))
        if self.created_before is not None:
            clauses.append("created_at < ?")
            args.append(format_timestamp(self.created_before))
        return (" AND ".join(clauses) or "1"), args
