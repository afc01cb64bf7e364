"""What each table holds and how the marts are built, in English and Korean, for the Lab's Data page.

Plain data: ``TABLE_DOCS`` describes every table of ``marts.schema``; ``GROUPS`` sorts them into the warehouse, the
experiments and the marts; ``LINEAGE`` says which tables each mart is built from and what reads it.
"""

from dataclasses import dataclass

from marts import schema

Text = tuple[str, str]
"""(English, Korean)."""

TABLE_DOCS: dict[str, Text] = {
    "restaurants": (
        "The NovaEats restaurants: category, cuisine, rating, delivery time and fee, price level and popularity.",
        "NovaEats 입점 식당입니다. 카테고리, 요리 종류, 평점, 배달 시간과 배달비, 가격대, 인기도가 담겨 있습니다.",
    ),
    "menu_items": (
        "Every dish each restaurant sells, with its price and whether it is flagged as popular.",
        "식당마다 판매하는 메뉴와 가격, 인기 메뉴 여부입니다.",
    ),
    "users": (
        "One row per customer in the generated history: sign-up time, city, device and the persona that drives "
        "their behaviour.",
        "생성된 이력 속 고객 한 명당 한 행입니다. 가입 시각, 도시, 기기, 그리고 행동을 결정하는 페르소나가 있습니다.",
    ),
    "sessions": (
        "One row per visit: when it started, the device, pages viewed and how far down the funnel it went "
        "(item viewed, added to cart, checkout started, ordered).",
        "방문 한 번당 한 행입니다. 시작 시각, 기기, 본 페이지 수, 그리고 퍼널을 어디까지 내려갔는지"
        "(메뉴 조회, 장바구니 담기, 결제 시작, 주문)를 기록합니다.",
    ),
    "orders": (
        "One row per order: restaurant, items, subtotal, discount, delivery fee and total. Cancelled orders keep "
        "their amounts and say so in status.",
        "주문 한 건당 한 행입니다. 식당, 품목 수, 소계, 할인, 배달비, 합계가 있습니다. 취소된 주문도 금액은 "
        "그대로이고 status에 cancelled로 표시됩니다.",
    ),
    "order_items": (
        "The lines of each order: which dish, how many and at what unit price.",
        "주문별 품목 내역입니다. 어떤 메뉴를 몇 개, 얼마에 샀는지 담겨 있습니다.",
    ),
    "experiments": (
        "Each experiment you design: hypothesis, status (draft, running, stopped, completed), traffic allocation, "
        "the assignment salt, the primary metric and the full design as JSON.",
        "직접 설계한 실험입니다. 가설, 상태(draft, running, stopped, completed), 트래픽 배분, 배정용 솔트, "
        "주요 지표, 그리고 JSON으로 된 전체 설계가 있습니다.",
    ),
    "variants": (
        "The arms of each experiment: name, order, traffic weight and the shop configuration (knobs) as JSON.",
        "실험의 각 변형(arm)입니다. 이름, 순서, 트래픽 가중치, 그리고 JSON으로 된 쇼핑몰 설정(노브)이 있습니다.",
    ),
    "assignments": (
        "Which variant each visitor got in each experiment. Assignment hashes the salt with the visitor id, so "
        "it is sticky; run_id marks visitors sent by a swarm run.",
        "방문자마다 어떤 변형에 배정됐는지 기록합니다. 솔트와 방문자 ID를 해시해 배정하므로 늘 같은 변형을 "
        "받습니다. run_id는 스웜 실행이 보낸 방문자를 가리킵니다.",
    ),
    "events": (
        "Everything the shop tracks, one row per event: page views, exposures, clicks, searches, cart changes, "
        "checkouts and purchases, with the experiment and variant when known. Stored once per event_id.",
        "쇼핑몰이 수집하는 모든 이벤트입니다. 페이지 조회, 노출, 클릭, 검색, 장바구니 변경, 결제, 구매가 한 행씩 "
        "쌓이고, 알 수 있으면 실험과 변형도 함께 남습니다. event_id 기준으로 한 번만 저장됩니다.",
    ),
    "runs": (
        "Each swarm or simulation run: its experiment, seed, settings and progress. Its ground truth stays "
        "hidden until you decide, so the SQL lab cannot read this table.",
        "스웜·시뮬레이션 실행 기록입니다. 실험, 시드, 설정, 진행 상황이 있습니다. 실제 정답(ground truth)은 "
        "결정을 내리기 전까지 숨겨지므로 SQL 실습실에서는 이 테이블을 읽을 수 없습니다.",
    ),
    "adoptions": (
        "Winning variants adopted into the shop, and when they were rolled back, if ever.",
        "쇼핑몰에 채택된 우승 변형과, 되돌렸다면 그 시각입니다.",
    ),
    "retrospectives": (
        "Your decision on each finished experiment, what really happened, what you learned and a snapshot of "
        "the results you decided on.",
        "끝난 실험마다 내린 결정, 실제 결과, 배운 점, 그리고 결정 당시 결과의 스냅숏입니다.",
    ),
    "results_views": (
        "Every time you opened an experiment's results. Looks while it was running are peeks, and each one "
        "raises the false-positive rate.",
        "실험 결과를 열어 본 기록입니다. 실험이 진행 중일 때 본 것은 엿보기(peeking)이며, 볼 때마다 위양성률이 "
        "올라갑니다.",
    ),
    "daily_metrics": (
        "The shop per calendar day: visitors, sessions, orders, buyers, revenue, conversion, average order value "
        "and revenue per visitor. Built from sessions and orders: an order counts on its session's day, cancelled "
        "or not, and conversion is the share of the day's visitors who ordered that day.",
        "쇼핑몰의 일별 지표입니다. 방문자, 세션, 주문, 구매자, 매출, 전환율, 평균 주문 금액, 방문자당 매출이 "
        "있습니다. sessions와 orders로 만듭니다. 주문은 취소 여부와 관계없이 그 세션의 날짜에 세고, 전환율은 그날 "
        "방문자 중 그날 주문한 비율입니다.",
    ),
    "user_stats": (
        "One row per warehouse user as of a date: tenure, sessions, orders and revenue so far, plus the "
        "pre-period orders and revenue that CUPED uses to reduce variance.",
        "기준일 시점의 고객별 요약입니다. 가입 기간, 지금까지의 세션·주문·매출, 그리고 CUPED가 분산을 줄이는 데 "
        "쓰는 사전 기간 주문·매출이 있습니다.",
    ),
    "experiment_users": (
        "One row per exposed, assigned user of each experiment, with everything they did after their first "
        "exposure. The results page analyses this table.",
        "실험마다 노출되고 배정된 사용자 한 명당 한 행이며, 첫 노출 이후 한 행동이 모두 집계됩니다. 결과 화면은 "
        "이 테이블을 분석합니다.",
    ),
    "mart_builds": (
        "When each mart was last rebuilt, how many rows it holds and how long the build took.",
        "각 마트를 마지막으로 다시 만든 시각, 행 수, 걸린 시간입니다.",
    ),
}

