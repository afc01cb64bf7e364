"""The experiments list's rows: status, excerpt, metric, split, dates and where each action leads."""

from datetime import datetime

from novarium_app.builder.listing import counts, excerpt, row
from shop.repository import ExperimentRecord, VariantRecord


def _record(status: str = "draft", hypothesis: str = "A red banner lifts conversion.") -> ExperimentRecord:
    return ExperimentRecord(
        key="red-banner",
        name="Red banner",
        hypothesis=hypothesis,
        status=status,
        allocation=50.0,
        salt="red-banner",
        primary_metric="conversion",
        variants=(VariantRecord("control", 70.0, {}), VariantRecord("treatment", 30.0, {"banner_color": "red"})),
        design={},
        created_at=datetime(2026, 11, 2, 9, 30),
        started_at=None,
        stopped_at=None,
    )


def test_a_row_says_what_the_list_shows():
    shown = row(_record())
    assert (shown["status_en"], shown["status_ko"], shown["status_color"]) == ("Draft", "초안", "gray")
    assert (shown["metric_en"], shown["metric_ko"]) == ("Conversion", "전환율")
    assert shown["variants"] == "control 70% · treatment 30%"
    assert (shown["allocation"], shown["created"]) == ("50%", "2026-11-02")
    assert shown["continue_href"] == "/experiments/new?draft=red-banner"
    assert shown["results_href"] == "/results/red-banner"


def test_long_hypotheses_are_cut_at_a_word():
    text = "word " * 100
    cut = excerpt(text, 22)
    assert cut == "word word word word…"
    assert excerpt("short one") == "short one"


def test_counts_by_status():
    rows = [row(_record("draft")), row(_record("running")), row(_record("running"))]
    assert counts(rows) == {"all": "3", "draft": "1", "running": "2", "stopped": "0", "completed": "0"}
