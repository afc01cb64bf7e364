"""The Learn page's figures: the false-positive bins are the ones below alpha, and the labels follow the language."""

import pytest

from novarium_app.components.learn_charts import false_positives_by_look, pvalue_histogram, sample_trajectory


def test_the_histogram_paints_the_bins_below_alpha_and_keeps_every_count():
    counts = list(range(1, 21))
    figure = pvalue_histogram(counts, expected=10.5, alpha=0.10, ko=False)
    below, above, expected = figure.data
    assert list(below.y) == [1, 2] and list(below.x) == pytest.approx([0.025, 0.075])
    assert sum(below.y) + sum(above.y) == sum(counts)
    assert list(expected.y) == [10.5, 10.5]
    assert "10 per bar" in expected.name or "11 per bar" in expected.name
    assert figure.layout.barmode == "overlay"


def test_alpha_inside_the_first_bin_paints_nothing_red():
    below, above, _ = pvalue_histogram([3] * 20, 3, 0.01, ko=False).data
    assert len(below.x) == 0 and len(above.x) == 20


def test_labels_follow_the_language():
    english = false_positives_by_look([1, 2], [0.05, 0.08], [0.0, 0.01], [0.05, 0.083], 0.05, ko=False)
    korean = false_positives_by_look([1, 2], [0.05, 0.08], [0.0, 0.01], [0.05, 0.083], 0.05, ko=True)
    assert english.data[0].name.startswith("Naive")
    assert korean.data[0].name.startswith("단순")
    assert korean.layout.xaxis.title.text.startswith("지금까지")
    trajectory = sample_trajectory([1, 2, 3], [0.5, None, 0.03], [1.0, 0.8, 0.8], 0.05, ko=False)
    assert list(trajectory.data[0].y) == [0.5, None, 0.03]
