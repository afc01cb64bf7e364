"""The learner's decision judged against the simulator's ground truth (pure: no I/O, no Reflex).

The rule, stated on the results page as ``RULE``:

- **Ship** a variant is right when, once any novelty has worn off (the truth's ``lasting`` table: what the shop keeps
  after shipping), it truly moves the primary metric the good way and keeps every guardrail within its margin.
  Outcome ``win``; otherwise ``loss`` (it truly hurts the primary metric or breaks a guardrail) or ``flat`` (its true
  primary effect is zero).
- **Don't ship** is right when no variant would truly have lifted the primary metric by at least ``MEANINGFUL_LIFT``
  (relative) with its guardrails intact. Outcome ``flat``; a missed real win is a ``loss``.
- **Keep running** is not judged (outcome ``inconclusive``), and neither is any call without a ground truth.

Whether each confidence interval covered the true effect is checked against the ``run`` table: the effect averaged
over the days and traffic the experiment actually measured.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marts.metrics import METRICS
from shop.fields import has_bad_characters
from swarm.truth import Effect, GroundTruth

CHOICES = ("ship", "dont_ship", "keep_running")
OUTCOMES = ("win", "loss", "flat", "inconclusive")
MEANINGFUL_LIFT = 0.01
"""The smallest true relative lift of the primary metric that counts as a real win worth shipping."""
_ZERO = 1e-12

RULE = (
    "Shipping is right when the shipped variant truly moves the primary metric the good way and keeps every guardrail "
    "within its margin, judged on the lasting effect (after any novelty wears off). Not shipping is right when no "
    f"variant would truly have lifted the primary metric by at least {MEANINGFUL_LIFT:.0%} with its guardrails intact. "
    "Keeping it running is not judged yet. Each interval is checked against the true effect over the days the "
    "experiment ran.",
    "배포는 배포한 변형이 (신기 효과가 사라진 뒤의) 지속 효과로 볼 때 1차 지표를 실제로 "
    "좋은 방향으로 움직이고 모든 가드레일을 허용 범위 안에 지킬 때 옳은 결정입니다. "
    "미배포는 어떤 변형도 가드레일을 지키면서 1차 지표를 실제로 "
    f"{MEANINGFUL_LIFT:.0%} 이상 올리지 못했을 때 옳은 결정입니다. "
    "계속 진행은 아직 판정하지 않습니다. 각 신뢰구간은 실험 기간의 실제 효과를 포함했는지로 확인합니다.",
)
"""The rule in (English, Korean), as the page states it."""

Guardrail = tuple[str, float, str]
"""(metric, margin, "relative" | "absolute")."""


@dataclass(frozen=True)
class VariantTruth:
    """What the truth says about shipping one variant.

    Attributes:
        primary: the true lasting effect on the primary metric.
        direction: +1 truly better, -1 truly worse, 0 no effect, None when undefined.
        broken_guardrails: guardrail metrics truly worse than their margin.
    """

    variant: str
    primary: Effect
    direction: int | None
    broken_guardrails: tuple[str, ...] = ()

    @property
    def shippable(self) -> bool:
        """Truly better on the primary metric with every guardrail within its margin."""
        return self.direction == 1 and not self.broken_guardrails


METRICS_DIRECTION = {key: metric.higher_is_better for key, metric in METRICS.items()}


@dataclass(frozen=True)
class Judgement:
    """The verdict on a decision.

    Attributes:
        decision_correct: True or False, None when not judged (keep running, or no ground truth).
        outcome: "win", "loss", "flat" or "inconclusive".
        explanation: why, in (English, Korean).
        variants: the truth about shipping each treatment variant.
    """

    decision_correct: bool | None
    outcome: str
    explanation: tuple[str, str]
    variants: tuple[VariantTruth, ...] = field(default_factory=tuple)

    @property
    def rule(self) -> str:
        """The rule applied, in English (as stored in the retrospective)."""
        return RULE[0]


def _good(higher_is_better: bool, value: float) -> float:
    return value if higher_is_better else -value


def _sign(value: float | None) -> int | None:
    if value is None:
        return None
    return 0 if abs(value) <= _ZERO else (1 if value > 0 else -1)


def variant_truth(
    truth: GroundTruth, variant: str, primary_metric: str, guardrails: Sequence[Guardrail]
) -> VariantTruth:
    """The lasting truth about shipping ``variant``: its primary effect's direction and the guardrails it breaks."""
    effect = truth.effect(primary_metric, variant, lasting=True)
    better = METRICS_DIRECTION.get(primary_metric, True)
    raw = effect.relative if effect.relative is not None else effect.absolute
    direction = None if raw is None else _sign(_good(better, raw))
    broken = []
    for metric, margin, margin_type in guardrails:
        if metric not in truth.metrics:
            continue
        change = truth.effect(metric, variant, lasting=True)
        value = change.relative if margin_type == "relative" else change.absolute
        if value is not None and _good(METRICS_DIRECTION.get(metric, True), value) < -margin:
            broken.append(metric)
    return VariantTruth(variant, effect, direction, tuple(broken))


