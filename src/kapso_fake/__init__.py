"""A faithful fake of Kapso's WhatsApp contacts API, for offline tests and development.

Everything it serves (path, parameters, filters, order, envelopes, errors) is
read from the spec through ``kapso_contacts.contract``. Importing the package
needs no web framework: only serving it (``kapso-fake``, ``kapso_fake.testing``)
needs the ``[fake]`` extra.
"""

from ._envelopes import legacy_link_header
from ._faults import FAULT_KINDS, FaultConfig
from ._filters import Filters
from .app import FakeApp, create_app
from .cursor import CursorCodec, CursorError, decode_cursor, encode_cursor
from .data import Dataset, generate_dataset
from .store import ContactStore, Page

__all__ = [  # noqa: RUF022 (grouped by topic)
    # the app
    "FAULT_KINDS",
    "FakeApp",
    "FaultConfig",
    "create_app",
    # the data
    "ContactStore",
    "Dataset",
    "Filters",
    "Page",
    "generate_dataset",
    # cursors and links, shared with the mutants
    "CursorCodec",
    "CursorError",
    "decode_cursor",
    "encode_cursor",
    "legacy_link_header",
]
