"""``list --format jsonl|json`` writes each contact as the API sent it, unknown fields included."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kapso_contacts import APIResponseValidationError, KapsoContacts
from kapso_contacts.contract import default_contract
from kapso_fake import create_app
from kapso_fake.testing import SyncASGITransport

from .conftest import BASE_URL, KEY, Stub, contact, invoke_cli, kapso_on

CONTRACT = default_contract()
DATE_TIMES = {name for name, f in CONTRACT.contact_fields.items() if f.format == "date-time"}
UNKNOWN = ("loyalty", {"tier": "gold", "score": 1.5e-3, "tags": ["a", "ü"], "since": None})


def adding_a_field(app: ASGIApp, name: str, value: Any) -> ASGIApp:
    """The app, with ``name: value`` added to every contact of every 200 (a newer API)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start["status"] == 200:
                document = json.loads(body)
                for item in document[CONTRACT.pagination.items.path]:
                    item[name] = value
                body = json.dumps(document, ensure_ascii=False).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def _same_value(field: str, printed: Any, walked: Any) -> bool:
    if field in DATE_TIMES:  # the model's isoformat() and the API's `...Z` are one instant
        return bool(datetime.fromisoformat(printed) == datetime.fromisoformat(walked))
    return bool(printed == walked)


def test_jsonl_holds_what_a_library_walk_holds_including_a_field_the_server_added() -> None:
    app = adding_a_field(create_app(api_keys=[KEY], contacts=450, seed=9), *UNKNOWN)
    result = invoke_cli(["list", "--all", "--format", "jsonl"], SyncASGITransport(app))
    assert result.exit_code == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    with kapso_on(app) as kapso:
        walked = [c.to_dict() for c in kapso.iter_contacts()]
    assert len(printed) == len(walked) == 450
    name, value = UNKNOWN
    for got, want in zip(printed, walked, strict=True):
        assert got[name] == want[name] == value
        assert set(got) == set(want)
        assert all(_same_value(field, got[field], want[field]) for field in got), got["id"]


def _exotic_body() -> tuple[str, str, str]:
    """A page written the way no json.dumps would: spacing, escapes, number spellings."""
    item = (
        '{ "id" : "00000000-0000-4000-8000-000000000001", "wa_id":"15550000001",'
        ' "profile_name": "Jos\\u00e9 \\"J\\"", "display_name": null, "customer_id": null,'
        ' "metadata": {"ratio": 1.50, "big": 9007199254740993, "exp": 1E+2},'
        ' "created_at": "2025-03-26T15:05:00.000000Z", "updated_at": "2025-03-26T15:05:00.000000Z",'
        ' "unknown_field": [true, {"nested": "value"}] }'
    )
    second = json.dumps(contact(2))
    paging = (
        '"paging": {"cursors": {"before": null, "after": null}, "next": null, "previous": null}'
    )
    return f'{{"data": [ {item} ,\n {second}], {paging}}}', item, second


def test_jsonl_writes_each_contact_text_exactly_as_sent() -> None:
    body, item, second = _exotic_body()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=body))
    result = invoke_cli(["list", "--format", "jsonl"], transport)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{item}\n{second}\n"


def test_json_writes_one_array_of_the_texts_as_sent() -> None:
    body, item, second = _exotic_body()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=body))
    result = invoke_cli(["list", "--format", "json"], transport)
    assert result.stdout == f"[\n  {item},\n  {second}\n]\n"
    assert json.loads(result.stdout)[0]["metadata"] == {"ratio": 1.5, "big": 2**53 + 1, "exp": 100}


def test_a_pretty_printed_contact_still_takes_one_jsonl_line() -> None:
    document: dict[str, Any] = {
        "data": [contact(1)],
        "paging": {"cursors": {}, "next": None, "previous": None},
    }
    document["data"][0]["profile_name"] = "line\u2028separator\x85next"
    body = json.dumps(document, indent=2, ensure_ascii=False)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=body))
    result = invoke_cli(["list", "--format", "jsonl"], transport)
    lines = result.stdout.splitlines()  # splits on U+2028 and NEL too
    assert len(lines) == 1
    assert json.loads(lines[0]) == document["data"][0]


@pytest.mark.parametrize(
    "item",
    [
        {k: v for k, v in contact(1).items() if k != "id"},  # a required field missing
        {**contact(1), "profile_name": 42},  # a string that is a number
        "not an object",
    ],
    ids=["missing-id", "wrong-type", "not-an-object"],
)
def test_a_contact_that_breaks_the_contract_stops_the_export_with_exit_4(item: Any) -> None:
    stub = Stub()
    document = {"data": [contact(0), item], "paging": {"next": None, "previous": None}}
    stub.script.append(httpx.Response(200, json=document))
    result = invoke_cli(["list", "--format", "jsonl"], stub.transport())
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.startswith("Error: The API answered 200 with")


def test_raw_data_and_the_models_see_the_same_page(stub: Stub) -> None:
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        page = kapso.list_contacts(limit=3)
    assert page.raw_data == [contact(i) for i in range(3)]
    assert [json.loads(text) for text in page.raw_json] == page.raw_data
    assert [str(c.id) for c in page.data] == [c["id"] for c in page.raw_data]


def test_a_contact_whose_values_do_not_fit_the_model_raises_validation_error_on_data(
    stub: Stub,
) -> None:
    document = {"data": [{**contact(1), "id": "not-a-uuid"}], "paging": {"next": None}}
    stub.script.append(httpx.Response(200, json=document))
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=stub.transport()) as kapso:
        page = kapso.list_contacts()
        with pytest.raises(APIResponseValidationError, match="ValueError") as caught:
            _ = page.data
    assert caught.value.status_code == 200


def test_the_librarys_pages_find_the_texts_as_sent_when_asked() -> None:
    body, item, second = _exotic_body()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=body))
    with KapsoContacts(api_key=KEY, base_url=BASE_URL, transport=transport) as kapso:
        page = kapso.list_contacts()
    assert page.raw_json == [item, second]
    assert page.raw_data[0]["unknown_field"] == [True, {"nested": "value"}]
    assert page.data[0].additional_properties["unknown_field"] == [True, {"nested": "value"}]
