"""Drill: a cursor the server did not issue is always a 400 with a clear message.

Hypothesis feeds raw bytes, Base64 of junk, JSON of the wrong shape and
keysets with wrong types or columns, as ``after`` and as ``before``.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st

PATH = "/platform/v1/whatsapp/contacts"
COLUMNS = ["created_at", "id"]
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
names = st.sampled_from(["after", "before"])


def encode(raw: bytes, urlsafe: bool, padded: bool) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode("ascii")
    return text if padded else text.rstrip("=")


def is_keyset(payload: Any) -> bool:
    """Whether ``payload`` is a well-formed keyset (the only JSON a server may accept)."""
    if not isinstance(payload, dict) or payload.get("columns") != COLUMNS:
        return False
    values = payload.get("values")
    return (
        isinstance(values, list)
        and len(values) == 2
        and isinstance(values[0], str)
        and TIMESTAMP.fullmatch(values[0]) is not None
        and isinstance(values[1], str)
        and UUID.fullmatch(values[1]) is not None
    )


def assert_refused(client: httpx.Client, name: str, cursor: str) -> None:
    response = client.get(PATH, params={name: cursor, "limit": 5})
    assert response.status_code == 400, (cursor, response.status_code, response.text[:200])
    body = response.json()
    assert isinstance(body.get("error"), str), body
    assert name in body["error"], body
    assert body.get("parameter") == name, body
    assert len(body["error"]) <= 300, body
    assert "Traceback" not in body["error"], body


@given(name=names, raw=st.binary(max_size=200), urlsafe=st.booleans(), padded=st.booleans())
def test_base64_of_random_bytes_is_refused(
    drill_client: httpx.Client, name: str, raw: bytes, urlsafe: bool, padded: bool
) -> None:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if is_keyset(payload):
        return
    assert_refused(drill_client, name, encode(raw, urlsafe, padded))


@given(name=names, text=st.text(max_size=200))
def test_arbitrary_text_is_refused(drill_client: httpx.Client, name: str, text: str) -> None:
    assert_refused(drill_client, name, text)


@given(name=names, payload=json_values, urlsafe=st.booleans())
def test_json_of_the_wrong_shape_is_refused(
    drill_client: httpx.Client, name: str, payload: Any, urlsafe: bool
) -> None:
    if is_keyset(payload):
        return
    raw = json.dumps(payload).encode()
    assert_refused(drill_client, name, encode(raw, urlsafe, padded=True))


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
    created_at=st.one_of(timestamps, wrong_value),
    contact_id=st.one_of(uuids, wrong_value),
    columns=st.one_of(
        st.just(COLUMNS),
        st.permutations(COLUMNS),
        st.lists(st.sampled_from(["created_at", "id", "updated_at", "wa_id"]), max_size=3),
        json_values,
    ),
    extra=st.dictionaries(st.sampled_from(["limit", "filters", "v"]), json_values, max_size=2),
)
def test_keysets_with_wrong_types_or_columns_are_refused(
    drill_client: httpx.Client,
    name: str,
    created_at: Any,
    contact_id: Any,
    columns: Any,
    extra: dict[str, Any],
) -> None:
    payload = {"values": [created_at, contact_id], "columns": columns, **extra}
    if is_keyset(payload) and not extra:
        return
    raw = json.dumps(payload).encode()
    assert_refused(drill_client, name, encode(raw, urlsafe=True, padded=True))


def test_a_keyset_of_the_right_shape_is_accepted(drill_client: httpx.Client) -> None:
    """The control: the generators above are not refusing everything for one reason."""
    payload = {"values": ["2025-01-01T00:00:00.000000Z", "0" * 8 + "-0000-4000-8000-" + "0" * 12]}
    cursor = encode(json.dumps({**payload, "columns": COLUMNS}).encode(), True, True)
    assert drill_client.get(PATH, params={"after": cursor}).status_code == 200
