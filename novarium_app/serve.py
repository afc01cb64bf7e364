"""Start the Lab in production mode with one backend worker (embedded DuckDB allows one writer process)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from novarium_app.settings import Settings
from novarium_app.site import allowed_origins

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TOOLCHAIN_BIN = PROJECT_ROOT / "toolchain" / "node_modules" / ".bin"


def reflex_environment(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Reflex needs here: project-local Node and bun, no telemetry, one worker, no Redis."""
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(TOOLCHAIN_BIN), str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        REFLEX_USE_GRANIAN="true",
        GRANIAN_WORKERS="1",
        NOVARIUM_PORT=str(settings.port),
        NOVARIUM_HOST=settings.host,
        REFLEX_CORS_ALLOWED_ORIGINS=",".join(allowed_origins(settings)),
    )
    env.pop("REFLEX_REDIS_URL", None)
    registry = _npm_registry()
    if registry:
        env.setdefault("NPM_CONFIG_REGISTRY", registry)  # skips Reflex's probe of a mirror this network can't reach
    return env


def _npm_registry() -> str | None:
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        found = subprocess.run([npm, "config", "get", "registry"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() or None


def reflex_command(settings: Settings) -> list[str]:
    """``reflex run`` in production mode, frontend and backend on one port."""
    reflex = shutil.which("reflex", path=str(Path(sys.executable).parent)) or "reflex"
    return [reflex, "run", "--env", "prod", "--frontend-port", str(settings.port), "--backend-host", settings.host]
