"""An experiment's units, one row per exposed visitor, as ``novarium analyze`` reads them.

The rows come from the ``experiment_users`` mart, the rows the Lab's readout sums: the variant, the persona (the
segment; "unknown" for a visitor outside the warehouse), ``pre_revenue`` (the CUPED covariate) and one column per
catalog metric measured per visitor over the run, under the metric's key: 0/1 for a binary metric (did it at least
once), the per-visitor value for a continuous one. A ratio metric (average order value) is a ratio of two sums, not
a value per unit, so it has no column. ``novarium analyze`` on these rows gives the results page's numbers.
"""

import pandas as pd

from marts.metrics import METRICS
from marts.storage import Store

UNIT_METRICS = tuple(key for key, metric in METRICS.items() if metric.kind in ("binary", "continuous"))
"""The metrics a unit row carries, in the catalog's order."""
COLUMNS = ("user_id", "variant", "persona", "pre_revenue")

_SQL = """
SELECT * FROM experiment_users WHERE experiment_key = :key ORDER BY variant, user_id
"""


def experiment_units(store: Store, experiment_key: str) -> pd.DataFrame:
    """The experiment's exposed visitors, one row each (an empty frame with the columns before anyone is exposed)."""
    mart = store.frame(_SQL, {"key": experiment_key})
    units = pd.DataFrame({name: mart[name] for name in COLUMNS if name in mart.columns})
    units["persona"] = units["persona"].fillna("unknown")
    units["pre_revenue"] = units["pre_revenue"].astype(float)
    for key in UNIT_METRICS:
        values = mart[METRICS[key].numerator]
        units[key] = (values > 0).astype(int) if METRICS[key].kind == "binary" else values.astype(float)
    return units.reset_index(drop=True)


def units_csv(store: Store, experiment_key: str) -> str:
    """``experiment_units`` as CSV text."""
    return experiment_units(store, experiment_key).to_csv(index=False)
