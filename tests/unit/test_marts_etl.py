"""Marts ETL argument checks and results: no database needed (invalid arguments fail before any query)."""

import dataclasses

import pytest

from marts.etl import BuildResult, build_all, build_experiment_users, build_user_stats


@pytest.mark.parametrize("days", [0, -3, 2.5, True])
def test_user_stats_rejects_a_bad_pre_period(days):
    with pytest.raises(ValueError, match="pre_period_days: must be an integer of at least 1"):
        build_user_stats(None, pre_period_days=days)


def test_build_all_checks_the_pre_period_before_building_anything():
    with pytest.raises(ValueError, match="pre_period_days"):
        build_all(None, pre_period_days=0)


@pytest.mark.parametrize("key", ["", "  "])
def test_experiment_users_rejects_an_empty_key(key):
    with pytest.raises(ValueError, match="experiment_key: must be a non-empty key"):
        build_experiment_users(None, experiment_key=key)


def test_build_result_is_frozen():
    result = BuildResult("daily_metrics", 3, 0.1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.rows = 4
