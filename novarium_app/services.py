"""Composition root: builds the process-wide Store from the Settings, once."""

import logging
from functools import cache

from marts.storage import Store, open_store
from novarium_app.settings import get_settings

log = logging.getLogger("novarium")


@cache
def get_store() -> Store:
    """The process-wide Store, opened and upgraded on first use."""
    settings = get_settings()
    store = open_store(settings.database_url, settings.data_dir)
    log.info("storage ready: %s", store)
    return store
