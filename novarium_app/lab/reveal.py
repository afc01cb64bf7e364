"""What the results page shows around the decision (pure): headline tiles, the CUPED note, the ground-truth reveal
(rebuilt from a decision's snapshot) and the messages that follow a recorded decision.
"""

from dataclasses import dataclass, field
from typing import Any

from marts.planned import planned_horizon, planned_progress
from marts.stats.readout import analysis_of
from marts.vocabulary import SRM_STATUS_NAMES, correction_name, format_p, metric_name, p_phrase
from novarium_app import routes
from novarium_app.builder.labels import choice_label, knob_label
from novarium_app.lab import decisions
from novarium_app.lab import formatting as fmt
from novarium_app.lab.recording import RecordedDecision
from shop.adoptions import AdoptionRecord
from shop.knobs import KNOBS
from swarm.truth import GroundTruth

SRM_WORDS = SRM_STATUS_NAMES
SHIP_RULE = (
    "Ship needs a goal metric that improved significantly after correction and every guardrail shown "
    "non-inferior; a broken split, a harmed guardrail or a worse goal blocks it.",
    "배포하려면 보정 후 유의하게 개선된 목표 지표가 있고 모든 가드레일이 비열등해야 합니다. 배분 오류, "
    "가드레일 악화, 목표 지표 악화는 배포를 막습니다.",
)


def _primary(results: dict[str, Any]) -> dict[str, Any] | None:
    return next((m for m in results.get("metrics", []) if m["role"] == "primary"), None)


def summary_tiles(results: dict[str, Any], planned_days: int | None = None) -> list[dict[str, str]]:
    """Four headline figures: exposed users (against the plan's sample and days), the primary metric's lift, its
    chance to beat control and the SRM."""
    srm = results.get("srm", {})
    observed = srm.get("observed", {})
    split = " · ".join(f"{name} {n:,}" for name, n in observed.items())
    planned_en, planned_ko = planned_sample(results, planned_days)
    users = fmt.count(results.get("users", 0))
    tiles = [_tile("users", "Exposed users", "노출 사용자", users, split + planned_en, split + planned_ko, "gray")]
    primary = _primary(results)
    if primary and primary["comparisons"]:
        best = max(primary["comparisons"], key=lambda c: c["chance_to_beat"] if c["chance_to_beat"] is not None else -1)
        english, korean = metric_name(primary["metric"])
        p = format_p(best["p_value_adjusted"])
        tone = "gray"
        if best["p_value_adjusted"] is not None and best["p_value_adjusted"] < results.get("alpha", 0.05):
            tone = "green" if (best["rel_lift"] or 0) * (1 if primary["higher_is_better"] else -1) > 0 else "red"
        lift = fmt.percent(best["rel_lift"], signed=True)
        correction_en, correction_ko = correction_name(results.get("correction", "holm"))
        analysis = analysis_of(results)
        tiles.append(
            _tile(
                "lift",
                f"{english} lift, {analysis['label']}",
                f"{korean} 변화({analysis['label_ko']})",
                lift,
                f"{best['variant']}, {correction_en}-adjusted p {p}",
                f"{best['variant']}, {correction_ko} 보정 p {p}",
                tone,
            )
        )
        chance = fmt.chance(best["chance_to_beat"])
        loss = fmt.percent(best["expected_loss"], digits=2)
        tiles.append(
            _tile(
                "chance",
                "Chance to beat control",
                "대조군을 이길 확률",
                chance,
                f"{best['variant']}, expected loss {loss}",
                f"{best['variant']}, 기대 손실 {loss}",
                "gray",
            )
        )
    status = srm.get("status", "unavailable")
    words = SRM_WORDS.get(status, SRM_WORDS["unavailable"])
    tone = {"ok": "green", "caution": "amber", "warning": "red"}.get(status, "gray")
    p = p_phrase(srm.get("p_value"))
    tiles.append(_tile("srm", "Sample ratio", "표본 비율", words[0], p, p, tone, words[1]))
    return tiles


