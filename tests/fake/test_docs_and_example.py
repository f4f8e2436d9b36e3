"""docs/fake.md's examples and examples/downstream run as a user runs them, and pass."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .test_pytest_plugin import run_pytest

pytestmark = pytest.mark.loopback

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "fake.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def _outcomes(report: Path) -> dict[str, str]:
    return {
        case.get("name", ""): next((child.tag for child in case), "passed")
        for case in ET.parse(report).iter("testcase")
    }


def test_the_doc_s_test_examples_pass_as_written(tmp_path: Path) -> None:
    tests = [b for b in BLOCKS if "def test_" in b or b.startswith("# conftest.py")]
    assert len(tests) >= 4
    for number, block in enumerate(tests):
        name = "conftest.py" if block.startswith("# conftest.py") else f"test_doc_{number}.py"
        (tmp_path / name).write_text(block, encoding="utf-8")
    done = run_pytest("--junitxml=report.xml", cwd=tmp_path)
    outcomes = _outcomes(tmp_path / "report.xml")
    assert len(outcomes) == sum(b.count("def test_") for b in tests)
    assert set(outcomes.values()) == {"passed"}, (outcomes, done.stdout[-3000:])


def test_the_doc_s_other_examples_run_as_written(tmp_path: Path) -> None:
    scripts = [b for b in BLOCKS if "def test_" not in b and not b.startswith("# conftest.py")]
    assert scripts
    for block in scripts:
        done = subprocess.run(
            [sys.executable, "-c", block], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]


def test_the_downstream_example_passes(tmp_path: Path) -> None:
    example = REPO / "examples" / "downstream"
    done = run_pytest(f"--junitxml={tmp_path / 'report.xml'}", cwd=example)
    outcomes = _outcomes(tmp_path / "report.xml")
    assert len(outcomes) >= 6
    assert set(outcomes.values()) == {"passed"}, (outcomes, done.stdout[-3000:])
