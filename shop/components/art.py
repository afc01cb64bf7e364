"""The shop's drawn imagery: a palette and an icon per category, the hero banner's colour schemes, and the
components that paint them. Everything is CSS gradients and lucide icons; nothing is fetched from outside."""

import re

import reflex as rx

BRAND = "#ff5a1f"
BRAND_DARK = "#e2480f"
INK = "#1f1a17"
MUTED = "#6f6259"
CANVAS = "#fffaf6"
LINE = "#f1e6dd"

CATEGORY_ART: dict[str, tuple[str, str, str]] = {
    "Korean": ("beef", "#ff6b4a", "#ffb36b"),
    "Chicken": ("drumstick", "#f59e0b", "#fcd34d"),
    "Pizza": ("pizza", "#ef4444", "#fb923c"),
    "Burgers": ("hamburger", "#b45309", "#f59e0b"),
    "Sushi": ("fish", "#0f9f9a", "#7dd3c8"),
    "Noodles": ("soup", "#ea580c", "#fdba74"),
    "Salads": ("salad", "#16a34a", "#a3e635"),
    "Mexican": ("flame", "#dc2626", "#fbbf24"),
    "Indian": ("cooking_pot", "#c2410c", "#fbbf24"),
    "Cafe & Desserts": ("ice_cream_cone", "#db2777", "#f9a8d4"),
    "Vegan": ("leaf", "#15803d", "#bef264"),
    "Bakery": ("croissant", "#a16207", "#fcd34d"),
}
_FALLBACK_ART = ("utensils", "#ff5a1f", "#ffb347")

# Words in a dish's name that pick a more specific icon than its category's, checked in this order.
_DISH_ICONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "coffee",
        ("coffee", "hot chocolate", "latte", "espresso", "cappuccino", "americano", "mocha", "cold brew", "flat white"),
    ),
    (
        "cup_soda",
        (
            "tea",
            "soda",
            "cola",
            "water",
            "ade",
            "lemonade",
            "juice",
            "milk",
            "float",
            "lassi",
            "horchata",
            "kombucha",
            "smoothie",
            "zero",
        ),
    ),
    ("ice_cream_cone", ("shake", "ice cream", "mochi", "gelato", "sundae", "soft serve")),
    (
        "soup",
        ("ramen", "pho", "noodle", "soup", "stew", "jjigae", "soondubu", "tang", "udon", "mein", "chow", "tsukemen"),
    ),
    ("cake_slice", ("cake", "tiramisu", "brownie", "pudding", "cannoli", "nata", "tart", "eclair", "cheesecake")),
    ("cookie", ("cookie", "macaron")),
    ("croissant", ("croissant", "cinnamon roll", "bread", "baguette", "brioche", "scone", "focaccia", "knots", "naan")),
    ("pizza", ("pizza", "pie", "margherita", "diavola", "formaggi", "funghi", "marinara", "square")),
    ("hamburger", ("burger", "smash", "patty", "melt")),
    ("drumstick", ("chicken", "wings", "tenders", "karaage", "bird")),
    ("fish", ("roll", "nigiri", "sashimi", "sushi", "poke", "tuna", "salmon", "fish", "musubi", "shrimp")),
    ("salad", ("salad", "greens", "caesar")),
    ("cooking_pot", ("curry", "masala", "tikka", "dal", "biryani", "korma", "vindaloo", "paneer")),
    ("egg", ("egg",)),
    ("sandwich", ("sandwich", "banh mi", "pita", "wrap", "toast")),
)
_DISH_PATTERNS = tuple(
    (icon, re.compile(r"\b(?:" + "|".join(re.escape(w.strip()) for w in words) + r")(?:s|es)?\b"))
    for icon, words in _DISH_ICONS
)
ICONS = (
    *dict.fromkeys([art[0] for art in CATEGORY_ART.values()] + [icon for icon, _ in _DISH_ICONS] + [_FALLBACK_ART[0]]),
)

