"""``kapso-contacts``: list a Kapso project's WhatsApp contacts from a terminal or a script.

Results go to stdout; messages to stderr, an error in one line. The filter
options and ``--limit`` come from the spec. An export (``--all``) stopped early
says which ``--after`` (or ``--before``) resumes it at a page boundary.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from types import FrameType
from typing import Any

import click
import httpx

from ._client import KapsoContacts
from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidParameterError,
    KapsoError,
    MissingAPIKeyError,
    PermissionDeniedError,
)
from ._http import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    LOG_ENV,
    RetryPolicy,
)
from ._output import FORMATS, Progress, make_writer
from ._pagination import Page
from .contract import Contract, Parameter, default_contract

#: Connecting never waits longer than the client's default, whatever --timeout says.
_CONNECT = DEFAULT_TIMEOUT.connect or 5.0


class ExitCode(IntEnum):
    """What the process's exit status means."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    AUTHENTICATION = 3
    API_ERROR = 4
    CONNECTION = 5
    INTERRUPTED = 130


@dataclass(frozen=True)
class CliOverrides:
    """What a caller embedding the CLI (a test) may swap: the transport and the retry policy."""

    transport: httpx.BaseTransport | None = None
    retry_policy: RetryPolicy | None = None


EXAMPLES = """\b
Examples:
  export KAPSO_API_KEY=...            # from the Kapso dashboard
  kapso-contacts list                 # the {page} newest contacts, as a table
  kapso-contacts list --all --format jsonl > contacts.jsonl
  kapso-contacts list --all --has-customer false --format csv > leads.csv
  kapso-contacts list --profile-name-contains maría --created-after 2025-01-01
  kapso-contacts list --limit 50 --after <cursor printed by the previous page>

\b
An export stopped early (Ctrl-C, a closed pipe, an error) prints the
--after (or --before) that resumes it with no contact lost or repeated:
jsonl and csv resume by appending (csv: add --no-header); json closes its
array, so a stopped export is valid JSON, but a resumed one is a second
array. Ctrl-C finishes the page being written; a second Ctrl-C aborts.

\b
csv cells that start with = + - @, a tab or a carriage return are written
with a leading ' so that a spreadsheet shows them as text instead of running
them as formulas (OWASP); --no-escape-formulas writes them as they are.

\b
Exit codes: 0 ok, 1 unexpected failure or a closed pipe, 2 usage (a bad
option or value, also when the API refuses one: a 400, or a 404 naming a
parameter, such as a cursor it cannot read), 3 authentication, 4 API error,
5 connection or timeout, 130 interrupted (Ctrl-C).
"""


def exit_code_for(exc: KapsoError) -> ExitCode:
    """The exit code for an error raised by the library."""
    if isinstance(exc, MissingAPIKeyError | AuthenticationError | PermissionDeniedError):
        return ExitCode.AUTHENTICATION
    if isinstance(exc, ConfigurationError | InvalidParameterError | BadRequestError):
        return ExitCode.USAGE
    if isinstance(exc, APIStatusError) and exc.parameter and 400 <= exc.status_code < 500:
        return ExitCode.USAGE  # the server names a value it cannot use (a cursor, on a 404)
    return ExitCode.CONNECTION if isinstance(exc, APIConnectionError) else ExitCode.API_ERROR


def _option(contract: Contract, parameter: Parameter) -> click.Option:
    """A filter's option, typed by its parameter (booleans spelled as the spec spells them)."""
    booleans = contract.query.booleans.value
    types: dict[str, click.ParamType[Any]] = {
        "boolean": click.Choice([*booleans.true, *booleans.false]),
        "integer": click.IntRange(parameter.minimum, parameter.maximum),
    }
    type_ = (
        click.Choice(list(map(str, parameter.enum)))
        if parameter.enum
        else types.get(parameter.kind, click.STRING)
    )
    # The library takes a bool for a boolean filter; the rest as given (it checks timestamps).
    convert: Callable[[Any], Any] = {
        "boolean": lambda text: text if text is None else text in booleans.true
    }.get(parameter.kind, lambda value: value)
    return click.Option(
        ["--" + parameter.name.replace("_", "-"), parameter.name],
        type=type_,
        metavar={"date-time": "TIMESTAMP"}.get(parameter.kind),
        callback=lambda ctx, param, value: convert(value),
        help=parameter.description,
    )


