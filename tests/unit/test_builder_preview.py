"""The shop's read-only preview link: only a valid knob config is shown, and the link round-trips."""

from urllib.parse import parse_qs, urlsplit

import pytest

from shop.pages import routes
from shop.state import MAX_PREVIEW, PREVIEW_PARAM, preview_config, preview_href


def test_a_preview_link_carries_the_config():
    href = preview_href({"banner_color": "red", "discount_pct": 10, "banner_headline": "Dinner, fast & hot?"})
    parts = urlsplit(href)
    assert parts.path == routes.HOME
    raw = parse_qs(parts.query)[PREVIEW_PARAM][0]
    assert preview_config(raw) == {"banner_color": "red", "discount_pct": 10, "banner_headline": "Dinner, fast & hot?"}


def test_numbers_take_their_knobs_type():
    assert preview_config('{"free_delivery_threshold": 15}') == {"free_delivery_threshold": 15.0}
    assert preview_config("{}") == {}


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "[1, 2]",
        '{"banner_color": "pink"}',
        '{"discount_pct": 80}',
        '{"not_a_knob": 1}',
        '{"show_ratings": "yes"}',
        '{"banner_headline": "' + "x" * MAX_PREVIEW + '"}',
    ],
)
def test_anything_but_a_valid_config_is_refused(raw):
    assert preview_config(raw) is None
