"""Deterministic filter values cut from real contacts, one recipe per documented meaning."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Contacts = list[dict[str, Any]]


def _first(contacts: Contacts, name: str) -> Any:
    return next((c[name] for c in contacts if c.get(name) not in (None, "")), None)


def _case_changed_name(contacts: Contacts) -> str | None:
    """A 3-letter piece of a real name with its case flipped (non-ASCII letters preferred)."""
    names = [str(c["profile_name"]) for c in contacts if c.get("profile_name")]
    for ascii_ok in (False, True):
        for name in names:
            for start in range(max(1, len(name) - 2)):
                piece = name[start : start + 3]
                flipped = piece.swapcase()
                if flipped == piece or flipped.lower() != piece.lower():
                    continue
                if ascii_ok or any(ord(ch) > 127 and ch.isalpha() for ch in piece):
                    return flipped
    return None


def _wa_piece(contacts: Contacts) -> str | None:
    wa_id = _first(contacts, "wa_id")
    return str(wa_id)[2:6] if wa_id and len(str(wa_id)) >= 6 else wa_id


def _and(contacts: Contacts) -> dict[str, Any] | None:
    with_customer = [c for c in contacts if c.get("customer_id")]
    needle = _case_changed_name(with_customer)
    return {"has_customer": True, "profile_name_contains": needle} if needle else None


def _one(name: str, pick: Callable[[Contacts], Any]) -> Callable[[Contacts], dict[str, Any] | None]:
    def recipe(contacts: Contacts) -> dict[str, Any] | None:
        value = pick(contacts)
        return None if value is None else {name: value}

    return recipe


RECIPES: dict[str, Callable[[Contacts], dict[str, Any] | None]] = {
    "has_customer=true": lambda _: {"has_customer": True},
    "has_customer=false": lambda _: {"has_customer": False},
    "profile_name_contains, case flipped": _one("profile_name_contains", _case_changed_name),
    "profile_name_contains=%": lambda _: {"profile_name_contains": "%"},
    "profile_name_contains=_": lambda _: {"profile_name_contains": "_"},
    "wa_id_contains, a real piece": _one("wa_id_contains", _wa_piece),
    "customer_id, a real one": _one("customer_id", lambda cs: _first(cs, "customer_id")),
    "business_scoped_user_id, a real one": _one(
        "business_scoped_user_id", lambda cs: _first(cs, "business_scoped_user_id")
    ),
    "customer_external_id, unknown": lambda _: {"customer_external_id": "no-such-external-id"},
    "has_customer AND profile_name_contains": _and,
}