def judge(
    choice: str,
    variant: str | None,
    truth: GroundTruth | None,
    *,
    primary_metric: str,
    guardrails: Sequence[Guardrail] = (),
) -> Judgement:
    """Judge ``choice`` ("ship" ``variant``, "dont_ship" or "keep_running") against ``truth`` by ``RULE``."""
    if choice not in CHOICES:
        raise ValueError(f"choice: must be one of {', '.join(CHOICES)}, got {choice!r}")
    if choice == "keep_running":
        return Judgement(None, "inconclusive", KEEP_RUNNING)
    if truth is None:
        return Judgement(None, "inconclusive", NO_TRUTH)
    if primary_metric not in truth.metrics:
        return Judgement(None, "inconclusive", NO_TRUTH)
    treatments = [name for name in truth.variants if name != truth.control]
    facts = tuple(variant_truth(truth, name, primary_metric, guardrails) for name in treatments)
    if choice == "ship":
        fact = next((f for f in facts if f.variant == variant), None)
        if fact is None:  # the simulated run did not have this variant: nothing to judge it by
            return Judgement(None, "inconclusive", NO_TRUTH, facts)
        return _judge_ship(fact, facts, primary_metric)
    wins = [f for f in facts if f.shippable and _lift(f, primary_metric) >= MEANINGFUL_LIFT]
    if wins:
        best = max(wins, key=lambda f: _lift(f, primary_metric))
        words = _missed(best.variant, best.primary.relative or 0.0)
        return Judgement(False, "loss", words, facts)
    return Judgement(True, "flat", NOTHING_TO_SHIP, facts)


def _lift(fact: VariantTruth, primary_metric: str) -> float:
    """The true relative lift in the primary metric's good direction (0 when undefined)."""
    lift = fact.primary.relative
    return 0.0 if lift is None else _good(METRICS_DIRECTION.get(primary_metric, True), lift)


def _judge_ship(fact: VariantTruth, facts: tuple[VariantTruth, ...], primary_metric: str) -> Judgement:
    lift = fact.primary.relative
    shown = f"{lift:+.2%}" if lift is not None else "n/a"
    if fact.direction is None:
        return Judgement(None, "inconclusive", NO_TRUTH, facts)
    if fact.shippable:
        return Judgement(True, "win", _shipped_win(fact.variant, shown), facts)
    if fact.broken_guardrails:
        return Judgement(False, "loss", _broke_guardrail(fact.variant, ", ".join(fact.broken_guardrails)), facts)
    if fact.direction == 0:
        return Judgement(False, "flat", _shipped_nothing(fact.variant), facts)
    return Judgement(False, "loss", _shipped_worse(fact.variant, shown), facts)


KEEP_RUNNING = (
    "You kept the experiment running, so it is not judged yet and the truth stays hidden: ship or stop it to see it.",
    "실험을 계속 진행하기로 했으므로 아직 판정하지 않으며 실제 효과도 공개하지 않습니다. "
    "배포하거나 중단하면 볼 수 있습니다.",
)
NO_TRUTH = (
    "There is no ground truth for this experiment (no completed simulated run), so the call cannot be judged.",
    "이 실험에는 실제 효과(완료된 시뮬레이션 실행)가 없으므로 결정을 판정할 수 없습니다.",
)
NOTHING_TO_SHIP = (
    f"Right call: no variant truly lifted the primary metric by {MEANINGFUL_LIFT:.0%} or more with its guardrails "
    "intact, so there was nothing worth shipping.",
    f"옳은 결정입니다. 가드레일을 지키면서 1차 지표를 실제로 {MEANINGFUL_LIFT:.0%} 이상 올린 변형이 "
    "없었으므로 배포할 만한 것이 없었습니다.",
)


def _shipped_win(variant: str, lift: str) -> tuple[str, str]:
    return (
        f"Right call: {variant} truly lifts the primary metric ({lift}, its lasting effect) and keeps every "
        "guardrail within its margin.",
        f"옳은 결정입니다. {variant}은(는) 1차 지표를 실제로 올리고(지속 효과 {lift}) "
        "모든 가드레일을 허용 범위 안에 지킵니다.",
    )


def _shipped_worse(variant: str, lift: str) -> tuple[str, str]:
    return (
        f"Wrong call: {variant} truly makes the primary metric worse ({lift}, its lasting effect).",
        f"잘못된 결정입니다. {variant}은(는) 실제로 1차 지표를 나쁘게 만듭니다(지속 효과 {lift}).",
    )


