"""ETL: idempotent builders of the marts, each one transaction of DELETE then INSERT ... SELECT."""

from marts.etl.build import build_all
from marts.etl.daily_metrics import build_daily_metrics
from marts.etl.experiment_users import build_experiment_users
from marts.etl.runner import BuildResult
from marts.etl.user_stats import build_user_stats, default_as_of

__all__ = [
    "BuildResult",
    "build_all",
    "build_daily_metrics",
    "build_experiment_users",
    "build_user_stats",
    "default_as_of",
]
