"""Write generated_client/ from the spec, or check that the committed copy is fresh.

`make generate` and `make check-generated` both run this, so the generator is
invoked one way only. The committed tree is a golden record: `--check`
regenerates into a temporary directory and compares file by file, extra and
missing files included.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "openapi" / "contacts.yaml"
CONFIG = REPO / "openapi" / "generator-config.yaml"
TARGET = REPO / "generated_client"
STAMP_NAME = "SPEC_SHA256"


def spec_fingerprint() -> str:
    """Hash of everything the output depends on: spec, config and pinned tool versions."""
    digest = hashlib.sha256()
    for path in (SPEC, CONFIG):
        digest.update(path.read_bytes())
    for tool in ("openapi-python-client", "ruff"):
        digest.update(f"{tool}=={version(tool)}".encode())
    return digest.hexdigest()


def generate(output: Path) -> None:
    """Run the pinned generator into `output` and stamp it with the spec fingerprint."""
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [
        str(generator),
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--meta",
        "uv",
        "--fail-on-warning",
        "--overwrite",
        "--output-path",
        str(output),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"generation failed:\n{result.stdout}{result.stderr}")
    (output / STAMP_NAME).write_text(spec_fingerprint() + "\n")


def _files(root: Path) -> dict[Path, bytes]:
    return {
        path.relative_to(root): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def tree_differences(fresh: Path, committed: Path) -> list[str]:
    """Every file missing from, extra in, or different in `committed` compared with `fresh`."""
    expected, actual = _files(fresh), _files(committed)
    problems = [f"missing from committed copy: {p}" for p in expected.keys() - actual.keys()]
    problems += [f"not produced by the generator: {p}" for p in actual.keys() - expected.keys()]
    problems += [
        f"differs: {p}" for p in expected.keys() & actual.keys() if expected[p] != actual[p]
    ]
    return sorted(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    if not args.check:
        generate(TARGET)
        return
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / TARGET.name
        generate(fresh)
        problems = tree_differences(fresh, TARGET)
        if problems:
            print("generated_client/ is stale or hand-edited; run `make generate`:")
            for problem in problems:
                print(f"  {problem}")
            sys.exit(1)
    print("generated_client/ matches a fresh generation")


if __name__ == "__main__":
    main()
