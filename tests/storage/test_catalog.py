"""Reading the catalog and searching it, on DuckDB and on PostgreSQL."""

import pytest

from marts.warehouse.catalog import RESTAURANTS, menu_items_frame, restaurants_frame
from shop import catalog


@pytest.fixture
def shop_store(store):
    store.bulk_insert("restaurants", restaurants_frame())
    store.bulk_insert("menu_items", menu_items_frame())
    return store


def test_categories_cover_every_restaurant(shop_store):
    categories = catalog.categories(shop_store)
    assert sum(c.restaurants for c in categories) == len(RESTAURANTS)
    assert len({c.name for c in categories}) == len(categories) == 12
    assert next(c for c in categories if c.name == "Pizza").restaurants == 3


def test_popular_restaurants_are_ordered_by_popularity(shop_store):
    top = catalog.popular_restaurants(shop_store, 5)
    assert [r.popularity for r in top] == sorted((r.popularity for r in top), reverse=True)
    assert top[0].slug == max(RESTAURANTS, key=lambda r: r.popularity).slug
    pizza = catalog.popular_restaurants(shop_store, 10, category="Pizza")
    assert {r.category for r in pizza} == {"Pizza"}
    assert len(pizza) == 3


def test_a_restaurant_and_its_menu(shop_store):
    ramen = catalog.restaurant(shop_store, "ramen-ichiban")
    assert ramen is not None
    assert (ramen.name, ramen.category, ramen.delivery_minutes, ramen.delivery_fee) == (
        "Ramen Ichiban",
        "Noodles",
        35,
        2.99,
    )
    assert catalog.restaurant_by_id(shop_store, ramen.restaurant_id) == ramen
    menu = catalog.menu(shop_store, ramen.restaurant_id)
    assert [d.item_id for d in menu] == sorted(d.item_id for d in menu)
    assert menu[0].name == "Tonkotsu Ramen"
    assert menu[0].is_popular is True
    assert menu[0].restaurant_slug == "ramen-ichiban"
    assert catalog.restaurant(shop_store, "no-such-place") is None


def test_a_dish(shop_store):
    dish = catalog.dish(shop_store, 1501)
    assert dish is not None
    assert (dish.name, dish.price, dish.restaurant_name, dish.category) == (
        "Tonkotsu Ramen",
        16.0,
        "Ramen Ichiban",
        "Noodles",
    )
    assert catalog.dish(shop_store, 99) is None


def test_popular_dishes_take_one_per_restaurant(shop_store):
    dishes = catalog.popular_dishes(shop_store, 8)
    assert len(dishes) == 8
    assert all(d.is_popular for d in dishes)
    assert len({d.restaurant_id for d in dishes}) == 8


def test_search_by_category_finds_restaurants_and_dishes(shop_store):
    results = catalog.search(shop_store, "Pizza")
    assert {r.slug for r in results.restaurants} == {"slice-of-brooklyn", "napoli-wood-fire", "detroit-square-pie"}
    assert results.dishes
    assert results.query == "pizza"


def test_search_is_case_insensitive_and_matches_every_word(shop_store):
    results = catalog.search(shop_store, "  SPICY   ramen ")
    names = [d.name for d in results.dishes]
    assert names[0] == "Spicy Miso Ramen"
    assert all("spicy" in f"{d.name} {d.description}".lower() for d in results.dishes)
    assert catalog.search(shop_store, "ramen").restaurants[0].slug == "ramen-ichiban"


def test_search_puts_dishes_named_after_the_query_first(shop_store):
    dishes = catalog.search(shop_store, "burger").dishes
    assert "burger" in dishes[0].name.lower()


@pytest.mark.parametrize("query", ["_", "%%", "!", "zzzznothing"])
def test_search_wildcards_are_literal(shop_store, query):
    results = catalog.search(shop_store, query)
    assert results.is_empty


def test_a_percent_sign_matches_only_a_percent_sign(shop_store):
    results = catalog.search(shop_store, "%")
    assert results.restaurants == ()
    assert [d.name for d in results.dishes] == ["Hot Chocolate"]  # "Made with 70% dark chocolate"


def test_an_empty_query_matches_nothing(shop_store):
    assert catalog.search(shop_store, "   ") == catalog.SearchResults("", (), ())


def test_search_respects_its_limit(shop_store):
    results = catalog.search(shop_store, "a", limit=5)
    assert len(results.restaurants) <= 5
    assert len(results.dishes) == 5
