"""The report against a fake Kapso API: the `kapso_fake` fixture of kapso-contacts[fake]."""

from __future__ import annotations

import time

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
    assert names == [c["profile_name"] for c in kapso_fake.listing(has_customer=False)]
    assert len(names) > 100  # more than one page
    sent = kapso_fake.requests
    assert len(sent) > 1 and all(("has_customer", "false") in r.query for r in sent)
    assert all(r.headers["x-api-key"] == "***" for r in sent)  # the log never holds the key


def test_a_contact_added_now_is_in_the_report(kapso_fake: KapsoFake) -> None:
    kapso_fake.clear()
    kapso_fake.add_contact(profile_name="Ana Lima", customer_id=None)
    with client(kapso_fake) as kapso:
        assert unassigned(kapso) == ["Ana Lima"]


def test_an_outage_reaches_the_caller(kapso_fake: KapsoFake) -> None:
    kapso_fake.inject_faults(rate=1.0, kinds=("503",))
    with client(kapso_fake, max_retries=0) as kapso, pytest.raises(InternalServerError):
        unassigned(kapso)
    assert [r.status for r in kapso_fake.requests] == [503]


@pytest.mark.kapso_fake(contacts=1000)  # about 400 without a customer: 4 or 5 pages
def test_the_report_waits_out_a_rate_limit_as_long_as_the_server_says(
    kapso_fake: KapsoFake,
) -> None:
    kapso_fake.rate_limit(2, window_seconds=1)
    started = time.monotonic()
    with client(kapso_fake) as kapso:
        names = unassigned(kapso)
    assert names == [c["profile_name"] for c in kapso_fake.listing(has_customer=False)]
    assert 429 in [r.status for r in kapso_fake.requests]
    assert time.monotonic() - started < 10  # the server's window, not a minute
