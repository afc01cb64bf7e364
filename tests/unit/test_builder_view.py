"""What the builder's panels show: variant rows, baselines, the plan's figures and the review's problem list."""

from novarium_app.builder.plan import Plan
from novarium_app.builder.view import baseline_view, changes, plan_view, review_rows, variant_rows


def test_variant_rows_show_shares_changes_and_problems():
    variants = [
        {"name": "control", "weight": "75"},
        {"name": "treatment", "weight": "25", "knob.banner_color": "red", "knob.discount_pct": "10"},
    ]
    problems = {"variants[1].weight": ("Weight: bad", "가중치: 잘못됨")}
    control, treatment = variant_rows(variants, 1, problems)
    assert (control["share"], treatment["share"]) == ("75.0%", "25.0%")
    assert (control["changes_en"], treatment["changes_en"]) == (
        "The shop as it is",
        "Banner colour → Red · Discount → 10%",
    )
    assert treatment["changes_ko"] == "배너 색상 → 빨강 · 할인 → 10%"
    assert (treatment["selected"], control["selected"]) == ("1", "")
    assert (treatment["weight_error_en"], treatment["has_error"], control["has_error"]) == ("Weight: bad", "1", "")


def test_a_variant_that_looks_like_the_control_is_flagged():
    variants = [
        {"name": "control", "weight": "50"},
        {"name": "same", "weight": "50", "knob.banner_color": "orange"},  # the default colour
        {"name": "different", "weight": "50", "knob.banner_color": "red"},
        {"name": "broken", "weight": "50", "knob.discount_pct": "x"},
    ]
    flags = [row["same_as_control"] for row in variant_rows(variants, 0, {})]
    assert flags == ["", "1", "", ""]


def test_changes_read_naturally():
    assert changes({"knob.free_delivery_threshold": "15", "knob.show_ratings": "false"}) == (
        "Free-delivery threshold → $15 · Show ratings → off",
        "무료 배송 기준 금액 → $15 · 평점 표시 → 끄기",
    )


def test_the_baseline_reads_in_the_metrics_units_or_says_why_it_is_missing():
    rate = baseline_view("conversion", {"mean": 0.2707, "std": 0.4443, "n": 37860, "source": "orders", "days": 28})
    assert (rate["value"], rate["std"], rate["n"], rate["binary"]) == ("27.07%", "0.444", "37,860", "1")
    assert (rate["unit_en"], rate["unit_ko"]) == ("per visitor over 28 days", "28일간 방문자당")
    assert rate["source_en"].startswith("sessions and orders: each visitor's orders in the window")
    money = baseline_view("aov", {"mean": 31.5, "std": 20.0, "n": 5, "source": "orders"})
    assert (money["value"], money["std"], money["binary"]) == ("$31.50", "$20.00", "")
    assert money["unit_en"] == "per order"  # no window length given
    missing = baseline_view("banner_ctr", {"mean": None, "std": None, "n": 0, "missing": "no_banner_clicks"})
    assert missing["available"] == ""
    assert missing["missing_en"].startswith("The warehouse history has no banner clicks")


def test_the_plan_reads_with_separators_and_percentage_points():
    plan = Plan(97698, 195396, 546, 358.2, 0.003085, 0.05, ())
    shown = plan_view(plan, "conversion")
    assert (shown["n_per_variant"], shown["days"], shown["mde_abs"], shown["mde_rel"]) == (
        "97,698",
        "546",
        "0.31 pp",
        "5.0%",
    )
    assert shown["long"] == "1"
    assert plan_view(None, "conversion") == {}


def test_review_rows_add_only_the_spec_problems_the_wizard_missed():
    found = {"key": ("Key: bad", "키: 잘못됨")}
    rows = review_rows(found, ["key: must match", "design.days: must be a number"])
    assert [(row["field"], row["step"]) for row in rows] == [("key", "0"), ("design.days", "3")]
    assert rows[1]["en"] == rows[1]["ko"] == "design.days: must be a number"


def test_the_baseline_names_the_window_the_plan_was_sized_on():
    windows = [[0.05 * day / 14, 0.2, 1000 * day] for day in range(1, 29)]
    entry = {"mean": 0.1, "std": 0.3, "n": 28000, "source": "orders", "days": 28, "windows": windows}
    entry["last_day"] = "2026-10-31"
    plan = Plan(5000, 10000, 14, 500.0, 0.005, 0.1, (), baseline=0.05, baseline_days=14)
    shown = baseline_view("conversion", entry, plan)
    assert (shown["value"], shown["n"], shown["days"]) == ("5.00%", "14,000", "14")
    assert shown["named_en"] == "Conversion over the last 14 days: 5.00%"
    assert shown["named_ko"] == "최근 14일 전환율: 5.00%"
    assert shown["unit_en"] == "per visitor over 14 days" and shown["window"] == "Oct 18 – Oct 31, 2026"
    longer = Plan(5000, 10000, 40, 500.0, 0.005, 0.1, (), baseline=0.1, baseline_days=28)
    assert baseline_view("conversion", entry, longer)["named_en"] == (
        "Conversion over the last 28 days: 10.00% (the warehouse's longest window; the plan runs 40 days)"
    )
    unplanned = baseline_view("conversion", entry)
    assert unplanned["named_en"] == "Conversion over the last 28 days: 10.00%" and unplanned["days"] == "28"
