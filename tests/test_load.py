"""The one load generator (``benchmarks/load.py``): what it counts, its bounds, loopback only."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from benchmarks.load import Request, drive, showing
from kapso_contacts.contract import default_contract
from kapso_fake.app import create_app
from kapso_fake.server import Running, serve, transport

CONTRACT = default_contract()
AUTH = {CONTRACT.api_key_header: "load-key"}


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    with serve(create_app(api_keys=["load-key"], contacts=300)) as running:
        yield running


def test_counts_each_answer_and_what_was_not_expected(server: Running) -> None:
    mix = [
        Request(CONTRACT.path, {"limit": 5}, AUTH),
        Request(CONTRACT.path, {"limit": 5}),  # no key: a 401, not the 200 it expects
        Request(CONTRACT.path, {"limit": 7}, AUTH, expect=200),
    ]
    result = drive(
        f"http://127.0.0.1:{server.port}", mix, connections=1, seconds=5, max_requests=90
    )
    assert result.requests == 90
    assert result.statuses == {"200": 60, "401": 30}
    assert result.errors == 30 and len(result.problems) == 10
    assert all(problem.endswith("status 401") for problem in result.problems)


def test_a_check_sees_every_body(server: Running) -> None:
    seen: list[int] = []

    def check(status: int, body: bytes) -> str | None:
        seen.append(len(CONTRACT.pagination.items.get(httpx.Response(status, content=body).json())))
        return None if seen[-1] == 3 else "not 3 items"

    mix = [Request(CONTRACT.path, {"limit": 3}, AUTH), Request(CONTRACT.path, {"limit": 4}, AUTH)]
    result = drive(
        f"http://127.0.0.1:{server.port}",
        mix,
        connections=1,
        seconds=5,
        max_requests=10,
        check=check,
    )
    assert seen == [3, 4] * 5 and result.errors == 5


def test_it_stops_at_its_deadline(server: Running) -> None:
    result = drive(
        f"http://127.0.0.1:{server.port}",
        [Request(CONTRACT.path, {}, AUTH)],
        connections=2,
        seconds=0.3,
    )
    assert result.requests > 0 and result.errors == 0


@pytest.mark.parametrize("url", ["http://10.0.0.1:80", "http://192.168.1.1", "http://example.com"])
def test_it_sends_to_loopback_addresses_only(url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        drive(url, [Request("/")], connections=1, seconds=0.1)


def test_showing_walks_every_item_at_both_page_sizes() -> None:
    app = create_app(api_keys=["load-key"], contacts=120)
    with httpx.Client(transport=transport(app), base_url="http://fake", headers=AUTH) as client:
        queries = list(showing(CONTRACT, client, CONTRACT.path))
    mode = CONTRACT.pagination.cursor
    walks = [q for q in queries if mode.limit.name in q]
    assert len(walks) == 120 + 2  # 120 pages of 1, 2 pages of 100
    legacy = [q for q in queries if CONTRACT.pagination.legacy.page.name in q]
    assert len(legacy) == CONTRACT.pagination.legacy.max_page
    # Every filter whose values the items show (time bounds: the registry tries none).
    shown = {"customer_id", "has_customer", "profile_name_contains", "wa_id_contains"}
    assert {name for q in queries for name in q} >= shown | {"business_scoped_user_id"}


def test_connections_start_spread_over_the_mix(server: Running) -> None:
    """A mix longer than each connection's share: the last tenth of it is sent too."""
    sizes: list[int] = []

    def check(status: int, body: bytes) -> None:
        sizes.append(
            len(CONTRACT.pagination.items.get(httpx.Response(status, content=body).json()))
        )

    mix = [Request(CONTRACT.path, {"limit": n}, AUTH) for n in range(1, 101)]
    root = f"http://127.0.0.1:{server.port}"
    drive(root, mix, connections=10, seconds=5, max_requests=30, check=check)
    assert len(sizes) == 30 and max(sizes) > 90, sorted(sizes)
