"""Serve the app in a child process for the browser tests and the benches: start, wait until it answers, stop.

The server runs ``novarium serve`` in its own process group, because ``novarium serve`` execs reflex, which starts
the backend and the frontend as children; stopping the group stops them all.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
"""The folder of this interpreter's console scripts (``novarium``)."""
START_TIMEOUT = 420
"""Seconds a production start (frontend build included) may take."""
CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium, which the browser tests and the screenshots drive (Playwright cannot download one here)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class ServerStartError(RuntimeError):
    """The app exited or did not answer in time; the message holds the log's tail or its path."""


def answers(url: str) -> bool:
    """True when ``url`` answers 200 (no proxy from the environment)."""
    try:
        return httpx.get(url, timeout=2, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def served(
    env: Mapping[str, str],
    base: str,
    log_path: Path,
    *,
    ready: Sequence[str] = ("/api/health",),
    timeout: float = START_TIMEOUT,
    command: Sequence[str] | None = None,
) -> Iterator[subprocess.Popen]:
    """``novarium serve`` (or ``command``) with ``env`` until the block ends, once every path in ``ready`` answers.

    Raises:
        ServerStartError: when ``base`` already answers, the app exits, or it is not ready within ``timeout``.
    """
    if answers(f"{base}{ready[0]}"):
        raise ServerStartError(f"{base} is already serving; stop that server or choose another port")
    with log_path.open("w") as log:
        command = list(command or [str(BIN / "novarium"), "serve"])
        server = subprocess.Popen(command, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not all(answers(f"{base}{path}") for path in ready):
                if server.poll() is not None:
                    raise ServerStartError(f"the app exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise ServerStartError(f"the app was not ready in {timeout:.0f}s; see {log_path}")
                time.sleep(0.5)
            yield server
        finally:
            stop(server)


@contextmanager
def served_api(env: Mapping[str, str], host: str, port: int, log_path: Path, timeout: float = 60) -> Iterator[str]:
    """The JSON API alone (``novarium_app.api:api``, no Lab frontend) under granian for the block; yields its URL.

    The same app ``novarium serve`` mounts, middleware included, started in a second or two: for the API's fuzzing.

    Raises:
        ServerStartError: when the address already answers, the server exits, or it is not ready within ``timeout``.
    """
    base = f"http://{host}:{port}"
    command = [str(BIN / "granian"), "--interface", "asgi", "--host", host, "--port", str(port)]
    command += ["--workers", "1", "--no-ws", "novarium_app.api:api"]
    with served(env, base, log_path, timeout=timeout, command=command):
        yield base


def stop(server: subprocess.Popen) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after 30 s."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def server_environment(data_dir: Path, port: int, web_workdir: Path, database_url: str | None = None) -> dict[str, str]:
    """This process's environment for a served app: its own data dir, port and frontend build folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REFLEX_REDIS_URL")}
    env.update(NOVARIUM_DATA_DIR=str(data_dir), NOVARIUM_PORT=str(port), REFLEX_WEB_WORKDIR=str(web_workdir))
    if database_url:
        env["DATABASE_URL"] = database_url
    return env
