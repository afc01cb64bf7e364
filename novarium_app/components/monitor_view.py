"""How a ``RunMonitor`` reads on the Runs page: pure conversion into display strings and chart series.

Text built here comes in both languages (a key holds English, ``<key>_ko`` Korean); the page shows the learner's.
Only what the data says is shown: a run's ground truth is never part of a monitor (it is revealed after the decision).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marts.monitor import DAY, Peeking, RunMonitor, VariantCurve, Window
from marts.planned import PlannedProgress
from marts.stats.srm import SrmResult
from marts.vocabulary import METRIC_NAMES_KO, SRM_STATUS_NAMES, format_p, p_phrase
from novarium_app import routes
from novarium_app.components import monitor_calendar as calendar
from novarium_app.components.monitor_rates import RateBars, day_bars, rate_bars

PALETTE = ("#0090ff", "#8e4ec6", "#f76b15", "#12a594")
"""Variant colours (Radix step 9: readable on light and dark backgrounds); control first."""
NONE = "—"
P_FLOOR = 1e-6
"""P-values below this are drawn at it (a log axis has no zero)."""

METRIC_KO = METRIC_NAMES_KO
SRM_WORDS = SRM_STATUS_NAMES
SRM_COLORS = {"ok": "grass", "caution": "amber", "warning": "red", "unavailable": "gray"}
SRM_ICONS = {"ok": "circle-check", "caution": "circle-alert", "warning": "octagon-alert", "unavailable": "hourglass"}


@dataclass(frozen=True)
class MonitorView:
    """What the page holds for one monitor.

    Attributes:
        summary: headline strings (bilingual ones as ``<key>`` and ``<key>_ko``).
        variants: one row per variant: split, exposures and the metric so far.
        peeks: one row per treatment: the naive and the always-valid p-value now.
        chart: the series the charts draw (``monitor_charts``), at most ``MAX_LOOKS`` points each.
    """

    summary: dict[str, str]
    variants: list[dict[str, str]]
    peeks: list[dict[str, str]]
    chart: dict[str, Any] = field(default_factory=dict)


def build_view(monitor: RunMonitor) -> MonitorView:
    """The monitor as the page shows it."""
    run, metric, window = monitor.run, monitor.metric, monitor.window
    colors = {curve.variant: PALETTE[index % len(PALETTE)] for index, curve in enumerate(monitor.curves)}
    unit = value_unit(metric.kind, metric.numerator)
    exposed = sum(monitor.exposed.values())
    on_calendar = window.clock == "calendar"
    bars = day_bars(monitor.events, window) if on_calendar else rate_bars(monitor.events, window)
    horizon, horizon_ko = calendar.horizon_words(run, window)
    summary = {
        "run_id": run.run_id,
        "results_href": routes.results_for(run.experiment_key),
        "metric_key": metric.key,
        "metric": metric.label,
        "metric_ko": METRIC_KO.get(metric.key, metric.label),
        "metric_kind": metric.kind,
        "clock": window.clock,
        "looks": f"{window.looks:,}",
        "exposed": f"{exposed:,}",
        "empty": "" if exposed else "yes",
        "events": f"{sum(monitor.events):,}",
        "peak_rate": format_rate(max(bars.rates, default=0.0), "day" if on_calendar else "s"),
        "horizon": horizon,
        "horizon_ko": horizon_ko,
        **(calendar.calendar_words(window, bars.width // DAY) if on_calendar else _clock_words(window, bars)),
        **_srm_summary(monitor.srm, "srm"),
        **_srm_summary(monitor.srm_assigned, "srm_assigned"),
        **_peeking_summary(monitor),
        **_planned_summary(monitor),
    }
    return MonitorView(
        summary=summary,
        variants=_variant_rows(monitor, colors, unit),
        peeks=[_peek_row(peek, colors, window.clock, monitor) for peek in monitor.peeking],
        chart={
            "times": _look_times(window),
            "dates": calendar.look_dates(window) if on_calendar else [],
            "days": window.looks * window.width // DAY if on_calendar else 0,
            "clock": window.clock,
            "unit": unit,
            "metric": [
                {"name": curve.variant, "color": colors[curve.variant], "values": list(curve.values())}
                for curve in monitor.curves
            ],
            "peeking": [
                {
                    "name": peek.variant,
                    "color": colors[peek.variant],
                    "naive": [_p(look.naive_p_value) for look in peek.looks],
                    "valid": [_p(look.p_value) for look in peek.looks],
                }
                for peek in monitor.peeking
            ],
            "alpha": monitor.peeking[0].config.alpha if monitor.peeking else 0.05,
            "rates": bars.rates,
            "rate_times": bars.times,
        },
    )


def value_unit(kind: str, numerator: str) -> str:
    """How a metric's values read: "percent" (binary), "money" (revenue-based) or "number"."""
    if kind == "binary":
        return "percent"
    return "money" if numerator == "revenue" else "number"


