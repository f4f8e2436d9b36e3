"""The mutation gauge (``make mutants``): the one check that the suite catches the catalogue.

Each mutant of ``kapso_fake.mutants.catalogue(contract)`` on each seed (1, 2, 3
serve mixed, sparse, dense data) is served by ``kapso-fake --mutant NAME`` on a
loopback port, and ``kapso-contract`` runs against it from an empty directory
as a user would (``KAPSO_BASE_URL``, ``KAPSO_CONTRACT_SEED``); then seed 1 at
100 requests; a clean server each time. Verdicts rest on the suite's exit codes
alone: a documented mutant is killed when its run exits 1 (a violation); an
assumed one when its run exits 0 and its run under
``KAPSO_CONTRACT_STRICT_ASSUMPTIONS=1`` exits 1 (a mismatch only; ``wrong
class`` when the first exits 1). A mutant that passes is ``unexercised`` if it
has ``needs`` and, in process and without the suite, changes no answer to
``benchmarks.load.showing`` on the seed's data; else ``survived``. Writes
``reports/mutants.{md,json}`` (and ``docs/mutants.md`` for a full run); exits 1
if a mutant is missed where the data shows it, at either budget, or a clean run
fails. ``python -m scripts.gauge [--only NAME...] [--seeds N] [--no-tight]``."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.load import showing
from kapso_contacts.contract import Contract, default_contract, load_contract
from kapso_fake.app import create_app
from kapso_fake.data import SHAPES, Shape
from kapso_fake.mutants import Mutant, catalogue, wear
from kapso_fake.server import spawn, transport

ROOT = Path(__file__).resolve().parent.parent
TIGHT = 100
RUN_TIMEOUT = 300.0


@dataclass
class Outcome:
    """One mutant (``""``: none) on one seed at one budget, and the verdict."""

    mutant: str
    seed: int
    budget: int | None
    verdict: str
    requests: int | None = None
    seconds: float = 0.0
    finding: str = ""


def shape(seed: int) -> Shape:
    """The data shape a seed serves: 1 mixed, 2 sparse, 3 dense, 4 mixed..."""
    return SHAPES[(seed - 1) % len(SHAPES)]


@dataclass(frozen=True)
class Gauge:
    """What every run shares: the contract, its spec file (None: the packaged one), the logs."""

    contract: Contract
    spec: Path | None
    logs: Path

    def suite(self, name: str, seed: int, budget: int | None, strict: bool) -> Outcome:
        """Serve the mutant and run ``kapso-contract`` against it: ``passed`` or ``failed``."""
        key = "gauge_" + secrets.token_hex(16)
        fake = ["--seed", str(seed), "--shape", shape(seed)]
        fake += ["--api-key", key, *(["--mutant", name] if name else [])]
        fake += ["--spec", str(self.spec)] if self.spec else []
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI"))}
        env |= {"KAPSO_API_KEY": key, "KAPSO_CONTRACT_SEED": str(seed)}
        env |= {"KAPSO_CONTRACT_STRICT_ASSUMPTIONS": "1" if strict else "0"}
        env |= {"KAPSO_CONTRACT_MAX_REQUESTS": str(budget)} if budget else {}
        env |= {"KAPSO_CONTRACT_SPEC": str(self.spec.resolve())} if self.spec else {}
        # ``-x`` (after ``--``, for pytest): a caught mutant's run ends at its first finding.
        command = [str(Path(sys.executable).parent / "kapso-contract"), "--", "-x"]
        started = time.monotonic()
        log = self.logs / f"{name or 'clean'}-{seed}-{budget or 'default'}-{int(strict)}.log"
        with (
            tempfile.TemporaryDirectory() as empty,
            spawn(*fake, contract=self.contract) as fake_,
            log.open("wb") as output,
        ):
            env["KAPSO_BASE_URL"] = fake_.base_url
            try:
                code: int | None = subprocess.call(
                    command,
                    cwd=empty,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    timeout=RUN_TIMEOUT,
                )
            except subprocess.TimeoutExpired:
                code = None
            # Shown in the table, never judged: the requests sent and the first finding.
            summary = Path(empty, "reports", "contract-summary.json")
            found = json.loads(summary.read_text()) if summary.is_file() else {}
        first = [*found.get("violations", []), *found.get("mismatches", [])][:1]
        finding = " ".join(str(first[0].get(k, "")) for k in ("check", "location")) if first else ""
        verdict = {None: "timeout", 0: "passed", 1: "failed"}.get(code, f"error (exit {code})")
        seconds = round(time.monotonic() - started, 1)
        return Outcome(name, seed, budget, verdict, found.get("requests"), seconds, finding.strip())

    def run(self, mutant: Mutant | None, seed: int, budget: int | None) -> Outcome:
        """One cell of the table (the verdicts: the module docstring)."""
        if mutant is None:
            return self.suite("", seed, budget, strict=True)
        outcome = self.suite(mutant.name, seed, budget, strict=False)
        if outcome.verdict == "failed":
            outcome.verdict = "killed" if mutant.documented else "wrong class"
        elif outcome.verdict == "passed" and not mutant.documented:
            first = outcome.seconds
            outcome = self.suite(mutant.name, seed, budget, strict=True)
            outcome.seconds += first
            outcome.verdict = {"failed": "killed"}.get(outcome.verdict, outcome.verdict)
        if outcome.verdict == "passed":
            hidden = mutant.needs and not self.shows(mutant, seed)
            outcome.verdict = "unexercised" if hidden else "survived"
        return outcome

    def shows(self, mutant: Mutant, seed: int) -> bool:
        """Whether, on the seed's data, the mutant changes any answer to the probes."""
        clean, worn = (
            create_app(api_keys=["k"], contract=self.contract, seed=seed, shape=shape(seed))
            for _ in range(2)
        )
        headers, url = {self.contract.api_key_header: "k"}, "http://fake" + self.contract.path
        with (
            httpx.Client(transport=transport(clean), headers=headers) as ours,
            httpx.Client(transport=transport(wear(worn, [mutant.name], api_keys=["k"]))) as theirs,
        ):
            for query in showing(self.contract, ours, url):
                a, b = ours.get(url, params=query), theirs.get(url, params=query, headers=headers)
                if _seen(a) != _seen(b):
                    return True
        return False


