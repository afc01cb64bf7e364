"""The first-idea bench's check is honest: it compares the run's control with the window the power step named."""

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from marts.horizon import Horizon

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_first_idea", BENCH / "bench_first_idea.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_reads_the_named_windows_buyers_and_visitors_with_a_wilson_interval(bench):
    visitors = np.array([1_000 * day for day in range(1, 29)])
    buyers = np.array([round(v * (0.05 + day / 100)) for day, v in enumerate(visitors, start=1)])
    horizon = Horizon(date(2026, 10, 31), visitors, buyers)
    low, high = proportion_confint(int(buyers[13]), int(visitors[13]), alpha=0.05, method="wilson")
    inside = bench.first_idea_check(buyers[13] / visitors[13], 7_000, horizon, 14)
    assert (inside.buyers, inside.visitors, inside.low, inside.high) == (buyers[13], visitors[13], low, high)
    assert inside.inside and inside.baseline == buyers[13] / visitors[13]
    assert not bench.first_idea_check(high + 0.001, 7_000, horizon, 14).inside
    assert not bench.first_idea_check(buyers[27] / visitors[27], 7_000, horizon, 14).inside  # not the 28-day rate
