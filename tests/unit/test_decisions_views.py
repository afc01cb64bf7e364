"""What the results page shows: number formatting, bilingual rows built from a results dict, and the reveal."""

import pytest

from marts.vocabulary import format_p, metric_name
from novarium_app.lab import formatting as fmt
from novarium_app.lab import reveal, views


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(0.1093, "rate", "10.93%"), (31.4, "money", "$31.40"), (-4.5, "money", "−$4.50"), (None, "rate", "—")],
)
def test_values_read_in_their_unit(value, unit, shown):
    assert fmt.value(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.0201, "rate", "+2.01 pp"),
        (-0.0201, "rate", "−2.01 pp"),
        (-4.738, "money", "−$4.74"),
        (0.0123, "number", "+0.0123"),
    ],
)
def test_lifts_are_signed(value, unit, shown):
    assert fmt.lift(value, unit) == shown


def test_intervals_p_values_and_chances():
    assert fmt.interval([0.0173, 0.0229], "rate") == "[+1.73, +2.29] pp"
    assert fmt.interval([-0.144, 0.616], "relative") == "[−14.4%, +61.6%]"
    assert fmt.interval([None, 0.2], "rate") == "—"
    assert [format_p(p) for p in (1e-43, 0.00412, 0.3956, None)] == ["< 0.0001", "0.00412", "0.396", "—"]
    assert [fmt.chance(c) for c in (0.99999, 0.8007, 0.0001)] == ["> 99.9%", "80.1%", "< 0.1%"]
    assert (
        fmt.unit_of("conversion") == "rate"
        and fmt.unit_of("aov") == "money"
        and fmt.unit_of("items_viewed") == "number"
    )
    assert metric_name("aov") == ("Average order value", "평균 주문 금액")


def _comparison(**changes):
    base = {
        "variant": "treatment",
        "vs": "control",
        "abs_lift": 0.02,
        "abs_ci": [0.01, 0.03],
        "rel_lift": 0.2,
        "rel_ci": [0.1, 0.3],
        "p_value": 0.001,
        "p_value_adjusted": 0.002,
        "chance_to_beat": 0.9995,
        "expected_loss": 0.0001,
        "cuped_applied": False,
        "cuped": None,
        "error": None,
        "message": "",
    }
    return base | changes


RESULTS = {
    "alpha": 0.05,
    "correction": "holm",
    "users": 2000,
    "analysis": {"cuped": False, "covariate": None, "label": "without CUPED", "label_ko": "CUPED 미적용"},
    "srm": {
        "status": "warning",
        "p_value": 0.0001,
        "observed": {"control": 1100, "treatment": 900},
        "expected_share": {"control": 0.5, "treatment": 0.5},
    },
    "metrics": [
        {
            "metric": "aov",
            "label": "Average order value",
            "kind": "ratio",
            "role": "guardrail",
            "higher_is_better": True,
            "variants": [
                {"variant": "control", "n": 1100, "mean": 30.0},
                {"variant": "treatment", "n": 900, "mean": 27.0},
            ],
            "comparisons": [_comparison(abs_lift=-3.0, rel_lift=-0.1, p_value_adjusted=None, cuped=None)],
        },
        {
            "metric": "conversion",
            "label": "Conversion",
            "kind": "binary",
            "role": "primary",
            "higher_is_better": True,
            "variants": [
                {"variant": "control", "n": 1100, "mean": 0.1},
                {"variant": "treatment", "n": 900, "mean": 0.12},
            ],
            "comparisons": [_comparison()],
        },
        {
            "metric": "banner_ctr",
            "label": "Banner click-through",
            "kind": "binary",
            "role": "secondary",
            "higher_is_better": True,
            "variants": [
                {"variant": "control", "n": 1100, "mean": 0.1},
                {"variant": "treatment", "n": 0, "mean": None},
            ],
            "comparisons": [_comparison(p_value=None, p_value_adjusted=None, error="no_data", cuped=None)],
        },
    ],
    "guardrails": [
        {
            "metric": "aov",
            "variant": "treatment",
            "verdict": "harmed",
            "margin": 0.05,
            "margin_type": "relative",
            "bound": -0.14,
            "estimate": -0.1,
        },
    ],
    "decisions": [{"variant": "treatment", "verdict": "dont_ship", "reasons": ["Do not ship treatment."]}],
    "segments": [
        {
            "metric": "conversion",
            "variant": "treatment",
            "n_tested": 3,
            "false_positive_chance": 0.142625,
            "rows": [
                {
                    "segment": "rational",
                    "n_control": 10,
                    "n_treatment": 12,
                    "control_mean": 0.1,
                    "treatment_mean": 0.2,
                    "rel_lift": 1.0,
                    "p_value": 0.01,
                    "p_value_adjusted": 0.03,
                    "error": None,
                },
            ],
        }
    ],
}


