"""Which WhatsApp contacts have no customer yet: a report on top of kapso-contacts."""

from __future__ import annotations

from kapso_contacts import KapsoContacts


def unassigned(kapso: KapsoContacts) -> list[str]:
    """The profile names of the contacts without a customer, newest first."""
    return [contact.profile_name for contact in kapso.iter_contacts(has_customer=False, limit=100)]
