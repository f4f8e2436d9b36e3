"""The generated client's README example runs as written, against a kapso-fake on loopback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kapso_fake.server import spawn

README = Path(__file__).resolve().parents[2] / "generated_client" / "README.md"
KEY = "readme-example-key"


def _generated_client_example() -> str:
    """Its two Python blocks, the client then the call, run one after the other."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 2, "the README has no client and call examples"
    return str(blocks[0]) + str(blocks[1])


@pytest.mark.loopback
def test_readme_example_lists_contacts_with_the_api_key() -> None:
    code = _generated_client_example()
    assert 'base_url="https://api.kapso.ai/platform/v1"' in code
    assert 'token="YOUR_KAPSO_API_KEY"' in code
    with spawn("--contacts", "200", "--seed", "1", "--api-key", KEY) as server:
        runnable = code.replace("https://api.kapso.ai/platform/v1", server.base_url).replace(
            "YOUR_KAPSO_API_KEY", KEY
        )
        result = subprocess.run(
            [sys.executable, "-c", runnable], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # limit=100 and a filter on "john": every printed contact is a match, and there is one.
    assert lines, "the example printed no contact"
    assert all("john" in line.split(" ", 1)[1].casefold() for line in lines), lines
