"""Reading the NovaEats catalog from storage: categories, restaurants, menus, dishes and search.

Every query binds its parameters and runs unchanged on DuckDB and PostgreSQL. Results are small frozen
dataclasses; the shop's state turns them into what the page shows.
"""

import re
from dataclasses import dataclass

from marts.storage import Store

MAX_QUERY_WORDS = 5
MAX_QUERY_LENGTH = 80

_RESTAURANT_COLUMNS = (
    "r.restaurant_id, r.slug, r.name, r.category, r.cuisine, r.rating, r.delivery_minutes, r.delivery_fee, "
    "r.price_level, r.popularity"
)
_DISH_COLUMNS = (
    "m.item_id, m.restaurant_id, m.name, m.description, m.price, m.is_popular, "
    "r.slug AS restaurant_slug, r.name AS restaurant_name, r.category"
)


@dataclass(frozen=True)
class Restaurant:
    """A restaurant as the shop lists it."""

    restaurant_id: int
    slug: str
    name: str
    category: str
    cuisine: str
    rating: float
    delivery_minutes: int
    delivery_fee: float
    price_level: int
    popularity: float


@dataclass(frozen=True)
class Dish:
    """A menu item with the restaurant it belongs to."""

    item_id: int
    restaurant_id: int
    name: str
    description: str
    price: float
    is_popular: bool
    restaurant_slug: str
    restaurant_name: str
    category: str


@dataclass(frozen=True)
class Category:
    """A cuisine category and how many restaurants it has."""

    name: str
    restaurants: int


@dataclass(frozen=True)
class SearchResults:
    """Restaurants and dishes matching a query."""

    query: str
    restaurants: tuple[Restaurant, ...]
    dishes: tuple[Dish, ...]

    @property
    def is_empty(self) -> bool:
        """Whether nothing matched."""
        return not self.restaurants and not self.dishes


def categories(store: Store) -> list[Category]:
    """Categories, the busiest first (by their restaurants' summed popularity)."""
    rows = store.query(
        "SELECT category, COUNT(*) AS n FROM restaurants GROUP BY category ORDER BY SUM(popularity) DESC, category"
    )
    return [Category(row["category"], int(row["n"])) for row in rows]


def popular_restaurants(store: Store, limit: int = 12, category: str | None = None) -> list[Restaurant]:
    """The most popular restaurants, optionally of one category."""
    where = "WHERE r.category = :category" if category else ""
    rows = store.query(
        f"SELECT {_RESTAURANT_COLUMNS} FROM restaurants r {where} "
        "ORDER BY r.popularity DESC, r.restaurant_id LIMIT :limit",
        {"category": category, "limit": limit},
    )
    return [_restaurant(row) for row in rows]


def restaurant(store: Store, slug: str) -> Restaurant | None:
    """The restaurant with ``slug``, or None."""
    rows = store.query(f"SELECT {_RESTAURANT_COLUMNS} FROM restaurants r WHERE r.slug = :slug", {"slug": slug})
    return _restaurant(rows[0]) if rows else None


def restaurant_by_id(store: Store, restaurant_id: int) -> Restaurant | None:
    """The restaurant with ``restaurant_id``, or None."""
    rows = store.query(
        f"SELECT {_RESTAURANT_COLUMNS} FROM restaurants r WHERE r.restaurant_id = :id", {"id": restaurant_id}
    )
    return _restaurant(rows[0]) if rows else None


def menu(store: Store, restaurant_id: int) -> list[Dish]:
    """A restaurant's menu in menu order."""
    rows = store.query(
        f"SELECT {_DISH_COLUMNS} FROM menu_items m JOIN restaurants r ON r.restaurant_id = m.restaurant_id "
        "WHERE m.restaurant_id = :id ORDER BY m.item_id",
        {"id": restaurant_id},
    )
    return [_dish(row) for row in rows]


def dish(store: Store, item_id: int) -> Dish | None:
    """The dish with ``item_id``, or None."""
    rows = store.query(
        f"SELECT {_DISH_COLUMNS} FROM menu_items m JOIN restaurants r ON r.restaurant_id = m.restaurant_id "
        "WHERE m.item_id = :id",
        {"id": item_id},
    )
    return _dish(rows[0]) if rows else None


