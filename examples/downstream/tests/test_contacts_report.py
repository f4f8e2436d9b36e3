"""The report against a fake Kapso API: the `kapso_fake` fixture of kapso-contacts[fake]."""

from __future__ import annotations

import pytest
from contacts_report import unassigned

from kapso_contacts import InternalServerError, KapsoContacts
from kapso_fake.pytest_plugin import KapsoFake


def client(fake: KapsoFake, max_retries: int | None = None) -> KapsoContacts:
    return KapsoContacts(base_url=fake.base_url, api_key=fake.api_key, max_retries=max_retries)


@pytest.mark.kapso_fake(contacts=250, seed=7)
def test_lists_every_contact_without_a_customer(kapso_fake: KapsoFake) -> None:
    with client(kapso_fake) as kapso:
        names = unassigned(kapso)
    expected = [c["profile_name"] for c in kapso_fake.contacts if c["customer_id"] is None]
    assert names == expected
    assert len(names) > 100  # more than one page


def test_a_contact_added_now_is_in_the_report(kapso_fake: KapsoFake) -> None:
    kapso_fake.clear()
    kapso_fake.add_contact(profile_name="Ana Lima")
    with client(kapso_fake) as kapso:
        assert unassigned(kapso) == ["Ana Lima"]


def test_an_outage_reaches_the_caller(kapso_fake: KapsoFake) -> None:
    kapso_fake.inject_faults(rate=1.0, kinds=("503",))
    with client(kapso_fake, max_retries=0) as kapso, pytest.raises(InternalServerError):
        unassigned(kapso)
