"""Time the site guard on the hot path: what ``SiteGuard`` adds to each request the swarm sends.

Usage:
    .venv/bin/python bench/bench_site_guard.py [--requests 200000]

Drives a no-op ASGI app directly and through ``SiteGuard`` with the headers of a swarm agent's ``POST /api/events``
(known host, JSON, no Origin) and of a page's own JSON request (with an allowed Origin), and prints microseconds per
request. The app's own work per event batch is milliseconds (``bench_api.py``), so this is the guard's share.
"""

import argparse
import asyncio
import time

from shop.site_guard import SiteGuard, SitePolicy

POLICY = SitePolicy(
    hosts=frozenset({"localhost", "127.0.0.1", "::1"}),
    origins=frozenset({("http", "localhost", 3000), ("http", "127.0.0.1", 3000), ("http", "::1", 3000)}),
)
AGENT = [(b"host", b"127.0.0.1:3000"), (b"content-type", b"application/json"), (b"content-length", b"900")]
PAGE = [*AGENT, (b"origin", b"http://localhost:3000"), (b"sec-fetch-site", b"same-origin")]


async def noop(scope, receive, send) -> None:
    """The wrapped app: does nothing."""


async def per_request(app, headers: list[tuple[bytes, bytes]], requests: int) -> float:
    """Microseconds per call of ``app`` on a POST with ``headers``."""
    scope = {"type": "http", "method": "POST", "path": "/api/events", "headers": headers}
    started = time.perf_counter()
    for _ in range(requests):
        await app(scope, None, None)
    return (time.perf_counter() - started) / requests * 1e6


async def measure(requests: int) -> None:
    guard = SiteGuard(noop, lambda: POLICY)
    bare = await per_request(noop, AGENT, requests)
    print(f"{'no guard':<44} {bare:6.2f} µs per request")
    for name, headers in (("swarm agent (JSON, no Origin)", AGENT), ("own page (JSON, Origin)", PAGE)):
        added = await per_request(guard, headers, requests) - bare
        print(f"{'guard added, ' + name:<44} {added:6.2f} µs per request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    asyncio.run(measure(parser.parse_args().requests))


if __name__ == "__main__":
    main()
