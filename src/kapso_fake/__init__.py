"""A faithful fake of Kapso's WhatsApp contacts API, for offline tests and development."""

from ._cursor import decode_cursor, encode_cursor
from ._faults import FAULT_KINDS, FaultConfig
from ._filters import Filters
from .app import create_app
from .data import Dataset, generate_dataset
from .store import ContactStore

__all__ = [  # noqa: RUF022 (grouped by topic)
    # the app
    "FAULT_KINDS",
    "FaultConfig",
    "create_app",
    # the data
    "ContactStore",
    "Dataset",
    "Filters",
    "generate_dataset",
    # cursors
    "decode_cursor",
    "encode_cursor",
]
