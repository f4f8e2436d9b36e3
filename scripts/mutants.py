"""The mutation gauge: does the contract suite catch every defect in the catalogue, every time?

For each mutant in ``kapso_fake.mutants.MUTANTS`` (and once with none) and
each seed, it serves ``kapso-fake --mutant NAME --seed S --shape SHAPE`` on a
loopback port and runs the contract suite against it in ``KAPSO_BASE_URL``
mode, as a user would against a live server, with ``KAPSO_CONTRACT_SEED=S``.
Seeds 1, 2 and 3 serve mixed, sparse and dense data. A second pass repeats
the first seed on a tight request budget (100, one minute of the free plan).
A run of a mutant that breaks an assumption only is strict about
assumptions, and its finding must be an assumption mismatch; a documented
mutant's must be a contract violation. Writes ``reports/mutants.{md,json}``
and the committed table ``docs/mutants.md``; exits 1 if a mutant survives a
seed whose data could show it, the tight budget kills fewer than 95%, or a
clean run fails.

Usage: ``python scripts/mutants.py [--only NAME ...] [--seeds 3] [--jobs 2] [--no-tight]``
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from _gauge_output import budget_note, first_finding, sent, verdict_of
from _gauge_table import CLEAN, TIGHT_BUDGET, TIGHT_TARGET, Outcome, markdown, rates, shape_of

from kapso_fake.mutants import MUTANTS
from kapso_fake.testing import serve_process

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 240.0


@dataclass(frozen=True)
class Options:
    """Settings shared by every run."""

    contacts: int
    budget: int | None
    timeout: float
    logs: Path


@dataclass(frozen=True)
class Run:
    """One server (a mutant or none, a seed) and the budget the suite gets against it."""

    mutant: str
    seed: int
    budget: int | None

    @property
    def tag(self) -> str:
        """A file name for the run's log."""
        name = "clean" if self.mutant == CLEAN else self.mutant
        return f"{name}-seed{self.seed}-{self.budget or 'default'}"


def run_one(run: Run, options: Options) -> Outcome:
    """Serve one mutant (or none), run the suite against it, classify the result."""
    mutant = MUTANTS.get(run.mutant)
    key = "gauge_" + secrets.token_hex(16)
    started = time.monotonic()
    budget = run.budget or options.budget
    with tempfile.TemporaryDirectory(prefix="kapso-gauge-") as scratch:
        junit = Path(scratch) / "junit.xml"
        log = options.logs / f"{run.tag}.log"
        log.write_bytes(b"")
        fake = ["--contacts", str(options.contacts), "--seed", str(run.seed)]
        fake += ["--shape", shape_of(run.seed), "--api-key", key]
        fake += ["--mutant", mutant.name] if mutant else []
        # A documented mutant must be caught by a violation: mismatches do not stop the run.
        strict = mutant is None or mutant.breaks == "assumed"
        try:
            with serve_process(*fake, log=log) as server:
                code, output = _suite(
                    server.base_url, key, run.seed, budget, strict, junit, options
                )
        except RuntimeError as exc:
            return _outcome(run, "error", "", str(exc), None, started)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(output.replace(key, "***"))
        finding = first_finding(output, junit)
    verdict = verdict_of(
        code,
        finding,
        breaks=mutant.breaks if mutant else None,
        needs=mutant.needs if mutant else (),
        output=output,
    )
    check, message = (finding.check, finding.message) if finding else ("", "")
    outcome = _outcome(run, verdict, check, message, sent(output), started)
    outcome.note = budget_note(output)
    return outcome


def _outcome(
    run: Run, verdict: str, check: str, message: str, requests: int | None, started: float
) -> Outcome:
    mutant = MUTANTS.get(run.mutant)
    return Outcome(
        run.mutant,
        mutant.category if mutant else "-",
        mutant.breaks if mutant else "-",
        run.seed,
        run.budget,
        verdict,
        check,
        message,
        requests,
        round(time.monotonic() - started, 1),
    )


def _suite(
    base_url: str,
    key: str,
    seed: int,
    budget: int | None,
    strict: bool,
    junit: Path,
    options: Options,
) -> tuple[int | None, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI"))}
    env |= {
        "KAPSO_BASE_URL": base_url,
        "KAPSO_API_KEY": key,
        "KAPSO_CONTRACT_SEED": str(seed),
        "KAPSO_CONTRACT_STRICT_ASSUMPTIONS": "1" if strict else "0",
    }
    if budget is not None:
        env["KAPSO_CONTRACT_MAX_REQUESTS"] = str(budget)
    argv = [sys.executable, "-m", "pytest", "contract_tests", "-x", "-q", "-p", "no:cacheprovider"]
    argv.append(f"--junitxml={junit}")
    try:
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=options.timeout
        )
    except subprocess.TimeoutExpired as exc:
        return None, exc.stdout if isinstance(exc.stdout, str) else ""
    return done.returncode, done.stdout + done.stderr


