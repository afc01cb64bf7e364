"""The app's own host names and origins, from the Settings: what ``shop.site_guard`` and Reflex's CORS allow.

Hosts: the localhost names, ``NOVARIUM_HOST`` unless it is a wildcard (``0.0.0.0``, ``::``), and the names in
``NOVARIUM_ALLOWED_HOSTS``. Origins: each host at ``NOVARIUM_PORT`` over http (how the app is reached directly),
and each name in ``NOVARIUM_ALLOWED_HOSTS`` also on the default http and https ports (how it is reached through a
reverse proxy).
"""

from functools import cache

from starlette.types import ASGIApp

from novarium_app.settings import LOCAL_HOSTS, WILDCARD_HOSTS, Settings, get_settings
from shop.site_guard import Origin, SiteGuard, SitePolicy, format_origin


def site_policy(settings: Settings) -> SitePolicy:
    """The hosts the app answers to and the origins that may change its state."""
    return SitePolicy(hosts=frozenset(_hosts(settings)), origins=frozenset(_origins(settings)))


def allowed_origins(settings: Settings) -> list[str]:
    """The allowed origins as browsers send them, in a stable order (Reflex's CORS and socket.io take this list)."""
    return [format_origin(origin) for origin in _origins(settings)]


def _hosts(settings: Settings) -> list[str]:
    hosts = list(LOCAL_HOSTS)
    if settings.host not in WILDCARD_HOSTS:
        hosts.append(settings.host.lower().removeprefix("[").removesuffix("]"))
    hosts.extend(settings.allowed_hosts)
    return list(dict.fromkeys(hosts))


def _origins(settings: Settings) -> list[Origin]:
    origins: list[Origin] = [("http", host, settings.port) for host in _hosts(settings)]
    for host in settings.allowed_hosts:
        origins += [("https", host, 443), ("http", host, 80)]
    return list(dict.fromkeys(origins))


@cache
def _settings_policy() -> SitePolicy:
    return site_policy(get_settings())


def guard(app: ASGIApp) -> ASGIApp:
    """``rx.App(api_transformer=...)``'s last step: the whole served app behind ``SiteGuard``, policy from Settings."""
    return SiteGuard(app, _settings_policy)
