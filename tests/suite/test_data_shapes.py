"""The fake's data shapes: the suite must reach the same power on a sparse and a dense account."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest

from kapso_contacts.contract import parse_rfc3339
from kapso_fake import ContactStore, create_app, generate_dataset
from kapso_fake.data import SHAPES


def _times(shape: str, n: int = 400) -> list[str]:
    dataset = generate_dataset(n, 4, shape)  # type: ignore[arg-type]
    return [c["created_at"] for c in ContactStore.from_dataset(dataset).matching()]


def test_a_sparse_account_has_a_contact_a_day_and_no_ties() -> None:
    times = [parse_rfc3339(t).floor for t in _times("sparse")]
    assert len(set(times)) == len(times)
    gaps = [newer - older for newer, older in itertools.pairwise(times)]
    assert min(gaps) > timedelta(0) and max(gaps) < timedelta(days=2)
    assert times[0] - times[-1] > timedelta(days=len(times) - 3)


def test_a_dense_account_has_many_contacts_a_second_and_runs_of_ties() -> None:
    stamps = _times("dense")
    times = [parse_rfc3339(t).floor for t in stamps]
    assert times[0] - times[-1] < timedelta(seconds=len(times) // 4)
    ties = Counter(stamps)
    assert sum(n for n in ties.values() if n > 1) > len(stamps) // 4
    assert max(ties.values()) >= 3


def test_the_mixed_shape_is_the_default_and_an_unknown_shape_is_refused() -> None:
    assert SHAPES[0] == "mixed"
    default = ContactStore.from_dataset(generate_dataset(50, 2)).matching()
    mixed = ContactStore.from_dataset(generate_dataset(50, 2, "mixed")).matching()
    assert default == mixed
    with pytest.raises(ValueError, match="shape"):
        generate_dataset(5, 1, "lumpy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shape"):
        create_app(api_keys=["k"], contacts=5, shape="lumpy")  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_serves_through_the_app(shape: str) -> None:
    app = create_app(api_keys=["k"], contacts=30, seed=2, shape=shape)  # type: ignore[arg-type]
    assert app.store.count() == 30
