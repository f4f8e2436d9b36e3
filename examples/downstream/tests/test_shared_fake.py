"""Read-only tests share one larger fake: `kapso_fake_session`, set up in conftest.py."""

from __future__ import annotations

from contacts_report import unassigned

from kapso_contacts import KapsoContacts
from kapso_fake.pytest_plugin import KapsoFake


def test_the_report_covers_a_large_account(kapso_fake_session: KapsoFake) -> None:
    fake = kapso_fake_session
    with KapsoContacts(base_url=fake.base_url, api_key=fake.api_key) as kapso:
        names = unassigned(kapso)
    assert names == [c["profile_name"] for c in fake.listing(has_customer=False)]
    assert len(fake.contacts) == 2000


def test_each_test_sees_only_its_own_requests(kapso_fake_session: KapsoFake) -> None:
    assert kapso_fake_session.requests == []  # reset after the test above
