"""The committed generated client carries the fingerprint of the spec it came from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_generated_client_was_generated_from_the_current_spec() -> None:
    # A fast guard: `make check-generated` is the full byte-for-byte comparison.
    spec = importlib.util.spec_from_file_location("generate", REPO / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    stamp = (REPO / "generated_client" / "SPEC_SHA256").read_text().strip()
    assert stamp == generate.spec_fingerprint(), "generated_client/ is stale: run `make generate`"
