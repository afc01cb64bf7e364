"""``novarium experiments``: the same spec and validation as the API; bad input is one line on stderr, exit 1."""

import json
import os
import subprocess
import sys
from pathlib import Path

from marts.storage import open_store

NOVARIUM = Path(sys.executable).with_name("novarium")
SPEC = {
    "key": "red-banner",
    "hypothesis": "A red hero banner draws more clicks than the orange one.",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
    ],
}


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NOVARIUM_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    return subprocess.run([str(NOVARIUM), "experiments", *args], capture_output=True, text=True, env=env, timeout=120)


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def stored_experiments(tmp_path: Path) -> int:
    store = open_store(None, tmp_path / "data")
    try:
        return store.row_count("experiments") + store.row_count("variants")
    finally:
        store.close()


def test_a_bad_spec_is_one_line_naming_every_field_and_stores_nothing(tmp_path):
    bad = SPEC | {"key": "X", "variants": [{"name": "control", "weight": 0, "config": {"banner_color": "pink"}}]}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "broken.json").write_text('{"key": ')
    one_line_error(
        run(tmp_path, "create", str(tmp_path / "bad.json")),
        "key:",
        "variants[0].weight",
        "variants: must have 2 to 4",
        "variants[0].config.banner_color",
    )
    one_line_error(run(tmp_path, "create", str(tmp_path / "broken.json")), "broken.json: not valid JSON")
    one_line_error(run(tmp_path, "create", str(tmp_path / "missing.json")), "missing.json: cannot be read")
    assert stored_experiments(tmp_path) == 0


def test_create_list_start_show_stop(tmp_path):
    (tmp_path / "spec.json").write_text(json.dumps(SPEC))
    created = run(tmp_path, "create", str(tmp_path / "spec.json"))
    assert created.returncode == 0 and "created experiment 'red-banner' (draft)" in created.stdout
    one_line_error(run(tmp_path, "create", str(tmp_path / "spec.json")), "key: an experiment named 'red-banner'")
    assert "red-banner" in run(tmp_path, "list").stdout
    assert "is now running" in run(tmp_path, "start", "red-banner").stdout
    one_line_error(run(tmp_path, "start", "red-banner"), "cannot start: it is running")
    shown = run(tmp_path, "show", "red-banner")
    assert shown.returncode == 0 and "running" in shown.stdout and '{"banner_color": "red"}' in shown.stdout
    assert "is now stopped" in run(tmp_path, "stop", "red-banner").stdout
    one_line_error(run(tmp_path, "show", "nope"), "experiment 'nope' does not exist")
