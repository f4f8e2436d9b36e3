"""The long drills (``make stress``), against a ``kapso-fake`` on a loopback port.

- fuzz: 10,000 schemathesis cases (``st run``, positive and negative, seed 1):
  never a 5xx; every status, content type and body one the spec documents.
- load: 64 connections with the one load generator (``benchmarks/load.py``)
  through the queries that show the data and three refused ones, a 5 s warm-up
  then at most 30 s and 300,000 requests: every answer has the status its
  request expects and a documented body; memory grows by at most 64 MiB.

Writes ``reports/stress.json``; exits 1 if a drill fails.
Usage: ``python -m scripts.stress [fuzz|load|all] [--cases N] [--seconds S] [--spec FILE]``
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import Request, drive, showing
from kapso_contacts.contract import Contract, load_contract, matches_schema
from kapso_fake.server import Running, spawn

ROOT = Path(__file__).resolve().parent.parent


def fuzz(server: Running, key: str, contract: Contract, spec: Path, cases: int) -> dict[str, Any]:
    """``cases`` schemathesis cases through ``st run``; its JSON report read back."""
    checks = "not_a_server_error,status_code_conformance,content_type_conformance"
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "fuzz.json"
        argv = [str(Path(sys.executable).parent / "st"), "run", str(spec), "--url", server.base_url]
        argv += ["-H", f"{contract.api_key_header}: {key}", "-n", str(cases), "--seed", "1"]
        argv += ["--checks", checks + ",response_schema_conformance", "--phases", "fuzzing"]
        argv += ["--report", "json", "--report-json-path", str(report), "--request-timeout", "10"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=1800, check=False)
        found = json.loads(report.read_text())
    failures = [json.dumps(f).replace(key, "***")[:300] for f in found["failures"]]
    generated = found["test_cases"]["generated"]
    ok = done.returncode == 0 and generated >= cases and not failures
    return {"ok": ok, "cases": generated, "seconds": found["running_time"], "failures": failures}


def load(server: Running, key: str, contract: Contract, connections: int, seconds: float) -> Any:
    """The mix on ``connections`` connections; the server's memory before and after."""
    cursor, auth = contract.pagination.cursor, {contract.api_key_header: key}
    with httpx.Client(headers=auth, timeout=10) as client:
        mix = [
            Request(contract.path, query, auth) for query in showing(contract, client, server.url)
        ]
    too_large = {cursor.limit.name: (cursor.limit.maximum or 100) * 5}
    mix.append(Request(contract.path, too_large, auth, contract.refusal_status.value))
    unreadable = {cursor.after.name: "bm90LWEtY3Vyc29y"}
    mix.append(Request(contract.path, unreadable, auth, cursor.unreadable.value))
    mix.append(Request(contract.path, expect=401))

    def documented(status: int, body: bytes) -> str | None:
        names = contract.body_schemas(status)
        parsed = json.loads(body) if names else None
        if status in contract.statuses and (
            not names or any(matches_schema(contract, name, parsed) for name in names)
        ):
            return None
        return f"{status} is not a documented answer: {body[:200]!r}"

    # A 5 s warm-up first: memory may grow by at most 64 MiB from its end to the end of the load.
    root = f"http://127.0.0.1:{server.port}"
    warm = drive(root, mix, connections=connections, seconds=5, check=documented)
    before = server.rss_kib() or 0
    result = drive(
        root, mix, connections=connections, seconds=seconds, check=documented, max_requests=300_000
    )
    growth = round(((server.rss_kib() or 0) - before) / 1024, 1)
    ok = not warm.errors and not result.errors and growth <= 64
    return {"ok": ok, "mix": len(mix), "memory_growth_mib": growth, **vars(result)}


def main(argv: list[str] | None = None) -> int:
    """Run the drills; see the module docstring."""
    parser = argparse.ArgumentParser(description="the long drills against a loopback kapso-fake")
    parser.add_argument("drill", nargs="?", choices=("fuzz", "load", "all"), default="all")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--spec", type=Path, default=ROOT / "openapi" / "contacts.yaml")
    args = parser.parse_args(argv)
    contract = load_contract(args.spec)
    key = "stress_" + secrets.token_hex(12)
    report: dict[str, Any] = {}
    with spawn("--api-key", key, "--spec", str(args.spec), contract=contract) as server:
        if args.drill in ("fuzz", "all"):
            report["fuzz"] = fuzz(server, key, contract, args.spec, args.cases)
            print(f"fuzz: {json.dumps(report['fuzz'])}", flush=True)
        if args.drill in ("load", "all"):
            report["load"] = load(server, key, contract, args.connections, args.seconds)
            print(f"load: {json.dumps(report['load'])}", flush=True)
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "stress.json").write_text(json.dumps(report, indent=2) + "\n")
    ok = all(drill["ok"] for drill in report.values())
    print("stress: " + ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