def popular_dishes(store: Store, limit: int = 8) -> list[Dish]:
    """Popular dishes across the shop, at most one per restaurant, from the most popular restaurants."""
    rows = store.query(
        f"SELECT {_DISH_COLUMNS} FROM menu_items m JOIN restaurants r ON r.restaurant_id = m.restaurant_id "
        "WHERE m.is_popular AND m.item_id = ("
        "  SELECT MIN(p.item_id) FROM menu_items p WHERE p.restaurant_id = m.restaurant_id AND p.is_popular"
        ") ORDER BY r.popularity DESC, m.item_id LIMIT :limit",
        {"limit": limit},
    )
    return [_dish(row) for row in rows]


def search(store: Store, query: str, limit: int = 24) -> SearchResults:
    """Restaurants (by name, cuisine or category) and dishes (by name or description) matching every word.

    Matching is case-insensitive and literal: ``%`` and ``_`` in the query match themselves.
    """
    words = query_words(query)
    if not words:
        return SearchResults("", (), ())
    params: dict[str, object] = {"limit": limit}
    restaurant_terms, dish_terms = [], []
    for index, word in enumerate(words):
        name = f"w{index}"
        params[name] = f"%{_escape_like(word)}%"
        restaurant_terms.append(
            " OR ".join(f"LOWER(r.{column}) LIKE :{name} ESCAPE '!'" for column in ("name", "cuisine", "category"))
        )
        dish_terms.append(
            " OR ".join(
                f"LOWER({column}) LIKE :{name} ESCAPE '!'"
                for column in ("m.name", "m.description", "r.cuisine", "r.category")
            )
        )
    params["phrase"] = " ".join(words)
    restaurants = store.query(
        f"SELECT {_RESTAURANT_COLUMNS} FROM restaurants r WHERE "
        + " AND ".join(f"({t})" for t in restaurant_terms)
        # an exact category or name match first, then the crowd's favourites
        + " ORDER BY CASE WHEN LOWER(r.category) = :phrase OR LOWER(r.name) = :phrase THEN 0 ELSE 1 END, "
        "r.popularity DESC, r.restaurant_id LIMIT :limit",
        params,
    )
    dishes = store.query(
        f"SELECT {_DISH_COLUMNS} FROM menu_items m JOIN restaurants r ON r.restaurant_id = m.restaurant_id WHERE "
        + " AND ".join(f"({t})" for t in dish_terms)
        + " ORDER BY CASE WHEN LOWER(m.name) LIKE :w0 ESCAPE '!' THEN 0 ELSE 1 END, m.is_popular DESC, "
        "r.popularity DESC, m.item_id LIMIT :limit",
        params,
    )
    return SearchResults(
        " ".join(words), tuple(_restaurant(row) for row in restaurants), tuple(_dish(row) for row in dishes)
    )


def query_words(query: str) -> list[str]:
    """The lower-cased words of a search box entry, at most ``MAX_QUERY_WORDS``."""
    return re.findall(r"[^\s]+", query[:MAX_QUERY_LENGTH].lower())[:MAX_QUERY_WORDS]


def _escape_like(word: str) -> str:
    return word.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _restaurant(row: dict) -> Restaurant:
    return Restaurant(
        restaurant_id=int(row["restaurant_id"]),
        slug=row["slug"],
        name=row["name"],
        category=row["category"],
        cuisine=row["cuisine"],
        rating=float(row["rating"]),
        delivery_minutes=int(row["delivery_minutes"]),
        delivery_fee=float(row["delivery_fee"]),
        price_level=int(row["price_level"]),
        popularity=float(row["popularity"]),
    )


def _dish(row: dict) -> Dish:
    return Dish(
        item_id=int(row["item_id"]),
        restaurant_id=int(row["restaurant_id"]),
        name=row["name"],
        description=row["description"],
        price=float(row["price"]),
        is_popular=bool(row["is_popular"]),
        restaurant_slug=row["restaurant_slug"],
        restaurant_name=row["restaurant_name"],
        category=row["category"],
    )
