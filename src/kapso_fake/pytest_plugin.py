"""The ``kapso_fake`` pytest fixture: a fresh fake Kapso API on 127.0.0.1 for each test.

```python
from kapso_contacts import KapsoContacts


def test_lists_every_contact(kapso_fake):
    with KapsoContacts(base_url=kapso_fake.base_url, api_key=kapso_fake.api_key) as kapso:
        assert [c.id for c in kapso.iter_contacts()] == [c["id"] for c in kapso_fake.contacts]
```

pytest loads this module for anyone who installs ``kapso-contacts``
(``[project.entry-points.pytest11]``), so it imports nothing heavy and
nothing of the ``[fake]`` extra until a test asks for the fixture. Size and
seed: ``@pytest.mark.kapso_fake(contacts=50, seed=3)``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .app import FakeApp
    from .data import ContactJSON
    from .store import ContactStore
    from .testing import LoopbackServer

MARKER = "kapso_fake"
#: The marker's options and their defaults.
DEFAULTS = {"contacts": 100, "seed": 1}


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``kapso_fake`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(contacts={DEFAULTS['contacts']}, seed={DEFAULTS['seed']}): "
        "the data of the kapso_fake fixture (how many generated contacts, which seed)",
    )


@dataclass
class KapsoFake:
    """A fake Kapso API serving one test, on a loopback port.

    Attributes:
        base_url: what ``KapsoContacts(base_url=...)`` takes (``.../platform/v1``).
        api_key: the one key the fake accepts.
        contacts: the contacts it was seeded with, newest first, as the API serves them.
        app: the ASGI app (``app.state.store`` is its store).
        server: where it listens (``server.url`` is the contacts endpoint).
    """

    base_url: str
    api_key: str = field(repr=False)
    contacts: list[ContactJSON]
    app: FakeApp = field(repr=False)
    server: LoopbackServer = field(repr=False)

    @property
    def store(self) -> ContactStore:
        """The store the fake serves from."""
        return self.app.state.store

    def listing(self, **filters: Any) -> list[ContactJSON]:
        """Every contact it serves now, newest first (matching ``filters``, if any)."""
        return self.store.matching(**filters)

    def add_contact(self, **fields: Any) -> ContactJSON:
        """Add one contact (fields left out are completed per the spec); return it as served."""
        return self.store.add_contact(**fields)

    def add_contacts(self, n: int, seed: int = 0) -> list[ContactJSON]:
        """Add ``n`` generated contacts; return them."""
        return self.store.add_generated(n, seed)

    def clear(self) -> None:
        """Remove every contact and customer."""
        self.store.clear()

    def inject_faults(
        self,
        rate: float = 1.0,
        kinds: tuple[str, ...] | None = None,
        *,
        seed: int = 0,
        retry_after: int = 0,
        delay: float = 0.2,
    ) -> None:
        """Answer ``rate`` of the following requests with a fault (500, 502, 503, 429, delay).

        Args:
            rate: share of requests, 0 to 1 (0 turns faults off).
            kinds: faults to draw from (default: all of ``kapso_fake.FAULT_KINDS``).
            seed: the draws' seed (the same sequence every run).
            retry_after: ``Retry-After`` of an injected 429 (0: retry at once).
            delay: seconds an injected delay lasts.

        Raises:
            ValueError: a rate outside 0..1 or an unknown kind.
        """
        from ._faults import FAULT_KINDS, FaultConfig

        config = FaultConfig(rate, seed, kinds or FAULT_KINDS, retry_after, delay)
        self.app.inject_faults(config)

    def rate_limit(self, limit: int | None, window_seconds: float | None = None) -> None:
        """Allow ``limit`` requests per window from now on (None: no limit).

        Raises:
            ValueError: a limit below 1 or a window that is not positive.
        """
        self.app.limit_rate(limit, window_seconds)


@pytest.fixture
def kapso_fake(request: pytest.FixtureRequest) -> Iterator[KapsoFake]:
    """A fresh fake for this test (``@pytest.mark.kapso_fake(contacts=..., seed=...)``)."""
    options = _options(request.node.get_closest_marker(MARKER))
    _require_the_fake_extra()
    from .app import create_app
    from .testing import serve_app

    api_key = "kfake_test_" + secrets.token_hex(12)
    app = create_app(api_keys=[api_key], contacts=options["contacts"], seed=options["seed"])
    with serve_app(app) as server:
        yield KapsoFake(server.base_url, api_key, app.store.matching(), app, server)
    app.store.close()


def _options(marker: pytest.Mark | None) -> dict[str, int]:
    given = dict(marker.kwargs) if marker is not None else {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown or (marker is not None and marker.args):
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes only {', '.join(f'{k}=' for k in DEFAULTS)}"
            f" (got {', '.join(unknown) or 'positional arguments'})"
        )
    options = {**DEFAULTS, **given}
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in options.values()):
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: contacts and seed are integers")
    return options


def _require_the_fake_extra() -> None:
    """Fail the test clearly when the ``[fake]`` extra (uvicorn) is not installed."""
    try:
        import uvicorn  # noqa: F401 (serving needs it: fail here, before anything starts)
    except ImportError as exc:
        pytest.fail(
            "the kapso_fake fixture serves the fake over HTTP: install kapso-contacts[fake]"
            f" (pip install 'kapso-contacts[fake]'); missing: {exc.name}",
            pytrace=False,
        )
