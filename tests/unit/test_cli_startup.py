"""Start-up failures stop the CLI with one line naming the cause, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOVARIUM = Path(sys.executable).with_name("novarium")


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["NOVARIUM_DATA_DIR"] = str(tmp_path / "data")
    environment.update(env)
    return subprocess.run([str(NOVARIUM), "check"], capture_output=True, text=True, env=environment, timeout=120)


def _assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_check_succeeds_on_a_fresh_data_dir(tmp_path):
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "duckdb" in result.stdout
    assert (tmp_path / "data" / "novarium.duckdb").exists()


def test_invalid_setting(tmp_path):
    _assert_one_line_error(_run(tmp_path, NOVARIUM_PORT="not-a-port"), "NOVARIUM_PORT", "valid integer")


def test_unreachable_postgres_names_host_and_port(tmp_path):
    result = _run(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5999/novarium")
    _assert_one_line_error(result, "127.0.0.1:5999")


def test_corrupt_duckdb_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "novarium.duckdb").write_bytes(b"this is not a database" * 100)
    _assert_one_line_error(_run(tmp_path), "novarium.duckdb", "not a valid DuckDB database")


@pytest.mark.parametrize("command", [["--help"], ["check", "--help"], ["seed", "--help"], ["marts", "build", "--help"]])
def test_every_command_has_help(command):
    result = subprocess.run([str(NOVARIUM), *command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "Usage: novarium" in result.stdout
