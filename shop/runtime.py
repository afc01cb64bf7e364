"""Where the shop's Reflex state and API find the open Store; the composition root sets it at start-up."""

from collections.abc import Callable

from marts.storage import Store

_provider: Callable[[], Store] | None = None


def configure(provider: Callable[[], Store]) -> None:
    """Install the function that returns the process-wide Store."""
    global _provider
    _provider = provider


def get_store() -> Store:
    """The Store the composition root installed."""
    if _provider is None:
        raise RuntimeError("shop.runtime.configure() was not called: the app must install a Store provider")
    return _provider()
