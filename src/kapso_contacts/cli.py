"""``kapso-contacts``: list Kapso WhatsApp contacts from a terminal or a script.

Results go to stdout, messages to stderr. Exit codes: 0 success, 1 unexpected
failure, 2 usage (a bad option or value), 3 authentication (no key, or the API
refused it), 4 API error (any other error answer, after retries), 5 connection
(unreachable or timed out, after retries), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, TextIO, cast

import click
import httpx

from ._client import KapsoContacts
from ._constants import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_MAX_RETRIES,
    MAX_PAGE_SIZE,
    MIN_PAGE_SIZE,
)
from ._errors import (
    APIConnectionError,
    AuthenticationError,
    InvalidParameterError,
    KapsoError,
    MissingAPIKeyError,
    PermissionDeniedError,
)
from ._output import FORMATS, contact_record, make_writer
from ._pagination import ContactPage
from ._retry import RetryPolicy
from ._validation import ContactFilters, parse_timestamp

#: Contacts per request for one page, and for a walk with ``--all``.
PAGE_LIMIT = 20
WALK_LIMIT = MAX_PAGE_SIZE


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


class _Timestamp(click.ParamType[datetime, "str | datetime"]):
    name = "TIMESTAMP"

    def convert(
        self, value: str | datetime, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_timestamp(param.name if param and param.name else "timestamp", value)
        except InvalidParameterError as exc:
            self.fail(str(exc), param, ctx)


EXAMPLES = """\b
Examples:
  export KAPSO_API_KEY=...            # from the Kapso dashboard
  kapso-contacts list                 # the 20 newest contacts, as a table
  kapso-contacts list --all --format jsonl > contacts.jsonl
  kapso-contacts list --all --has-customer false --format csv > leads.csv
  kapso-contacts list --profile-name-contains maria --created-after 2025-01-01
  kapso-contacts list --limit 50 --after <cursor printed by the previous page>

\b
Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 authentication,
4 API error, 5 connection or timeout, 130 interrupted (Ctrl-C).
"""


@click.group(name="kapso-contacts", epilog=EXAMPLES)
@click.version_option(package_name="kapso-contacts", prog_name="kapso-contacts")
def cli() -> None:
    """List the WhatsApp contacts of a Kapso project.

    Configured by KAPSO_API_KEY and KAPSO_BASE_URL (default
    https://api.kapso.ai/platform/v1). Logs go to stderr with KAPSO_LOG=debug.
    """


@cli.command("list", epilog=EXAMPLES)
@click.option("--customer-id", help="Only contacts of this customer (exact match).")
@click.option("--customer-external-id", help="Only contacts of the customer with this external ID.")
@click.option(
    "--has-customer", type=click.BOOL, metavar="true|false", help="With or without a customer."
)
@click.option("--profile-name-contains", help="Profile name contains this (any case).")
@click.option("--wa-id-contains", help="WhatsApp ID contains this.")
@click.option("--business-scoped-user-id", help="Only this business-scoped user ID.")
@click.option(
    "--created-after",
    type=_Timestamp(),
    help="Created after this ISO 8601 time (UTC if no offset).",
)
@click.option("--created-before", type=_Timestamp(), help="Created before this ISO 8601 time.")
@click.option(
    "--limit",
    type=click.IntRange(MIN_PAGE_SIZE, MAX_PAGE_SIZE),
    help=f"Contacts per request, {MIN_PAGE_SIZE}-{MAX_PAGE_SIZE} "
    f"[default: {PAGE_LIMIT}; {WALK_LIMIT} with --all].",
)
@click.option("--after", metavar="CURSOR", help="Start after this cursor (from a previous page).")
@click.option("--all", "walk", is_flag=True, help="Walk every page, not just the first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Output format [default: table on a terminal, jsonl otherwise].",
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
    default=30.0,
    show_default=True,
    help="Seconds to wait for each response (connecting: at most 5).",
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
    walk: bool,
    fmt: str | None,
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
    writer = make_writer(fmt or ("table" if out.isatty() else "jsonl"), out)
    show_progress = walk and (err.isatty() if progress is None else progress)
    meter = _Progress(err if show_progress else None)
    chosen = cast(ContactFilters, {k: v for k, v in filters.items() if v is not None})
    last: ContactPage | None = None
    try:
        with KapsoContacts(
            api_key=api_key,
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
            max_retries=max_retries,
            retry_policy=overrides.retry_policy,
            transport=overrides.transport,
        ) as kapso:
            size = limit or (WALK_LIMIT if walk else PAGE_LIMIT)
            if walk:
                pages = kapso.iter_pages(limit=size, after=after, **chosen)
            else:
                pages = iter([kapso.list_contacts(limit=size, after=after, **chosen)])
            for last in pages:
                for contact in last.data:
                    writer.write(contact_record(contact))
                meter.page(len(last.data))
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
    if not walk and last is not None and last.next_cursor is not None:
        click.echo(f"More contacts: add --after {last.next_cursor} or --all.", err=True)


def exit_code_for(exc: KapsoError) -> ExitCode:
    """The exit code for an error raised by the library."""
    if isinstance(exc, InvalidParameterError):
        return ExitCode.USAGE
    if isinstance(exc, MissingAPIKeyError | AuthenticationError | PermissionDeniedError):
        return ExitCode.AUTHENTICATION
    if isinstance(exc, APIConnectionError):
        return ExitCode.CONNECTION
    return ExitCode.API_ERROR


class _Progress:
    """``Fetched 3,400 contacts (34 pages)`` on one stderr line, redrawn per page."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        self.contacts = 0
        self._pages = 0

    def page(self, contacts: int) -> None:
        self.contacts += contacts
        self._pages += 1
        if self._stream is not None:
            self._stream.write(f"\r{self._message()}")
            self._stream.flush()

    def clear(self) -> None:
        if self._stream is not None and self._pages:
            self._stream.write("\r\033[K")
            self._stream.flush()

    def done(self) -> None:
        if self._stream is not None:
            self.clear()
            self._stream.write(f"{self._message()}.\n")

    def _message(self) -> str:
        return f"Fetched {self.contacts:,} contacts ({self._pages:,} pages)"


def main() -> None:
    """Console-script entry point."""
    cli()
