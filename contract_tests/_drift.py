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

from contract_tests import _spec

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

    items: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _add(self, item: str, where: str) -> None:
        with self.lock:
            self.items.setdefault(item, where)

    def observe(self, status: int, headers: Mapping[str, str], body: Any, url: str) -> None:
        """Record what a response carries that the spec does not document."""
        where = f"{status} from {url}"
        if status not in _spec.documented_statuses():
            self._add(f"status {status}", where)
        documented = _spec.documented_headers(status) | {
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
        }
        for name in headers:
            lower = name.lower()
            if lower in documented or lower in GENERIC_HEADERS:
                continue
            if lower.startswith(GENERIC_PREFIXES):
                continue
            self._add(f"header {name}", where)
        if isinstance(body, dict):
            self._observe_body(status, body, where)

    def _observe_body(self, status: int, body: dict[str, Any], where: str) -> None:
        fields = _spec.documented_fields()
        if status == 200:
            self._fields("ContactList", body, fields, where)
            for contact in body.get("data") or []:
                if isinstance(contact, dict):
                    self._fields("Contact", contact, fields, where)
            for kind, key in (("LegacyMeta", "meta"), ("CursorPaging", "paging")):
                if isinstance(body.get(key), dict):
                    self._fields(kind, body[key], fields, where)
            paging = body.get("paging")
            if isinstance(paging, dict) and isinstance(paging.get("cursors"), dict):
                self._fields("CursorPair", paging["cursors"], fields, where)
        elif "message" in body and "detail" in body:
            self._fields("LegacyPaginationLimitError", body, fields, where)
        else:
            self._fields("Error", body, fields, where)

    def _fields(
        self, kind: str, obj: dict[str, Any], fields: dict[str, frozenset[str]], where: str
    ) -> None:
        for name in obj:
            if name not in fields[kind]:
                self._add(f"field {kind}.{name}", where)

    def lines(self) -> list[str]:
        """One line per undocumented item."""
        return [f"{item} (first seen: {where})" for item, where in sorted(self.items.items())]


DRIFT = DriftLog()
