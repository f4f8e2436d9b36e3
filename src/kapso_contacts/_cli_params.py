"""The CLI's options that come from the spec: one per filter, and the page size.

A filter added to the spec appears here with no Python edit: its option is
``--kebab-name``, its help the parameter's description, its type its kind's
(text, a boolean spelled as the spec spells it, an ISO 8601 timestamp).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from ._errors import InvalidParameterError
from ._query import parse_timestamp
from .contract import Booleans, Contract, Parameter


class Timestamp(click.ParamType[datetime, "str | datetime"]):
    """An ISO 8601 timestamp (UTC when it has no offset), as the client reads one."""

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


class SpecBoolean(click.ParamType[bool, "str | bool"]):
    """``true`` or ``false``, spelled as the spec's ``x-kapso-query`` spells them."""

    name = "BOOLEAN"

    def __init__(self, booleans: Booleans) -> None:
        self._booleans = booleans

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "|".join((*self._booleans.true, *self._booleans.false))

    def convert(
        self, value: str | bool, param: click.Parameter | None, ctx: click.Context | None
    ) -> bool:
        if isinstance(value, bool):
            return value
        if value in self._booleans.true:
            return True
        if value in self._booleans.false:
            return False
        spellings = " or ".join((*self._booleans.true, *self._booleans.false))
        self.fail(f"{value!r} is not {spellings}", param, ctx)


def option_name(parameter: Parameter) -> str:
    """``profile_name_contains`` -> ``--profile-name-contains``."""
    return "--" + parameter.name.replace("_", "-")


def filter_options(contract: Contract) -> list[click.Option]:
    """One option per filter of the contract, in the spec's order."""
    return [_filter_option(contract, contract.parameters[name]) for name in contract.filters]


def _filter_option(contract: Contract, parameter: Parameter) -> click.Option:
    kinds: dict[str, click.ParamType[Any]] = {
        "boolean": SpecBoolean(contract.query.booleans),
        "date-time": Timestamp(),
        "integer": click.IntRange(parameter.minimum, parameter.maximum),
    }
    return click.Option(
        [option_name(parameter), parameter.name],
        type=kinds.get(parameter.kind, click.STRING),
        help=parameter.description,
    )


def limit_option(contract: Contract) -> click.Option:
    """``--limit``: the range, the one-page default and the walk's size, from the spec."""
    limit = contract.pagination.cursor.limit
    return click.Option(
        [option_name(limit), "limit"],
        type=click.IntRange(limit.minimum, limit.maximum),
        help=f"Contacts per request, {limit.minimum}-{limit.maximum} "
        f"[default: {limit.default}; {limit.maximum} with --all].",
    )
