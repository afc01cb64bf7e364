"""Schemathesis against the served API with a small budget (``bench/fuzz_api.py``), on DuckDB and on PostgreSQL.

The bench script serves the API alone under granian (as ``novarium serve`` mounts it) over a throwaway database and
fails on any 5xx, undocumented status or answer that does not match the OpenAPI document. ``make bench`` runs it
with a larger budget.
"""

import socket
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fuzz_api.py"
MAX_EXAMPLES = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(backend):
    command = [sys.executable, str(BENCH), "--backend", backend, "--port", str(free_port())]
    command += ["--max-examples", str(MAX_EXAMPLES), "--timeout", "240"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "schemathesis: exit 0" in result.stdout