class _Export:
    """Where an output stands: the cursor that resumes it; Ctrl-C held while a page is written."""

    def __init__(self, start: str | None, *, backward: bool) -> None:
        self.resume = start
        self.backward = backward
        self.pages = self.items = 0
        self.partial = False  # stopped in the middle of writing a page
        self._writing = self._stopping = False

    def on_sigint(self, signum: int, frame: FrameType | None) -> None:
        """The first Ctrl-C while a page is written lets it finish; any other stops at once."""
        if self._writing and not self._stopping:
            self._stopping = True
            return
        self.partial = self._writing
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def writing(self, page: Page[Any], items: int) -> Iterator[None]:
        """Write one page inside; then the resume cursor moves past it, before Ctrl-C can stop."""
        self._writing = True
        yield  # an error leaves it writing: a Ctrl-C then cannot cut the clean-up short
        self.resume, self.pages, self.items = (
            page.onward_cursor(),
            self.pages + 1,
            self.items + items,
        )
        self._writing = False
        if self._stopping:
            raise KeyboardInterrupt

    def hint(self, fmt: str, noun: str) -> str:
        """How to resume, in one line ending with the cursor."""
        done = f"Stopped after {self.pages:,} pages ({self.items:,} {noun})"
        partly = "; the page being written may be partly in the output" if self.partial else ""
        if self.resume is None:
            left = "nothing is left to export" if self.pages else "run it again to start over"
            return f"{done}{partly}; {left}."
        resume = f"{'--before' if self.backward else '--after'} {self.resume}"
        append = "to resume, append (>>) the output of the same command with"
        how = {
            "csv": f"{append} --no-header {resume}",
            "jsonl": f"{append} {resume}",
            "json": "the array is closed, so the output is valid JSON; the rest, as an array"
            f" of its own: the same command with {resume}",
        }.get(fmt, f"to resume, run the same command with {resume}")
        return f"{done}{partly}; {how}"


