"""The version story: each package's newest CHANGELOG entry is the version in the tree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def _newest(package: str) -> str:
    found = re.findall(rf"^## .*\b{re.escape(package)} (\d+\.\d+\.\d+)", CHANGELOG, re.MULTILINE)
    assert found, f"CHANGELOG.md has no entry for {package}"
    return str(found[0])


def test_the_distribution_version_has_the_newest_changelog_entry() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _newest("kapso-contacts") == project["version"]


def test_the_generated_client_version_is_the_spec_version_and_has_an_entry() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "contacts.yaml").read_text(encoding="utf-8"))
    generated = tomllib.loads((ROOT / "generated_client" / "pyproject.toml").read_text())
    assert generated["project"]["version"] == spec["info"]["version"]
    assert _newest("kapso-contacts-api") == spec["info"]["version"]
