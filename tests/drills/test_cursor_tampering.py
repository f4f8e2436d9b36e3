"""Drill: a cursor the server did not issue is always refused, with the refusal body.

Hypothesis feeds raw bytes, Base64 of junk, JSON of the wrong shape and
keysets with wrong types or columns, as ``after`` and as ``before``. Each is an
unreadable cursor (the spec's status for it) or a refused value, whose body
names the parameter in one short line.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

from kapso_fake.store import CursorError, Cursors

from .conftest import CONTRACT, PATH

MODE = CONTRACT.pagination.cursor
CODEC = Cursors(CONTRACT)
COLUMNS = list(CODEC.columns)
REFUSED = {MODE.unreadable.value, CONTRACT.refusal_status.value}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
names = st.sampled_from([MODE.after.name, MODE.before.name])


def encode(raw: bytes, urlsafe: bool, padded: bool) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode("ascii")
    return text if padded else text.rstrip("=")


def issued(cursor: str) -> bool:
    """Whether the fake could have issued ``cursor`` (then it must be served, not refused)."""
    try:
        CODEC.decode(cursor)
    except CursorError:
        return False
    return True


def assert_refused(client: httpx.Client, name: str, cursor: str) -> None:
    if issued(cursor):
        return
    response = client.get(PATH, params={name: cursor, MODE.limit.name: 5})
    assert response.status_code in REFUSED, (cursor, response.status_code, response.text[:200])
    body = response.json()
    assert isinstance(body.get("error"), str), body
    assert body.get("parameter") == name, body
    assert len(body["error"]) <= 300 and "Traceback" not in body["error"], body


@given(name=names, raw=st.binary(max_size=200), urlsafe=st.booleans(), padded=st.booleans())
def test_base64_of_random_bytes_is_refused(
    drill_client: httpx.Client, name: str, raw: bytes, urlsafe: bool, padded: bool
) -> None:
    assert_refused(drill_client, name, encode(raw, urlsafe, padded))


@given(name=names, text=st.text(max_size=200))
def test_arbitrary_text_is_refused(drill_client: httpx.Client, name: str, text: str) -> None:
    assert_refused(drill_client, name, text)


@given(name=names, payload=json_values, urlsafe=st.booleans())
def test_json_of_the_wrong_shape_is_refused(
    drill_client: httpx.Client, name: str, payload: Any, urlsafe: bool
) -> None:
    assert_refused(drill_client, name, encode(json.dumps(payload).encode(), urlsafe, True))


timestamps = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
uuids = st.uuids().map(str)
wrong_value = st.one_of(
    json_values,
    timestamps.map(lambda t: t.rstrip("Z")),
    timestamps.map(lambda t: t.replace("T", " ")),
    uuids.map(str.upper),
    uuids.map(lambda u: u.replace("-", "")),
)


@given(
    name=names,
    first=st.one_of(timestamps, wrong_value),
    second=st.one_of(uuids, wrong_value),
    columns=st.one_of(
        st.just(COLUMNS),
        st.permutations(COLUMNS),
        st.lists(st.sampled_from([*COLUMNS, "updated_at", "wa_id"]), max_size=3),
        json_values,
    ),
    extra=st.dictionaries(st.sampled_from(["limit", "filters", "v"]), json_values, max_size=2),
)
def test_keysets_with_wrong_types_or_columns_are_refused(
    drill_client: httpx.Client,
    name: str,
    first: Any,
    second: Any,
    columns: Any,
    extra: dict[str, Any],
) -> None:
    payload = {"values": [first, second], "columns": columns, **extra}
    assert_refused(drill_client, name, encode(json.dumps(payload).encode(), True, True))


def test_a_keyset_of_the_right_shape_is_served(drill_client: httpx.Client) -> None:
    """The control: the generators above are not refusing everything for one reason."""
    cursor = CODEC.encode(("2025-01-01T00:00:00.000000Z", "00000000-0000-4000-8000-000000000000"))
    for name in (MODE.after.name, MODE.before.name):
        assert drill_client.get(PATH, params={name: cursor}).status_code == 200
