"""The mutation gauge: does the contract suite catch every defect in the catalogue?

For each mutant in ``kapso_fake.mutants.MUTANTS`` (and once with none) it
starts a fake with that mutant on a loopback port, runs the contract suite
against it in ``KAPSO_BASE_URL`` mode, as a user would against a live server,
and records killed or survived, the first check that failed and the requests
the suite sent. A second pass repeats it on a tight request budget (100, one
minute of the free plan). Writes ``reports/mutants.{md,json}`` and the
committed table ``docs/mutants.md``; exits 1 if a mutant survives the full
pass or a clean run fails.

Usage: ``python scripts/mutants.py [--only NAME ...] [--jobs 2] [--no-tight]``
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from _gauge_output import (
    budget_note,
    first_failure,
    sent,
    summary_failure,
    verdict_of,
    with_check_name,
)
from _gauge_table import CLEAN, TIGHT_BUDGET, Outcome, kill_rate, markdown

from kapso_fake.mutants import MUTANTS
from kapso_fake.testing import serve_process

ROOT = Path(__file__).resolve().parent.parent

RUN_TIMEOUT = 240.0


@dataclass(frozen=True)
class Options:
    """Settings shared by every run."""

    contacts: int
    seed: int
    suite_seed: str
    timeout: float
    logs: Path


def run_one(name: str, budget: int | None, options: Options) -> Outcome:
    """Serve one mutant (or none), run the suite against it, classify the result."""
    mutant = None if name == CLEAN else name
    category = MUTANTS[name].category if mutant else "-"
    key = "gauge_" + secrets.token_hex(16)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kapso-gauge-") as scratch:
        junit = Path(scratch) / "junit.xml"
        tag = f"{name if mutant else 'clean'}-{budget or 'full'}"
        log = options.logs / f"{tag}.log"
        log.write_bytes(b"")
        fake = ["--contacts", str(options.contacts), "--seed", str(options.seed), "--api-key", key]
        fake += ["--mutant", mutant] if mutant else []
        try:
            with serve_process(*fake, log=log) as server:
                code, output = _suite(server.base_url, key, budget, junit, options)
        except RuntimeError as exc:
            return Outcome(name, category, budget, "error", "", str(exc), None, _since(started))
        with log.open("a", encoding="utf-8") as handle:
            handle.write(output.replace(key, "***"))
        check, message = summary_failure(output) or first_failure(junit)
        check = with_check_name(check, output)
    requests = sent(output)
    verdict = verdict_of(code, check, message, clean=mutant is None)
    note = budget_note(output)
    return Outcome(name, category, budget, verdict, check, message, requests, _since(started), note)


def _suite(
    base_url: str, key: str, budget: int | None, junit: Path, options: Options
) -> tuple[int | None, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAPSO_", "CI"))}
    env |= {
        "KAPSO_BASE_URL": base_url,
        "KAPSO_API_KEY": key,
        "KAPSO_CONTRACT_SEED": options.suite_seed,
    }
    if budget is not None:
        env["KAPSO_CONTRACT_MAX_REQUESTS"] = str(budget)
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "contract_tests",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
    ]
    try:
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=options.timeout
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        return None, out
    return done.returncode, done.stdout + done.stderr


def _since(started: float) -> float:
    return round(time.monotonic() - started, 1)


def run_pass(names: list[str], budget: int | None, options: Options, jobs: int) -> list[Outcome]:
    """Run the clean server and every mutant, ``jobs`` at a time; print each as it ends."""
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_one, name, budget, options) for name in [CLEAN, *names]]
        for future in futures:
            outcome = future.result()
            outcomes.append(outcome)
            print(
                f"  {outcome.verdict:<8} {outcome.mutant:<34} {outcome.requests or '?':>5} req "
                f"{outcome.seconds:>6.1f}s  {outcome.check or outcome.note}",
                flush=True,
            )
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """Run the gauge; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", nargs="*", default=None, help="mutants to run (default all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1, help="the fake's data seed")
    parser.add_argument("--suite-seed", default="1", help="KAPSO_CONTRACT_SEED for every run")
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
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / "mutants-logs"
    logs.mkdir(exist_ok=True)
    options = Options(args.contacts, args.seed, args.suite_seed, args.timeout, logs)
    started = time.monotonic()
    full: list[Outcome] = []
    tight: list[Outcome] = []
    if not args.tight_only:
        print(
            f"full budget: {len(names)} mutants + a clean run, {args.jobs} at a time, "
            "each served by kapso-fake --mutant NAME",
            flush=True,
        )
        full = run_pass(names, args.budget, options, args.jobs)
    if not args.no_tight:
        print(f"tight budget ({TIGHT_BUDGET} requests):", flush=True)
        tight = run_pass(names, TIGHT_BUDGET, options, args.jobs)
    seconds = time.monotonic() - started
    table = markdown(
        full or tight, tight if full else [], seconds, options.suite_seed, options.contacts
    )
    (args.out / "mutants.md").write_text(table)
    payload = {
        "seconds": round(seconds, 1),
        "full": [asdict(o) for o in full],
        "tight": [asdict(o) for o in tight],
    }
    (args.out / "mutants.json").write_text(json.dumps(payload, indent=2) + "\n")
    if args.only is None and full and not args.tight_only:
        args.docs.parent.mkdir(parents=True, exist_ok=True)
        args.docs.write_text(table)
    return _exit_code(full, tight, seconds)


def _exit_code(full: list[Outcome], tight: list[Outcome], seconds: float) -> int:
    checked = full or tight
    killed, total = kill_rate(checked)
    clean_ok = all(o.verdict == "passed" for o in [*full, *tight] if o.mutant == CLEAN)
    print(f"\n{killed}/{total} mutants killed", end="")
    if full and tight:
        tk, tt = kill_rate(tight)
        print(f"; tight budget {tk}/{tt} ({100 * tk / max(tt, 1):.0f}%)", end="")
    print(f"; clean run {'passed' if clean_ok else 'FAILED'}; {seconds / 60:.1f} min")
    survivors = [o.mutant for o in checked if o.mutant != CLEAN and o.verdict != "killed"]
    if survivors:
        print("not killed: " + ", ".join(survivors))
    return 0 if clean_ok and not survivors else 1


if __name__ == "__main__":
    sys.exit(main())