BANNER_SCHEMES: dict[str, tuple[str, str, str]] = {
    # colour knob -> (gradient, solid accent for the call to action's text, soft glow)
    "orange": ("linear-gradient(120deg, #ff4f12 0%, #ff7a2e 48%, #ffab40 100%)", "#d9400b", "#ffd7a8"),
    "red": ("linear-gradient(120deg, #b3122e 0%, #e0283c 50%, #ff5a4e 100%)", "#c0182f", "#ffc0b8"),
    "green": ("linear-gradient(120deg, #0f6b3a 0%, #1c9a52 50%, #52c06d 100%)", "#127a3f", "#c9f1c9"),
    "blue": ("linear-gradient(120deg, #1238a8 0%, #2563eb 50%, #4f9cf7 100%)", "#1d4ed8", "#c7dcff"),
    "purple": ("linear-gradient(120deg, #4c1d95 0%, #7c3aed 50%, #b27cf8 100%)", "#6d28d9", "#e2d0ff"),
    "charcoal": ("linear-gradient(120deg, #141417 0%, #2a2a31 50%, #474752 100%)", "#26262c", "#d8d8e0"),
}

URGENCY = {
    "none": ("", ""),
    "limited_time": ("Limited time", "timer"),
    "selling_fast": ("Selling fast", "flame"),
    "ends_tonight": ("Ends tonight", "alarm_clock"),
}


def category_art(category: str) -> tuple[str, str, str]:
    """(icon, first colour, second colour) of a category."""
    return CATEGORY_ART.get(category, _FALLBACK_ART)


def category_gradient(category: str, angle: int = 135) -> str:
    """The CSS background of a category's tiles."""
    _, start, end = category_art(category)
    return f"linear-gradient({angle}deg, {start} 0%, {end} 100%)"


def dish_icon(name: str, category: str) -> str:
    """The icon of a dish: a specific one when a word of its name says what it is, else its category's."""
    text = name.lower()
    for icon, pattern in _DISH_PATTERNS:
        if pattern.search(text):
            return icon
    return category_art(category)[0]


def dish_gradient(category: str, item_id: int) -> str:
    """A category gradient, turned a little per dish so a menu does not look like one repeated tile."""
    return category_gradient(category, angle=(115, 145, 170, 200)[item_id % 4])


def banner_scheme(color: str) -> tuple[str, str, str]:
    """(gradient, accent, glow) of the hero banner for a colour knob value."""
    return BANNER_SCHEMES.get(color, BANNER_SCHEMES["orange"])


def icon(name: rx.Var | str, size: int = 24, **props) -> rx.Component:
    """A lucide icon whose name may be a state var (one of ``ICONS``)."""
    if isinstance(name, str):
        return rx.icon(name, size=size, **props)
    return rx.match(
        name, *[(tag, rx.icon(tag, size=size, **props)) for tag in ICONS], rx.icon("utensils", size=size, **props)
    )


def art_tile(
    background: rx.Var | str,
    icon_name: rx.Var | str,
    height: str = "10rem",
    icon_size: int = 56,
    radius: str = "1rem",
    width: str | rx.Var = "100%",
    **props,
) -> rx.Component:
    """A drawn picture: a gradient with a soft plate of light, a dotted texture and a white icon."""
    return rx.box(
        rx.box(
            position="absolute",
            inset="0",
            background_image="radial-gradient(rgba(255,255,255,0.22) 1.2px, transparent 1.4px)",
            background_size="14px 14px",
            opacity="0.7",
        ),
        rx.center(
            rx.center(
                icon(icon_name, size=icon_size, color="white", stroke_width=1.6),
                width=f"{icon_size * 1.9:.0f}px",
                height=f"{icon_size * 1.9:.0f}px",
                border_radius="50%",
                background="radial-gradient(circle at 35% 30%, rgba(255,255,255,0.38), rgba(255,255,255,0.12) 60%)",
                box_shadow="0 10px 30px rgba(0,0,0,0.12), inset 0 0 0 1px rgba(255,255,255,0.25)",
            ),
            position="absolute",
            inset="0",
        ),
        position="relative",
        overflow="hidden",
        height=height,
        min_height=height,
        border_radius=radius,
        background=background,
        width=width,
        **props,
    )
