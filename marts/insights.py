"""What the warehouse suggests testing: the session funnel, the persona mix, and alerts that are experiment ideas.

Everything covers the last ``window_days`` days of sessions (the same window and the same sums as the Overview's
KPIs: ``marts.window_metrics``). The funnel is **per session**: a session counts at a step when it reached it, and
at "Ordered" when it placed an order (``marts.metrics.ORDER_RULE``), so the funnel's last step and the Overview's
Orders tile count the same orders. A persona's conversion is the catalog's: **per visitor over the window**, the
share of its visitors who ordered at least once, as an experiment's conversion is. Alerts are rules over these
numbers, each with the evidence that fired it and a prefilled experiment idea (the metric, the segment and the knob
to try), so the Lab can open the builder with it.
"""

from dataclasses import dataclass, field
from datetime import date

from marts.storage import Store
from marts.vocabulary import persona_name
from marts.window_metrics import WindowSums, last_window, measure

FUNNEL_STEPS = (
    ("sessions", "Visited"),
    ("viewed_item", "Viewed an item"),
    ("added_to_cart", "Added to cart"),
    ("started_checkout", "Started checkout"),
    ("ordered", "Ordered"),
)
_STEP_SUMS = {
    "sessions": "sessions",
    "viewed_item": "viewing_sessions",
    "added_to_cart": "carting_sessions",
    "started_checkout": "checkout_sessions",
    "ordered": "ordering_sessions",
}
"""Each funnel step's count in ``WindowSums``."""
WEAK_PERSONA_GAP = 0.25
"""A persona converting this much below the overall rate (relative) raises an alert."""
MIN_VISITORS = 200
"""Personas with fewer visitors than this raise no alert (too noisy)."""
CART_ABANDONMENT_ALERT = 0.55
"""Share of carts that never reach an order above which cart abandonment raises an alert."""
CHECKOUT_DROP_ALERT = 0.20
"""Share of started checkouts that never complete above which the checkout raises an alert."""
MIN_SESSIONS = 200
"""Segments with fewer sessions than this raise no alert (too noisy)."""

Text = tuple[str, str]
"""(English, Korean)."""
# Per persona: the change worth trying first, as a knob setting and in words (English, Korean).
PERSONA_IDEAS: dict[str, tuple[str, str, Text]] = {
    "impulsive": (
        "urgency_badge",
        "selling_fast",
        ("show a 'selling fast' badge", "'빠르게 팔리는 중' 배지를 보여 주면"),
    ),
    "rational": ("discount_pct", "10", ("give a 10% discount", "10% 할인을 주면")),
    "window_shopper": (
        "free_delivery_threshold",
        "15",
        ("lower the free-delivery threshold to $15", "무료배송 기준을 $15로 낮추면"),
    ),
    "mission": (
        "recommendation_layout",
        "list",
        ("show recommendations as a quick list", "추천을 빠른 목록으로 보여 주면"),
    ),
    "cautious": (
        "checkout_button_text",
        "Place order securely",
        ("label the checkout button 'Place order securely'", "결제 버튼을 'Place order securely'로 바꾸면"),
    ),
}


@dataclass(frozen=True)
class FunnelStep:
    """Sessions that reached a step, and the share of the previous step and of all sessions."""

    key: str
    label: str
    sessions: int
    of_previous: float
    of_first: float


@dataclass(frozen=True)
class PersonaShare:
    """One persona in the window.

    Attributes:
        visitors, buyers, sessions: its visitors, those who ordered, their sessions.
        share: its share of the window's visitors.
        conversion: buyers / visitors (per visitor over the window, the catalog's conversion).
        session_conversion: sessions with an order / sessions (per session).
        cart_abandonment: the share of its sessions with a cart that placed no order (per session).
    """

    persona: str
    visitors: int
    sessions: int
    share: float
    conversion: float
    cart_abandonment: float
    buyers: int = 0
    session_conversion: float = 0.0


