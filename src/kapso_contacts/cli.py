"""``kapso-contacts``: list Kapso WhatsApp contacts from a terminal or a script.

Results go to stdout, messages to stderr. Exit codes: 0 success, 1 unexpected
failure, 2 usage (a bad option or value), 3 authentication (no key, or the API
refused it), 4 API error (any other error answer, after retries), 5 connection
(unreachable or timed out, after retries), 130 interrupted (Ctrl-C).

The filter options and ``--limit`` are built from the spec (``_cli_params``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import click
import httpx

from ._cli_params import filter_options, limit_option
from ._client import KapsoContacts
from ._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, LOG_ENV
from ._errors import (
    APIConnectionError,
    AuthenticationError,
    InvalidParameterError,
    KapsoError,
    MissingAPIKeyError,
    PermissionDeniedError,
)
from ._output import FORMATS, Progress, make_writer, terminal_width
from ._pagination import ContactPage
from ._policy import RetryPolicy
from .contract import Contract, default_contract

#: Connecting never waits longer than the client's default, whatever --timeout says.
_CONNECT = DEFAULT_TIMEOUT.connect or DEFAULT_TIMEOUT.read or 0.0


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
    """What a caller embedding the CLI (a test) may swap: the transport and retry policy."""

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
csv cells that start with = + - @, a tab or a carriage return are written
with a leading ' so that a spreadsheet shows them as text instead of running
them as formulas (OWASP); --no-escape-formulas writes them as they are.

\b
Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 authentication,
4 API error, 5 connection or timeout, 130 interrupted (Ctrl-C).
"""


def examples(contract: Contract) -> str:
    """The help's examples, with the contract's one-page size."""
    return EXAMPLES.format(page=contract.pagination.cursor.limit.default)


def build_cli(contract: Contract) -> click.Group:
    """The ``kapso-contacts`` command line for a contract (its filters become options)."""

    @click.group(
        name="kapso-contacts",
        epilog=examples(contract),
        help="List the WhatsApp contacts of a Kapso project.\n\n"
        f"Configured by {API_KEY_ENV} and {BASE_URL_ENV} (default {contract.server_url}). "
        f"Logs go to stderr with {LOG_ENV}=debug.",
    )
    @click.version_option(package_name="kapso-contacts", prog_name="kapso-contacts")
    def group() -> None:
        """The command group; ``list`` does the work."""

    command = _list_command(contract)
    command.params[:0] = [*filter_options(contract), limit_option(contract)]
    group.add_command(command)
    return group


def _list_command(contract: Contract) -> click.Command:
    @click.command("list", epilog=examples(contract))
    @click.option(
        "--after", metavar="CURSOR", help="Start after this cursor (older contacts): a page's next."
    )
    @click.option(
        "--before",
        metavar="CURSOR",
        help="Start before this cursor (newer contacts): a page's previous. "
        "With --all, walks back to the newest, oldest first.",
    )
    @click.option("--all", "walk", is_flag=True, help="Walk every page, not just the first.")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        help="Output format [default: table on a terminal, jsonl otherwise].",
    )
    @click.option(
        "--escape-formulas/--no-escape-formulas",
        default=True,
        help="csv: prefix cells that start with = + - @, a tab or a carriage return "
        "with ' so spreadsheets do not run them as formulas (OWASP) [default: on].",
    )
    @click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress on stderr during --all [default: when stderr is a terminal].",
    )
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
        help=f"Retries per request on errors worth retrying [default: {DEFAULT_MAX_RETRIES}].",
    )
    @click.pass_context
    def list_command(
        ctx: click.Context,
        /,
        *,
        limit: int | None,
        after: str | None,
        before: str | None,
        walk: bool,
        fmt: str | None,
        escape_formulas: bool,
        progress: bool | None,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int | None,
        **filters: Any,
    ) -> None:
        """List contacts, newest first; every filter narrows the list (AND)."""
        overrides = ctx.find_object(CliOverrides) or CliOverrides()
        out, err = sys.stdout, sys.stderr
        chosen = {name: value for name, value in filters.items() if value is not None}
        writer = make_writer(
            fmt or ("table" if out.isatty() else "jsonl"),
            out,
            contract=contract,
            width=terminal_width(out),
            escape_formulas=escape_formulas,
        )
        meter = Progress(err if walk and (err.isatty() if progress is None else progress) else None)
        last: ContactPage | None = None
        try:
            with _ExportingClient(
                api_key=api_key,
                base_url=base_url,
                timeout=httpx.Timeout(timeout, connect=min(_CONNECT, timeout)),
                max_retries=max_retries,
                retry_policy=overrides.retry_policy,
                transport=overrides.transport,
                contract=contract,
            ) as kapso:
                arguments: dict[str, Any] = {"limit": limit, "after": after, "before": before}
                if walk:
                    pages = kapso.iter_pages(**arguments, **chosen)
                else:
                    pages = iter([kapso.list_contacts(**arguments, **chosen)])
                for page, items, texts in _batches(pages, reverse=walk and before is not None):
                    writer.write(items, texts)
                    meter.page(len(items))
                    last = page
                writer.close()
        except KeyboardInterrupt:
            meter.clear()
            out.flush()
            click.secho("Interrupted.", fg="yellow", err=True)
            ctx.exit(ExitCode.INTERRUPTED)
        except KapsoError as exc:
            meter.clear()
            out.flush()
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(exit_code_for(exc))
        meter.done()
        if meter.contacts == 0:
            click.echo("No contacts found.", err=True)
        if not walk and last is not None:
            _hint_next(last, backward=before is not None)

    return list_command


class _ExportingClient(KapsoContacts):
    """The CLI's client: its pages keep each contact's text as they decode, to write it."""

    _keep_json_texts = True


def _batches(
    pages: Iterator[ContactPage], *, reverse: bool
) -> Iterator[tuple[ContactPage, list[dict[str, Any]], list[str]]]:
    """Each page with its contacts as sent; reversed when walking back, as ``iter_contacts``."""
    for page in pages:
        items, texts = page.raw_data, page.raw_json
        yield (page, items[::-1], texts[::-1]) if reverse else (page, items, texts)


def _hint_next(page: ContactPage, *, backward: bool) -> None:
    option, cursor = (
        ("--before", page.previous_cursor) if backward else ("--after", page.next_cursor)
    )
    if cursor is not None:
        click.echo(f"More contacts: add {option} {cursor} or --all.", err=True)


def exit_code_for(exc: KapsoError) -> ExitCode:
    """The exit code for an error raised by the library."""
    if isinstance(exc, InvalidParameterError):
        return ExitCode.USAGE
    if isinstance(exc, MissingAPIKeyError | AuthenticationError | PermissionDeniedError):
        return ExitCode.AUTHENTICATION
    if isinstance(exc, APIConnectionError):
        return ExitCode.CONNECTION
    return ExitCode.API_ERROR


cli = build_cli(default_contract())


def main() -> None:
    """Console-script entry point."""
    cli()
