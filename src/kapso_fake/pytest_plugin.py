"""The ``kapso_fake`` pytest fixtures: a fake Kapso API on 127.0.0.1 for your own tests.

``kapso_fake`` is a fresh fake for each test, configured by
``@pytest.mark.kapso_fake(contacts=50, seed=3, ...)``; ``kapso_fake_session``
is one fake for the whole session, configured by overriding the
``kapso_fake_config`` fixture. Guide and examples: ``docs/fake.md``.

pytest loads this module for anyone who installs ``kapso-contacts``
(``[project.entry-points.pytest11]``), so it imports nothing of the fake and
nothing of the ``[fake]`` extra until a test asks for a fixture.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from .app import FakeApp, RecordedRequest
    from .server import Running

MARKER = "kapso_fake"
SESSION_FIXTURE = "kapso_fake_session"
#: The options of the marker and of ``kapso_fake_config``: default, type, the type in words.
OPTIONS: Mapping[str, tuple[Any, Any, str]] = {
    "contacts": (100, int, "an integer"),
    "seed": (1, int, "an integer"),
    "readings": (None, Mapping, "a mapping of spec pointers to values"),
    "new_contacts_per_minute": (0, int | float, "a number"),
    "spec": (None, str | os.PathLike, "a path"),
}
DEFAULTS = {name: default for name, (default, *_) in OPTIONS.items()}
INSTALL = 'pip install "kapso-contacts[fake]"'


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``kapso_fake`` marker."""
    options = ", ".join(f"{name}={value!r}" for name, value in DEFAULTS.items())
    config.addinivalue_line("markers", f"{MARKER}({options}): the kapso_fake fixture's fake")


@dataclass(eq=False)
class KapsoFake:
    """A fake Kapso API on a loopback port: ``base_url`` and ``api_key`` (in no repr) for
    the client, the contacts it serves, switches, and the requests it answered.
    ``app`` is the ``kapso_fake.FakeApp``, ``server`` where it listens (``server.url``).
    """

    base_url: str
    api_key: str = field(repr=False)
    app: FakeApp = field(repr=False)
    server: Running = field(repr=False)

    @property
    def contacts(self) -> list[dict[str, Any]]:
        """Every contact the fake serves now, newest first, each as the API writes it."""
        return self.listing()

    def listing(self, **filters: Any) -> list[dict[str, Any]]:
        """The contacts it serves now that match ``filters`` (``has_customer=False``, ...).

        Raises:
            ValueError: a name that is not a filter, or a value it refuses.
        """
        self.app.catch_up()  # a live account: the contacts created by now are served now
        return self.app.store.listing(**filters)

    def add_contact(self, **fields: Any) -> dict[str, Any]:
        """Add one contact (created now unless told; fields left out drawn); return it as served."""
        return self.app.add(**fields)

    def add_contacts(self, n: int) -> list[dict[str, Any]]:
        """Add ``n`` generated contacts, spread over the data's span; return them."""
        return self.app.add_generated(n)

    def clear(self) -> None:
        """Remove every contact."""
        self.app.store.clear()

    def inject_faults(
        self,
        rate: float = 1.0,
        kinds: tuple[str, ...] | None = None,
        *,
        seed: int = 0,
        retry_after: int = 0,
        delay: float = 0.2,
    ) -> None:
        """Answer ``rate`` (0 to 1; 0: none) of the next requests with faults drawn from
        ``kinds`` (default: 500, 502, 503, 429, delay) in the order ``seed`` fixes.

        Raises:
            ValueError: a rate outside 0..1 or an unknown kind.
        """
        from .app import FAULT_KINDS, FaultConfig

        config = FaultConfig(rate, seed, tuple(kinds or FAULT_KINDS), retry_after, delay)
        self.app.inject_faults(config)

    def rate_limit(self, limit: int | None, window_seconds: float | None = None) -> None:
        """Allow ``limit`` requests per window (default: the spec's); past it, a 429 whose
        ``Retry-After`` is the seconds left in the window. None: no limit.

        Raises:
            ValueError: a limit below 1 or a window that is not positive.
        """
        self.app.limit_rate(limit, window_seconds)

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests answered, oldest first: method, path, query, headers (key: ***), status."""
        return list(self.app.requests)

    def clear_requests(self) -> None:
        """Forget the requests answered so far."""
        self.app.requests.clear()


@pytest.fixture
def kapso_fake(request: pytest.FixtureRequest) -> Iterator[KapsoFake]:
    """A fresh fake for this test (``@pytest.mark.kapso_fake(contacts=..., seed=..., ...)``)."""
    marker = request.node.get_closest_marker(MARKER)
    given = {} if marker is None else {**dict(enumerate(marker.args)), **marker.kwargs}
    with _started(_options(given, f"@pytest.mark.{MARKER}"), request.config.rootpath) as fake:
        yield fake


@pytest.fixture(scope="session")
def kapso_fake_config() -> Mapping[str, Any]:
    """The options of ``kapso_fake_session`` (the marker's): override it in a conftest.py."""
    return {}


@pytest.fixture(scope="session")
def kapso_fake_session(
    kapso_fake_config: Mapping[str, Any], pytestconfig: pytest.Config
) -> Iterator[KapsoFake]:
    """One fake for the whole session; after each test its log, faults and limit are reset."""
    options = _options(dict(kapso_fake_config), "kapso_fake_config")
    with _started(options, pytestconfig.rootpath) as fake:
        yield fake


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """After each test that used the shared fake: no requests kept, no faults, no limit."""
    fake = getattr(item, "funcargs", {}).get(SESSION_FIXTURE)
    if isinstance(fake, KapsoFake):
        fake.clear_requests()
        fake.app.inject_faults(None)
        fake.app.limit_rate(None)


def _fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


def _options(given: dict[str, Any], where: str) -> dict[str, Any]:
    """The options with their defaults; a wrong one fails the test in one line."""
    unknown = [repr(given[n]) if isinstance(n, int) else n for n in given if n not in OPTIONS]
    if unknown:
        _fail(f"{where}: unknown {', '.join(unknown)} (takes {'=, '.join(OPTIONS)}=)")
    for name, value in given.items():
        _, kind, words = OPTIONS[name]
        if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
            _fail(f"{where}: {name} must be {words}, got {value!r}")
    if given.get("contacts", 0) < 0:
        _fail(f"{where}: contacts must be 0 or more")
    return {**DEFAULTS, **given}


@contextmanager
def _started(options: Mapping[str, Any], root: Path) -> Iterator[KapsoFake]:
    """A fake with these options, served on a free port for the length of the block."""
    try:
        import uvicorn  # noqa: F401 (serving needs it: say so before anything starts)
    except ImportError:
        _fail(f"the kapso_fake fixture needs the [fake] extra: {INSTALL}")
    from kapso_contacts.contract import load_contract

    from .app import create_app
    from .server import serve

    api_key = "kfake_test_" + secrets.token_hex(12)
    try:
        spec = options["spec"]
        app = create_app(
            api_keys=[api_key],
            contract=None if spec is None else load_contract(root / Path(spec)),
            contacts=options["contacts"],
            seed=options["seed"],
            readings=options["readings"],
            new_contacts_per_minute=options["new_contacts_per_minute"],
        )
    except (ImportError, OSError, KeyError, ValueError) as exc:  # PyYAML missing, a bad spec...
        _fail(f"kapso_fake: {exc.args[0] if isinstance(exc, KeyError) else exc}")
    with serve(app) as server:
        app.requests.clear()  # the launcher's readiness probe is no request of the test's
        yield KapsoFake(server.base_url, api_key, app, server)
