"""Unit-level data checked and reduced to arrays per variant: the input side of ``analyze``.

One row per randomisation unit. A metric column holding only 0/1 or True/False is binary; any other numeric column
is continuous. Every rule broken raises ``ValueError`` naming the column or argument and the rule, before any
statistics run.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

MetricType = Literal["binary", "continuous"]


@dataclass(frozen=True)
class UnitMetric:
    """One metric's per-unit values, split by variant (in ``UnitData.variants`` order)."""

    name: str
    type: MetricType
    values: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class UnitData:
    """Checked unit-level data.

    Attributes:
        variants: variant names, control first, then the others in order of first appearance.
        control: the control's name.
        counts: units per variant.
        metrics: the metrics, in the order asked.
        covariate: the pre-period covariate per variant, or None.
        expected_share: the planned share per variant (equal shares unless weights were given).
    """

    variants: tuple[str, ...]
    control: str
    counts: tuple[int, ...]
    metrics: tuple[UnitMetric, ...]
    covariate: tuple[np.ndarray, ...] | None
    expected_share: dict[str, float]


def prepare_units(
    frame: pd.DataFrame,
    *,
    variant_col: str,
    control: str,
    metrics: Sequence[str],
    covariate: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> UnitData:
    """Check ``frame`` and split the metric columns by variant.

    Raises:
        ValueError: an empty frame, a missing column, an unknown control, fewer than two variants, a metric or
            covariate that is not numeric or has missing values, or weights that do not match the variants.
    """
    if frame.empty:
        raise ValueError("data: the file has no rows")
    if not metrics:
        raise ValueError("--metric: give at least one metric column")
    for column in (variant_col, *metrics, *([covariate] if covariate else [])):
        if column not in frame.columns:
            raise ValueError(f"{column}: no such column (columns: {', '.join(map(str, frame.columns))})")
    if frame[variant_col].isna().any():
        raise ValueError(f"{variant_col}: {int(frame[variant_col].isna().sum())} row(s) have no variant")
    labels = frame[variant_col].astype(str)
    seen = list(dict.fromkeys(labels))
    if control not in seen:
        raise ValueError(f"--control: {control!r} is not a value of {variant_col} (values: {', '.join(seen[:10])})")
    if len(seen) < 2:
        raise ValueError(f"{variant_col}: only one variant ({control!r}); an experiment needs at least two")
    variants = (control, *(name for name in seen if name != control))
    masks = [(labels == name).to_numpy() for name in variants]
    unit_metrics = tuple(_metric(frame, name, masks) for name in dict.fromkeys(metrics))
    covariate_values = None
    if covariate:
        values = _numeric(frame, covariate)
        covariate_values = tuple(values[mask] for mask in masks)
    return UnitData(
        variants=variants,
        control=control,
        counts=tuple(int(mask.sum()) for mask in masks),
        metrics=unit_metrics,
        covariate=covariate_values,
        expected_share=_expected_share(variants, weights),
    )


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``"a=50,b=50"`` -> {"a": 50.0, "b": 50.0}; raises ValueError naming the part that breaks the rule."""
    if text is None or not text.strip():
        return None
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            weight = float(value) if sep and name.strip() else None
        except ValueError:
            weight = None
        if weight is None or not np.isfinite(weight) or weight <= 0:
            raise ValueError(f"--weights: {part.strip()!r} must be variant=weight with a weight above 0 (a=50,b=50)")
        weights[name.strip()] = weight
    return weights


def _metric(frame: pd.DataFrame, name: str, masks: list[np.ndarray]) -> UnitMetric:
    column = frame[name]
    if column.dtype == bool:
        values = column.to_numpy(dtype=float)
        kind: MetricType = "binary"
    else:
        values = _numeric(frame, name)
        kind = "binary" if np.isin(values, (0.0, 1.0)).all() else "continuous"
    return UnitMetric(name=name, type=kind, values=tuple(values[mask] for mask in masks))


def _numeric(frame: pd.DataFrame, name: str) -> np.ndarray:
    column = frame[name]
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        lowered = column.astype(str).str.strip().str.lower()
        if lowered.isin(("true", "false")).all():
            return (lowered == "true").to_numpy(dtype=float)
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        sample = next((v for v in column if not _is_number(v)), None)
        raise ValueError(f"{name}: must be numeric or True/False (found {sample!r})")
    values = column.to_numpy(dtype=float)
    missing = int((~np.isfinite(values)).sum())
    if missing:
        raise ValueError(f"{name}: {missing} row(s) are empty or not finite; every unit needs a value")
    return values


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _expected_share(variants: tuple[str, ...], weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return {name: 1 / len(variants) for name in variants}
    unknown = sorted(set(weights) - set(variants))
    missing = [name for name in variants if name not in weights]
    if unknown or missing:
        problems = [f"unknown variant(s) {', '.join(unknown)}"] if unknown else []
        problems += [f"no weight for {', '.join(missing)}"] if missing else []
        raise ValueError(f"--weights: {'; '.join(problems)} (variants: {', '.join(variants)})")
    total = sum(weights.values())
    return {name: weights[name] / total for name in variants}
