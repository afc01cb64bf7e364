"""The storefront's shared state: who the visitor is, the knobs they see, their cart, and the events they leave.

Every shop page runs ``ShopState.visit`` first on load: it makes sure the visitor has an id (a cookie), resolves
their config (adopted config plus the variants of the experiments they are in) and logs a page view. Storage is
always called off the event loop, and every event goes through ``shop.tracking.ingest``, the service the HTTP
API uses too.
"""

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx
import sqlalchemy as sa

from marts.storage import StorageError
from shop import cart as carts
from shop import catalog, knobs, runtime, tracking, visitors
from shop.components import art
from shop.components.views import CartView, cart_view, money
from shop.pages import routes

log = logging.getLogger("novarium.shop")

STORAGE_ERRORS = (StorageError, sa.exc.SQLAlchemyError)
VISITOR_COOKIE = "novaeats_visitor"
_VISITOR_ID = re.compile(tracking.ID_PATTERN)
_ONE_YEAR = 365 * 24 * 3600
PREVIEW_PARAM = "preview"
MAX_PREVIEW = 2000
PREVIEW_NOTICE = "Preview of an experiment variant: nothing you do here is recorded."

T = TypeVar("T")


async def read(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(store, *args)`` in a worker thread, so storage never blocks the event loop."""
    return await asyncio.to_thread(lambda: fn(runtime.get_store(), *args))


async def emit(
    user_id: str,
    name: str,
    *,
    value: float | None = None,
    props: dict[str, Any] | None = None,
    experiment_key: str | None = None,
    event_id: str | None = None,
) -> bool:
    """Record one event for ``user_id`` through the tracking service; False (and a log line) when it failed."""
    event: dict[str, Any] = {"event_id": event_id or f"{name}:{uuid.uuid4().hex}", "user_id": user_id, "name": name}
    if value is not None:
        event["value"] = value
    if props:
        event["props"] = props
    if experiment_key:
        event["experiment_key"] = experiment_key
    return await emit_batch([event])


async def emit_batch(events: list[dict[str, Any]]) -> bool:
    """Record events through the tracking service; False (and a log line) when any was rejected or storage failed."""
    try:
        result = await read(tracking.ingest, events)
    except STORAGE_ERRORS as error:
        log.error("could not record %s: %s", [e["name"] for e in events], error)
        return False
    if result.rejected:
        log.error("tracking rejected %s", result.rejected)
        return False
    return True


def preview_config(raw: str) -> dict[str, Any] | None:
    """The knob config of a preview link (JSON of knob -> value), or None unless every knob is valid."""
    if not raw or len(raw) > MAX_PREVIEW:
        return None
    try:
        config = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(config, dict) or knobs.config_problems(config):
        return None
    return knobs.normalise(config)


def preview_href(config: Mapping[str, Any]) -> str:
    """The shop's home showing ``config`` (a variant's knobs) read-only: no visitor id, assignment or event."""
    return f"{routes.HOME}?{PREVIEW_PARAM}={quote(json.dumps(dict(config), separators=(',', ':')))}"


def _adopted(store: Any) -> dict[str, Any]:
    return dict(visitors.live(store).adopted)


def new_visitor_id() -> str:
    """A fresh anonymous visitor id, e.g. 'v-3f2a9c0d1b7e4a56'."""
    return f"v-{uuid.uuid4().hex[:16]}"


class ShopState(rx.State):
    """The visitor, their knobs and their cart, shared by every shop page."""

    visitor_id: str = rx.Cookie("", name=VISITOR_COOKIE, max_age=_ONE_YEAR, same_site="lax")
    cart_json: str = rx.LocalStorage("", name="novaeats_cart", sync=True)
    address_json: str = rx.LocalStorage("", name="novaeats_address")

    ready: bool = False
    notice: str = ""

    banner_headline: str = knobs.DEFAULTS["banner_headline"]
    banner_color: str = knobs.DEFAULTS["banner_color"]
    urgency_badge: str = knobs.DEFAULTS["urgency_badge"]
    discount_pct: int = knobs.DEFAULTS["discount_pct"]
    free_delivery_threshold: float = knobs.DEFAULTS["free_delivery_threshold"]
    checkout_button_text: str = knobs.DEFAULTS["checkout_button_text"]
    recommendation_layout: str = knobs.DEFAULTS["recommendation_layout"]
    show_ratings: bool = knobs.DEFAULTS["show_ratings"]

    preview: bool = False
    replace_open: bool = False
    replace_message: str = ""
    _pending_item: int = 0
    _pending_quantity: int = 1
    _assignments: list[tuple[str, str]] = []

    @rx.event
    async def visit(self):
        """Identify the visitor, resolve what they see, and log the page view (a preview link does none of it)."""
        raw = self.router.url.query_parameters.get(PREVIEW_PARAM)
        if raw is not None:
            await self._preview(raw)
            return
        self.preview = False
        if not _VISITOR_ID.fullmatch(self.visitor_id or ""):
            self.visitor_id = new_visitor_id()
        try:
            view = await read(visitors.resolve_visitor, self.visitor_id)
        except STORAGE_ERRORS as error:
            log.error("could not resolve visitor %s: %s", self.visitor_id, error)
            self.notice = "Offers could not be loaded right now; you are seeing the standard shop."
            self._apply(knobs.resolve())
            self._assignments = []
        else:
            self.notice = ""
            self._apply(view.config)
            self._assignments = [(key, variant) for key, variant in view.assignments]
        self.ready = True
        yield
        await emit(self.visitor_id, "page_view", props={"path": self.router.url.path})

    async def _preview(self, raw: str) -> None:
        """Show the adopted config overlaid by the link's knobs; read-only: no visitor id, assignment or event."""
        self.preview = True
        self._assignments = []
        config = preview_config(raw)
        try:
            adopted = await read(_adopted)
        except STORAGE_ERRORS as error:
            log.error("could not read the adopted config for a preview: %s", error)
            adopted = {}
        if config is None:
            self.notice = "This preview link holds no valid variant, so you are seeing the standard shop."
            self._apply(knobs.resolve(adopted))
        else:
            self.notice = PREVIEW_NOTICE
            self._apply(knobs.resolve(adopted, config))
        self.ready = True

    def _apply(self, config: dict[str, Any]) -> None:
        config = knobs.resolve(config)
        self.banner_headline = config["banner_headline"]
        self.banner_color = config["banner_color"]
        self.urgency_badge = config["urgency_badge"]
        self.discount_pct = int(config["discount_pct"])
        self.free_delivery_threshold = float(config["free_delivery_threshold"])
        self.checkout_button_text = config["checkout_button_text"]
        self.recommendation_layout = config["recommendation_layout"]
        self.show_ratings = bool(config["show_ratings"])

    @rx.var
    def banner_background(self) -> str:
        """The hero banner's gradient."""
        return art.banner_scheme(self.banner_color)[0]

    @rx.var
    def banner_accent(self) -> str:
        """The solid colour of the banner's call to action."""
        return art.banner_scheme(self.banner_color)[1]

    @rx.var
    def banner_glow(self) -> str:
        """The soft colour of the banner's decorations."""
        return art.banner_scheme(self.banner_color)[2]

    @rx.var
    def urgency_label(self) -> str:
        """The urgency badge's words ('' when the knob is none)."""
        return art.URGENCY.get(self.urgency_badge, ("", ""))[0]

    @rx.var
    def offer_text(self) -> str:
        """The site-wide discount in words ('' when there is none)."""
        return f"{self.discount_pct}% off every order" if self.discount_pct > 0 else ""

    @rx.var
    def delivery_text(self) -> str:
        """The free-delivery offer in words."""
        if self.free_delivery_threshold <= 0:
            return "Free delivery on every order"
        return f"Free delivery over {money(self.free_delivery_threshold).removesuffix('.00')}"

    @rx.var
    def free_delivery_always(self) -> bool:
        """Whether every order delivers free (threshold 0)."""
        return self.free_delivery_threshold <= 0

    @rx.var
    def is_grid(self) -> bool:
        """Whether recommendations are laid out as a grid (else a list)."""
        return self.recommendation_layout != "list"

    @rx.var
    def cart(self) -> CartView:
        """The cart and its money under the visitor's knobs."""
        return cart_view(carts.loads(self.cart_json), self.discount_pct, self.free_delivery_threshold)

    @rx.event
    def search(self, form_data: dict[str, Any]):
        """Go to the search page for the header's search box."""
        query = str(form_data.get("q", "")).strip()
        return rx.redirect(routes.search(query))

    @rx.event
    async def add_item(self, item_id: int, quantity: int = 1):
        """Add a dish; a dish from another restaurant asks before starting a new cart (never in a preview)."""
        if self.preview:
            yield rx.toast.info("This is a preview: the cart is off.")
            return
        found = await self._dish(item_id)
        if isinstance(found, str):
            yield rx.toast.error(found)
            return
        dish, restaurant = found
        cart = carts.loads(self.cart_json)
        if not cart.is_empty and cart.restaurant_id != dish.restaurant_id:
            self._pending_item, self._pending_quantity = item_id, quantity
            self.replace_message = (
                f"Your cart has dishes from {cart.restaurant_name}. Start a new cart with {dish.name} "
                f"from {dish.restaurant_name}?"
            )
            self.replace_open = True
            return
        async for step in self._add(dish, restaurant, quantity):
            yield step

    @rx.event
    async def confirm_new_cart(self):
        """Empty the cart and add the dish that was waiting."""
        self.replace_open = False
        found = await self._dish(self._pending_item)
        if isinstance(found, str):
            yield rx.toast.error(found)
            return
        old = carts.loads(self.cart_json)
        self.cart_json = ""
        async for step in self._add(*found, self._pending_quantity):
            yield step
        if not old.is_empty:
            await emit(self.visitor_id, "remove_from_cart", props={"reason": "new_cart", "items": old.items_count})

    @rx.event
    def keep_cart(self):
        """Keep the current cart and forget the dish that was waiting."""
        self.replace_open = False
        self._pending_item = 0

    async def _dish(self, item_id: int) -> tuple[catalog.Dish, catalog.Restaurant] | str:
        """The dish and its restaurant, or what went wrong in words."""
        try:
            dish = await read(catalog.dish, int(item_id))
            restaurant = await read(catalog.restaurant_by_id, dish.restaurant_id) if dish else None
        except STORAGE_ERRORS as error:
            log.error("could not read dish %s: %s", item_id, error)
            return f"The menu could not be read right now: {str(error).splitlines()[0]}"
        if dish is None or restaurant is None:
            return "That dish is no longer on the menu."
        return dish, restaurant

    async def _add(self, dish: catalog.Dish, restaurant: catalog.Restaurant, quantity: int):
        """Put the dish in the cart, show it at once, then log the add_to_cart event."""
        try:
            cart = carts.add(
                carts.loads(self.cart_json),
                {
                    "restaurant_id": restaurant.restaurant_id,
                    "slug": restaurant.slug,
                    "name": restaurant.name,
                    "category": restaurant.category,
                    "delivery_fee": restaurant.delivery_fee,
                },
                {"item_id": dish.item_id, "name": dish.name, "price": dish.price},
                quantity,
            )
        except carts.CartError as error:
            yield rx.toast.error(str(error).split(": ", 1)[-1].capitalize())
            return
        self.cart_json = carts.dumps(cart)
        view = self.cart
        yield rx.toast.success(
            f"Added {quantity} × {dish.name}" if quantity > 1 else f"Added {dish.name}",
            description=f"Cart: {view.count} item{'s' if view.count != 1 else ''} · {view.subtotal}",
            id="cart-toast",
        )
        await emit(
            self.visitor_id,
            "add_to_cart",
            value=round(dish.price * quantity, 2),
            props={"item_id": dish.item_id, "restaurant_id": dish.restaurant_id, "quantity": quantity},
        )

    @rx.event
    async def change_quantity(self, item_id: int, delta: int):
        """Step a line's quantity up or down; at zero the line goes."""
        cart = carts.loads(self.cart_json)
        current = cart.quantity_of(item_id)
        if current == 0:
            return
        try:
            cart = carts.set_quantity(cart, item_id, current + delta)
        except carts.CartError as error:
            yield rx.toast.warning(str(error).split(": ", 1)[-1].capitalize())
            return
        self.cart_json = carts.dumps(cart)
        if delta >= 0:
            return
        yield rx.toast.info("Removed from your cart") if current + delta == 0 else None
        await emit(self.visitor_id, "remove_from_cart", props={"item_id": item_id, "quantity": -delta})

    @rx.event
    async def remove_item(self, item_id: int):
        """Take a line out of the cart."""
        cart = carts.loads(self.cart_json)
        quantity = cart.quantity_of(item_id)
        if quantity == 0:
            return
        self.cart_json = carts.dumps(carts.remove(cart, item_id))
        yield rx.toast.info("Removed from your cart")
        await emit(self.visitor_id, "remove_from_cart", props={"item_id": item_id, "quantity": quantity})


def knob_config(shop: ShopState) -> dict[str, Any]:
    """The visitor's resolved config, as their last page load saw it."""
    return {key: getattr(shop, key) for key in knobs.KNOBS}


def assignments(shop: ShopState) -> list[tuple[str, str]]:
    """(experiment_key, variant) of every running experiment the visitor is in."""
    return list(shop._assignments)


def saved_address(shop: ShopState) -> dict[str, str]:
    """The delivery address the visitor last ordered to ({} when none)."""
    try:
        data = json.loads(shop.address_json) if shop.address_json else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
