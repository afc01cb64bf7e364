"""The experiments list's rows: each stored experiment as the list shows it, with what the learner can do next."""

from urllib.parse import quote

from novarium_app import routes
from novarium_app.builder import numbers
from novarium_app.builder.labels import metric_label
from novarium_app.builder.prefill import DRAFT_PARAM
from shop.repository import ExperimentRecord

Pair = tuple[str, str]
EXCERPT = 180
STATUS: dict[str, tuple[Pair, str, str]] = {
    "draft": (("Draft", "초안"), "gray", "file-pen"),
    "running": (("Running", "진행 중"), "blue", "circle-play"),
    "stopped": (("Stopped", "중지됨"), "amber", "circle-pause"),
    "completed": (("Completed", "완료"), "grass", "circle-check"),
}
FILTERS = ("all", *STATUS)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The first ``limit`` characters of ``text``, cut at a word, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def continue_href(key: str) -> str:
    """The builder, continuing the stored draft ``key``."""
    return f"{routes.BUILDER}?{DRAFT_PARAM}={quote(key)}"


def row(record: ExperimentRecord) -> dict[str, str]:
    """One experiment as the list shows it."""
    label, color, icon = STATUS.get(record.status, ((record.status, record.status), "gray", "circle"))
    metric_en, metric_ko = metric_label(record.primary_metric or "")
    total = sum(v.weight for v in record.variants) or 1.0
    arms = " · ".join(f"{v.name} {numbers.percent(v.weight / total, 0)}" for v in record.variants)
    return {
        "key": record.key,
        "name": record.name or record.key,
        "status": record.status,
        "status_en": label[0],
        "status_ko": label[1],
        "status_color": color,
        "status_icon": icon,
        "hypothesis": excerpt(record.hypothesis),
        "metric_en": metric_en,
        "metric_ko": metric_ko,
        "variants": arms,
        "allocation": f"{record.allocation:g}%",
        "created": f"{record.created_at:%Y-%m-%d}",
        "continue_href": continue_href(record.key),
        "results_href": routes.results_for(record.key),
    }


def counts(rows: list[dict[str, str]]) -> dict[str, str]:
    """How many experiments have each status (and in all), as text."""
    found = {status: sum(1 for r in rows if r["status"] == status) for status in STATUS}
    return {"all": str(len(rows)), **{status: str(n) for status, n in found.items()}}
