"""The environment `novarium serve` gives Reflex."""

from novarium_app.serve import reflex_environment
from novarium_app.settings import Settings


def test_one_worker_no_redis_no_telemetry_and_own_origins_only():
    settings = Settings(NOVARIUM_PORT=3456)
    env = reflex_environment(settings, base={"PATH": "/usr/bin", "REFLEX_REDIS_URL": "redis://127.0.0.1:6379"})
    assert env["GRANIAN_WORKERS"] == "1"
    assert "REFLEX_REDIS_URL" not in env
    assert env["REFLEX_TELEMETRY_ENABLED"] == "false"
    assert env["REFLEX_USE_SYSTEM_BUN"] == "1"
    assert env["PATH"].split(":")[0].endswith("toolchain/node_modules/.bin")
    assert env["REFLEX_CORS_ALLOWED_ORIGINS"] == "http://localhost:3456,http://127.0.0.1:3456,http://[::1]:3456"
    assert "*" not in env["REFLEX_CORS_ALLOWED_ORIGINS"]


def test_the_cors_origins_are_the_site_guards():
    settings = Settings(NOVARIUM_HOST="0.0.0.0", NOVARIUM_PORT=80, NOVARIUM_ALLOWED_HOSTS="lab.example")
    env = reflex_environment(settings, base={"PATH": "/usr/bin"})
    assert env["REFLEX_CORS_ALLOWED_ORIGINS"].split(",") == [
        "http://localhost",
        "http://127.0.0.1",
        "http://[::1]",
        "http://lab.example",
        "https://lab.example",
    ]
