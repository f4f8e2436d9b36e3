"""The options of the fake the whole session shares (`kapso_fake_session`)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def kapso_fake_config() -> dict[str, Any]:
    return {"contacts": 2000, "seed": 11}
