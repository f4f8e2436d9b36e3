"""``kapso-fake``: serve the fake API with uvicorn."""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import uvicorn

from ._faults import FAULT_KINDS, FaultConfig
from ._jsonl import read_jsonl
from .app import create_app
from .data import SHAPES
from .mutants import MUTANTS, apply_mutants, describe_mutants
from .store import ContactStore

#: uvicorn's levels, quietest first; below ``info`` the access log is off (and costs nothing).
_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, build the store and serve until interrupted."""
    args = _parser().parse_args(argv)
    if args.list_mutants:
        print(describe_mutants())
        return
    keys: list[str] = args.api_key or []
    if not keys:
        keys = [f"kfake_{secrets.token_urlsafe(24)}"]
        # The one key ever printed: the user has no other way to learn it.
        print(f"kapso-fake: no --api-key given; generated API key: {keys[0]}", file=sys.stderr)
    faults = FaultConfig(
        rate=args.fault_rate,
        seed=args.seed,
        kinds=tuple(args.fault_kinds.split(",")),
        retry_after=args.fault_retry_after,
        delay=args.fault_delay,
    )
    started = time.perf_counter()
    store = None
    if args.data is not None:
        store = ContactStore(path=args.db, seed=args.seed)
        try:
            store.replace(read_jsonl(args.data, store.contract))
        except ValueError as exc:  # DataError (a bad line), or two contacts at one place
            print(f"kapso-fake: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    app = create_app(
        api_keys=keys,
        contacts=args.contacts,
        seed=args.seed,
        shape=args.shape,
        rate_limit=args.rate_limit,
        rate_window=args.rate_window,
        db_path=args.db,
        store=store,
        faults=faults,
    )
    source = args.data or f"seed {args.seed}, {args.shape}"
    print(
        f"kapso-fake: {app.store.count()} contacts ({source}) loaded in "
        f"{time.perf_counter() - started:.1f} s; serving "
        f"http://{args.host}:{args.port}{app.contract.path}",
        file=sys.stderr,
        flush=True,
    )
    # A mutant (a deliberate contract violation, for the mutation gauge) wraps the
    # app from outside; the fake itself never knows.
    served = apply_mutants(app, args.mutant or (), api_keys=keys)
    access_log = _LEVELS.index(args.log_level) >= _LEVELS.index("info")
    uvicorn.run(
        served,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=access_log,
        server_header=False,  # Kapso's answers do not name uvicorn
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kapso-fake", description="A faithful fake of Kapso's WhatsApp contacts API."
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    add("--port", type=_bounded(int, 0, 65535), default=8080, help="port (default 8080)")
    add("--contacts", type=_bounded(int, 0, None), default=1000, help="contacts to generate")
    add("--data", metavar="FILE.jsonl",
        help="serve the contacts of `kapso-contacts list --all --format jsonl`")  # fmt: skip
    add("--seed", type=int, default=1, help="seed of the data and of the faults (default 1)")
    add("--shape", choices=SHAPES, default=SHAPES[0],
        help="creation times: mixed (default), sparse (a day apart), dense (ties)")  # fmt: skip
    add("--api-key", action="append", metavar="KEY", help="accepted key (repeatable)")
    add("--db", metavar="PATH", help="SQLite file to rebuild and serve (default: in memory)")
    add("--rate-limit", type=_bounded(int, 1, None), metavar="N",
        help="requests per window per key")  # fmt: skip
    add("--rate-window", type=_bounded(float, 0.1, None), metavar="SECONDS",
        help="length of a rate-limit window (default: the spec's, Kapso's minute)")  # fmt: skip
    add("--fault-rate", type=_bounded(float, 0, 1), default=0.0, metavar="F",
        help="share of requests (0..1) answered with an injected fault (default 0)")  # fmt: skip
    add("--fault-kinds", default=",".join(FAULT_KINDS), metavar="K,K",
        help=f"faults to draw from (default {','.join(FAULT_KINDS)})")  # fmt: skip
    add("--fault-retry-after", type=_bounded(int, 0, None), default=1, metavar="S",
        help="Retry-After of an injected 429 (default 1)")  # fmt: skip
    add("--fault-delay", type=_bounded(float, 0, None), default=0.2, metavar="S",
        help="seconds an injected delay lasts (default 0.2)")  # fmt: skip
    add("--mutant", action="append", choices=sorted(MUTANTS), metavar="NAME",
        help="serve with a contract violation (repeatable; see --list-mutants)")  # fmt: skip
    add("--list-mutants", action="store_true", help="list the mutants and exit")
    add("--log-level", default="info", choices=_LEVELS,
        help="uvicorn's; below info the access log is off (default info)")  # fmt: skip
    return parser


_Number = TypeVar("_Number", int, float)


def _bounded(kind: type[_Number], low: float, high: float | None) -> Callable[[str], _Number]:
    def parse(text: str) -> _Number:
        try:
            value = kind(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
        if value < low or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {span}, got {text}")
        return value

    return parse


if __name__ == "__main__":
    main()
