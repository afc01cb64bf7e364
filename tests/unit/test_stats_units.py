"""Unit-level input checks for ``analyze``: every bad input names its column or option and the rule."""

import numpy as np
import pandas as pd
import pytest

from marts.stats.units import parse_weights, prepare_units


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
