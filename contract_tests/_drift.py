"""Drift: response fields, headers and statuses the spec does not document.

Kapso adds fields over time (spec: "Unknown fields"), so drift is a warning
by default and a failure with KAPSO_CONTRACT_STRICT_DRIFT=1: either way a
team learns when the spec has gone stale.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kapso_contacts.contract import Contract, error_body_schema

from ._spec import undocumented_fields

# Headers any HTTP server or proxy may add; they say nothing about this API.
GENERIC_HEADERS = frozenset(
    {
        "content-type", "content-length", "content-encoding", "date", "server", "connection",
        "keep-alive", "transfer-encoding", "vary", "cache-control", "etag", "via", "age",
        "expires", "pragma", "last-modified", "strict-transport-security", "alt-svc",
        "x-content-type-options", "x-frame-options", "x-xss-protection", "referrer-policy",
        "content-security-policy", "permissions-policy", "x-request-id", "x-runtime",
        "report-to", "nel", "set-cookie", "x-download-options", "x-permitted-cross-domain-policies",
    }
)  # fmt: skip
GENERIC_PREFIXES = ("access-control-", "cf-", "x-amz-", "x-cache", "x-served-by", "x-vercel-")


@dataclass
class DriftLog:
    """Undocumented items seen, each with one example of where."""

    contract: Contract
    items: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _add(self, item: str, where: str) -> None:
        with self.lock:
            self.items.setdefault(item, where)

    def observe(self, status: int, headers: Mapping[str, str], body: Any, url: str) -> None:
        """Record what a response carries that the spec does not document."""
        contract = self.contract
        where = f"{status} from {url}"
        if status not in contract.statuses:
            self._add(f"status {status}", where)
        rate = contract.rate_limit
        documented = contract.response_headers(status) | {
            rate.limit_header.lower(),
            rate.remaining_header.lower(),
        }
        for name in headers:
            lower = name.lower()
            if lower in documented or lower in GENERIC_HEADERS:
                continue
            if lower.startswith(GENERIC_PREFIXES):
                continue
            self._add(f"header {name}", where)
        # The documented body it is (told apart by the spec's required fields and constants).
        schema = error_body_schema(contract, status, body)
        if schema is not None:
            for kind, name in undocumented_fields(contract, schema, body):
                self._add(f"field {kind}.{name}", where)

    def lines(self) -> list[str]:
        """One line per undocumented item."""
        return [f"{item} (first seen: {where})" for item, where in sorted(self.items.items())]
