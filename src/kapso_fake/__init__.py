"""A faithful fake of a Kapso list API (List contacts by default) for offline tests.

Everything it serves (path, parameters, filters, order, envelopes, errors, and
any other reading of the spec's assumptions) is read from a spec through
``kapso_contacts.contract``. Serving it over HTTP (``kapso-fake``,
``kapso_fake.server.serve``, the ``kapso_fake`` fixture) needs the ``[fake]``
extra. Names load on first use: pytest loads ``kapso_fake.pytest_plugin`` for
anyone who installs the package, and must pay nothing for the fake itself.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import FAULT_KINDS as FAULT_KINDS
    from .app import FakeApp as FakeApp
    from .app import FaultConfig as FaultConfig
    from .app import RecordedRequest as RecordedRequest
    from .app import create_app as create_app
    from .data import SHAPES as SHAPES
    from .data import Generator as Generator
    from .data import Shape as Shape
    from .store import CursorError as CursorError
    from .store import Cursors as Cursors
    from .store import Page as Page
    from .store import Store as Store
    from .store import linked_value as linked_value

#: Each public name and the module it lives in.
_EXPORTS = {
    "FAULT_KINDS": ".app",
    "FakeApp": ".app",
    "FaultConfig": ".app",
    "RecordedRequest": ".app",
    "create_app": ".app",
    "SHAPES": ".data",
    "Generator": ".data",
    "Shape": ".data",
    "CursorError": ".store",
    "Cursors": ".store",
    "Page": ".store",
    "Store": ".store",
    "linked_value": ".store",
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
