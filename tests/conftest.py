"""Shared test configuration: hypothesis profiles.

`ci` (hypothesis' built-in profile: derandomized, no example database, no
deadline) is the default everywhere, so `make test` is deterministic on every
machine. `KAPSO_HYPOTHESIS_PROFILE=thorough` runs many more examples on demand;
`dev` keeps randomness and the example database for local exploration.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("KAPSO_HYPOTHESIS_PROFILE", "ci"))
