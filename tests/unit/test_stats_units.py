"""Unit-level input checks for ``analyze``: every bad input names its column or option and the rule."""

import numpy as np
import pandas as pd
import pytest

from marts.stats.units import GuardrailMargin, parse_guardrails, parse_weights, prepare_units


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["b", "a", "a", "b", "c", "a"],
            "converted": [True, False, True, True, False, False],
            "ones": [0, 1, 1, 0, 1, 0],
            "spend": [1.5, 0.0, 3.25, 2.0, 0.0, 7.0],
            "label": ["x", "y", "x", "y", "x", "y"],
            "pre": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )


def test_control_comes_first_and_values_split_by_variant():
    data = prepare_units(frame(), variant_col="group", control="a", metrics=["converted", "spend"], covariate="pre")
    assert data.variants == ("a", "b", "c")
    assert data.counts == (3, 2, 1)
    converted, spend = data.metrics
    assert converted.type == "binary" and spend.type == "continuous"
    assert converted.values[0].tolist() == [0.0, 1.0, 0.0]
    assert spend.values[1].tolist() == [1.5, 2.0]
    assert data.covariate[0].tolist() == [2.0, 3.0, 6.0]
    assert data.expected_share == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_zero_one_integers_and_true_false_text_are_binary():
    df = frame().assign(text=["True", "false", "TRUE", "False", "true", "false"])
    data = prepare_units(df, variant_col="group", control="a", metrics=["ones", "text"])
    assert [m.type for m in data.metrics] == ["binary", "binary"]
    assert data.metrics[1].values[0].tolist() == [0.0, 1.0, 0.0]


def test_weights_become_shares_over_the_variants():
    data = prepare_units(
        frame(), variant_col="group", control="a", metrics=["spend"], weights=parse_weights("a=50, b=25,c=25")
    )
    assert data.expected_share == {"a": 0.5, "b": 0.25, "c": 0.25}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metrics": ["nope"]}, "nope: no such column"),
        ({"variant_col": "grp"}, "grp: no such column"),
        ({"control": "z"}, "--control: 'z' is not a value of group"),
        ({"metrics": ["label"]}, "label: must be numeric or True/False (found 'x')"),
        ({"covariate": "label"}, "label: must be numeric"),
        ({"metrics": []}, "--metric: give at least one"),
        ({"weights": {"a": 1, "b": 1}}, "--weights: no weight for c"),
        ({"weights": {"a": 1, "b": 1, "c": 1, "d": 1}}, "--weights: unknown variant(s) d"),
    ],
)
def test_bad_input_names_the_column_and_the_rule(kwargs, message):
    arguments = {"variant_col": "group", "control": "a", "metrics": ["spend"], **kwargs}
    with pytest.raises(ValueError) as error:
        prepare_units(frame(), **arguments)
    assert message in str(error.value)


def test_an_empty_file_a_single_variant_and_missing_values_are_refused():
    with pytest.raises(ValueError, match="data: the file has no rows"):
        prepare_units(frame().iloc[:0], variant_col="group", control="a", metrics=["spend"])
    with pytest.raises(ValueError, match="group: only one variant"):
        prepare_units(frame()[frame().group == "a"], variant_col="group", control="a", metrics=["spend"])
    gappy = frame().assign(spend=[1.0, np.nan, 2.0, 3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="spend: 1 row"):
        prepare_units(gappy, variant_col="group", control="a", metrics=["spend"])


@pytest.mark.parametrize("text", ["a", "a=0", "a=-1", "a=x", "=5", "a=inf"])
def test_bad_weights_name_the_option(text):
    with pytest.raises(ValueError, match=r"--weights: .* must be variant=weight"):
        parse_weights(text)


def test_guardrail_margins_are_relative_with_a_percent_sign_and_absolute_without():
    margins = parse_guardrails(["spend=5%", " pre = 0.25 ", "a=b=0"])
    assert margins["spend"] == GuardrailMargin(0.05, True, "5%")
    assert margins["pre"] == GuardrailMargin(0.25, False, "0.25")
    assert margins["a=b"] == GuardrailMargin(0.0, False, "0")  # the margin follows the last "="


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["spend"], "--guardrail: 'spend' must be COLUMN=MARGIN"),
        (["=5%"], "--guardrail: '=5%' must be COLUMN=MARGIN"),
        (["spend=abc"], "--guardrail spend: margin 'abc' must be a number >= 0"),
        (["spend=-5%"], "--guardrail spend: margin '-5%' must be a number >= 0"),
        (["spend=inf"], "--guardrail spend: margin 'inf' must be a number >= 0"),
        (["spend=%"], "--guardrail spend: margin '%' must be a number >= 0"),
        (["spend=1", "spend=2"], "--guardrail spend: given twice"),
    ],
)
def test_bad_guardrails_name_the_option_the_column_and_the_rule(texts, message):
    with pytest.raises(ValueError) as error:
        parse_guardrails(texts)
    assert message in str(error.value)


def test_guardrail_only_columns_follow_the_goals_and_directions_are_set():
    data = prepare_units(
        frame(),
        variant_col="group",
        control="a",
        metrics=["converted", "spend"],
        guardrails=parse_guardrails(["pre=2", "spend=5%"]),
        lower_is_better=["pre", "spend"],
    )
    summary = [(m.name, m.goal, m.higher_is_better, m.guardrail and m.guardrail.text) for m in data.metrics]
    assert summary == [("converted", True, True, None), ("spend", True, False, "5%"), ("pre", False, False, "2")]
    assert data.metrics[2].values[0].tolist() == [2.0, 3.0, 6.0] and data.segment is None


def test_segment_labels_are_text_split_by_variant_with_missing_values_named():
    df = frame().assign(level=[1.0, 2.0, np.nan, 1.0, 2.0, 2.0])
    data = prepare_units(df, variant_col="group", control="a", metrics=["spend"], segment="level")
    assert data.segment.name == "level"
    assert [labels.tolist() for labels in data.segment.labels] == [["2", "(missing)", "2"], ["1", "1"], ["2"]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"guardrails": {"revenue": GuardrailMargin(0.05, True, "5%")}}, "--guardrail revenue: no such column"),
        ({"guardrails": {"label": GuardrailMargin(0.05, True, "5%")}}, "--guardrail label: must be numeric"),
        ({"lower_is_better": ["pre"]}, "--lower-is-better pre: not an analysed column"),
        ({"lower_is_better": ["nope"]}, "--lower-is-better nope: not an analysed column"),
        ({"segment": "device"}, "--segment device: no such column"),
        ({"segment": "group"}, "--segment group: is the variant column"),
        ({"segment": "spend", "frame": pd.DataFrame({"group": ["a", "b"] * 30, "spend": range(60)})}, "at most 50"),
    ],
)
def test_bad_guardrail_direction_and_segment_columns_are_refused(kwargs, message):
    data = kwargs.pop("frame", frame())
    with pytest.raises(ValueError) as error:
        prepare_units(data, **{"variant_col": "group", "control": "a", "metrics": ["spend"], **kwargs})
    assert message in str(error.value)
