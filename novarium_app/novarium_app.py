"""The Reflex app: pages, the /api router and start-up checks. Kept small on purpose."""

import contextlib
import logging
from collections.abc import AsyncIterator

import reflex as rx

from marts.storage import StorageError
from novarium_app import pages  # noqa: F401  (registers every page module)
from novarium_app.api import api
from novarium_app.components.layout import toaster
from novarium_app.services import get_store
from novarium_app.settings import SettingsError, get_settings
from novarium_app.site import guard
from shop import runtime as shop_runtime
from shop.pages import cart_page, checkout, home, item, order, restaurant, search  # noqa: F401  (register the shop)

log = logging.getLogger("novarium")
shop_runtime.configure(get_store)  # stores the function only; the database opens on first use


@contextlib.asynccontextmanager
async def open_storage() -> AsyncIterator[None]:
    """Open (and upgrade) the database at start-up; stop with one line when that fails."""
    try:
        logging.basicConfig(level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s")
        get_store()
        from swarm.runner import mark_interrupted  # imported here: the app module must stay cheap to import

        if interrupted := mark_interrupted(get_store()):
            log.warning("%d swarm run(s) left running by a previous process are now interrupted", interrupted)
    except (SettingsError, StorageError) as error:
        log.error("novarium cannot start: %s", error)
        raise SystemExit(1) from None
    yield
    get_store().close()


# The API takes priority over the pages; then the whole app (API, pages, websocket) sits behind the site guard.
app = rx.App(api_transformer=[api, guard], toaster=toaster())
app.register_lifespan_task(open_storage)