CUPED_CONVERSION = _comparison(
    abs_lift=0.021,
    abs_ci=[0.012, 0.03],
    rel_lift=0.21,
    rel_ci=[0.12, 0.3],
    p_value=0.0005,
    p_value_adjusted=0.001,
    cuped_applied=True,
    cuped={"theta": 0.01, "variance_reduction": 0.25, "raw_abs_ci": [0.01, 0.03], "error": None, "message": ""},
)
RESULTS_CUPED = {
    **RESULTS,
    "analysis": {"cuped": True, "covariate": "pre_revenue", "label": "with CUPED", "label_ko": "CUPED 적용"},
    "metrics": [
        m | {"comparisons": [CUPED_CONVERSION]} if m["metric"] == "conversion" else m for m in RESULTS["metrics"]
    ],
}
"""The same experiment read with CUPED: the readout's headline numbers are CUPED's (a ratio metric stays raw)."""


def test_metric_cards_put_the_primary_first_and_format_each_row():
    cards = views.metric_cards(RESULTS)
    assert [(c.metric, c.role) for c in cards] == [
        ("conversion", "primary"),
        ("banner_ctr", "secondary"),
        ("aov", "guardrail"),
    ]
    control, treatment = cards[0].rows
    assert control.is_control and control.mean == "10.00%" and control.rel == "—"
    assert (treatment.rel, treatment.rel_ci, treatment.abs) == ("+20.00%", "[+10.0%, +30.0%]", "+2.00 pp")
    assert (treatment.p, treatment.p_adj, treatment.chance) == ("0.001", "0.002", "> 99.9%")
    assert treatment.tone == "green" and not treatment.has_cuped and cards[0].analysis_en == ""
    empty = cards[1].rows[1]
    assert empty.mean == "—" and empty.note_en == "no users in a variant yet" and empty.note_ko
    assert cards[2].rows[1].tone == "red"  # a guardrail reads its raw p-value: significantly worse


def test_each_result_says_its_unit_from_the_catalog():
    """Conversion is per exposed visitor over the run, as the Overview's is per visitor over its window; the
    average order value is per order."""
    cards = {card.metric: card for card in views.metric_cards(RESULTS)}
    assert cards["conversion"].unit_en.startswith("Share of exposed visitors over the run")
    assert cards["conversion"].unit_ko.startswith("실험 기간 동안 노출된 방문자 중 비율")
    assert cards["aov"].unit_en.startswith("Per order")
    assert cards["aov"].unit_ko.startswith("노출된 방문자의 주문 1건당")
    assert views.unit_words("revenue_per_visitor", "money")[0] == "Per exposed visitor over the run, in dollars"


def test_metric_cards_of_a_cuped_readout_show_its_numbers_and_say_so():
    cards = views.metric_cards(RESULTS_CUPED)
    treatment = cards[0].rows[1]
    assert (treatment.rel, treatment.rel_ci, treatment.p, treatment.p_adj) == (
        "+21.00%", "[+12.0%, +30.0%]", "0.0005", "0.001",
    )  # fmt: skip
    assert treatment.has_cuped and treatment.cuped_vr == "25.0%"
    assert (cards[0].has_cuped, cards[0].analysis_en, cards[0].analysis_ko) == (True, "CUPED-adjusted", "CUPED 보정")
    assert not cards[2].has_cuped and cards[2].analysis_en.startswith("Without CUPED")  # a ratio metric