@dataclass(frozen=True)
class Alert:
    """A pattern in the data worth an experiment.

    Attributes:
        key: a stable id for the rule and segment (for tests and UI keys).
        severity: "high" or "medium".
        title: one line; evidence: the numbers that fired it (each as English and Korean).
        metric: the metric an experiment should move; persona: the segment, if any.
        knob, knob_value: the knob setting worth trying first (the value as the builder's text).
        change: that change in words; idea: the whole hypothesis in one sentence (English and Korean).
    """

    key: str
    severity: str
    title: Text
    evidence: Text
    metric: str
    idea: Text
    knob: str
    knob_value: str
    change: Text
    persona: str | None = None


@dataclass(frozen=True)
class Insights:
    """The funnel, the persona mix and the alerts of one window."""

    start: date | None
    end: date | None
    funnel: tuple[FunnelStep, ...] = ()
    personas: tuple[PersonaShare, ...] = ()
    alerts: tuple[Alert, ...] = field(default_factory=tuple)
    conversion: float = 0.0
    """The window's conversion per visitor (the Overview's Conversion tile)."""

    @property
    def is_empty(self) -> bool:
        return not self.funnel or self.funnel[0].sessions == 0


def warehouse_insights(store: Store, window_days: int = 28) -> Insights:
    """Funnel, persona mix and alerts over the last ``window_days`` days of sessions.

    Raises:
        ValueError: when window_days is not an integer of at least 1.
    """
    window = last_window(store, window_days)
    if window is None:
        return Insights(None, None)
    measures = measure(store, window)
    funnel = _funnel(measures.total)
    personas = _personas(measures.personas, measures.total.visitors)
    alerts = _alerts(funnel, personas, measures.total, window.days)
    return Insights(window.first_day, window.last_day, funnel, personas, alerts, measures.total.conversion)


def _funnel(total: WindowSums) -> tuple[FunnelStep, ...]:
    counts = [int(getattr(total, _STEP_SUMS[key])) for key, _ in FUNNEL_STEPS]
    first = counts[0]
    return tuple(
        FunnelStep(
            key=key,
            label=label,
            sessions=count,
            of_previous=count / counts[i - 1] if i and counts[i - 1] else (1.0 if i == 0 and count else 0.0),
            of_first=count / first if first else 0.0,
        )
        for i, ((key, label), count) in enumerate(zip(FUNNEL_STEPS, counts, strict=True))
    )


def _personas(sums: dict[str, WindowSums], visitors: int) -> tuple[PersonaShare, ...]:
    return tuple(
        PersonaShare(
            persona=persona,
            visitors=one.visitors,
            sessions=one.sessions,
            share=one.visitors / visitors if visitors else 0.0,
            conversion=one.conversion,
            cart_abandonment=_abandonment(one),
            buyers=one.buyers,
            session_conversion=one.session_conversion,
        )
        for persona, one in sorted(sums.items())
    )


def _abandonment(sums: WindowSums) -> float:
    """Share of sessions with a cart that placed no order (a session that ordered without a cart counts as 0)."""
    if not sums.carting_sessions:
        return 0.0
    return max(0.0, 1 - sums.ordering_sessions / sums.carting_sessions)


