"""English and Korean names of the catalog's metrics, knobs, knob choices and personas, as the builder shows them.

The catalogs (``marts.metrics``, ``shop.knobs``, ``swarm.personas``) hold the English names; this module adds the
Korean ones. A name missing here falls back to the English one, so a new catalog entry never breaks the builder.
"""

from marts.vocabulary import metric_description as metric_description_of
from marts.vocabulary import metric_name, persona_name
from shop.knobs import KNOBS
from swarm.personas import SHOPPERS

Pair = tuple[str, str]
"""(English, Korean)."""

KNOB_KO = {
    "banner_headline": "배너 헤드라인",
    "banner_color": "배너 색상",
    "urgency_badge": "긴급 배지",
    "discount_pct": "할인",
    "free_delivery_threshold": "무료 배송 기준 금액",
    "checkout_button_text": "주문 버튼 문구",
    "recommendation_layout": "추천 레이아웃",
    "show_ratings": "평점 표시",
}
KNOB_DESCRIPTION_KO = {
    "banner_headline": "쇼핑몰 홈 메인 배너의 헤드라인.",
    "banner_color": "메인 배너의 색상 테마.",
    "urgency_badge": "배너와 할인 상품에 붙는, 희소성이나 마감을 알리는 배지.",
    "discount_pct": "모든 주문 소계에 적용되는 전체 할인.",
    "free_delivery_threshold": "소계가 이 금액 이상이면 배송비가 무료(0 = 항상 무료).",
    "checkout_button_text": "주문을 완료하는 버튼의 문구.",
    "recommendation_layout": "인기 음식점과 메뉴를 보여주는 방식.",
    "show_ratings": "음식점 별점을 보여줄지 여부.",
}
CHOICE_LABELS: dict[str, Pair] = {
    "orange": ("Orange", "주황"),
    "red": ("Red", "빨강"),
    "green": ("Green", "초록"),
    "blue": ("Blue", "파랑"),
    "purple": ("Purple", "보라"),
    "charcoal": ("Charcoal", "차콜"),
    "none": ("None", "없음"),
    "limited_time": ("Limited time", "기간 한정"),
    "selling_fast": ("Selling fast", "빠르게 판매 중"),
    "ends_tonight": ("Ends tonight", "오늘 밤 마감"),
    "grid": ("Grid", "격자"),
    "list": ("List", "목록"),
}
DIRECTIONS: dict[str, Pair] = {"increase": ("increase", "증가"), "decrease": ("decrease", "감소")}


def metric_label(key: str) -> Pair:
    """A metric's name in both languages (the key itself when unknown)."""
    return metric_name(key)


def metric_description(key: str) -> Pair:
    """What a metric means, in both languages."""
    return metric_description_of(key)


def knob_label(key: str) -> Pair:
    """A knob's name in both languages."""
    knob = KNOBS.get(key)
    english = knob.label if knob else key
    return english, KNOB_KO.get(key, english)


def knob_description(key: str) -> Pair:
    """What a knob changes, in both languages."""
    knob = KNOBS.get(key)
    english = knob.description if knob else ""
    return english, KNOB_DESCRIPTION_KO.get(key, english)


def choice_label(value: str) -> Pair:
    """A choice knob's value in both languages."""
    return CHOICE_LABELS.get(value, (value, value))


def persona_label(name: str) -> Pair:
    """A shopper persona's name in both languages ("" for none)."""
    return persona_name(name) if any(p.name == name for p in SHOPPERS) else ("", "")


PERSONA_NAMES: tuple[str, ...] = tuple(p.name for p in SHOPPERS)
