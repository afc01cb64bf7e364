"""Fuzz the served JSON API with schemathesis: no 5xx, and every answer as the OpenAPI document describes it.

    .venv/bin/python bench/fuzz_api.py [--backend duckdb|postgres] [--port 3233] [--max-examples 25] [--seed 1]

It serves the API alone (``novarium_app.api:api`` under granian: the routes, the ingestion fast path and the body
limit, as ``novarium serve`` mounts them) over a throwaway DuckDB file or PostgreSQL database, as an exposed app
(``NOVARIUM_HOST=0.0.0.0``, so admin actions need the token it passes), with a running experiment. Then ``st run``
generates requests from ``/api/openapi.json`` (examples, coverage, fuzzing and stateful phases, ``--max-examples``
per operation, seeded) and checks every answer:

* ``not_a_server_error``: no 5xx;
* ``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``: the status is documented and the body matches its schema;
* ``negative_data_rejection``, ``missing_required_header``, ``ignored_auth``: what the schema forbids is refused, and
  admin actions need the token.

Left out: ``positive_data_acceptance`` (a schema-valid spec may still break a domain rule, such as an unknown metric
or a knob's range, and is rightly refused with a 422) and ``allow_header_conformance`` (Starlette's 405 for a path
served by two routes lists one route's methods). It prints schemathesis' report and exits with its code;
``tests/storage/test_api_fuzz.py`` runs it with a small budget. The server's process group is stopped at the end.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from support import bench_database

from novarium_app.devserver import BIN, served_api

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
)
TOKEN = "fuzz-admin-token"
SPEC = {
    "key": "fuzz-exp",
    "hypothesis": "A red banner lifts orders among new visitors.",
    "variants": [{"name": "control", "weight": 1, "config": {}}, {"name": "red", "weight": 1, "config": {}}],
}


def prepare(base: str) -> None:
    """A running experiment, so that assignments and exposures reach the database."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60, trust_env=False) as client:
        client.post("/api/experiments", json=SPEC).raise_for_status()
        client.post("/api/experiments/fuzz-exp/start").raise_for_status()


def fuzz(base: str, args: argparse.Namespace, report: Path) -> int:
    """Run schemathesis against ``base``; returns its exit code."""
    command = [
        str(BIN / "st"),
        "run",
        f"{base}/api/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Bearer {TOKEN}",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "too_slow",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    # in the throwaway folder: schemathesis keeps a cache in its working directory
    return subprocess.run(command, check=False, timeout=args.timeout, cwd=report.parent).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NOVARIUM_FUZZ_PORT", "3233")))
    parser.add_argument("--max-examples", type=int, default=25, help="test cases per operation and phase [25]")
    parser.add_argument("--seed", type=int, default=1, help="schemathesis' random seed [1]")
    parser.add_argument("--timeout", type=float, default=900, help="seconds the whole run may take [900]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="novarium-fuzz-") as tmp, bench_database(args.backend) as database_url:
        workdir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REFLEX_REDIS_URL")}
        env.update(
            NOVARIUM_DATA_DIR=str(workdir / "data"),
            NOVARIUM_HOST="0.0.0.0",
            NOVARIUM_ADMIN_TOKEN=TOKEN,
            NOVARIUM_LOG_LEVEL="WARNING",
            PYTHONPATH=str(Path(__file__).resolve().parents[1]),
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        started = time.perf_counter()
        with served_api(env, "127.0.0.1", args.port, workdir / "server.log") as base:
            prepare(base)
            ready = time.perf_counter() - started
            print(f"NovaRium API on {args.backend} at {base} (ready in {ready:.1f}s)", flush=True)
            code = fuzz(base, args, workdir / "junit.xml")
        print(f"schemathesis: exit {code} in {time.perf_counter() - started:.0f}s ({args.backend}, seed {args.seed})")
        return code


if __name__ == "__main__":
    sys.exit(main())