def planned_sample(results: dict[str, Any], planned_days: int | None = None) -> tuple[str, str]:
    """ " · 5,988 of the planned 10,000 per variant (60%) · Planned horizon: 22 days": the smallest variant against
    the plan and the plan's days, in the monitor's and the retrospective's words ("" without a plan)."""
    progress = planned_progress(results)
    parts = [progress.words()] if progress is not None else []
    horizon = planned_horizon(planned_days)
    parts += [horizon] if horizon[0] else []
    return "".join(f" · {en}" for en, _ in parts), "".join(f" · {ko}" for _, ko in parts)


def _tile(
    key: str, label_en: str, label_ko: str, value: str, detail_en: str, detail_ko: str, tone: str, value_ko: str = ""
) -> dict[str, str]:
    return {
        "key": key,
        "label_en": label_en,
        "label_ko": label_ko,
        "value": value,
        "value_ko": value_ko or value,
        "detail_en": detail_en,
        "detail_ko": detail_ko,
        "tone": tone,
    }


def ship_rule(results: dict[str, Any]) -> tuple[str, str]:
    """The ship rule in (English, Korean), naming the analysis it reads: the one every figure on the page shows."""
    analysis = analysis_of(results)
    english = "with CUPED" if analysis["cuped"] else "without CUPED"
    korean = "CUPED를 적용한" if analysis["cuped"] else "CUPED를 적용하지 않은"
    return (
        f"{SHIP_RULE[0]} It reads the estimates {english}, as every tile, table and the plot on this page do.",
        f"{SHIP_RULE[1]} 이 페이지의 모든 타일, 표, 그래프처럼 {korean} 추정치로 판단합니다.",
    )


def cuped_note(results: dict[str, Any]) -> tuple[str, str]:
    """How much CUPED narrowed the primary metric's interval, in (English, Korean); "" without CUPED."""
    primary = _primary(results)
    if not primary or not analysis_of(results)["cuped"]:
        return "", ""
    reductions = [
        (c["variant"], c["cuped"]["variance_reduction"])
        for c in primary["comparisons"]
        if c.get("cuped_applied") and (c.get("cuped") or {}).get("variance_reduction") is not None
    ]
    english, korean = metric_name(primary["metric"])
    if not reductions:
        return (
            f"CUPED could not adjust {english} yet (it needs users in both variants).",
            f"CUPED는 아직 {korean}을(를) 보정할 수 없습니다(두 변형 모두에 사용자가 필요합니다).",
        )
    variant, reduction = reductions[0]
    shown = fmt.percent(reduction, digits=1)
    return (
        f"CUPED uses each user's revenue before the experiment: it cut the variance of {english} by {shown} "
        f"({variant}), so its interval is narrower by the same token.",
        f"CUPED는 실험 전 사용자별 매출을 사용해 {korean}의 분산을 {shown} 줄였습니다({variant}). "
        "그만큼 신뢰구간이 좁아집니다.",
    )


@dataclass
class Shown:
    """The reveal as the page shows it."""

    outcome: dict[str, str]
    rows: list[dict[str, str]]
    truth_points: dict[str, float]
    adoption: dict[str, str] = field(default_factory=dict)


def from_snapshot(snapshot: dict[str, Any], learnings: str, retrospective_id: str = "") -> Shown:
    """The reveal of a recorded decision, rebuilt from its retrospective snapshot."""
    experiment, decision = snapshot.get("experiment", {}), snapshot.get("decision", {})
    results, truth_data = snapshot.get("results", {}), snapshot.get("truth")
    truth = GroundTruth.from_dict(truth_data) if truth_data else None
    guardrails = [
        (g["metric"], float(g["margin"]), g.get("margin_type", "relative")) for g in experiment.get("guardrails", [])
    ]
    judgement = decisions.judge(
        decision.get("choice", "dont_ship"),
        decision.get("variant"),
        truth,
        primary_metric=experiment.get("primary_metric") or "conversion",
        guardrails=guardrails,
    )
    rows = decisions.reveal_rows(results, truth) if truth is not None else []
    covered = [row["covered"] for row in rows if row["covered"] is not None]
    novelty = bool(truth and truth.switches.get("novelty"))
    outcome = {
        "choice": decision.get("choice", ""),
        "variant": decision.get("variant") or "",
        "outcome": judgement.outcome,
        "correct": {True: "yes", False: "no"}.get(judgement.decision_correct, "na"),
        "explanation_en": judgement.explanation[0],
        "explanation_ko": judgement.explanation[1],
        "learnings": learnings,
        "has_truth": "yes" if truth is not None else "no",
        "covered_en": f"{sum(covered)} of {len(covered)} intervals covered the true effect." if covered else "",
        "covered_ko": f"신뢰구간 {len(covered)}개 중 {sum(covered)}개가 실제 효과를 포함했습니다." if covered else "",
        "novelty": "yes" if novelty else "no",
        "retrospective": routes.retrospective(retrospective_id) if retrospective_id else "",
    }
    points = {f"{row['metric']}|{row['variant']}": row["true_rel"] for row in rows if row["true_rel"] is not None}
    return Shown(outcome, [_reveal_row(row) for row in rows], points)


