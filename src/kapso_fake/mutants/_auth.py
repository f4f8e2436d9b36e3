"""Authentication defects: a wrong key or an empty one let through, wrong 401 answers."""

from __future__ import annotations

from http import HTTPStatus

from ._exchange import Answer, Call, Forward
from ._facts import AUTH
from ._model import Mutant

# HTTP's answers for a missing or wrong key (the right one) and for a forbidden request.
_UNAUTHORIZED, _FORBIDDEN = HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN


def _header(call: Call) -> str:
    return call.contract.api_key_header


async def _any_key(call: Call, forward: Forward) -> Answer:
    sent = call.header(_header(call))
    key = call.server.api_keys[0]
    return await forward(call.with_header(_header(call), key) if sent else call)


async def _empty_key(call: Call, forward: Forward) -> Answer:
    sent = call.header(_header(call))
    key = call.server.api_keys[0]
    return await forward(call if sent else call.with_header(_header(call), key))


async def _forbidden(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if answer.status != _UNAUTHORIZED:
        return answer
    return Answer(_FORBIDDEN, answer.headers, answer.body)


async def _message_only(call: Call, forward: Forward) -> Answer:
    answer = await forward(call)
    if answer.status != _UNAUTHORIZED:
        return answer
    return answer.with_json({"message": "Unauthorized"})


CATALOGUE: tuple[Mutant, ...] = (
    Mutant(
        "any-key-accepted",
        "auth",
        "any non-empty API key is accepted (the key is only checked for presence)",
        "documented",
        (AUTH,),
        _any_key,
        needs_api_key=True,
    ),
    Mutant(
        "empty-key-accepted",
        "auth",
        "a missing or empty API key skips the check (if key: verify(key))",
        "documented",
        (AUTH,),
        _empty_key,
        needs_api_key=True,
    ),
    Mutant(
        "unauthorized-is-403",
        "auth",
        "a bad key gets a 403 instead of the 401",
        "documented",
        (AUTH,),
        _forbidden,
    ),
    Mutant(
        "unauthorized-body-without-error",
        "auth",
        'the 401 body is {"message": "Unauthorized"}, without the documented error field',
        "documented",
        (AUTH,),
        _message_only,
    ),
)
