"""The fake against Prism serving the same spec: same requests, same load, same run."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from kapso_fake.testing import free_port

from ._proc import CONTACTS_PATH, HOST, ROOT, serve, serve_fake
from ._rounds import interleaved

PRISM = ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"
PRISM_VERSION = "5.14.2"
SPEC = ROOT / "openapi" / "contacts.yaml"
#: Prism serves the spec's paths without the server URL's ``/platform/v1``.
PRISM_PATH = "/whatsapp/contacts"
#: Each pair logs alike: both log every request (their defaults), or neither does.
PAIRS = (("fake", "prism"), ("fake-quiet", "prism-silent"))
REQUESTS = {
    "limit=20": "?limit=20",
    "filtered": "?limit=20&profile_name_contains=john",
}


def run(
    *,
    contacts: int,
    rounds: int,
    seconds: float,
    connections: int,
    log_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """Measure the fake and Prism (default and silent logging) on the same requests."""
    if not PRISM.exists():
        raise FileNotFoundError(f"{PRISM} is missing: run scripts/install_bench_tools.sh")
    probe = PRISM_PATH + "?limit=20"
    prism = [str(PRISM), "mock", str(SPEC), "-h", HOST]
    servers: dict[str, str] = {}
    ready: dict[str, float] = {}
    with contextlib.ExitStack() as stack:
        for name, level in (("fake", "info"), ("fake-quiet", "warning")):
            fake = stack.enter_context(
                serve_fake(name, contacts, "--log-level", level, log_dir=log_dir)
            )
            servers[name] = fake.base_url + CONTACTS_PATH
            ready[name] = fake.ready_seconds
        for name, verbosity in (("prism", "info"), ("prism-silent", "silent")):
            port = free_port()
            argv = [*prism, "-p", str(port), "-v", verbosity]
            server = stack.enter_context(serve(name, argv, port, probe, log_dir))
            servers[name] = server.base_url + PRISM_PATH
            ready[name] = server.ready_seconds
        log(f"fake ({contacts:,} contacts) and Prism {PRISM_VERSION} up; {rounds} rounds")
        urls = {
            f"{server} {label}": base + query
            for label, query in REQUESTS.items()
            for server, base in servers.items()
        }
        results = interleaved(
            urls, rounds=rounds, connections=connections, seconds=seconds, prewarm=3, log=log
        )
    rows = {label: result.as_dict() for label, result in results.items()}
    ratios: dict[str, float] = {}
    for label in REQUESTS:
        for ours, theirs in PAIRS:
            ratio = results[f"{ours} {label}"].rps / results[f"{theirs} {label}"].rps
            ratios[f"{label}: {ours} / {theirs} rps"] = round(ratio, 2)
    return {
        "contacts": contacts,
        "connections": connections,
        "rounds": rounds,
        "seconds": seconds,
        "prism_version": PRISM_VERSION,
        "requests": dict(REQUESTS),
        "ready_seconds": {k: round(v, 2) for k, v in ready.items()},
        "results": rows,
        "ratios": ratios,
    }
