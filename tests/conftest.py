"""Shared test configuration: hypothesis profiles, and the project's wheel.

`ci` (hypothesis' built-in profile: derandomized, no example database, no
deadline) is the default everywhere, so `make test` is deterministic on every
machine. `KAPSO_HYPOTHESIS_PROFILE=thorough` runs many more examples on demand;
`dev` keeps randomness and the example database for local exploration.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("KAPSO_HYPOTHESIS_PROFILE", "ci"))


ROOT = Path(__file__).resolve().parent.parent
UV = ROOT / ".tools" / "uv" / "bin" / "uv"


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per run by the pinned uv (backend: hatchling)."""
    if not UV.is_file():
        pytest.fail(f"{UV} is missing: run `make install` first")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(UV), "build", "--wheel", "--out-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"},
    )
    (built,) = out.glob("kapso_contacts-*.whl")
    return built