def build_cli(contract: Contract) -> click.Group:
    """The ``kapso-contacts`` command line for a contract (its filters become options)."""
    noun, size = contract.noun, contract.pagination.cursor.limit
    epilog = EXAMPLES.format(page=size.default)

    @click.group(
        name="kapso-contacts",
        epilog=epilog,
        help=f"List the WhatsApp contacts of a Kapso project.\n\nConfigured by {API_KEY_ENV} and "
        f"{BASE_URL_ENV} (default {contract.server_url}); logs on stderr with {LOG_ENV}=debug.",
    )
    @click.version_option(package_name="kapso-contacts", prog_name="kapso-contacts")
    def group() -> None:
        """The command group; ``list`` does the work."""

    @group.command("list", epilog=epilog)
    @click.option("--after", metavar="CURSOR", help="Start after this cursor: a page's next.")
    @click.option(
        "--before",
        metavar="CURSOR",
        help="Start before this cursor: a page's previous; with --all, back to the newest.",
    )
    @click.option("--all", "walk", is_flag=True, help="Walk every page, not just the first.")
    @click.option(
        "--format", "fmt", type=click.Choice(FORMATS), help="table on a terminal, else jsonl"
    )
    @click.option(
        "--escape-formulas/--no-escape-formulas",
        default=True,
        help="csv: prefix cells that start with = + - @, a tab or a carriage return "
        "with ' so spreadsheets do not run them as formulas (OWASP) [default: on].",
    )
    @click.option("--header/--no-header", default=True, help="csv: the header row [default: on].")
    @click.option("--progress/--no-progress", default=None, help="Progress on stderr (--all).")
    @click.option(
        "--api-key",
        envvar=API_KEY_ENV,
        show_envvar=True,
        help=f"API key; prefer the {API_KEY_ENV} variable (a flag ends up in shell history).",
    )
    @click.option("--base-url", envvar=BASE_URL_ENV, show_envvar=True, help="API base URL.")
    @click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_TIMEOUT.read,
        show_default=True,
        help=f"Seconds to wait for each response (connecting: at most {_CONNECT:g}).",
    )
    @click.option(
        "--max-retries",
        type=click.IntRange(min=0),
        help=f"Retries per request [default: {DEFAULT_MAX_RETRIES}; 0: no retry, no waiting].",
    )
    @click.pass_context
    def list_command(
        ctx: click.Context,
        /,
        *,
        walk: bool,
        fmt: str | None,
        escape_formulas: bool,
        header: bool,
        progress: bool | None,
        timeout: float,
        **query: Any,
    ) -> None:
        """List contacts, newest first; every filter narrows the list (AND)."""
        overrides = ctx.find_object(CliOverrides) or CliOverrides()
        out, err = sys.stdout, sys.stderr
        fmt = fmt or ("table" if out.isatty() else "jsonl")
        writer = make_writer(
            fmt, out, contract=contract, escape_formulas=escape_formulas, header=header
        )
        shown = walk and (progress or (progress is None and err.isatty()))
        meter = Progress(err if shown else None, noun)
        backward = query["before"] is not None
        export = _Export(query["before"] if backward else query["after"], backward=backward)
        previous_handler = signal.signal(signal.SIGINT, export.on_sigint)
        options = {name: query.pop(name) for name in ("api_key", "base_url", "max_retries")}
        try:
            with KapsoContacts(
                timeout=httpx.Timeout(timeout, connect=min(_CONNECT, timeout)),
                retry_policy=overrides.retry_policy,
                transport=overrides.transport,
                contract=contract,
                **options,
            ) as kapso:
                pages = kapso.iter_pages(**query) if walk else iter([kapso.list_contacts(**query)])
                for page in pages:
                    items = page.raw_data[::-1] if walk and backward else page.raw_data
                    with export.writing(page, len(items)):
                        writer.write(items)
                        out.flush()
                    meter.page(len(items))
                writer.close()
        except (KeyboardInterrupt, BrokenPipeError, KapsoError) as exc:
            meter.clear()
            with contextlib.suppress(OSError, ValueError):
                if isinstance(exc, BrokenPipeError):  # nothing can be flushed into it any more
                    export.partial = True
                    os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
                else:
                    writer.close()  # a json array is closed: what was written is valid JSON
            message, code = (
                (f"Error: {exc}", exit_code_for(exc))
                if isinstance(exc, KapsoError)
                else ("Interrupted.", ExitCode.INTERRUPTED)
                if isinstance(exc, KeyboardInterrupt)
                else ("Output closed.", ExitCode.FAILURE)
            )
            click.secho(message, fg="red" if code != ExitCode.INTERRUPTED else "yellow", err=True)
            if walk:
                click.echo(export.hint(fmt, noun), err=True)
            ctx.exit(code)
        finally:
            signal.signal(signal.SIGINT, previous_handler)
        meter.done()
        if export.items == 0:
            click.echo(f"No {noun} found.", err=True)
        if not walk and export.resume is not None:
            option = "--before" if backward else "--after"
            click.echo(f"More {noun}: add {option} {export.resume} or --all.", err=True)

    list_command.params[:0] = [
        *(_option(contract, contract.parameters[name]) for name in contract.filters),
        click.Option(
            ["--limit", "limit"],
            type=click.IntRange(size.minimum, size.maximum),
            help=f"{noun.capitalize()} per request, {size.minimum}-{size.maximum} "
            f"[default: {size.default}; {size.maximum} with --all].",
        ),
    ]
    return group


cli = build_cli(default_contract())


def main() -> None:
    """Console-script entry point."""
    cli()
