"""Tests of the client layer (src/kapso_contacts)."""