def plan(names: list[str], seeds: list[int], *, full: bool, tight: bool) -> list[Run]:
    """The runs: every seed at the default budget, the first seed at the tight one.

    The slowest runs (clean ones go to the end of the suite) start first.
    """
    runs: list[Run] = []
    if full:
        runs += [Run(CLEAN, seed, None) for seed in seeds]
        runs += [Run(name, seed, None) for seed in seeds for name in names]
    if tight:
        runs += [Run(CLEAN, seeds[0], TIGHT_BUDGET)]
        runs += [Run(name, seeds[0], TIGHT_BUDGET) for name in names]
    return runs


def run_all(runs: list[Run], options: Options, jobs: int) -> list[Outcome]:
    """Run everything, ``jobs`` at a time; print each run as it ends."""
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, run, options) for run in runs]
        for number, future in enumerate(as_completed(futures), start=1):
            o = future.result()
            outcomes.append(o)
            budget = f"{o.budget} req" if o.budget else "default"
            print(
                f"  [{number:>3}/{len(runs)}] {o.verdict:<11} {o.mutant:<42} seed {o.seed}"
                f" {budget:<8} {o.requests or '?':>5} req {o.seconds:>5.1f}s  {o.check or o.note}",
                flush=True,
            )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """Run the gauge; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", default=None, help="mutants to run (default all)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 1..N, shapes in turn")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument(
        "--budget", type=int, default=None, help="KAPSO_CONTRACT_MAX_REQUESTS of the full pass"
    )
    parser.add_argument("--no-tight", action="store_true", help="skip the tight-budget pass")
    parser.add_argument("--tight-only", action="store_true", help="only the tight-budget pass")
    parser.add_argument("--timeout", type=float, default=RUN_TIMEOUT, help="seconds per run")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "mutants.md")
    args = parser.parse_args(argv)
    names = list(MUTANTS) if args.only is None else args.only
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        parser.error(f"unknown mutants: {', '.join(unknown)}")
    # Half of a run's start-up is compiling modules when bytecode is not cached.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / "mutants-logs"
    logs.mkdir(exist_ok=True)
    options = Options(args.contacts, args.budget, args.timeout, logs)
    seeds = list(range(1, max(1, args.seeds) + 1))
    runs = plan(names, seeds, full=not args.tight_only, tight=not args.no_tight)
    print(
        f"{len(runs)} runs: {len(names)} mutants and a clean server, seeds"
        f" {', '.join(f'{s} ({shape_of(s)})' for s in seeds)}, {args.jobs} at a time",
        flush=True,
    )
    started = time.monotonic()
    outcomes = run_all(runs, options, args.jobs)
    seconds = time.monotonic() - started
    table = markdown(outcomes, seconds, args.contacts, seeds)
    (args.out / "mutants.md").write_text(table)
    payload = {"seconds": round(seconds, 1), "runs": [asdict(o) for o in outcomes]}
    (args.out / "mutants.json").write_text(json.dumps(payload, indent=2) + "\n")
    found = rates(outcomes)
    if args.only is None and not args.tight_only and not args.no_tight:
        args.docs.parent.mkdir(parents=True, exist_ok=True)
        args.docs.write_text(table)
    killed = (
        f"{found.every_seed}/{found.mutants} mutants killed in every seed whose data shows them; "
        if found.mutants
        else ""
    )
    tight = (
        f"{TIGHT_BUDGET} requests: {found.tight_killed}/{found.tight_total}"
        f" ({100 * found.tight_share:.0f}%, target {100 * TIGHT_TARGET:.0f}%); "
        if found.tight_total
        else ""
    )
    clean = "passed" if found.clean_ok else "FAILED"
    print(f"\n{killed}{tight}clean runs {clean}; {seconds / 60:.1f} min")
    if found.unexercised:
        print("unexercised on some data (named unchecked): " + ", ".join(found.unexercised))
    if found.missed:
        print("not killed: " + ", ".join(found.missed))
    return 0 if found.ok else 1


if __name__ == "__main__":
    sys.exit(main())
