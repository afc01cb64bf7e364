"""Build every mart in dependency order."""

from datetime import date

from marts.etl.daily_metrics import build_daily_metrics
from marts.etl.experiment_users import build_experiment_users
from marts.etl.runner import BuildResult
from marts.etl.user_stats import DEFAULT_PRE_PERIOD_DAYS, build_user_stats, check_pre_period_days
from marts.storage import Store

__all__ = ["BuildResult", "build_all"]


def build_all(
    store: Store, *, as_of: date | None = None, pre_period_days: int = DEFAULT_PRE_PERIOD_DAYS
) -> list[BuildResult]:
    """Rebuild daily_metrics, user_stats and experiment_users (which reads user_stats), each in its own transaction.

    Args:
        store: the open store.
        as_of: user_stats' snapshot date; by default the day after the last warehouse session.
        pre_period_days: length of the CUPED pre-period before ``as_of``, in days.

    Returns:
        One result per mart, in build order.

    Raises:
        ValueError: when pre_period_days is below 1 (before any mart is touched).
    """
    check_pre_period_days(pre_period_days)
    return [
        build_daily_metrics(store),
        build_user_stats(store, as_of=as_of, pre_period_days=pre_period_days),
        build_experiment_users(store),
    ]
