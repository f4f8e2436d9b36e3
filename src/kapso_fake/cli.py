"""``kapso-fake``: serve the fake API with uvicorn.

Built with click, like ``kapso-contacts``: a bad option or value is one usage
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from kapso_contacts.contract import Contract, default_contract, load_contract

from .app import FAULT_KINDS, FaultConfig, create_app
from .data import SHAPES, Shape
from .store import Cursors

#: uvicorn's levels, quietest first; from ``info`` on, one access line per request.
LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
#: The most items the fake generates. Every item is held in memory: a million took
#: 1.15 GB of resident memory and 95 s to start (``Running.rss_kib()``, measured once).
MAX_ITEMS = 2_000_000


class InputError(click.ClickException):
    """A file or value the fake cannot serve: one line on stderr, exit code 2."""

    exit_code = 2


def _items(ctx: click.Context, param: click.Parameter, value: int) -> int:
    if value > MAX_ITEMS:
        raise click.BadParameter(
            f"at most {MAX_ITEMS:,}, got {value:,} (every item is held in memory, about 1.2 GB"
            " a million; serve fewer, or your own with --data)"
        )
    return value


def _readings(ctx: click.Context, param: click.Parameter, given: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for text in given:
        pointer, sep, value = text.partition("=")
        if not sep or not pointer:
            raise InputError(f"--reading {text}: expected POINTER=VALUE (see --list-readings)")
        try:
            found[pointer] = json.loads(value)
        except ValueError:
            found[pointer] = value
    return found


def _kinds(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in value.split(",") if kind.strip())
    if not kinds or set(kinds) - set(FAULT_KINDS):
        raise click.BadParameter(f"must be among {','.join(FAULT_KINDS)}, got {value!r}")
    return kinds


def _contract(spec: Path | None, readings: Mapping[str, Any]) -> tuple[Contract, Contract]:
    """The spec's contract, and the one served (the readings applied)."""
    try:
        contract = default_contract() if spec is None else load_contract(spec)
    except Exception as exc:  # a contract error, an OS error, YAML's own (or no PyYAML)
        raise InputError(f"{spec}: {' '.join(str(exc).split())}") from None
    try:
        return contract, contract.read_as(readings)
    except (KeyError, ValueError) as exc:  # no such fact, or a value it does not list
        raise InputError(f"--reading {exc.args[0]}") from None


class JsonLines:
    """The items of a JSON Lines file (``kapso-contacts list --all --format jsonl``).

    Read lazily, so when the fake refuses an item, ``line`` is where it came
    from. A line that is not a JSON object, or that holds the place in the
    listing (the order keys) of an earlier line, or that lacks a required field,
    is refused here.
    """

    def __init__(self, path: Path, contract: Contract) -> None:
        """Read ``path`` as items of ``contract``."""
        self.path = path
        self.keys = Cursors(contract)
        self.required = [name for name, field in contract.item.fields.items() if field.required]
        self.line = 0
        self.items = 0

    def error(self, problem: str) -> InputError:
        """``FILE line N: problem``."""
        return InputError(f"{self.path} line {self.line}: {problem}")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Each item, in the file's order (InputError for a line refused here)."""
        seen: dict[tuple[str, ...] | None, int] = {}
        try:
            with self.path.open("rb") as handle:
                for self.line, raw in enumerate(handle, 1):
                    if not raw.strip():
                        continue
                    try:
                        item = json.loads(raw)
                    except ValueError as exc:
                        raise self.error(f"not JSON ({exc})") from None
                    if not isinstance(item, dict):
                        raise self.error("not a JSON object")
                    missing = [name for name in self.required if name not in item]
                    if missing:  # the fake would draw them: a random item is no item of yours
                        raise self.error(f"missing {', '.join(missing)}")
                    try:
                        place = self.keys.key_of(item)
                    except ValueError:  # no item: the fake says why when it reads it
                        place = None
                    if place in seen:
                        columns = ", ".join(self.keys.columns)
                        raise self.error(f"the same {columns} as line {seen[place]}")
                    if place is not None:
                        seen[place] = self.line
                    self.items += 1
                    yield item
        except OSError as exc:
            raise InputError(f"{self.path}: {exc.strerror or exc}") from None


