"""Hypothesis strategies: windows, page sizes and filters, drawn per `match` kind from real data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from kapso_contacts.contract import Contract, Filter, Parameter

from ._windows import MAX_SPAN, Anchor, Window, window

# Needles SQL LIKE would read as wildcards or escapes: a literal reading keeps them literal.
LITERAL_NEEDLES = ("%", "_", "\\", "%_", "_%", "100%", "a_b")
CASE_CHANGES: tuple[Callable[[str], str], ...] = (
    str,
    str.lower,
    str.upper,
    str.swapcase,
    str.title,
)
# Values made up for a field with no real value to draw from (identifiers, mostly).
MADE_UP_ALPHABET = "0123456789abcdef-"
_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))


def windows(anchor: Anchor, max_span: int = MAX_SPAN) -> st.SearchStrategy[Window]:
    """A window between two anchor contacts at most `max_span` apart."""
    last = len(anchor.contacts) - 1
    return st.integers(0, last - 1).flatmap(
        lambda newer: st.integers(newer + 1, min(last, newer + max_span)).map(
            lambda older: window(anchor, newer, older)
        )
    )


def page_sizes(parameter: Parameter) -> st.SearchStrategy[int]:
    """Sizes across the parameter's range, small ones, its default and its top likelier."""
    low = parameter.minimum if parameter.minimum is not None else 1
    high = parameter.maximum if parameter.maximum is not None else low + 99
    special = sorted(
        {v for v in (parameter.default, high - 1, high) if v is not None and low <= v <= high}
    )
    return st.one_of(
        st.integers(low, min(high, low + 6)), st.sampled_from(special), st.integers(low, high)
    )


def _substring(text: str) -> st.SearchStrategy[str]:
    return st.integers(0, max(0, len(text) - 1)).flatmap(
        lambda start: st.integers(start + 1, len(text)).map(lambda end: text[start:end])
    )


def real_values(contacts: list[dict[str, Any]], field: str) -> list[str]:
    """The distinct non-empty values of a field among `contacts`, sorted."""
    return sorted({str(c[field]) for c in contacts if c.get(field) not in (None, "")})


def _alphabet(values: list[str]) -> str:
    return "".join(sorted(set("".join(values)))) or MADE_UP_ALPHABET


def case_insensitive_needles(values: list[str]) -> st.SearchStrategy[str]:
    """Pieces of real values in changed case, literal wildcards, or any text."""
    real = (
        st.sampled_from(values)
        .flatmap(_substring)
        .flatmap(lambda part: st.sampled_from(CASE_CHANGES).map(lambda change: change(part)))
        if values
        else st.nothing()
    )
    # Real pieces twice as likely: they are what makes completeness bite.
    literal = st.sampled_from(LITERAL_NEEDLES)
    return st.one_of(real, real, literal, st.text(_PRINTABLE, min_size=1, max_size=3))


def filter_values(rule: Filter, contacts: list[dict[str, Any]]) -> st.SearchStrategy[Any] | None:
    """Values for one filter by its `match`; None for the window bounds (`after`/`before`)."""
    values = [] if rule.on_customer else real_values(contacts, rule.field)
    made_up = st.text(alphabet=_alphabet(values), min_size=1, max_size=8)
    if rule.match == "present":
        return st.booleans()
    if rule.match == "contains" and rule.case_insensitive:
        return case_insensitive_needles(values)
    if rule.match == "contains":
        real = st.sampled_from(values).flatmap(_substring) if values else st.nothing()
        return st.one_of(real, st.text(alphabet=_alphabet(values), min_size=1, max_size=4))
    if rule.match == "equals":
        return st.one_of(st.sampled_from(values) if values else st.nothing(), made_up)
    return None


def filter_sets(
    contract: Contract, contacts: list[dict[str, Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """One to three filters (AND): mostly all admitting one real contact, else mixed or made up."""
    if not contacts:
        return loose_filter_sets(contract, contacts)
    one = st.sampled_from(contacts).flatmap(lambda contact: loose_filter_sets(contract, [contact]))
    return st.one_of(one, one, loose_filter_sets(contract, contacts))


def loose_filter_sets(
    contract: Contract, contacts: list[dict[str, Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """One to three filters (AND), their values drawn from `contacts` or made up."""
    options: dict[str, st.SearchStrategy[Any]] = {}
    for name, rule in contract.filters.items():
        strategy = filter_values(rule, contacts)
        if strategy is not None:
            options[name] = strategy
    names = st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda chosen: st.fixed_dictionaries({name: options[name] for name in sorted(chosen)})
    )


def _non_ascii_cased(char: str) -> bool:
    """A letter outside ASCII that has case (É, ø, Σ, Ł, ...)."""
    return ord(char) > 127 and char.upper() != char.lower()


# Case changes that keep the length (ß -> SS and the like are left out: no position to compare).
NON_ASCII_CASE_CHANGES: tuple[Callable[[str], str], ...] = (str.upper, str.lower, str.swapcase)


def non_ascii_case_needles(values: list[str]) -> st.SearchStrategy[tuple[str, str]] | None:
    """(value, needle): a piece of a real value, 1-6 characters around a non-ASCII cased letter,
    with its case changed so that this letter's case differs; None if no value qualifies."""
    qualifying = [v for v in values if any(map(_non_ascii_cased, v))]
    if not qualifying:
        return None

    def pieces(value: str) -> st.SearchStrategy[tuple[str, str]]:
        spots = [i for i, char in enumerate(value) if _non_ascii_cased(char)]
        return st.sampled_from(spots).flatmap(
            lambda at: (
                st.tuples(
                    st.integers(max(0, at - 3), at),
                    st.integers(at + 1, min(len(value), at + 3)),
                    st.sampled_from(NON_ASCII_CASE_CHANGES),
                )
                .map(lambda cut: (cut[0], cut[1], cut[2](value[cut[0] : cut[1]])))
                .filter(lambda cut: _flips(value, at, cut[0], cut[1], cut[2]))
                .map(lambda cut: (value, cut[2]))
            )
        )

    return st.sampled_from(qualifying).flatmap(pieces)


def _flips(value: str, at: int, start: int, end: int, needle: str) -> bool:
    """The needle keeps the piece's length and changes the case of the letter at `at`."""
    return len(needle) == end - start and needle[at - start] != value[at]
