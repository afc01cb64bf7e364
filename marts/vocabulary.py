"""The one place a learner-facing name comes from: personas, metrics, corrections, verdicts, in English and Korean.

Every page, the retrospective, its Markdown export, the CLI and the coach name things through this module, so a
persona or a verdict reads the same everywhere. A key the catalog does not know is shown humanised
("new_thing" -> "New thing"), never raw. ``format_p`` is the one p-value formatter.
"""

from __future__ import annotations

from typing import Any

from marts.metrics import ALL_METRICS, MetricUnit

Name = tuple[str, str]
"""(English, Korean)."""

PERSONA_NAMES: dict[str, Name] = {
    "impulsive": ("Impulsive", "충동형"),
    "rational": ("Price-comparing", "가격 비교형"),
    "window_shopper": ("Window-shopping", "아이쇼핑형"),
    "mission": ("Mission-driven", "목적형"),
    "cautious": ("Cautious", "신중형"),
}
"""The shopper personas, the segments a learner reads (the crawler below is not one)."""
BOT_NAME: Name = ("Bot", "봇")
METRIC_NAMES_KO: dict[str, str] = {
    "conversion": "전환율",
    "revenue_per_visitor": "방문자당 매출",
    "aov": "평균 주문 금액",
    "banner_ctr": "배너 클릭률",
    "add_to_cart_rate": "장바구니 담기율",
    "checkout_rate": "결제 시작률",
    "orders_per_visitor": "방문자당 주문 수",
    "items_viewed": "조회한 메뉴 수",
    "visitors": "방문자",
    "orders": "주문",
    "revenue": "매출",
    "session_conversion": "세션 전환율",
}
"""The Korean names of ``marts.metrics.ALL_METRICS`` (which holds the English ones)."""
METRIC_DESCRIPTIONS_KO = {
    "conversion": "기간 동안 한 번 이상 주문한 방문자의 비율(실험에서는 실험 기간 동안 노출된 방문자 기준).",
    "revenue_per_visitor": "기간 동안 방문자 1명당 매출(구매하지 않은 방문자 포함).",
    "aov": "주문 1건당 매출(사용자 단위로 무작위 배정, 주문 단위로 분석: 델타 방법).",
    "banner_ctr": "기간 동안 메인 배너를 클릭한 방문자의 비율.",
    "add_to_cart_rate": "기간 동안 장바구니에 담은 방문자의 비율.",
    "checkout_rate": "기간 동안 결제를 시작한 방문자의 비율.",
    "orders_per_visitor": "기간 동안 방문자 1명당 주문 수.",
    "items_viewed": "기간 동안 방문자 1명당 조회한 메뉴 수(참여도).",
    "visitors": "기간 안에 세션이 하나 이상 있는 서로 다른 사용자 수.",
    "orders": "기간 안에 시작된 세션에서 들어온 주문 수(취소된 주문 포함).",
    "revenue": "기간 안에 시작된 세션에서 들어온 주문 금액의 합계(취소된 주문 포함).",
    "session_conversion": "주문으로 끝난 세션의 비율(퍼널의 마지막 단계). 실험은 세션이 아니라 방문자를 배정하므로 "
    "실험 지표가 아닙니다.",
}
"""What each metric means, in Korean (``ALL_METRICS`` holds the English)."""
UNIT_NAMES: dict[MetricUnit, Name] = {
    "visitor": ("per visitor over the window", "기간 내 방문자당"),
    "order": ("per order", "주문당"),
    "session": ("per session", "세션당"),
    "window": ("total over the window", "기간 합계"),
}
"""Each unit of ``marts.metrics.UNITS`` in both languages."""
CORRECTION_NAMES: dict[str, Name] = {
    "holm": ("Holm", "Holm"),
    "fdr_bh": ("Benjamini–Hochberg (FDR)", "Benjamini–Hochberg(FDR)"),
    "bonferroni": ("Bonferroni", "Bonferroni"),
    "none": ("No correction", "보정 없음"),
}
VERDICT_NAMES: dict[str, Name] = {
    "ship": ("Ship", "배포"),
    "dont_ship": ("Don't ship", "배포 안 함"),
    "keep_running": ("Keep running", "계속 진행"),
    "inconclusive": ("Inconclusive", "결론 없음"),
}
"""A decision or the ship rule's verdict."""
GUARDRAIL_VERDICT_NAMES: dict[str, Name] = {
    "non_inferior": ("Non-inferior", "비열등"),
    "harmed": ("Harmed", "악화"),
    "inconclusive": ("Inconclusive", "판단 불가"),
}
OUTCOME_NAMES: dict[str, Name] = {
    "win": ("Win", "성공"),
    "loss": ("Loss", "실패"),
    "flat": ("Flat", "변화 없음"),
    "inconclusive": ("Inconclusive", "판단 불가"),
}
"""What the simulator's truth says an experiment was."""
SRM_STATUS_NAMES: dict[str, Name] = {
    "ok": ("Split as planned", "계획대로 배정됨"),
    "caution": ("Possible mismatch", "불일치 가능성"),
    "warning": ("Sample ratio mismatch", "표본 비율 불일치(SRM)"),
    "unavailable": ("Not checked yet", "아직 확인 전"),
}
"""What the sample-ratio check found."""
NO_P_VALUE = "—"