@click.command(
    name="kapso-fake",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Serves the API under the spec's base path, e.g. http://127.0.0.1:8080/platform/v1.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--contacts", "--items", "items", type=click.IntRange(min=0), default=1000, callback=_items,
    show_default=True,
    help=f"Items to generate (at most {MAX_ITEMS:,}: about 1.2 GB and 95 s to start a million).",
)  # fmt: skip
@click.option(
    "--data", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.jsonl",
    help="Serve these items (`kapso-contacts list --all --format jsonl`) instead.",
)  # fmt: skip
@click.option(
    "--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
    help="Serve the list operation of another spec [default: the shipped List contacts].",
)  # fmt: skip
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of data and faults.")
@click.option(
    "--shape", type=click.Choice(SHAPES), default=SHAPES[0], show_default=True,
    help="Creation times: mixed, sparse (a day apart), dense (many ties).",
)  # fmt: skip
@click.option(
    "--api-key", "api_keys", multiple=True, metavar="KEY",
    help="An accepted key (repeatable); without one, a key is generated and printed.",
)  # fmt: skip
@click.option(
    "--reading", "readings", multiple=True, metavar="POINTER=VALUE", callback=_readings,
    help="Read an assumed fact otherwise (repeatable; see --list-readings).",
)  # fmt: skip
@click.option("--list-readings", is_flag=True, help="List the assumed facts and their readings.")
@click.option(
    "--new-contacts-per-minute", "--new-items-per-minute", "new_per_minute",
    type=click.FloatRange(min=0), default=0.0, metavar="N",
    help="Items the account gains a minute, created as time passes (a live account).",
)  # fmt: skip
@click.option("--rate-limit", type=click.IntRange(min=1), metavar="N", help="Requests per window.")
@click.option(
    "--rate-window", type=click.FloatRange(min=0.1), metavar="SECONDS",
    help="A rate-limit window [default: the spec's].",
)  # fmt: skip
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0, metavar="F")
@click.option("--fault-kinds", default=",".join(FAULT_KINDS), callback=_kinds, metavar="K,K")
@click.option("--fault-retry-after", type=click.IntRange(min=0), default=1, metavar="S")
@click.option("--fault-delay", type=click.FloatRange(min=0), default=0.2, metavar="S")
@click.option(
    "--mutant", "mutants", multiple=True, metavar="NAME",
    help="Serve with a contract violation (repeatable; mutation gauge; see --list-mutants).",
)  # fmt: skip
@click.option("--list-mutants", is_flag=True, help="List the mutants and exit.")
@click.option(
    "--log-level", type=click.Choice(LEVELS), default="info", show_default=True,
    help="uvicorn's; from info on, one access line per request.",
)  # fmt: skip
def serve(
    *,
    host: str,
    port: int,
    items: int,
    data: Path | None,
    spec: Path | None,
    seed: int,
    shape: Shape,
    api_keys: tuple[str, ...],
    readings: dict[str, Any],
    list_readings: bool,
    new_per_minute: float,
    rate_limit: int | None,
    rate_window: float | None,
    fault_rate: float,
    fault_kinds: tuple[str, ...],
    fault_retry_after: int,
    fault_delay: float,
    mutants: tuple[str, ...],
    list_mutants: bool,
    log_level: str,
) -> None:
    """A faithful fake of Kapso's WhatsApp List contacts API (or another list operation)."""
    contract, as_read = _contract(spec, readings)
    if list_readings:
        for fact in contract.assumptions:
            others = ", ".join(json.dumps(v) for v in fact.readings)
            click.echo(f"{contract.relative(fact.pointer)}={json.dumps(fact.raw)}  (or {others})")
        return
    from . import mutants as catalogue

    known = catalogue.catalogue(contract)
    if list_mutants:
        click.echo(catalogue.describe(known))
        return
    unknown = [name for name in mutants if name not in known]
    if unknown:
        raise click.UsageError(f"no mutant named {', '.join(unknown)} (see --list-mutants)")
    keys = list(api_keys)
    if not keys:
        keys = [f"kfake_{secrets.token_urlsafe(24)}"]
        # The one key ever printed: the user has no other way to learn it.
        click.echo(f"kapso-fake: no --api-key given; generated API key: {keys[0]}", err=True)
    started = time.perf_counter()
    lines = None if data is None else JsonLines(data, contract)
    try:
        app = create_app(
            api_keys=keys,
            contract=as_read,
            contacts=items,
            seed=seed,
            shape=shape,
            new_contacts_per_minute=new_per_minute,
            data=lines,
            rate_limit=rate_limit,
            rate_window=rate_window,
            faults=FaultConfig(fault_rate, seed, fault_kinds, fault_retry_after, fault_delay),
        )
    except ValueError as exc:
        if lines is None:
            raise InputError(str(exc)) from None
        # The items are read as they are stored: the one refused is the last one read.
        raise lines.error(str(exc).removeprefix(f"item {lines.items}: ")) from None
    source = data or f"seed {seed}, {shape}"
    click.echo(
        f"kapso-fake: {app.store.count()} {contract.noun} ({source}) loaded in"
        f" {time.perf_counter() - started:.1f} s; serving http://{host}:{port}{contract.path}",
        err=True,
    )
    served = catalogue.wear(app, mutants, api_keys=keys) if mutants else app
    import uvicorn  # the [fake] extra

    uvicorn.run(
        served,
        host=host,
        port=port,
        log_level=log_level,
        access_log=LEVELS.index(log_level) >= LEVELS.index("info"),
        server_header=False,  # Kapso's answers do not name uvicorn
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; a usage error exits with status 2."""
    try:
        import uvicorn  # noqa: F401 (serving needs it: say so before anything starts)
    except ImportError:
        click.echo(
            'kapso-fake needs the [fake] extra: pip install "kapso-contacts[fake]"', err=True
        )
        raise SystemExit(2) from None
    try:
        serve.main(
            args=None if argv is None else list(argv), prog_name="kapso-fake", standalone_mode=False
        )
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Abort:
        raise SystemExit(130) from None
