"""Which sidebar item a page highlights: worked out from the page's own route when the app compiles."""

import pytest

from novarium_app import routes
from novarium_app.components.layout import active_nav


@pytest.mark.parametrize(
    ("route", "item"),
    [
        ("/", routes.OVERVIEW),
        ("/experiments", routes.EXPERIMENTS),
        ("/experiments/new", routes.EXPERIMENTS),
        ("/runs", routes.RUNS),
        ("/results", routes.RESULTS),
        ("/results/[results_key]", routes.RESULTS),
        ("/retrospectives/compare", routes.RETROSPECTIVES),
        ("/retrospectives/[retrospective_id]", routes.RETROSPECTIVES),
        ("/learn", routes.LEARN),
        ("/data/", routes.DATA),
    ],
)
def test_a_page_highlights_the_item_its_route_belongs_to(route, item):
    assert active_nav(route) == item


def test_a_route_that_only_starts_like_an_item_highlights_nothing():
    assert active_nav("/runsheet") == ""
    assert active_nav("/shop") == ""
