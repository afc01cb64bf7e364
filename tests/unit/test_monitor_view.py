"""How a run's monitor reads on the Runs page: display strings in both languages, chart series and figures, and the
process-wide cache that keeps many tabs down to one query."""

import math
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from marts import monitor
from marts.metrics import METRICS
from marts.stats.srm import check_srm
from marts.stats.sufficient import SampleStats
from novarium_app.components import monitor_charts
from novarium_app.components.monitor_source import MonitorCache
from novarium_app.components.monitor_view import (
    build_view,
    format_lift,
    format_metric,
    format_moment,
    format_width,
)

T0 = datetime(2026, 11, 2, 10, 0, 0)
COUNTS = [(50, 5, 48, 5), (120, 12, 118, 20), (200, 20, 205, 36), (300, 30, 296, 45)]


def _monitor(metric: str = "conversion", looks: int = 4, assigned: dict | None = None) -> monitor.RunMonitor:
    run = monitor.MonitoredRun(
        "run-abc123def456",
        "red-banner",
        "http",
        "running",
        700,
        T0,
        None,
        metric,
        100.0,
        ("control", "treatment"),
        (1.0, 1.0),
    )
    control = tuple(SampleStats.from_proportion(n, k) for n, k, _, _ in COUNTS[:looks])
    treatment = tuple(SampleStats.from_proportion(n, k) for _, _, n, k in COUNTS[:looks])
    curves = (monitor.VariantCurve("control", control), monitor.VariantCurve("treatment", treatment))
    window = monitor.make_window("received", T0, T0 + timedelta(seconds=looks))
    exposed = {"control": control[-1].n, "treatment": treatment[-1].n}
    assigned = assigned or exposed
    return monitor.RunMonitor(
        run=run,
        metric=METRICS[metric],
        window=window,
        curves=curves,
        events=(10, 40, 80, 60)[:looks],
        assigned=assigned,
        srm_assigned=check_srm(assigned, {"control": 1, "treatment": 1}),
        srm=check_srm(exposed, {"control": 1, "treatment": 1}),
        peeking=monitor.peeking_curves(run, curves, METRICS[metric]),
    )


def test_the_view_shows_the_split_the_metric_and_the_peeking_p_values():
    view = build_view(_monitor())
    control, treatment = view.variants
    assert (control["variant"], control["control"], control["planned"], control["exposed"]) == (
        "control",
        "yes",
        "50.0%",
        "300",
    )
    assert (control["value"], control["lift"]) == ("10.00%", "—")
    assert (treatment["value"], treatment["lift"], treatment["share"]) == ("15.20%", "+52.0%", "49.7%")
    (peek,) = view.peeks
    assert peek["variant"] == "treatment" and peek["planned_units"] == "700"
    assert peek["naive_below"].endswith("/ 4") and peek["naive_p"] != "—"
    summary = view.summary
    assert (summary["srm_status"], summary["srm_color"], summary["exposed"], summary["empty"]) == (
        "ok",
        "grass",
        "596",
        "",
    )
    assert (summary["events"], summary["peak_rate"], summary["looks"]) == ("190", "80/s", "4")
    assert "mSPRT" in summary["tuning"] and "700" in summary["tuning"] and "α = 0.05" in summary["tuning"]


def test_every_sentence_comes_in_both_languages():
    summary = build_view(_monitor()).summary
    for key in ("metric", "width", "tuning", "peeking", "srm_words", "srm_assigned_words"):
        assert summary[key] and summary[f"{key}_ko"] and summary[key] != summary[f"{key}_ko"], key
    assert summary["metric_ko"] == "전환율" and "mSPRT" in summary["tuning_ko"]


def test_a_mismatched_split_is_flagged_on_exposures_and_not_on_assignments():
    view = build_view(_monitor(assigned={"control": 300, "treatment": 300}))
    assert view.summary["srm_assigned_status"] == "ok"
    broken = _monitor()
    broken = monitor.RunMonitor(**{**broken.__dict__, "srm": check_srm({"control": 300, "treatment": 200})})
    assert build_view(broken).summary["srm_status"] == "warning"
    assert build_view(broken).summary["srm_words"] == "Sample ratio mismatch"


def test_the_chart_series_have_one_point_per_look():
    view = build_view(_monitor(looks=3))
    chart = view.chart
    assert len(chart["times"]) == 3 and chart["times"][0] == "2026-11-02 10:00:01"
    assert [len(series["values"]) for series in chart["metric"]] == [3, 3]
    assert [len(chart["peeking"][0][kind]) for kind in ("naive", "valid")] == [3, 3]
    assert chart["rates"] == [10.0, 40.0, 80.0] and chart["unit"] == "percent"
    assert all(p is None or p >= 1e-6 for p in chart["peeking"][0]["naive"])