def _seen(answer: httpx.Response) -> tuple[int, Any]:
    """An answer as a client sees it: JSON members in any order are the same body."""
    try:
        return answer.status_code, answer.json()
    except ValueError:
        return answer.status_code, answer.content


def missed(outcomes: list[Outcome], tight: bool) -> list[str]:
    """The mutants some run at the full (or the tight) budget did not catch."""
    runs = [o for o in outcomes if o.mutant and (o.budget == TIGHT) == tight]
    return sorted({o.mutant for o in runs if o.verdict not in ("killed", "unexercised")})


def markdown(found: dict[str, Mutant], outcomes: list[Outcome], title: str) -> str:
    """The table of a run: each mutant's verdict per seed and at the tight budget."""
    names = sorted({o.mutant for o in outcomes if o.mutant})
    columns = sorted({(o.budget == TIGHT, o.seed) for o in outcomes})
    cells = {(o.mutant, o.budget == TIGHT, o.seed): o for o in outcomes}
    clean = [f"{o.verdict} ({o.requests} requests)" for o in outcomes if not o.mutant]
    lines = [f"# Mutation gauge\n\n{title} Each mutant's defect: `kapso-fake --list-mutants`.\n"]
    for tight in sorted({budget for budget, _ in columns}):
        gone = missed(outcomes, tight)
        lines.append(
            f"- {f'At {TIGHT} requests' if tight else 'At the full budget'}, caught where the data"
            f" shows them: **{len(names) - len(gone)}/{len(names)}**; missed:"
            f" {', '.join(f'`{n}`' for n in gone) or 'none'}."
        )
    lines += [
        f"- Clean runs: {', '.join(clean)}.",
        "",
        "| mutant | category | promise | "
        + " | ".join(
            f"{TIGHT} requests" if tight else f"seed {s} ({shape(s)})" for tight, s in columns
        )
        + " | first finding |",
        "|---" * (len(columns) + 4) + "|",
    ]
    for name in names:
        row = [cells.get((name, *column)) for column in columns]
        text = " | ".join(f"{o.verdict} ({o.requests or '?'} req)" if o else "-" for o in row)
        first = next((o.finding for o in row if o and o.finding), "")
        kind = "documented" if found[name].documented else "assumed"
        lines.append(f"| `{name}` | {found[name].category} | {kind} | {text} | {first} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the gauge; see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="*", metavar="NAME", help="these mutants (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 1..N (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--no-tight", action="store_true", help=f"no {TIGHT}-request pass")
    parser.add_argument("--spec", type=Path, help="gauge another spec's catalogue")
    parser.add_argument("--budget", type=int, help="requests of the full pass (default: suite's)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="default: reports/")
    args = parser.parse_args(argv)
    contract = load_contract(args.spec) if args.spec else default_contract()
    found = catalogue(contract)
    names = list(found) if args.only is None else args.only
    if unknown := [n for n in names if n not in found]:
        parser.error(f"no mutant named {', '.join(unknown)} (kapso-fake --list-mutants)")
    (args.out / "mutants-logs").mkdir(parents=True, exist_ok=True)
    gauge = Gauge(contract, args.spec, args.out / "mutants-logs")
    seeds = range(1, max(1, args.seeds) + 1)
    plan = [(name, seed, args.budget) for seed in seeds for name in ["", *names]]
    plan += [] if args.no_tight else [(name, 1, TIGHT) for name in ["", *names]]
    print(f"{len(plan)} runs of the suite, {args.jobs} at a time", flush=True)
    started, outcomes = time.monotonic(), []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for o in pool.map(lambda cell: gauge.run(found.get(cell[0]), *cell[1:]), plan):
            outcomes.append(o)
            where = f"seed {o.seed}, {o.budget or 'default'}"
            print(f"  {o.verdict:<12} {o.mutant or '(clean)':<44} {where} {o.finding}", flush=True)
    minutes = (time.monotonic() - started) / 60
    title = (
        f"Written by `make mutants` (`scripts/gauge.py`: how it judges) in {minutes:.0f} min:"
        f" `{args.spec or 'openapi/contacts.yaml'}`, 1,000 items, seeds 1-{len(seeds)},"
        f" {f'{args.budget} requests' if args.budget else 'the suite default budget'}."
    )
    (args.out / "mutants.md").write_text(table := markdown(found, outcomes, title))
    runs = {"minutes": round(minutes, 1), "runs": [asdict(o) for o in outcomes]}
    (args.out / "mutants.json").write_text(json.dumps(runs, indent=2) + "\n")
    if args.only is None and args.spec is None and not args.no_tight and len(seeds) >= 3:
        (ROOT / "docs" / "mutants.md").write_text(table)
    failed = missed(outcomes, False) + missed(outcomes, True)
    clean = all(o.verdict == "passed" for o in outcomes if not o.mutant)
    print(f"missed: {failed or 'none'}; clean runs {'passed' if clean else 'FAILED'}")
    return 0 if clean and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
