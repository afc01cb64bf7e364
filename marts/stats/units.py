"""Unit-level data checked and reduced to arrays per variant: the input side of ``analyze``.

One row per randomisation unit. A metric column holding only 0/1 or True/False is binary; any other numeric column
is continuous. Goal metrics (``--metric``) form the multiple-testing family; guardrail columns (``--guardrail``)
carry a non-inferiority margin and are goals only when also given as metrics. An optional segment column splits
the units into at most ``MAX_SEGMENT_VALUES`` groups. Every rule broken raises ``ValueError`` naming the column or
option and the rule, before any statistics run.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

MetricType = Literal["binary", "continuous"]
MAX_SEGMENT_VALUES = 50
MISSING_SEGMENT = "(missing)"


@dataclass(frozen=True)
class GuardrailMargin:
    """The largest harm a guardrail tolerates: ``0.05`` relative (written ``5%``) or absolute in metric units."""

    margin: float
    relative: bool
    text: str


@dataclass(frozen=True)
class UnitMetric:
    """One metric's per-unit values, split by variant (in ``UnitData.variants`` order).

    Attributes:
        goal: whether the metric is a goal (in the multiple-testing family and the ship rule's wins).
        higher_is_better: the metric's good direction.
        guardrail: the non-inferiority margin when the metric is also a guardrail.
    """

    name: str
    type: MetricType
    values: tuple[np.ndarray, ...]
    goal: bool = True
    higher_is_better: bool = True
    guardrail: GuardrailMargin | None = None


@dataclass(frozen=True)
class UnitSegment:
    """A segment dimension: each unit's segment label (a string), split by variant."""

    name: str
    labels: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class UnitData:
    """Checked unit-level data.

    Attributes:
        variants: variant names, control first, then the others in order of first appearance.
        control: the control's name.
        counts: units per variant.
        metrics: the goal metrics in the order asked, then the guardrail-only metrics in the order asked.
        covariate: the pre-period covariate per variant, or None.
        expected_share: the planned share per variant (equal shares unless weights were given).
        segment: the segment dimension, or None.
        covariate_name: the covariate's column, or None.
    """

    variants: tuple[str, ...]
    control: str
    counts: tuple[int, ...]
    metrics: tuple[UnitMetric, ...]
    covariate: tuple[np.ndarray, ...] | None
    expected_share: dict[str, float]
    segment: UnitSegment | None = None
    covariate_name: str | None = None


def prepare_units(
    frame: pd.DataFrame,
    *,
    variant_col: str,
    control: str,
    metrics: Sequence[str],
    covariate: str | None = None,
    weights: Mapping[str, float] | None = None,
    guardrails: Mapping[str, GuardrailMargin] | None = None,
    lower_is_better: Sequence[str] = (),
    segment: str | None = None,
) -> UnitData:
    """Check ``frame`` and split the metric, guardrail and segment columns by variant.

    Args:
        frame: one row per unit.
        variant_col: the column naming each unit's variant.
        control: the control's name.
        metrics: the goal metric columns.
        covariate: the pre-period column for CUPED.
        weights: the planned split per variant (see ``parse_weights``).
        guardrails: the guardrail columns and their margins (see ``parse_guardrails``).
        lower_is_better: metric or guardrail columns whose good direction is down.
        segment: the column to break every comparison down by.

    Raises:
        ValueError: an empty frame, a missing column, an unknown control, fewer than two variants, a metric,
            guardrail or covariate that is not numeric or has missing values, weights that do not match the
            variants, a ``lower_is_better`` column that is not analysed, or an unusable segment column.
    """
    guardrails = dict(guardrails or {})
    if frame.empty:
        raise ValueError("data: the file has no rows")
    if not metrics:
        raise ValueError("--metric: give at least one metric column")
    columns = f"(columns: {', '.join(map(str, frame.columns))})"
    for column in (variant_col, *metrics, *([covariate] if covariate else [])):
        if column not in frame.columns:
            raise ValueError(f"{column}: no such column {columns}")
    for option, names in (("--guardrail", guardrails), ("--segment", [segment] if segment else [])):
        for column in names:
            if column not in frame.columns:
                raise ValueError(f"{option} {column}: no such column {columns}")
    analysed = list(dict.fromkeys([*metrics, *guardrails]))
    for column in lower_is_better:
        if column not in analysed:
            raise ValueError(
                f"--lower-is-better {column}: not an analysed column; it must also be given with --metric or "
                f"--guardrail (analysed: {', '.join(analysed)})"
            )
    if segment == variant_col:
        raise ValueError(f"--segment {segment}: is the variant column; segments must split units within variants")
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
    down = set(lower_is_better)
    unit_metrics = tuple(
        _metric(
            frame,
            name,
            masks,
            goal=name in metrics,
            higher_is_better=name not in down,
            guardrail=guardrails.get(name),
        )
        for name in analysed
    )
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
        segment=_segment(frame, segment, masks) if segment else None,
        covariate_name=covariate or None,
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


def parse_guardrails(texts: Sequence[str]) -> dict[str, GuardrailMargin]:
    """``["revenue=5%", "latency=0.2"]`` -> margins: ``5%`` is relative to control, a plain number is absolute.

    Raises:
        ValueError: naming the option and the part that breaks the rule (no ``=``, no column, a margin that is not
            a finite number >= 0, or a column given twice).
    """
    margins: dict[str, GuardrailMargin] = {}
    for text in texts:
        column, sep, value = text.rpartition("=")
        column, value = column.strip(), value.strip()
        if not sep or not column:
            raise ValueError(
                f"--guardrail: {text!r} must be COLUMN=MARGIN, e.g. revenue=5% (relative to control) or "
                "revenue=0.5 (absolute, in the metric's units)"
            )
        relative = value.endswith("%")
        try:
            number = float(value[:-1] if relative else value)
        except ValueError:
            number = None
        if number is None or not np.isfinite(number) or number < 0:
            raise ValueError(
                f"--guardrail {column}: margin {value!r} must be a number >= 0, either absolute (0.5) or a "
                "percentage of the control mean (5%)"
            )
        if column in margins:
            raise ValueError(f"--guardrail {column}: given twice; give each guardrail column once")
        margins[column] = GuardrailMargin(number / 100 if relative else number, relative, value)
    return margins


def _metric(
    frame: pd.DataFrame,
    name: str,
    masks: list[np.ndarray],
    *,
    goal: bool = True,
    higher_is_better: bool = True,
    guardrail: GuardrailMargin | None = None,
) -> UnitMetric:
    column = frame[name]
    if column.dtype == bool:
        values = column.to_numpy(dtype=float)
        kind: MetricType = "binary"
    else:
        values = _numeric(frame, name, label=name if goal else f"--guardrail {name}")
        kind = "binary" if np.isin(values, (0.0, 1.0)).all() else "continuous"
    return UnitMetric(
        name=name,
        type=kind,
        values=tuple(values[mask] for mask in masks),
        goal=goal,
        higher_is_better=higher_is_better,
        guardrail=guardrail,
    )


def _segment(frame: pd.DataFrame, name: str, masks: list[np.ndarray]) -> UnitSegment:
    column = frame[name].convert_dtypes()  # whole floats become integers, so 3.0 reads "3"
    labels = column.astype("string").fillna(MISSING_SEGMENT).to_numpy(dtype=object)
    distinct = len(set(labels))
    if distinct > MAX_SEGMENT_VALUES:
        raise ValueError(
            f"--segment {name}: has {distinct:,} distinct values; a segment dimension needs at most "
            f"{MAX_SEGMENT_VALUES} (e.g. device, country, persona)"
        )
    return UnitSegment(name=name, labels=tuple(labels[mask] for mask in masks))


def _numeric(frame: pd.DataFrame, name: str, *, label: str | None = None) -> np.ndarray:
    column = frame[name]
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        lowered = column.astype(str).str.strip().str.lower()
        if lowered.isin(("true", "false")).all():
            return (lowered == "true").to_numpy(dtype=float)
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        sample = next((v for v in column if not _is_number(v)), None)
        raise ValueError(f"{label or name}: must be numeric or True/False (found {sample!r})")
    values = column.to_numpy(dtype=float)
    missing = int((~np.isfinite(values)).sum())
    if missing:
        raise ValueError(f"{label or name}: {missing} row(s) are empty or not finite; every unit needs a value")
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
