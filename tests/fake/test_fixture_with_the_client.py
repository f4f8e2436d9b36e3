"""The fixture with the code a user tests: the ``kapso_contacts`` client, by its public API.

The client is imported in each test: until it is built, these tests fail one
by one and the rest of the module's neighbours still run.
"""

from __future__ import annotations

import time

import pytest

from kapso_fake.pytest_plugin import KapsoFake

pytestmark = pytest.mark.loopback


def test_the_client_lists_what_the_fake_serves(kapso_fake: KapsoFake) -> None:
    from kapso_contacts import KapsoContacts

    with KapsoContacts(base_url=kapso_fake.base_url, api_key=kapso_fake.api_key) as kapso:
        listed = [str(c.id) for c in kapso.iter_contacts(limit=30)]
    assert listed == [c["id"] for c in kapso_fake.contacts]
    assert [r.status for r in kapso_fake.requests] == [200] * 4  # 100 contacts, 30 a page


@pytest.mark.kapso_fake(contacts=110)
def test_the_client_waits_the_window_the_fake_states_not_a_minute(kapso_fake: KapsoFake) -> None:
    from kapso_contacts import KapsoContacts

    kapso_fake.rate_limit(2, window_seconds=3)
    started = time.monotonic()
    with KapsoContacts(base_url=kapso_fake.base_url, api_key=kapso_fake.api_key) as kapso:
        listed = [str(c.id) for c in kapso.iter_contacts(limit=20)]  # 6 pages
    elapsed = time.monotonic() - started
    assert listed == [c["id"] for c in kapso_fake.contacts]
    statuses = [r.status for r in kapso_fake.requests]
    assert statuses.count(200) == 6 and 429 in statuses
    assert elapsed < 10, f"{elapsed:.1f} s for 6 pages at 2 every 3 s"


def test_an_outage_reaches_the_caller(kapso_fake: KapsoFake) -> None:
    from kapso_contacts import InternalServerError, KapsoContacts

    kapso_fake.inject_faults(rate=1.0, kinds=("503",))
    kapso = KapsoContacts(base_url=kapso_fake.base_url, api_key=kapso_fake.api_key, max_retries=0)
    with kapso, pytest.raises(InternalServerError):
        kapso.list_contacts()
    assert [r.status for r in kapso_fake.requests] == [503]