def _shipped_nothing(variant: str) -> tuple[str, str]:
    return (
        f"Wrong call: {variant} has no true effect on the primary metric; shipping it changed nothing that matters.",
        f"잘못된 결정입니다. {variant}은(는) 1차 지표에 실제 효과가 없어 배포해도 의미 있는 변화가 없습니다.",
    )


def _broke_guardrail(variant: str, metrics: str) -> tuple[str, str]:
    return (
        f"Wrong call: {variant} truly breaks a guardrail beyond its margin ({metrics}).",
        f"잘못된 결정입니다. {variant}은(는) 실제로 가드레일을 허용 범위 밖으로 악화시킵니다({metrics}).",
    )


def _missed(variant: str, lift: float) -> tuple[str, str]:
    return (
        f"Wrong call: {variant} was a real win ({lift:+.2%} lasting effect on the primary metric, guardrails "
        "intact), and it was not shipped.",
        f"잘못된 결정입니다. {variant}은(는) 실제로 이기는 변형이었지만"
        f"(1차 지표 지속 효과 {lift:+.2%}, 가드레일 유지) 배포하지 않았습니다.",
    )


# ----- the reveal ----------------------------------------------------------------------------------------------


def covers(interval: Sequence[float | None] | None, value: float | None) -> bool | None:
    """Whether the closed ``interval`` holds ``value``; None when either is missing."""
    if value is None or not interval or interval[0] is None or interval[1] is None:
        return None
    return interval[0] <= value <= interval[1]


def reveal_rows(results: Mapping[str, Any], truth: GroundTruth) -> list[dict[str, Any]]:
    """Per metric × treatment variant: the estimate and its interval next to the true effect, and coverage.

    ``results`` is a readout (``Readout.to_dict()``): the intervals are those of its analysis, CUPED or not.
    Metrics or variants the truth does not know are skipped.
    """
    rows = []
    for metric in results.get("metrics", []):
        key = metric["metric"]
        if key not in truth.metrics:
            continue
        for item in metric["comparisons"]:
            variant = item["variant"]
            if variant not in truth.run.effects:
                continue
            true_run = truth.effect(key, variant)
            true_lasting = truth.effect(key, variant, lasting=True)
            rows.append(
                {
                    "metric": key,
                    "label": metric["label"],
                    "kind": metric["kind"],
                    "role": metric["role"],
                    "variant": variant,
                    "abs_lift": item["abs_lift"],
                    "abs_ci": item["abs_ci"],
                    "rel_lift": item["rel_lift"],
                    "rel_ci": item["rel_ci"],
                    "true_abs": true_run.absolute,
                    "true_rel": true_run.relative,
                    "lasting_abs": true_lasting.absolute,
                    "lasting_rel": true_lasting.relative,
                    "covered": covers(item["abs_ci"], true_run.absolute),
                }
            )
    return rows


def ci_covered(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, bool]]:
    """metric -> variant -> whether the readout's interval covered the true effect, from ``reveal_rows``."""
    out: dict[str, dict[str, bool]] = {}
    for row in rows:
        if row["covered"] is not None:
            out.setdefault(row["metric"], {})[row["variant"]] = row["covered"]
    return out


# ----- the decision form -----------------------------------------------------------------------------------------

LEARNINGS_MIN, LEARNINGS_MAX = 10, 2000


def form_problems(choice: str, variant: str, learnings: str, treatments: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Field -> what is wrong with it, in (English, Korean); empty when the decision can be recorded."""
    problems: dict[str, tuple[str, str]] = {}
    if choice not in CHOICES:
        problems["choice"] = (
            "Decision: choose ship, don't ship or keep running.",
            "결정: 배포, 미배포, 계속 진행 중 하나를 고르세요.",
        )
    elif choice == "ship" and variant not in treatments:
        names = ", ".join(treatments)
        problems["variant"] = (
            f"Variant: choose the variant to ship ({names}).",
            f"변형: 배포할 변형을 고르세요({names}).",
        )
    size = len(learnings.strip())
    if has_bad_characters(learnings):
        problems["learnings"] = (
            "Learnings: remove the NUL or broken characters (U+0000, U+D800 to U+DFFF) pasted into the text.",
            "배운 점: 붙여 넣은 NUL 문자나 깨진 문자(U+0000, U+D800~U+DFFF)를 지워 주세요.",
        )
    elif size < LEARNINGS_MIN:
        problems["learnings"] = (
            f"Learnings: write at least {LEARNINGS_MIN} characters about what you learned ({size} so far).",
            f"배운 점: 최소 {LEARNINGS_MIN}자 이상 적어 주세요(현재 {size}자).",
        )
    elif size > LEARNINGS_MAX:
        problems["learnings"] = (
            f"Learnings: keep it to {LEARNINGS_MAX:,} characters ({size:,} now).",
            f"배운 점: {LEARNINGS_MAX:,}자 이내로 적어 주세요(현재 {size:,}자).",
        )
    return problems
