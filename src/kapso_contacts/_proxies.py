"""The network transport under the retry layer, through the environment's proxy if any."""

from __future__ import annotations

import urllib.request

import httpx


def env_proxy(url: str) -> str | None:
    """The proxy ``HTTP(S)_PROXY``/``ALL_PROXY`` set for ``url``, unless ``NO_PROXY`` spares it."""
    target = httpx.URL(url)
    if not target.host or urllib.request.proxy_bypass(target.host):
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(target.scheme) or proxies.get("all")
    if not proxy:
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def default_transport(base_url: str) -> httpx.HTTPTransport:
    """A network transport for ``base_url``, through the environment's proxy if any."""
    return httpx.HTTPTransport(proxy=env_proxy(base_url))


def default_async_transport(base_url: str) -> httpx.AsyncHTTPTransport:
    """Async twin of ``default_transport``."""
    return httpx.AsyncHTTPTransport(proxy=env_proxy(base_url))