def format_metric(value: float | None, unit: str) -> str:
    """A metric value: "4.12%", "$12.30" or "1.234"; "—" when there is none yet."""
    if value is None:
        return NONE
    if unit == "percent":
        return f"{value:.2%}"
    if unit == "money":
        return f"${value:,.2f}"
    return f"{value:,.3f}"


def format_lift(treatment: float | None, control: float | None) -> str:
    """The relative difference against control, "+12.3%"; "—" without both values or with a zero baseline."""
    if treatment is None or control is None or control == 0:
        return NONE
    return f"{treatment / control - 1:+.1%}"


def format_rate(rate: float, per: str = "s") -> str:
    """Events per second ("1,234/s") or per ``per`` ("1,234/day")."""
    if rate <= 0:
        return f"0/{per}"
    return f"{rate:,.1f}/{per}" if rate < 10 else f"{rate:,.0f}/{per}"


def format_width(seconds: int, locale: str) -> str:
    """A bucket width: "1 s", "15 min", "2 h" ("1초", "15분", "2시간" in Korean)."""
    units = ((3600, "h", "시간"), (60, "min", "분"), (1, "s", "초"))
    for size, english, korean in units:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count}{korean}" if locale == "ko" else f"{count} {english}"
    return f"{seconds}초" if locale == "ko" else f"{seconds} s"


