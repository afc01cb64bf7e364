"""Time the statistics engine: 1,000,000 units x 3 metrics, from a frame to the full report.

Usage:
    .venv/bin/python bench/bench_stats.py [--rows 1000000] [--variants 2] [--repeat 3] [--covariate]

``prepare`` checks the frame and splits it by variant (``prepare_units``); ``analyze`` builds the sufficient
statistics and runs SRM, the fixed-horizon tests, Holm, the Bayesian models and (with ``--covariate``) CUPED
(``analyze_units``). The CSV read of ``novarium analyze`` is timed separately, on the same rows written to a file.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from marts.stats.analysis import analyze_units
from marts.stats.units import prepare_units


def frame(rows: int, variants: int, seed: int) -> pd.DataFrame:
    """Units with a binary, a skewed continuous and a count metric, and a pre-period covariate."""
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, variants, rows)
    pre = rng.gamma(1.5, 10.0, rows)
    return pd.DataFrame(
        {
            "variant": np.array([f"v{i}" for i in range(variants)])[arm],
            "converted": (rng.random(rows) < 0.10 + 0.005 * arm).astype(np.int8),
            "revenue": rng.lognormal(2.0, 1.0, rows) * (rng.random(rows) < 0.1) + 0.3 * pre,
            "items": rng.poisson(3.0 + 0.05 * arm),
            "pre": pre,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--variants", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--covariate", action="store_true", help="also run CUPED on every metric")
    args = parser.parse_args()
    data = frame(args.rows, args.variants, seed=1)
    metrics = ["converted", "revenue", "items"]
    for attempt in range(args.repeat):
        started = time.perf_counter()
        units = prepare_units(
            data, variant_col="variant", control="v0", metrics=metrics, covariate="pre" if args.covariate else None
        )
        prepared = time.perf_counter()
        report = analyze_units(units)
        finished = time.perf_counter()
        print(
            f"run {attempt + 1}/{args.repeat}: {args.rows:,} rows x {len(metrics)} metrics, {args.variants} variants"
            f"{' + CUPED' if args.covariate else ''}: prepare {prepared - started:.2f}s, analyze "
            f"{finished - prepared:.2f}s, total {finished - started:.2f}s (target < 3s)"
        )
    comparisons = sum(len(m.comparisons) for m in report.metrics)
    print(f"  {comparisons} comparison(s); SRM {report.srm.status} (p = {report.srm.p_value:.3f})")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.csv"
        data.to_csv(path, index=False)
        started = time.perf_counter()
        pd.read_csv(path)
        size = path.stat().st_size / 2**20
        print(f"reading the same rows from CSV ({size:.0f} MiB): {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()