def humanise(key: str) -> str:
    """A key for people when no catalog knows it: "new_thing" -> "New thing"."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def name_in(catalog: dict[str, Name], key: Any) -> Name:
    """``key``'s name in ``catalog``, humanised in both languages when the catalog does not know it."""
    text = str(key or "")
    return catalog.get(text) or (humanise(text), humanise(text))


def persona_name(key: Any) -> Name:
    """A persona's name ("rational" -> "Price-comparing", "가격 비교형")."""
    return BOT_NAME if key == "bot" else name_in(PERSONA_NAMES, key)


def metric_name(key: Any) -> Name:
    """A metric's name ("aov" -> "Average order value", "평균 주문 금액")."""
    text = str(key or "")
    metric = ALL_METRICS.get(text)
    english = metric.label if metric else humanise(text)
    return english, METRIC_NAMES_KO.get(text, english)


def metric_description(key: Any) -> Name:
    """What a metric means, in both languages ("" for a metric the catalog does not know)."""
    metric = ALL_METRICS.get(str(key or ""))
    english = metric.description if metric else ""
    return english, METRIC_DESCRIPTIONS_KO.get(str(key or ""), english)


def metric_unit(key: Any, days: int | None = None) -> Name:
    """A metric's unit in both languages, with the window's length when given.

    ("conversion", 28) -> ("per visitor over 28 days", "28일간 방문자당"); ("aov",) -> ("per order", "주문당");
    "" for a metric the catalog does not know.
    """
    metric = ALL_METRICS.get(str(key or ""))
    if metric is None:
        return "", ""
    if days is None:
        return UNIT_NAMES[metric.unit]
    return {
        "visitor": (f"per visitor over {days} days", f"{days}일간 방문자당"),
        "order": (f"per order, {days} days", f"{days}일간 주문당"),
        "session": (f"per session, {days} days", f"{days}일간 세션당"),
        "window": (f"total over {days} days", f"{days}일 합계"),
    }[metric.unit]


def over_last_days(key: Any, days: int) -> Name:
    """A metric over the warehouse's last ``days`` days, for a baseline's source.

    ("conversion", 14) -> ("Conversion over the last 14 days", "최근 14일 전환율").
    """
    english, korean = metric_name(key)
    span_en = "the last day" if days == 1 else f"the last {days} days"
    return f"{english} over {span_en}", f"최근 {days}일 {korean}"


def correction_name(key: Any) -> Name:
    """A multiple-testing correction's name ("holm" -> "Holm")."""
    return name_in(CORRECTION_NAMES, key)


def verdict_name(key: Any) -> Name:
    """A decision's or the ship rule's verdict ("dont_ship" -> "Don't ship")."""
    return name_in(VERDICT_NAMES, key)


def in_language(name: Name, language: str) -> str:
    """One language's half of a name ("ko" for Korean, anything else English)."""
    return name[1] if language == "ko" else name[0]


def format_p(p: float | None) -> str:
    """A p-value for people: "< 0.0001", three significant digits ("0.0123", "0.396"), or a dash."""
    if p is None or p != p:
        return NO_P_VALUE
    return "< 0.0001" if p < 0.0001 else f"{p:.3g}"


def p_phrase(p: float | None) -> str:
    """A p-value inside a sentence: "p = 0.0123", "p < 0.0001", or "no p-value"."""
    if p is None or p != p:
        return "no p-value"
    return "p < 0.0001" if p < 0.0001 else f"p = {p:.3g}"