def _reveal_row(row: dict[str, Any]) -> dict[str, str]:
    unit = fmt.unit_of(row["metric"])
    english, korean = metric_name(row["metric"])
    return {
        "key": f"{row['metric']}|{row['variant']}",
        "label_en": english,
        "label_ko": korean,
        "role": row["role"],
        "variant": row["variant"],
        "estimate": fmt.percent(row["rel_lift"], signed=True),
        "estimate_ci": fmt.interval(row["rel_ci"], "relative"),
        "estimate_abs": fmt.lift(row["abs_lift"], unit),
        "estimate_abs_ci": fmt.interval(row["abs_ci"], unit),
        "truth": fmt.percent(row["true_rel"], signed=True),
        "truth_abs": fmt.lift(row["true_abs"], unit),
        "lasting": fmt.percent(row["lasting_rel"], signed=True),
        "covered": {True: "yes", False: "no"}.get(row["covered"], "na"),
    }


def adoption_row(adoption: AdoptionRecord) -> dict[str, str]:
    """A fresh adoption as the decision panel shows it."""
    return {
        "adoption_id": adoption.adoption_id,
        "variant": adoption.variant or "",
        "knobs": config_text(adoption.config),
        "knobs_ko": config_text(adoption.config, "ko"),
        "shop": routes.SHOP,
        "adoptions": routes.ADOPTIONS,
    }


def config_text(config: dict[str, Any], language: str = "en") -> str:
    """A knob config as people read it: "Banner colour: red · Discount: 15%" (Korean names with ``"ko"``)."""
    korean = language == "ko"
    parts = []
    for key, value in config.items():
        knob = KNOBS.get(key)
        label = knob_label(key)[1 if korean else 0] if knob else key
        if isinstance(value, bool):
            shown = ("켜짐" if value else "꺼짐") if korean else ("on" if value else "off")
        elif isinstance(value, float):
            shown = f"{value:g}"
        elif knob and knob.kind == "choice" and korean:
            shown = choice_label(str(value))[1]
        else:
            shown = value
        unit = knob.unit if knob and knob.unit == "%" else ""
        prefix = "$" if knob and knob.unit == "$" else ""
        parts.append(f"{label}: {prefix}{shown}{unit}")
    return " · ".join(parts) or ("변경 없음(기본값)" if korean else "no change (the defaults)")


def toasts(done: RecordedDecision) -> list[tuple[str, str, str]]:
    """(level, English, Korean) messages after a decision is recorded."""
    messages = []
    if done.choice == "ship" and done.adoption is not None:
        messages.append(
            (
                "success",
                f"{done.variant} is live in the shop now: every visitor outside a running experiment sees it.",
                f"{done.variant}이(가) 이제 쇼핑몰에 적용되었습니다. 진행 중인 실험 밖의 모든 방문자에게 보입니다.",
            )
        )
    elif done.choice == "dont_ship":
        messages.append(
            (
                "success",
                "Decision recorded: the experiment is completed and nothing was shipped.",
                "결정을 기록했습니다. 실험이 완료되었고 아무것도 배포하지 않았습니다.",
            )
        )
    else:
        messages.append(
            (
                "success",
                "Decision recorded: the experiment keeps running.",
                "결정을 기록했습니다. 실험을 계속 진행합니다.",
            )
        )
    return messages
