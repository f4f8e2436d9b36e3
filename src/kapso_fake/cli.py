"""``kapso-fake``: serve the fake API with uvicorn.

Built with click, like ``kapso-contacts``: a bad option or value is one usage
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click
import uvicorn

from ._access_log import AccessLog
from ._faults import FAULT_KINDS, FaultConfig
from ._jsonl import read_jsonl
from .app import create_app
from .data import SHAPES, Shape
from .mutants import MUTANTS, apply_mutants, describe_mutants
from .store import ContactStore

#: uvicorn's levels, quietest first; below ``info`` there is no access log (and no cost).
_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _fault_kinds(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in value.split(",") if kind.strip())
    unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
    if not kinds or unknown:
        raise click.BadParameter(
            f"fault kinds must be among {','.join(FAULT_KINDS)}, got {value!r}"
        )
    return kinds


@click.command(
    name="kapso-fake",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Serves the API under the spec's base path, e.g. http://127.0.0.1:8080/platform/v1.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--contacts", type=click.IntRange(min=0), default=1000, show_default=True,
    help="Contacts to generate.",
)  # fmt: skip
@click.option(
    "--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.jsonl",
    help="Serve the contacts of `kapso-contacts list --all --format jsonl` instead.",
)  # fmt: skip
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of the data and of the faults."
)
@click.option(
    "--shape", type=click.Choice(SHAPES), default=SHAPES[0], show_default=True,
    help="Creation times: mixed, sparse (a day apart), dense (many ties).",
)  # fmt: skip
@click.option(
    "--api-key", "api_keys", multiple=True, metavar="KEY",
    help="An accepted key (repeatable); without one, a key is generated and printed.",
)  # fmt: skip
@click.option(
    "--db", type=click.Path(dir_okay=False), metavar="PATH",
    help="SQLite file to rebuild and serve [default: in memory].",
)  # fmt: skip
@click.option(
    "--rate-limit", type=click.IntRange(min=1), metavar="N",
    help="Requests per window per key [default: no limit].",
)  # fmt: skip
@click.option(
    "--rate-window", type=click.FloatRange(min=0.1), metavar="SECONDS",
    help="Length of a rate-limit window [default: the spec's, Kapso's minute].",
)  # fmt: skip
@click.option(
    "--fault-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True, metavar="F",
    help="Share of requests (0..1) answered with an injected fault.",
)  # fmt: skip
@click.option(
    "--fault-kinds", default=",".join(FAULT_KINDS), show_default=True, metavar="K,K",
    callback=_fault_kinds, help="Faults to draw from.",
)  # fmt: skip
@click.option(
    "--fault-retry-after", type=click.IntRange(min=0), default=1, show_default=True,
    metavar="S", help="Retry-After of an injected 429.",
)  # fmt: skip
@click.option(
    "--fault-delay", type=click.FloatRange(min=0), default=0.2, show_default=True,
    metavar="S", help="Seconds an injected delay lasts.",
)  # fmt: skip
@click.option(
    "--mutant", "mutants", type=click.Choice(sorted(MUTANTS)), multiple=True, metavar="NAME",
    help="Serve with a contract violation (repeatable; mutation gauge; see --list-mutants).",
)  # fmt: skip
@click.option("--list-mutants", is_flag=True, help="List the mutants and exit.")
@click.option(
    "--log-level", type=click.Choice(_LEVELS), default="info", show_default=True,
    help="uvicorn's; below info the access log is off.",
)  # fmt: skip
def serve(
    *,
    host: str,
    port: int,
    contacts: int,
    data: Path | None,
    seed: int,
    shape: Shape,
    api_keys: tuple[str, ...],
    db: str | None,
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
    """A faithful fake of Kapso's WhatsApp List contacts API."""
    if list_mutants:
        click.echo(describe_mutants())
        return
    keys = list(api_keys)
    if not keys:
        keys = [f"kfake_{secrets.token_urlsafe(24)}"]
        # The one key ever printed: the user has no other way to learn it.
        click.echo(f"kapso-fake: no --api-key given; generated API key: {keys[0]}", err=True)
    faults = FaultConfig(
        rate=fault_rate,
        seed=seed,
        kinds=fault_kinds,
        retry_after=fault_retry_after,
        delay=fault_delay,
    )
    started = time.perf_counter()
    store = None
    if data is not None:
        store = ContactStore(path=db, seed=seed)
        try:
            store.replace(read_jsonl(str(data), store.contract))
        except ValueError as exc:  # DataError (a bad line), or two contacts at one place
            click.echo(f"kapso-fake: {exc}", err=True)
            raise SystemExit(2) from None
    app = create_app(
        api_keys=keys,
        contacts=contacts,
        seed=seed,
        shape=shape,
        rate_limit=rate_limit,
        rate_window=rate_window,
        db_path=db,
        store=store,
        faults=faults,
    )
    source = data or f"seed {seed}, {shape}"
    click.echo(
        f"kapso-fake: {app.store.count()} contacts ({source}) loaded in "
        f"{time.perf_counter() - started:.1f} s; serving "
        f"http://{host}:{port}{app.contract.path}",
        err=True,
    )
    sys.stderr.flush()
    # A mutant (a deliberate contract violation, for the mutation gauge) wraps the
    # app from outside; the fake itself never knows.
    served = apply_mutants(app, mutants, api_keys=keys)
    if _LEVELS.index(log_level) >= _LEVELS.index("info"):
        served = AccessLog(served)  # uvicorn's line, for a fraction of its cost
    uvicorn.run(
        served,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        server_header=False,  # Kapso's answers do not name uvicorn
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point (``argv``: the arguments, for tests and embedding).

    Returns when the server stops; a usage error exits with status 2.
    """
    try:
        serve.main(
            args=None if argv is None else list(argv),
            prog_name="kapso-fake",
            standalone_mode=False,
        )
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Abort:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
