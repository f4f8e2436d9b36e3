"""A faithful fake of Kapso's WhatsApp contacts API, for offline tests and development.

Everything it serves (path, parameters, filters, order, envelopes, errors) is
read from the spec through ``kapso_contacts.contract``. Importing the package
needs no web framework: only serving it (``kapso-fake``, ``kapso_fake.testing``)
needs the ``[fake]`` extra. Names load on first use, so that pytest, which
loads ``kapso_fake.pytest_plugin`` for every run, pays nothing for them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._envelopes import legacy_link_header as legacy_link_header
    from ._faults import FAULT_KINDS as FAULT_KINDS
    from ._faults import FaultConfig as FaultConfig
    from ._filters import Filters as Filters
    from .app import FakeApp as FakeApp
    from .app import create_app as create_app
    from .cursor import CursorCodec as CursorCodec
    from .cursor import CursorError as CursorError
    from .cursor import decode_cursor as decode_cursor
    from .cursor import encode_cursor as encode_cursor
    from .data import Dataset as Dataset
    from .data import generate_dataset as generate_dataset
    from .store import ContactStore as ContactStore
    from .store import Page as Page

#: Each public name and the module it lives in (grouped by topic).
_EXPORTS = {
    # the app
    "FAULT_KINDS": "._faults",
    "FakeApp": ".app",
    "FaultConfig": "._faults",
    "create_app": ".app",
    # the data
    "ContactStore": ".store",
    "Dataset": ".data",
    "Filters": "._filters",
    "Page": ".store",
    "generate_dataset": ".data",
    # cursors and links, shared with the mutants
    "CursorCodec": ".cursor",
    "CursorError": ".cursor",
    "decode_cursor": ".cursor",
    "encode_cursor": ".cursor",
    "legacy_link_header": "._envelopes",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
