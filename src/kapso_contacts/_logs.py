"""Logging behind ``KAPSO_LOG``, with API keys masked in every record."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from ._constants import LOG_ENV

logger: logging.Logger = logging.getLogger("kapso_contacts")

MASK = "***"
SENSITIVE_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie"})

# API keys of the clients built in this process: masked wherever they would appear.
_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Mask ``secret`` in every record this package logs from now on."""
    if secret:
        _secrets.add(secret)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret replaced by ``***``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Return a copy of ``headers`` with sensitive values masked."""
    return {
        name: MASK if name.lower() in SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }


class RedactingFilter(logging.Filter):
    """Masks sensitive headers and registered API keys in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = redact_headers({str(k): str(v) for k, v in record.args.items()})
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        if _secrets:
            record.msg = redact(record.getMessage())
            record.args = None
        return True


def _redact_arg(arg: object) -> object:
    if isinstance(arg, Mapping) and any(str(key).lower() in SENSITIVE_HEADERS for key in arg):
        return redact_headers({str(key): str(value) for key, value in arg.items()})
    return arg


def setup_logging() -> None:
    """Send this package's records to stderr at the level ``KAPSO_LOG`` names.

    ``KAPSO_LOG=debug`` logs every request, response and retry; ``KAPSO_LOG=info``
    logs retries and rate-limit pauses only. Unset, nothing is configured. Safe to
    call more than once.
    """
    level = os.environ.get(LOG_ENV, "").strip().lower()
    if level not in {"debug", "info"}:
        return
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    if not any(getattr(handler, "_kapso", False) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s kapso] %(message)s"))
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record arrives (it may be swapped)."""

    _kapso = True

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


logger.addFilter(RedactingFilter())