def _alerts(
    funnel: tuple[FunnelStep, ...], personas: tuple[PersonaShare, ...], total: WindowSums, days: int
) -> tuple[Alert, ...]:
    steps = {step.key: step for step in funnel}
    if not funnel or steps["sessions"].sessions < MIN_SESSIONS:
        return ()
    alerts: list[Alert] = []
    overall = total.conversion
    for persona in sorted(personas, key=lambda p: p.conversion):
        if persona.visitors < MIN_VISITORS or overall == 0:
            continue
        gap = 1 - persona.conversion / overall
        if gap >= WEAK_PERSONA_GAP:
            alerts.append(_weak_persona_alert(persona, gap, overall, days))
    carted, ordered = steps["added_to_cart"].sessions, steps["ordered"].sessions
    abandonment = max(0.0, 1 - ordered / carted) if carted else 0.0
    if carted >= MIN_SESSIONS and abandonment >= CART_ABANDONMENT_ALERT:
        alerts.append(
            Alert(
                key="cart-abandonment",
                severity="high" if abandonment >= 0.7 else "medium",
                title=(
                    f"{abandonment:.0%} of sessions with a cart end without an order",
                    f"장바구니에 담은 세션의 {abandonment:.0%}가 주문 없이 끝납니다",
                ),
                evidence=(
                    f"{carted:,} sessions added to cart; {ordered:,} of them ordered.",
                    f"장바구니에 담은 세션 {carted:,}개 중 {ordered:,}개만 주문했습니다.",
                ),
                metric="checkout_rate",
                knob="urgency_badge",
                knob_value="ends_tonight",
                change=("show an 'ends tonight' badge", "'오늘 밤 종료' 배지를 보여 주면"),
                idea=(
                    "An 'ends tonight' badge will turn more carts into checkouts, because shoppers postpone the "
                    "decision.",
                    "'오늘 밤 종료' 배지를 보여 주면 결제로 넘어가는 장바구니가 늘어날 것이다. 고객이 결정을 미루기 "
                    "때문이다.",
                ),
            )
        )
    started = steps["started_checkout"].sessions
    drop = max(0.0, 1 - ordered / started) if started else 0.0
    if started >= MIN_SESSIONS and drop >= CHECKOUT_DROP_ALERT:
        alerts.append(
            Alert(
                key="checkout-drop",
                severity="medium",
                title=(
                    f"{drop:.0%} of sessions that start checkout place no order",
                    f"결제를 시작한 세션의 {drop:.0%}가 주문하지 않습니다",
                ),
                evidence=(
                    f"{started:,} sessions started checkout; {ordered:,} placed an order.",
                    f"결제를 시작한 세션 {started:,}개 중 {ordered:,}개가 주문했습니다.",
                ),
                metric="conversion",
                knob="checkout_button_text",
                knob_value="Complete my order",
                change=("relabel the checkout button 'Complete my order'", "결제 버튼을 'Complete my order'로 바꾸면"),
                idea=(
                    "A clearer checkout button will lift conversion, because the last step feels uncertain.",
                    "결제 버튼 문구를 더 분명히 하면 전환율이 오를 것이다. 마지막 단계가 불확실하게 느껴지기 때문이다.",
                ),
            )
        )
    return tuple(alerts)


def _weak_persona_alert(persona: PersonaShare, gap: float, overall: float, days: int = 28) -> Alert:
    name_en, name_ko = persona_name(persona.persona)
    knob, value, (change_en, change_ko) = PERSONA_IDEAS.get(
        persona.persona, ("discount_pct", "10", ("give a 10% discount", "10% 할인을 주면"))
    )
    return Alert(
        key=f"weak-persona-{persona.persona}",
        severity="high" if gap >= 2 * WEAK_PERSONA_GAP else "medium",
        title=(
            f"The {name_en} persona converts {gap:.0%} below average",
            f"{name_ko} 고객의 전환율이 평균보다 {gap:.0%} 낮습니다",
        ),
        evidence=(
            f"{persona.conversion:.2%} of their {persona.visitors:,} visitors ordered in the last {days} days, "
            f"against {overall:.2%} of all visitors (conversion per visitor over {days} days).",
            f"최근 {days}일 방문자 {persona.visitors:,}명 중 {persona.conversion:.2%}만 주문했습니다"
            f"(전체 방문자 {overall:.2%}, {days}일간 방문자당 전환율).",
        ),
        metric="conversion",
        persona=persona.persona,
        knob=knob,
        knob_value=value,
        change=(change_en, change_ko),
        idea=(
            f"If we {change_en}, conversion will rise for the {name_en} persona.",
            f"{change_ko} {name_ko} 고객의 전환율이 오를 것이다.",
        ),
    )
