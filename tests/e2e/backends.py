"""Which served backends a browser test module runs on.

Every module runs on both backends unless it says otherwise. A module whose browser checks do not depend on where
the data is stored (layout, language, the lessons' in-memory simulations, the coach's streaming, the site guard)
marks itself ``ON_DUCKDB_ONLY``: its storage paths are covered on both engines by ``tests/storage``, and the flows
that store and read end to end (the HTTP swarm, the SQL lab, the first screens and the truth's secrecy) still run
on PostgreSQL too, and the whole journey runs there (``ON_POSTGRES_ONLY``). This keeps the suite inside its time
budget.
"""

import pytest

ON_DUCKDB_ONLY = pytest.mark.parametrize("app_server", ["duckdb"], indirect=True)
"""Put in a module's ``pytestmark``: its tests ask for the DuckDB server only."""

ON_POSTGRES_ONLY = pytest.mark.parametrize("app_server", ["postgres"], indirect=True)
"""For the whole learner journey: on DuckDB each of its parts has its own focused module (builder, monitor,
results, retrospectives), so the journey itself proves that the parts hold together on the other engine."""