def test_srm_guardrails_and_recommendation_in_plain_words():
    srm = views.srm_lines(RESULTS)
    assert srm.tone == "red" and "1,100 / 900" in srm.en and "Sample ratio mismatch" in srm.en and "SRM" in srm.ko
    (guardrail,) = views.guardrail_lines(RESULTS)
    assert guardrail.tone == "red" and "harmed" in guardrail.en and "−14.00%" in guardrail.en
    verdict, english, korean, reasons = views.recommendation(RESULTS)
    assert (verdict, english, korean) == ("dont_ship", "Don't ship treatment", "treatment 배포하지 않기")
    assert [line.tone for line in reasons] == ["red", "green", "gray", "red"]  # SRM, conversion, ctr, guardrail
    assert "significantly better after Holm correction" in reasons[1].en
    assert "no test" in reasons[2].en


def test_segments_carry_their_multiple_comparison_warning():
    (block,) = views.segment_blocks(RESULTS)
    assert block.variant == "treatment" and "14%" in block.warning_en and "14%" in block.warning_ko
    assert block.rows[0].rel == "+100.00%" and block.rows[0].tone == "green"
    assert (block.rows[0].name_en, block.rows[0].name_ko) == ("Price-comparing", "가격 비교형")  # never the raw key


def test_tiles_and_the_cuped_note():
    tiles = {tile["key"]: tile for tile in reveal.summary_tiles(RESULTS)}
    assert tiles["users"]["value"] == "2,000" and tiles["srm"]["tone"] == "red"
    assert tiles["lift"]["value"] == "+20.00%" and tiles["chance"]["value"] == "> 99.9%"
    # the tile says which analysis it shows (the table may show CUPED) and which correction adjusted its p-value
    assert tiles["lift"]["label_en"] == "Conversion lift, without CUPED" and "CUPED" in tiles["lift"]["label_ko"]
    assert tiles["lift"]["detail_en"].startswith("treatment, Holm-adjusted p ")
    assert reveal.cuped_note(RESULTS) == ("", "")
    assert "without CUPED" in reveal.ship_rule(RESULTS)[0] and "적용하지 않은" in reveal.ship_rule(RESULTS)[1]

    tiles = {tile["key"]: tile for tile in reveal.summary_tiles(RESULTS_CUPED)}
    assert tiles["lift"]["label_en"] == "Conversion lift, with CUPED" and tiles["lift"]["value"] == "+21.00%"
    assert tiles["lift"]["label_ko"] == "전환율 변화(CUPED 적용)" and tiles["lift"]["detail_en"].endswith("p 0.001")
    assert "with CUPED" in reveal.ship_rule(RESULTS_CUPED)[0] and "CUPED를 적용한" in reveal.ship_rule(RESULTS_CUPED)[1]
    english, korean = reveal.cuped_note(RESULTS_CUPED)
    assert "25.0%" in english and "25.0%" in korean


def test_a_readout_stored_before_it_named_its_analysis_reads_without_cuped():
    older = {key: value for key, value in RESULTS.items() if key != "analysis"}
    assert reveal.summary_tiles(older)[1]["label_en"] == "Conversion lift, without CUPED"


def test_the_users_tile_says_how_much_of_the_planned_sample_is_in():
    assert "planned" not in reveal.summary_tiles(RESULTS)[0]["detail_en"]  # no plan, no claim
    (users, *_) = reveal.summary_tiles({**RESULTS, "planned_units": 2 * 3_600})
    assert users["detail_en"] == "control 1,100 · treatment 900 · 900 of the planned 3,600 per variant (25%)"
    assert users["detail_ko"] == "control 1,100 · treatment 900 · 변형당 계획 3,600명 중 900명(25%)"
    (users, *_) = reveal.summary_tiles({**RESULTS, "planned_units": 2 * 3_600}, planned_days=22)
    assert users["detail_en"].endswith("(25%) · Planned horizon: 22 days")
    assert users["detail_ko"].endswith("(25%) · 계획 기간: 22일")


def test_forest_points_follow_the_readout_and_truth():
    from novarium_app.components.results_charts import forest

    points = views.forest_points(RESULTS_CUPED)
    assert [p["key"] for p in points] == ["conversion|treatment", "banner_ctr|treatment", "aov|treatment"]
    figure = forest(points, truth={"conversion|treatment": 0.15})
    estimates = next(trace for trace in figure.data if trace.name == "Primary")
    assert list(estimates.x) == [0.21]  # the CUPED estimate
    truth = next(trace for trace in figure.data if trace.name == "True effect")
    assert list(truth.x) == [0.15]
    assert all(trace.name != "True effect" for trace in forest(points).data)
