"""Filter defects: a filter ignored, matched the wrong way, or combined with OR."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from ._exchange import Answer, Call, Forward, Handler
from ._listing import FILTERS, Contact, newest_first, reserve, walk
from ._model import Registry, query_rewrite, register

CATALOGUE: Registry = []

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_OFFSET = re.compile(r"[+-][0-9]{2}:[0-9]{2}$")


def _ignored(name: str) -> Handler:
    return query_rewrite(lambda call: call.with_param(name, None))


def _wrong_predicate(name: str, predicate: Callable[[str, Contact], bool]) -> Handler:
    """Serve ``name`` with ``predicate(value, contact)`` instead of the documented match."""

    async def handle(call: Call, forward: Forward) -> Answer:
        answer = await forward(call)
        value = call.get(name)
        if not answer.ok or not value:
            return answer
        others = [f for f in FILTERS if f != name]
        contacts = [c for c in await walk(forward, call, others) if predicate(value, c)]
        return reserve(call, contacts, answer)

    return handle


def _name(contact: Contact) -> str:
    return str(contact.get("profile_name") or "")


def _like(needle: str, contact: Contact) -> bool:
    """SQL LIKE '%needle%' without escaping: % and _ are wildcards."""
    pattern = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in needle.casefold()
    )
    return re.search(pattern, _name(contact).casefold(), re.DOTALL) is not None


def _shift_bound(name: str, delta: timedelta) -> Callable[[Call], Call]:
    """Move a date bound by ``delta``: an exclusive bound becomes an inclusive one."""

    def rewrite(call: Call) -> Call:
        text = call.get(name)
        if not text:
            return call
        fraction = re.search(r"\.([0-9]+)", text)
        if fraction and len(fraction.group(1)) > 6:
            return call
        try:
            instant = datetime.fromisoformat(text).astimezone(UTC) + delta
        except (ValueError, OverflowError):
            return call
        return call.with_param(name, instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))

    return rewrite


def _drop_offset(call: Call) -> Call:
    """Read a bound's local time as UTC: the offset is thrown away."""
    for name in ("created_after", "created_before"):
        text = call.get(name)
        if text and _OFFSET.search(text):
            call = call.with_param(name, _OFFSET.sub("Z", text))
    return call


async def _filters_or(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    given = [name for name in FILTERS if call.get(name)]
    if not answer.ok or len(given) < 2:
        return answer
    union: dict[str, Contact] = {}
    for name in given:
        for contact in await walk(forward, call, [name]):
            union[str(contact["id"])] = contact
    return reserve(call, newest_first(list(union.values())), answer)


def _add(name: str, description: str, handler: Handler) -> None:
    register(CATALOGUE, name, "filter", description)(handler)


def _build(entries: Sequence[tuple[str, str, Handler]]) -> None:
    for name, description, handler in entries:
        _add(name, description, handler)


_build(
    [
        (
            "ignores-customer-id",
            "customer_id is ignored: every contact comes back",
            _ignored("customer_id"),
        ),
        (
            "ignores-customer-external-id",
            "customer_external_id is ignored: every contact comes back",
            _ignored("customer_external_id"),
        ),
        (
            "ignores-business-scoped-user-id",
            "business_scoped_user_id is ignored (the undocumented filter nobody wired up)",
            _ignored("business_scoped_user_id"),
        ),
        (
            "ignores-wa-id-contains",
            "wa_id_contains is ignored",
            _ignored("wa_id_contains"),
        ),
        (
            "has-customer-false-is-truthy",
            "has_customer=false is read as a non-empty string, i.e. true",
            query_rewrite(
                lambda call: (
                    call.with_param("has_customer", "true")
                    if call.get("has_customer") == "false"
                    else call
                )
            ),
        ),
        (
            "profile-name-case-sensitive",
            "profile_name_contains matches case-sensitively",
            _wrong_predicate("profile_name_contains", lambda v, c: v in _name(c)),
        ),
        (
            "profile-name-ascii-case-folding",
            "profile_name_contains folds ASCII case only (SQLite LIKE): 'ÉLODIE' misses 'élodie'",
            _wrong_predicate(
                "profile_name_contains",
                lambda v, c: v.translate(_ASCII_LOWER) in _name(c).translate(_ASCII_LOWER),
            ),
        ),
        (
            "profile-name-wildcards-leak",
            "profile_name_contains goes into LIKE unescaped: % and _ act as wildcards",
            _wrong_predicate("profile_name_contains", _like),
        ),
        (
            "profile-name-prefix",
            "profile_name_contains matches a prefix instead of a substring",
            _wrong_predicate(
                "profile_name_contains", lambda v, c: _name(c).casefold().startswith(v.casefold())
            ),
        ),
        (
            "wa-id-prefix",
            "wa_id_contains matches a prefix instead of a substring",
            _wrong_predicate(
                "wa_id_contains", lambda v, c: str(c.get("wa_id") or "\0").startswith(v)
            ),
        ),
        (
            "created-after-inclusive",
            "created_after is inclusive (>=): a contact created at the bound comes back",
            query_rewrite(_shift_bound("created_after", -timedelta(microseconds=1))),
        ),
        (
            "created-before-inclusive",
            "created_before is inclusive (<=): a contact created at the bound comes back",
            query_rewrite(_shift_bound("created_before", timedelta(microseconds=1))),
        ),
        (
            "created-bound-offset-ignored",
            "a date bound's UTC offset is dropped: 10:00+02:00 is read as 10:00Z",
            query_rewrite(_drop_offset),
        ),
        (
            "filters-combine-with-or",
            "two or more filters combine with OR instead of AND",
            _filters_or,
        ),
    ]
)
