"""Hypothesis strategies: windows, page sizes and filter combinations drawn from real data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from contract_tests._windows import MAX_SPAN, Anchor, Window, window

# Needles SQL LIKE would read as wildcards or escapes: the docs make them literal.
LITERAL_NEEDLES = ("%", "_", "\\", "%_", "_%", "100%", "a_b")
CASE_CHANGES: tuple[Callable[[str], str], ...] = (
    str,
    str.lower,
    str.upper,
    str.swapcase,
    str.title,
)
_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))


def windows(anchor: Anchor, max_span: int = MAX_SPAN) -> st.SearchStrategy[Window]:
    """A window between two anchor contacts at most `max_span` apart."""
    last = len(anchor.contacts) - 1
    return st.integers(0, last - 1).flatmap(
        lambda newer: st.integers(newer + 1, min(last, newer + max_span)).map(
            lambda older: window(anchor, newer, older)
        )
    )


def limits() -> st.SearchStrategy[int]:
    """Page sizes across the documented range 1..100, small ones likelier."""
    return st.one_of(st.integers(1, 7), st.sampled_from([10, 20, 33, 99, 100]))


def _substring(text: str) -> st.SearchStrategy[str]:
    return st.integers(0, max(0, len(text) - 1)).flatmap(
        lambda start: st.integers(start + 1, len(text)).map(lambda end: text[start:end])
    )


def _values(contacts: list[dict[str, Any]], name: str) -> list[str]:
    return sorted({str(c[name]) for c in contacts if c.get(name) not in (None, "")})


def name_needles(contacts: list[dict[str, Any]]) -> st.SearchStrategy[str]:
    """Substrings of real names in changed case, literal wildcards, or any text."""
    names = _values(contacts, "profile_name")
    real = (
        st.sampled_from(names)
        .flatmap(_substring)
        .flatmap(lambda part: st.sampled_from(CASE_CHANGES).map(lambda change: change(part)))
        if names
        else st.nothing()
    )
    # Real substrings twice as likely: they are what makes completeness bite.
    literal = st.sampled_from(LITERAL_NEEDLES)
    return st.one_of(real, real, literal, st.text(_PRINTABLE, min_size=1, max_size=3))


def filter_sets(contacts: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """One to three filters (AND): mostly all admitting one real contact, else mixed or made up."""
    if not contacts:
        return loose_filter_sets(contacts)
    one = st.sampled_from(contacts).flatmap(lambda contact: loose_filter_sets([contact]))
    return st.one_of(one, one, loose_filter_sets(contacts))


def loose_filter_sets(contacts: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """One to three filters (AND), their values drawn from `contacts` or made up."""
    wa_ids = _values(contacts, "wa_id")
    customers = _values(contacts, "customer_id")
    scoped = _values(contacts, "business_scoped_user_id")
    made_up = st.text(alphabet="0123456789abcdef-", min_size=1, max_size=8)
    options: dict[str, st.SearchStrategy[Any]] = {
        "profile_name_contains": name_needles(contacts),
        "wa_id_contains": st.one_of(
            st.sampled_from(wa_ids).flatmap(_substring) if wa_ids else st.nothing(),
            st.text(alphabet="0123456789", min_size=1, max_size=4),
        ),
        "customer_id": st.one_of(
            st.sampled_from(customers) if customers else st.nothing(), made_up
        ),
        "has_customer": st.booleans(),
        "business_scoped_user_id": st.one_of(
            st.sampled_from(scoped) if scoped else st.nothing(), made_up
        ),
        "customer_external_id": made_up,
    }
    names = st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda chosen: st.fixed_dictionaries({name: options[name] for name in sorted(chosen)})
    )


def _non_ascii_cased(char: str) -> bool:
    """A letter outside ASCII that has case (É, ø, Σ, Ł, ...)."""
    return ord(char) > 127 and char.upper() != char.lower()


# Case changes that keep the length (ß -> SS and the like are left out: no position to compare).
NON_ASCII_CASE_CHANGES: tuple[Callable[[str], str], ...] = (str.upper, str.lower, str.swapcase)


def non_ascii_case_needles(
    contacts: list[dict[str, Any]],
) -> st.SearchStrategy[tuple[str, str]] | None:
    """(name, needle): a piece of a real name, 1-6 characters around a non-ASCII cased letter,
    with its case changed so that this letter's case differs; None if no name qualifies."""
    names = [n for n in _values(contacts, "profile_name") if any(map(_non_ascii_cased, n))]
    if not names:
        return None

    def pieces(name: str) -> st.SearchStrategy[tuple[str, str]]:
        spots = [i for i, char in enumerate(name) if _non_ascii_cased(char)]
        return st.sampled_from(spots).flatmap(
            lambda at: (
                st.tuples(
                    st.integers(max(0, at - 3), at),
                    st.integers(at + 1, min(len(name), at + 3)),
                    st.sampled_from(NON_ASCII_CASE_CHANGES),
                )
                .map(lambda cut: (cut[0], cut[1], cut[2](name[cut[0] : cut[1]])))
                .filter(lambda cut: _flips(name, at, cut[0], cut[1], cut[2]))
                .map(lambda cut: (name, cut[2]))
            )
        )

    return st.sampled_from(names).flatmap(pieces)


def _flips(name: str, at: int, start: int, end: int, needle: str) -> bool:
    """The needle keeps the piece's length and changes the case of the letter at `at`."""
    return len(needle) == end - start and needle[at - start] != name[at]