def format_moment(moment: datetime, origin: datetime, clock: str) -> str:
    """When a look was taken: the day of the experiment ("day 3 · 2026-11-18") on a calendar; for older runs, time
    into the run ("1:05") for an HTTP run, the simulated time for an engine run."""
    if clock == "calendar":
        return calendar.format_day(moment, origin)[0]
    if clock == "simulated":
        return f"{moment:%Y-%m-%d %H:%M}"
    seconds = max(0, round((moment - origin).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _variant_rows(monitor: RunMonitor, colors: dict[str, str], unit: str) -> list[dict[str, str]]:
    srm = monitor.srm
    planned = dict(zip(srm.variants, srm.expected_share, strict=True))
    exposed_total = sum(monitor.exposed.values())
    control = _last_value(monitor.curves[0]) if monitor.curves else None
    rows = []
    for index, curve in enumerate(monitor.curves):
        units = curve.stats[-1].n
        value = _last_value(curve)
        rows.append(
            {
                "variant": curve.variant,
                "color": colors[curve.variant],
                "control": "yes" if index == 0 else "",
                "planned": f"{planned.get(curve.variant, 0.0):.1%}",
                "assigned": f"{monitor.assigned.get(curve.variant, 0):,}",
                "exposed": f"{units:,}",
                "share": f"{units / exposed_total:.1%}" if exposed_total else NONE,
                "value": format_metric(value, unit),
                "lift": NONE if index == 0 else format_lift(value, control),
            }
        )
    return rows


def _last_value(curve: VariantCurve) -> float | None:
    return curve.values()[-1]


def _planned_summary(monitor: RunMonitor) -> dict[str, str]:
    """This run's exposed users against the experiment's plan ("" without a plan or users)."""
    per_variant, exposed = monitor.run.planned_per_variant, monitor.exposed
    if per_variant is None or not exposed:
        return {"planned_sample": "", "planned_sample_ko": ""}
    english, korean = PlannedProgress(min(exposed.values()), per_variant).words()
    return {"planned_sample": english, "planned_sample_ko": korean}


def _srm_summary(srm: SrmResult, prefix: str) -> dict[str, str]:
    english, korean = SRM_WORDS[srm.status]
    return {
        f"{prefix}_status": srm.status,
        f"{prefix}_color": SRM_COLORS[srm.status],
        f"{prefix}_icon": SRM_ICONS[srm.status],
        f"{prefix}_words": english,
        f"{prefix}_words_ko": korean,
        f"{prefix}_p": p_phrase(srm.p_value),
    }


def _peek_row(peek: Peeking, colors: dict[str, str], clock: str, monitor: RunMonitor) -> dict[str, str]:
    last = peek.looks[-1] if peek.looks else None
    naive = peek.naive_below()
    first = format_moment(monitor.window.look_end(naive[0]), monitor.window.origin, clock) if naive else NONE
    first_ko = calendar.format_day(monitor.window.look_end(naive[0]), monitor.window.origin)[1] if naive else NONE
    return {
        "variant": peek.variant,
        "color": colors[peek.variant],
        "first_naive_ko": first_ko if clock == "calendar" else first,
        "naive_p": format_p(last.naive_p_value if last else None),
        "valid_p": format_p(last.p_value if last else None),
        "naive_below": f"{len(naive):,} / {len(peek.looks):,}",
        "first_naive": first,
        "planned_units": f"{peek.config.planned_units:,}",
        "naive_hit": "yes"
        if last and last.naive_p_value is not None and last.naive_p_value < peek.config.alpha
        else "",
        "valid_hit": "yes" if last and last.p_value is not None and last.p_value < peek.config.alpha else "",
    }


def _peeking_summary(monitor: RunMonitor) -> dict[str, str]:
    """The tuning of the always-valid test and what peeking at the naive p-value would have done, in words."""
    if monitor.metric.kind == "ratio":
        english = (
            "Ratio metrics need the delta method: their tests are on the Results page, so the monitor draws the ratio "
            "only."
        )
        korean = "비율 지표는 델타 방법이 필요해 검정은 결과 페이지에서 합니다. 모니터는 비율만 그립니다."
        return {"tuning": english, "tuning_ko": korean, "peeking": "", "peeking_ko": ""}
    if not monitor.peeking:
        return {"tuning": "", "tuning_ko": "", "peeking": "", "peeking_ko": ""}
    peek = monitor.peeking[0]
    alpha = f"{peek.config.alpha:g}"
    units = f"{peek.config.planned_units:,}"
    several = len(monitor.peeking) > 1
    where_en = "each comparison's two arms" if several else f"{peek.control} and {peek.variant}"
    where_ko = "각 비교의 두 그룹" if several else f"{peek.control}·{peek.variant} 두 그룹"
    tuning_en = (
        f"Always-valid p: mSPRT with a normal mixture over the difference, α = {alpha}, tuned for its tightest "
        f"interval at the units this run plans for {where_en}"
        + ("." if several else f" ({units}).")
        + " Naive p: a fixed-horizon z-test, valid at one pre-planned look only."
    )
    tuning_ko = (
        f"항상 유효한 p값: 차이에 대한 정규 혼합 mSPRT, α = {alpha}, 이 실행이 {where_ko}에 계획한 인원"
        + ("" if several else f"({units}명)")
        + "에서 구간이 가장 좁도록 조정했습니다."
        + " 단순 p값: 고정 표본 z-검정으로, 미리 정한 한 번의 확인에서만 유효합니다."
    )
    naive, valid = peek.naive_below(), peek.valid_below()
    looks = len(peek.looks)
    if naive:
        peeking_en = f"Naive p dipped below {alpha} at {len(naive):,} of {looks:,} looks"
        peeking_ko = f"단순 p값은 {looks:,}번의 확인 중 {len(naive):,}번 {alpha} 아래로 내려갔습니다"
        peeking_en += "; the always-valid p " + ("did too." if valid else "never did.")
        peeking_ko += "; 항상 유효한 p값은 " + ("함께 내려갔습니다." if valid else "한 번도 내려가지 않았습니다.")
    else:
        peeking_en = f"Neither p-value has dipped below {alpha} in {looks:,} looks."
        peeking_ko = f"{looks:,}번의 확인에서 두 p값 모두 {alpha} 아래로 내려가지 않았습니다."
    return {"tuning": tuning_en, "tuning_ko": tuning_ko, "peeking": peeking_en, "peeking_ko": peeking_ko}


def _clock_words(window: Window, bars: RateBars) -> dict[str, str]:
    """The captions of a monitor read by arrival or by an engine run's span (runs stored without a calendar)."""
    simulated = window.clock == "simulated"
    return {
        "metric_caption": "Cumulative, per variant, over the visits' simulated time."
        if simulated
        else "Cumulative, per variant, as the data arrives (UTC).",
        "metric_caption_ko": "변형별 누적값, 방문의 시뮬레이션 시각 기준."
        if simulated
        else "변형별 누적값, 데이터가 도착하는 대로 (UTC).",
        "rate_title": "Events per second",
        "rate_title_ko": "초당 이벤트",
        "rate_axis": f"Time (one bar = {format_width(bars.width, 'en')})",
        "rate_axis_ko": f"시간 (막대 하나 = {format_width(bars.width, 'ko')})",
        "width": format_width(window.width, "en"),
        "width_ko": format_width(window.width, "ko"),
    }


def _look_times(window: Window) -> list[str] | list[float]:
    """Each look's place on the x axis: its day on a calendar, else its time (ISO)."""
    if window.clock == "calendar":
        return calendar.look_days(window)
    return [_iso(window.look_end(index)) for index in range(window.looks)]


def _p(value: float | None) -> float | None:
    return None if value is None else max(value, P_FLOOR)


def _iso(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")
