"""Tests of the fake server (src/kapso_fake)."""