NO_DESCRIPTION: Text = ("No description yet.", "아직 설명이 없습니다.")


@dataclass(frozen=True)
class Group:
    """A set of tables shown together."""

    key: str
    title: Text
    tables: tuple[str, ...]


GROUPS: tuple[Group, ...] = (
    Group("warehouse", ("Warehouse", "웨어하우스"), schema.WAREHOUSE_TABLES),
    Group(
        "experiments",
        ("Experiments", "실험"),
        schema.EXPERIMENT_TABLES
        + tuple(
            name
            for name in schema.metadata.tables
            if name not in schema.WAREHOUSE_TABLES + schema.EXPERIMENT_TABLES + schema.MART_TABLES
        ),
    ),
    Group("marts", ("Marts", "마트"), schema.MART_TABLES),
)
"""Every table of the schema, once: tables outside the three lists join the experiments (the Lab's own records)."""


@dataclass(frozen=True)
class Reader:
    """A part of the Lab that reads a mart."""

    key: str
    title: Text
    reads: tuple[str, ...]


LINEAGE: dict[str, tuple[str, ...]] = {
    "daily_metrics": ("sessions", "orders"),
    "user_stats": ("users", "sessions", "orders"),
    "experiment_users": ("events", "assignments", "users", "user_stats"),
}
"""Mart -> the tables its build reads (see ``marts.etl``)."""

READERS: tuple[Reader, ...] = (
    Reader("overview", ("Overview", "개요"), ("daily_metrics",)),
    Reader("design", ("Experiment design", "실험 설계"), ("daily_metrics",)),
    Reader("results", ("Results & analysis", "결과·분석"), ("experiment_users",)),
)
"""What reads the marts: the Overview's KPIs, the planner's baselines and the results analysis."""


def description(table: str) -> Text:
    """The table's description, or a placeholder."""
    return TABLE_DOCS.get(table, NO_DESCRIPTION)


def lineage_sources() -> tuple[str, ...]:
    """The source tables the marts are built from, in a stable order (warehouse first)."""
    marts = set(LINEAGE)
    order = [*schema.WAREHOUSE_TABLES, *schema.EXPERIMENT_TABLES]
    used = {source for sources in LINEAGE.values() for source in sources if source not in marts}
    return tuple(name for name in order if name in used)
