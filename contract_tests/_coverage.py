"""Which promises a run checked, how often and at which edges; which it could not, and why.

A pass means little if the data never let a check bite: a sparse account has
no ties, an account of whole-second timestamps cannot tell a bound read to
the millisecond from one read to the microsecond. The deterministic recipes
record every promise they check (`hit`, with the edge: `limit=100`, `a page
reached with before`, `created_after in 3 digits`...) and every one the data
cannot exercise (`miss`, with why). The run summary ends with one line per
promise; a promise neither checked nor missed says it was not reached.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The promises the recipes check, in the order the summary lists them.
PROMISES = {
    "pages": "cursor pages hold exactly the page size while contacts remain, none after the last",
    "before": "`before` pages give the pages back, both ends null-terminated",
    "legacy": "legacy pages are the listing's slices, counted by meta and headers",
    "empty": "an empty result is an empty page in both modes",
    "ties": "ties on the first order key are broken one way across page boundaries",
    "date-bounds": "both date bounds are exclusive instants, in every spelling",
    "spellings": "every other accepted spelling of an integer or a boolean reads as its value",
    "filters": "each filter keeps exactly the contacts its meaning says",
    "case-folding": "case-insensitive filters fold letters beyond ASCII",
}
MAX_EDGES_SHOWN = 12


@dataclass
class Coverage:
    """The promises a run checked (by edge) and the ones its data could not exercise."""

    checks: Counter[str] = field(default_factory=Counter)
    checked: dict[str, Counter[str]] = field(default_factory=dict)
    missed: dict[str, dict[str, str]] = field(default_factory=dict)

    def hit(self, promise: str, *edges: str) -> None:
        """One check of `promise`, at each of `edges`."""
        self.checks[_known(promise)] += 1
        self.checked.setdefault(promise, Counter()).update(edges)

    def miss(self, promise: str, edge: str, why: str) -> None:
        """`promise` could not be checked at `edge` on this data, because `why`."""
        self.missed.setdefault(_known(promise), {})[edge] = why

    def times(self, promise: str) -> int:
        """How many checks of `promise` ran."""
        return self.checks[promise]

    def unchecked(self) -> list[tuple[str, str, str]]:
        """(promise, edge, why) of every edge no check reached, on this data."""
        return [
            (promise, edge, why)
            for promise, edges in self.missed.items()
            for edge, why in edges.items()
            if not self.checked.get(promise, Counter())[edge]
        ]

    def lines(self) -> list[str]:
        """One line per promise: checked how often and where, or unchecked and why."""
        out: list[str] = []
        for promise, words in PROMISES.items():
            edges = list(self.checked.get(promise, Counter()))
            more = " ..." if len(edges) > MAX_EDGES_SHOWN else ""
            where = f" at {'; '.join(edges[:MAX_EDGES_SHOWN])}{more}" if edges else ""
            if self.checks[promise]:
                out.append(f"  {promise}: checked {self.times(promise)}x{where} ({words})")
            elif promise not in self.missed:
                out.append(f"  {promise}: UNCHECKED, not reached (budget spent or deselected)")
            out.extend(
                f"  {promise}: UNCHECKED{f' at {edge}' if edge else ''}: {why}"
                for missed, edge, why in self.unchecked()
                if missed == promise
            )
        return out


def _known(promise: str) -> str:
    if promise not in PROMISES:
        raise KeyError(f"no promise {promise!r} in the coverage list ({', '.join(PROMISES)})")
    return promise
