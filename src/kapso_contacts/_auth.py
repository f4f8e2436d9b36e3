"""The API key on each request, kept out of every repr."""

from __future__ import annotations

from collections.abc import Generator

import httpx


class APIKeyAuth(httpx.Auth):
    """Puts the API key in the contract's header on each request; its repr never shows the key."""

    def __init__(self, header: str, api_key: str) -> None:
        self._header = header
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = self._api_key
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._header}='***')"
