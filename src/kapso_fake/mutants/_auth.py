"""Authentication defects: a wrong key or an empty one let through, wrong 401 answers."""

from __future__ import annotations

from ._exchange import Answer, Call, Forward, Handler
from ._model import Mutant, Registry, Settings, register

CATALOGUE: Registry = []
_HEADER = "x-api-key"


def _valid_key(settings: Settings) -> str:
    if not settings.api_keys:
        raise ValueError("this mutant needs the server's API keys")
    return settings.api_keys[0]


def _any_key(settings: Settings) -> Handler:
    key = _valid_key(settings)

    async def handle(call: Call, forward: Forward) -> Answer:
        sent = call.header(_HEADER)
        return await forward(call.with_header(_HEADER, key) if sent else call)

    return handle


def _empty_key(settings: Settings) -> Handler:
    key = _valid_key(settings)

    async def handle(call: Call, forward: Forward) -> Answer:
        sent = call.header(_HEADER)
        return await forward(call if sent else call.with_header(_HEADER, key))

    return handle


CATALOGUE.append(
    Mutant(
        "any-key-accepted",
        "auth",
        "any non-empty X-API-Key is accepted (the key is only checked for presence)",
        _any_key,
    )
)
CATALOGUE.append(
    Mutant(
        "empty-key-accepted",
        "auth",
        "a missing or empty X-API-Key skips the check (if key: verify(key))",
        _empty_key,
    )
)


@register(CATALOGUE, "unauthorized-is-403", "auth", "a bad key gets a 403 instead of the 401")
async def _forbidden(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    return Answer(403, answer.headers, answer.body) if answer.status == 401 else answer


@register(
    CATALOGUE,
    "unauthorized-body-without-error",
    "auth",
    'the 401 body is {"message": "Unauthorized"}, without the documented error field',
)
async def _message_only(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    return answer.with_json({"message": "Unauthorized"}) if answer.status == 401 else answer
