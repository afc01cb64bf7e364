"""A ``novarium`` command imports only what it runs: the statistics stack (scipy) loads for the commands that
analyse, not for ``check``, ``experiments`` or the swarm, whose every call would otherwise pay for it."""

import subprocess
import sys

import pytest

from novarium_app.cli import COMMANDS, main

PROBE = """
import sys
from novarium_app.cli import main
try:
    main(sys.argv[1:] + ["--help"], standalone_mode=False)
except SystemExit:
    pass
print(sorted(name for name in ("scipy", "statsmodels") if name in sys.modules))
"""


def _heavy_modules_after(*command: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *command], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("command", [("check",), ("experiments", "list"), ("swarm",), ("simulate",), ("marts",)])
def test_a_command_imports_only_what_it_runs(command: tuple[str, ...]) -> None:
    assert _heavy_modules_after(*command) == "[]"


def test_the_analysis_command_still_loads_the_statistics() -> None:
    assert "scipy" in _heavy_modules_after("analyze")


def test_every_lazy_command_is_listed_and_loads() -> None:
    listed = main.list_commands(None)
    for name in COMMANDS:
        assert name in listed
        assert main.get_command(None, name).name == name
