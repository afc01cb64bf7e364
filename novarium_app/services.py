"""Composition root: builds the process-wide Store and RunManager from the Settings, once."""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from marts.storage import Store, open_store
from novarium_app.settings import get_settings
from shop.access import AdminPolicy

if TYPE_CHECKING:
    from coach.llm import LLMConfig
    from swarm.runner import RunManager

log = logging.getLogger("novarium")


@cache
def get_store() -> Store:
    """The process-wide Store, opened and upgraded on first use."""
    settings = get_settings()
    store = open_store(settings.database_url, settings.data_dir)
    log.info("storage ready: %s", store)
    return store


@cache
def get_run_manager() -> RunManager:
    """The process-wide RunManager: its agents call this same server over HTTP on the loopback interface."""
    from swarm.runner import RunManager  # imported on first use: the app module must stay cheap to import

    return RunManager(get_store, f"http://127.0.0.1:{get_settings().port}")


def admin_policy() -> AdminPolicy:
    """Who may run admin actions (``shop.access``), for the REST API and the Lab alike: open on localhost; elsewhere
    only with NOVARIUM_ADMIN_TOKEN, and refused to everyone when it is unset."""
    settings = get_settings()
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    return AdminPolicy(is_local=settings.is_local, token=token or None)


def coach_config() -> LLMConfig | None:
    """Where the LLM coach's model is, or None for the offline rubric coach (the default)."""
    from coach.llm import LLMConfig

    settings = get_settings()
    if not settings.llm_configured:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LLMConfig(str(settings.llm_base_url), str(settings.llm_model), key, settings.llm_timeout)