def test_a_run_without_exposures_reads_empty_and_never_shows_nan():
    empty = _monitor()
    zero = tuple(SampleStats(0, 0.0, 0.0) for _ in range(4))
    curves = (monitor.VariantCurve("control", zero), monitor.VariantCurve("treatment", zero))
    empty = monitor.RunMonitor(
        **{
            **empty.__dict__,
            "curves": curves,
            "srm": check_srm({}, {"control": 1, "treatment": 1}),
            "peeking": monitor.peeking_curves(empty.run, curves, empty.metric),
        }
    )
    view = build_view(empty)
    assert view.summary["empty"] == "yes" and view.summary["srm_status"] == "unavailable"
    assert {row["value"] for row in view.variants} == {"—"} and view.peeks[0]["naive_p"] == "—"
    assert "nan" not in repr(view).lower()


def test_a_ratio_metric_says_why_it_has_no_p_values():
    view = build_view(_monitor(metric="aov"))
    assert view.peeks == [] and "delta method" in view.summary["tuning"] and view.chart["peeking"] == []


def test_the_view_carries_no_ground_truth():
    view = build_view(_monitor())
    keys = set(view.summary) | {key for row in view.variants + view.peeks for key in row} | set(view.chart)
    assert not any(word in key for key in keys for word in ("truth", "effect", "true_"))


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(0.04123, "percent", "4.12%"), (12.3, "money", "$12.30"), (1.23456, "number", "1.235"), (None, "percent", "—")],
)
def test_metric_values_read_in_their_unit(value, unit, shown):
    assert format_metric(value, unit) == shown


def test_small_formatters():
    assert (format_lift(0.11, 0.1), format_lift(0.1, 0.0), format_lift(None, 0.1)) == ("+10.0%", "—", "—")
    assert (format_width(1, "en"), format_width(900, "en"), format_width(7200, "ko")) == ("1 s", "15 min", "2시간")
    assert format_moment(T0 + timedelta(seconds=65), T0, "received") == "1:05"
    assert format_moment(T0 + timedelta(hours=1, seconds=5), T0, "received") == "1:00:05"
    assert format_moment(T0, T0, "simulated") == "2026-11-02 10:00"


def test_the_figures_draw_every_series_without_words():
    chart = build_view(_monitor()).chart
    metric = monitor_charts.metric_figure(chart)
    assert [trace.name for trace in metric.data] == ["control", "treatment"]
    assert metric.layout.showlegend is False and metric.layout.yaxis.tickformat == ".2%"
    peeking = monitor_charts.p_value_figure(chart)
    assert [trace.line.dash for trace in peeking.data] == ["dot", "solid"]
    assert peeking.layout.yaxis.type == "log" and peeking.layout.shapes[0].y0 == 0.05
    assert peeking.layout.annotations[0].y == pytest.approx(math.log10(0.05))
    rate = monitor_charts.rate_figure(chart)
    assert list(rate.data[0].y) == [10.0, 40.0, 80.0, 60.0]
    assert len(monitor_charts.metric_figure({}).data) == 0


class _Counting:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, run_id: str, now: datetime) -> str:
        self.calls.append(run_id)
        return f"{run_id}#{len(self.calls)}"


def test_the_cache_reads_a_finished_run_once_per_version():
    compute = _Counting()
    cache = MonitorCache(compute, refresh_seconds=60)
    assert cache.get("run-1", "completed:10:99", live=False) == "run-1#1"
    assert cache.get("run-1", "completed:10:99", live=False) == "run-1#1"
    assert cache.get("run-1", "completed:10:120", live=False) == "run-1#2"
    assert compute.calls == ["run-1", "run-1"]


def test_the_cache_rereads_a_live_run_only_after_the_refresh_interval():
    compute = _Counting()
    cache = MonitorCache(compute, refresh_seconds=60)
    cache.get("run-1", "running:1:5", live=True)
    assert cache.get("run-1", "running:2:9", live=True) == "run-1#1"
    assert MonitorCache(compute, refresh_seconds=0).get("run-1", "running:2:9", live=True) == "run-1#2"


def test_the_cache_keeps_only_the_newest_runs():
    compute = _Counting()
    cache = MonitorCache(compute, size=2, refresh_seconds=60)
    for run_id in ("a", "b", "c", "a"):
        cache.get(run_id, "completed", live=False)
    assert compute.calls == ["a", "b", "c", "a"]


def test_the_split_card_says_how_much_of_the_planned_sample_this_run_has_brought_in():
    assert build_view(_monitor()).summary["planned_sample"] == ""  # no plan, no claim
    planned = _monitor()
    planned = replace(planned, run=replace(planned.run, planned_per_variant=1_200))
    summary = build_view(planned).summary
    smallest = min(planned.exposed.values())
    share = f"{smallest / 1_200:.0%}"
    assert summary["planned_sample"] == f"{smallest:,} of the planned 1,200 per variant ({share})"
    assert summary["planned_sample_ko"] == f"변형당 계획 1,200명 중 {smallest:,}명({share})"
    assert summary["srm_p"].startswith("p ")  # the badge prints the phrase as it is: never "p = < 0.0001"
