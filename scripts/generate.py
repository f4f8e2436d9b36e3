"""Write generated_client/ from the spec, or check that the committed copy is fresh.

`make generate` and `make check-generated` both run this, so the generator is
invoked one way only. Besides openapi-python-client's output (its README from
`openapi/templates/`), the generated package carries what the handwritten code
reads from the spec:

- `kapso_contacts_api/openapi.json`: the spec itself, as JSON, so that the
  client, the fake, the mutants and the contract suite read one copy of the
  contract wherever the package is installed or vendored;
- `kapso_contacts_api/filters.py`: the list operation's filters as a `TypedDict`
  named after its item schema (`ContactFilters`), so that the client's keyword
  arguments are typed from the spec.

The committed tree is a golden record: `--check` regenerates into a temporary
directory and compares file by file, extra and missing files included.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "openapi" / "contacts.yaml"
CONFIG = REPO / "openapi" / "generator-config.yaml"
TEMPLATES = REPO / "openapi" / "templates"
TARGET = REPO / "generated_client"
PACKAGE = "kapso_contacts_api"
STAMP_NAME = "SPEC_SHA256"


def spec_fingerprint(spec: Path = SPEC) -> str:
    """Hash of everything the output depends on: spec, config, templates, pinned tools."""
    digest = hashlib.sha256()
    inputs = [spec, CONFIG, Path(__file__), *sorted(TEMPLATES.glob("*"))]
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for tool in ("openapi-python-client", "ruff"):
        digest.update(f"{tool}=={version(tool)}".encode())
    return digest.hexdigest()


def generate(output: Path, spec: Path = SPEC) -> None:
    """Run the pinned generator into `output`, add the spec artifacts, stamp it."""
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [
        str(generator),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "uv",
        "--fail-on-warning",
        "--overwrite",
        "--output-path",
        str(output),
    ]
    # The generator's post-hooks run `ruff`: the pinned one, beside this interpreter.
    tools = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": tools + os.pathsep + os.environ.get("PATH", "")}
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        sys.exit(f"generation failed:\n{result.stdout}{result.stderr}")
    loaded = yaml.safe_load(spec.read_text(encoding="utf-8"))
    package = output / PACKAGE
    (package / "openapi.json").write_text(
        json.dumps(loaded, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    filters = package / "filters.py"
    # The contract reads the spec for filters.py. Importing it imports the installed generated
    # package (`kapso_contacts` re-exports its filters), never the one being written: a
    # half-written package has no filters.py yet.
    filters.write_text(filters_module(loaded), encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run(
        [str(ruff), "format", "--quiet", "--no-cache", str(filters)], check=True, cwd=output
    )
    (output / STAMP_NAME).write_text(spec_fingerprint(spec) + "\n")


_PYTHON_TYPES = {
    "string": "str",
    "integer": "int",
    "boolean": "bool",
    "date-time": "datetime.datetime | str",
}


def filters_module(spec: dict[str, Any]) -> str:
    """Python source of `filters.py`: a `TypedDict` of the list operation's filter parameters.

    The list operation is the one the contract reads (the GET with `x-kapso-pagination`), and
    the `TypedDict` is named after its item schema (`Contact` -> `ContactFilters`).
    """
    # Imported here, not at the top: it imports the installed generated package (see generate).
    from kapso_contacts.contract import Contract

    contract = Contract.read(spec)
    operation = f"List {contract.noun}"
    filters = [p for p in contract.parameters.values() if p.filter is not None]
    fields = []
    for parameter in filters:
        annotation = _PYTHON_TYPES[parameter.kind]
        if parameter.enum is not None:
            annotation = f"Literal[{', '.join(json.dumps(v) for v in parameter.enum)}]"
        fields.append(f"    {parameter.name}: {annotation}")
        fields.append(f'    """{parameter.description.replace(chr(92), chr(92) * 2)}"""')
    literal = any(parameter.enum is not None for parameter in filters)
    lines = [
        f'"""The filters of {operation} (`x-kapso-filter` parameters), as a TypedDict.',
        "",
        "Generated from the spec by `make generate`: do not edit.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        f"from typing import {'Literal, ' * literal}TypedDict",
        "",
        "",
        f"class {contract.item.schema}Filters(TypedDict, total=False):",
        f'    """Filters of the {operation} operation; they combine with AND."""',
        "",
        *fields,
    ]
    return "\n".join(lines) + "\n"


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
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec (default: ours)")
    parser.add_argument("--output", type=Path, default=TARGET, help="where to write")
    args = parser.parse_args()
    if not args.check:
        generate(args.output, args.spec)
        return
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / TARGET.name
        generate(fresh, args.spec)
        problems = tree_differences(fresh, args.output)
        if problems:
            print("generated_client/ is stale or hand-edited; run `make generate`:")
            for problem in problems:
                print(f"  {problem}")
            sys.exit(1)
    print("generated_client/ matches a fresh generation")


if __name__ == "__main__":
    main()
