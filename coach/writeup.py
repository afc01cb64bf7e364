"""The rubric write-up of a retrospective: the facts, read once from the snapshot, and a Markdown write-up of them.

``writeup_facts`` copies every number the write-up may state out of the stored snapshot, with the derived forms the
text shows (``rel_lift`` 0.0532 and ``rel_lift_pct`` 5.32), so the grounding check (``coach.grounding``) can verify
any write-up, this one or the LLM coach's, against it. ``rubric_writeup`` states only numbers found in those facts.
Learner text (the hypothesis, the learnings) is quoted as-is inside a blockquote. The sentences the statistics engine
wrote (the ship rule's and the guardrails' reasons, a comparison's message) are stored in English; the Korean write-up
shows them through ``marts.retrospectives.korean.sentence_ko``, which keeps their numbers as written, so they stay
grounded in the stored English sentences. The verdict's explanation has its own stored Korean (``explanation_ko``).
"""

import math
from collections.abc import Callable
from typing import Any

from coach.findings import Text, josa, metric_name, pick
from coach.hypothesis import hypothesis_input
from marts.metrics import METRICS
from marts.retrospectives.korean import metric_label_ko, sentence_ko
from marts.retrospectives.record import (
    Retrospective,
    as_dict,
    as_dicts,
    headline,
    metric_kind,
    metric_label,
    number,
    pair,
    true_effects,
)
from marts.stats.readout import analysis_of
from marts.vocabulary import (
    CORRECTION_NAMES,
    GUARDRAIL_VERDICT_NAMES,
    SRM_STATUS_NAMES,
    VERDICT_NAMES,
    format_p,
    p_phrase,
)

DASH = "—"
LESSON_LIMIT = 3
ROLE_WORDS = {
    "primary": ("primary", "1차"),
    "goal": ("goal", "목표"),
    "secondary": ("secondary", "보조"),
    "guardrail": ("guardrail", "가드레일"),
}


# ----- facts --------------------------------------------------------------------------------------------------------


def _x100(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 6)


def _pct_pair(values: tuple[float | None, float | None]) -> list[float | None]:
    return [_x100(values[0]), _x100(values[1])]


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value if isinstance(item, str | int | float)] if isinstance(value, list) else []


def _comparison_facts(item: dict[str, Any], binary: bool, alpha: float) -> dict[str, Any]:
    abs_lift, rel_lift = number(item.get("abs_lift")), number(item.get("rel_lift"))
    abs_ci, rel_ci = pair(item.get("abs_ci")), pair(item.get("rel_ci"))
    p_value, adjusted = number(item.get("p_value")), number(item.get("p_value_adjusted"))
    chance = number(item.get("chance_to_beat"))
    deciding = adjusted if adjusted is not None else p_value
    facts = {
        "variant": str(item.get("variant") or ""),
        "vs": str(item.get("vs") or ""),
        "abs_lift": abs_lift,
        "abs_ci": list(abs_ci),
        "rel_lift": rel_lift,
        "rel_lift_pct": _x100(rel_lift),
        "rel_ci": list(rel_ci),
        "rel_ci_pct": _pct_pair(rel_ci),
        "p_value": p_value,
        "p_value_adjusted": adjusted,
        "chance_to_beat": chance,
        "chance_to_beat_pct": _x100(chance),
        "significant": None if deciding is None else deciding < alpha,
        "error": str(item["error"]) if item.get("error") else None,
        "message": str(item.get("message") or ""),
    }
    if binary:
        facts["abs_lift_pp"] = _x100(abs_lift)
        facts["abs_ci_pp"] = _pct_pair(abs_ci)
    return facts


def _metric_facts(metric: dict[str, Any], alpha: float) -> dict[str, Any]:
    key = str(metric.get("metric") or "")
    kind = metric_kind(metric)
    binary = kind == "binary"
    variants = []
    for row in as_dicts(metric.get("variants")):
        mean = number(row.get("mean"))
        n = number(row.get("n"))
        entry = {"variant": str(row.get("variant") or ""), "n": int(n) if n is not None else None, "mean": mean}
        if binary:
            entry["mean_pct"] = _x100(mean)
        variants.append(entry)
    return {
        "metric": key,
        "label": metric_label(metric),
        "label_ko": metric_label_ko(key, metric_label(metric)),
        "kind": kind,
        "role": str(metric.get("role") or "goal"),
        "variants": variants,
        "comparisons": [_comparison_facts(c, binary, alpha) for c in as_dicts(metric.get("comparisons"))],
    }


def _design_facts(retro: Retrospective) -> dict[str, Any]:
    h = hypothesis_input(retro.experiment)
    binary = h.primary_metric in METRICS and METRICS[h.primary_metric].kind == "binary"
    percent_mde = h.mde is not None and (h.mde_type == "relative" or binary)
    return {
        "alpha": h.alpha,
        "power": h.power,
        "power_pct": _x100(h.power),
        "mde": h.mde,
        "mde_type": h.mde_type if h.mde is not None else None,
        "mde_pct": _x100(h.mde) if percent_mde else None,
        "baseline": h.baseline,
        "baseline_pct": _x100(h.baseline) if binary else None,
        "daily_visitors": h.daily_visitors,
        "planned_n_per_variant": h.planned_n_per_variant,
        "days": h.days,
        "analysis_plan": h.analysis_plan or None,
        "stored": {k: v for k, v in as_dict(retro.experiment.get("design")).items() if _scalar(v)},
    }


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | bool) or (isinstance(value, int | float) and math.isfinite(value))


def _experiment_facts(retro: Retrospective) -> dict[str, Any]:
    experiment = retro.experiment
    primary = retro.primary_metric or ""
    guardrails = []
    for row in as_dicts(experiment.get("guardrails")):
        margin = number(row.get("margin"))
        relative = row.get("margin_type", "relative") != "absolute"
        guardrails.append(
            {
                "metric": str(row.get("metric") or ""),
                "label": metric_label(str(row.get("metric") or "")),
                "margin": margin,
                "margin_type": "relative" if relative else "absolute",
                "margin_pct": _x100(margin) if relative else None,
            }
        )
    variants = [
        {
            "name": str(row.get("name") or ""),
            "weight": number(row.get("weight")),
            "config": {str(k): v for k, v in as_dict(row.get("config")).items() if _scalar(v)},
        }
        for row in as_dicts(experiment.get("variants"))
    ]
    return {
        "key": retro.experiment_key,
        "name": retro.name,
        "hypothesis": retro.hypothesis,
        "primary_metric": primary or None,
        "primary_label": metric_label(primary) if primary else None,
        "secondary_metrics": _strings(experiment.get("secondary_metrics")),
        "guardrails": guardrails,
        "variants": variants,
        "allocation": number(experiment.get("allocation")),
    }


def _results_facts(retro: Retrospective) -> dict[str, Any]:
    results = retro.results
    alpha = number(results.get("alpha"))
    used_alpha = alpha if alpha is not None and 0 < alpha < 1 else 0.05
    srm = as_dict(results.get("srm"))
    observed = {str(k): int(v) for k, v in as_dict(srm.get("observed")).items() if number(v) is not None}
    return {
        "alpha": alpha,
        "ci_level_pct": _x100(1 - alpha) if alpha is not None and 0 < alpha < 1 else None,
        "correction": str(results.get("correction") or "") or None,
        "analysis": analysis_of(results),
        "control": str(results.get("control") or "") or None,
        "users": number(results.get("users")),
        "srm": {
            "status": str(srm.get("status") or "") or None,
            "p_value": number(srm.get("p_value")),
            "observed": observed,
            "message": str(srm.get("message") or ""),
        },
        "metrics": [_metric_facts(m, used_alpha) for m in as_dicts(results.get("metrics"))],
        "guardrails": [
            {
                "metric": str(g.get("metric") or ""),
                "label": metric_label(str(g.get("metric") or "")),
                "variant": str(g.get("variant") or ""),
                "verdict": str(g.get("verdict") or "") or None,
                "reasons": _strings(g.get("reasons")),
            }
            for g in as_dicts(results.get("guardrails"))
        ],
        "rule": [
            {
                "variant": str(d.get("variant") or ""),
                "verdict": str(d.get("verdict") or ""),
                "reasons": _strings(d.get("reasons")),
            }
            for d in as_dicts(results.get("decisions"))
        ],
        "warnings": _strings(results.get("warnings")),
    }


def _decision_facts(retro: Retrospective, rule: list[dict[str, Any]]) -> dict[str, Any]:
    decision = as_dict(retro.snapshot.get("decision"))
    choice = str(decision.get("choice") or retro.decision or "")
    recommendation = retro.recommendation
    recommended = decision.get("recommended_variant")
    reasons = _strings(decision.get("reasons"))
    if not reasons:
        chosen = next((r for r in rule if r["variant"] == recommended), rule[0] if rule else None)
        reasons = chosen["reasons"] if chosen else []
    agrees = None
    if recommendation and choice in ("ship", "dont_ship"):
        agrees = (choice == "ship") == (recommendation == "ship")
    elif recommendation and choice == "keep_running":
        agrees = recommendation != "ship"
    return {
        "choice": choice or None,
        "variant": str(decision["variant"]) if decision.get("variant") else None,
        "recommendation": recommendation,
        "recommended_variant": str(recommended) if recommended else None,
        "rule_reasons": reasons,
        "agrees_with_rule": agrees,
    }


def _truth_facts(retro: Retrospective) -> dict[str, Any]:
    effects = true_effects(retro)
    shown = {
        variant: {
            metric: {
                **effect,
                "relative_pct": _x100(effect.get("relative")),
                "absolute_pp": _x100(effect.get("absolute")),
            }
            if metric in METRICS and METRICS[metric].kind == "binary"
            else {**effect, "relative_pct": _x100(effect.get("relative"))}
            for metric, effect in by_metric.items()
        }
        for variant, by_metric in effects.items()
    }
    verdict = as_dict(retro.snapshot.get("verdict"))
    covered = {
        str(metric): {str(v): flag for v, flag in as_dict(by_variant).items() if isinstance(flag, bool)}
        for metric, by_variant in as_dict(verdict.get("ci_covered")).items()
    }
    return {
        "available": bool(effects) or isinstance(retro.snapshot.get("truth"), dict),
        "effects": shown,
        "decision_correct": retro.decision_correct,
        "outcome": retro.outcome,
        "rule": str(verdict.get("rule") or ""),
        "explanation": str(verdict.get("explanation") or ""),
        "explanation_ko": str(verdict.get("explanation_ko") or ""),
        "ci_covered": {metric: flags for metric, flags in covered.items() if flags},
    }


def _headline_facts(retro: Retrospective, metrics: list[dict[str, Any]]) -> dict[str, Any] | None:
    found = headline(retro)
    if found is None:
        return None
    metric = next((m for m in metrics if m["metric"] == found.metric), None)
    comparison = None
    if metric is not None:
        comparison = next((c for c in metric["comparisons"] if c["variant"] == found.variant), None)
    ns = [row["n"] for row in (metric or {}).get("variants", []) if row["variant"] in (found.variant, found.vs)]
    achieved = min((n for n in ns if n is not None), default=None)
    return {
        "metric": found.metric,
        "variant": found.variant,
        "vs": found.vs,
        "significant": comparison["significant"] if comparison else None,
        "rel_ci_pct": comparison["rel_ci_pct"] if comparison else [None, None],
        "achieved_n_per_variant": achieved,
    }


def writeup_facts(retro: Retrospective) -> dict[str, Any]:
    """Every fact the write-up may state, copied from the stored snapshot (plain JSON values)."""
    results = _results_facts(retro)
    facts = {
        "experiment": _experiment_facts(retro),
        "design": _design_facts(retro),
        "results": results,
        "decision": _decision_facts(retro, results["rule"]),
        "truth": _truth_facts(retro),
        "headline": _headline_facts(retro, results["metrics"]),
        "learnings": retro.learnings,
    }
    facts["lessons"] = _lessons(facts)
    return facts


# ----- lessons --------------------------------------------------------------------------------------------------


def _lessons(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to three lessons the facts teach, most serious first (a "sound" one when nothing went wrong)."""
    decision, truth, results = facts["decision"], facts["truth"], facts["results"]
    found: list[dict[str, Any]] = []
    if decision["choice"] == "ship" and results["srm"]["status"] == "warning":
        found.append({"code": "srm_shipped", "srm_p_value": results["srm"]["p_value"]})
    if decision["agrees_with_rule"] is False:
        found.append(
            {"code": "against_rule", "choice": decision["choice"], "recommendation": decision["recommendation"]}
        )
    if truth["decision_correct"] is False:
        found.append({"code": "wrong_decision"})
    missed = [
        [metric, variant] for metric, flags in truth["ci_covered"].items() for variant, ok in flags.items() if not ok
    ]
    if missed:
        found.append({"code": "ci_missed", "missed": missed})
    top, planned = facts["headline"], facts["design"]["planned_n_per_variant"]
    if top and top["significant"] is False:
        achieved = top["achieved_n_per_variant"]
        if planned is None or (achieved is not None and achieved < planned):
            found.append(
                {"code": "inconclusive_low_n", "achieved_n_per_variant": achieved, "planned_n_per_variant": planned}
            )
    if not found and truth["decision_correct"] is True:
        found.append({"code": "sound"})
    return found[:LESSON_LIMIT]


# ----- formatting -------------------------------------------------------------------------------------------------


def _sig(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits, never in scientific notation: 0.01531, 0.62, 33.71."""
    if value == 0:
        return "0"
    if abs(value) >= 10 ** (digits - 1):
        return f"{value:,.0f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed_pct(value: float | None) -> str:
    return DASH if value is None else f"{value:+.2f}%"


def _signed_pp(value: float | None) -> str:
    return DASH if value is None else f"{value:+.2f} pp"


def _signed(value: float | None) -> str:
    return DASH if value is None else f"{value:+,.3f}"


def _interval(values: list[float | None], show: Callable[[float | None], str]) -> str:
    low, high = values
    if low is None and high is None:
        return DASH
    return f"[{show(low) if low is not None else '−∞'}, {show(high) if high is not None else '+∞'}]"


def _with_interval(value: str, interval: str) -> str:
    return value if interval == DASH else f"{value} {interval}"


def _count(value: float | int | None) -> str:
    return DASH if value is None else f"{int(value):,}"


def _quote(text: str) -> str:
    """Learner text as a Markdown blockquote (every line quoted, so it cannot break the document's structure)."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class _Lang:
    """Picks English or Korean."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.ko = language == "ko"

    def __call__(self, english: str, korean: str) -> str:
        return pick((english, korean), self.language)

    def engine(self, sentence: str) -> str:
        """A sentence the statistics engine wrote (stored in English), in Korean when the write-up is."""
        return sentence_ko(sentence) if self.ko else sentence

    def word(self, table: dict[str, Text], key: str | None) -> str:
        if not key:
            return DASH
        return self(*table[key]) if key in table else key

    def metric(self, key: str, fallback: str = "") -> str:
        if key in METRICS:
            return self(*metric_name(key))
        return fallback or key


# ----- the write-up -------------------------------------------------------------------------------------------


def rubric_writeup(retro: Retrospective, language: str = "en") -> str:
    """The retrospective written up as Markdown, in English (``"en"``) or Korean (``"ko"``)."""
    facts = writeup_facts(retro)
    t = _Lang(language)
    experiment = facts["experiment"]
    parts = [
        f"# {t('Write-up', '실험 정리')}: {experiment['name']}",
        _context(facts, t),
        _design(facts, t),
        _results(facts, t),
        _decision(facts, t),
        _truth(facts, t),
        _learnings(facts, t),
    ]
    return "\n\n".join(parts).rstrip() + "\n"


def _context(facts: dict[str, Any], t: _Lang) -> str:
    hypothesis = facts["experiment"]["hypothesis"]
    body = _quote(hypothesis) if hypothesis.strip() else t("_No hypothesis recorded._", "_기록된 가설이 없습니다._")
    return f"## {t('Context', '배경')}\n\n{body}"


def _design(facts: dict[str, Any], t: _Lang) -> str:
    experiment = facts["experiment"]
    lines = []
    variants = []
    for variant in experiment["variants"]:
        config = ", ".join(f"{key} = {value}" for key, value in variant["config"].items()) or t(
            "no changes", "변경 없음"
        )
        weight = t("weight", "가중치") + " " + (_sig(variant["weight"]) if variant["weight"] is not None else DASH)
        variants.append(f"{variant['name']} ({weight}; {config})")
    if variants:
        lines.append(f"- {t('Variants', '변형')}: " + "; ".join(variants))
    if experiment["primary_metric"]:
        name = t.metric(experiment["primary_metric"], experiment["primary_label"] or "")
        lines.append(f"- {t('Primary metric (OEC)', '1차 지표(OEC)')}: {name}")
    if experiment["secondary_metrics"]:
        names = ", ".join(t.metric(m) for m in experiment["secondary_metrics"])
        lines.append(f"- {t('Secondary metrics', '보조 지표')}: {names}")
    guards = []
    for guard in experiment["guardrails"]:
        if guard["margin_pct"] is not None:
            margin = t(f"no worse than {_sig(guard['margin_pct'])}%", f"{_sig(guard['margin_pct'])}% 이내 악화 허용")
        elif guard["margin"] is not None:
            margin = t(f"absolute margin {_sig(guard['margin'])}", f"절대 허용폭 {_sig(guard['margin'])}")
        else:
            margin = DASH
        guards.append(f"{t.metric(guard['metric'], guard['label'])} ({margin})")
    lines.append(f"- {t('Guardrails', '가드레일')}: " + ("; ".join(guards) or t("none", "없음")))
    plan = _plan_line(facts, t)
    if plan:
        lines.append(f"- {t('Plan', '계획')}: {plan}")
    body = "\n".join(lines) if lines else t("_No design recorded._", "_기록된 설계가 없습니다._")
    return f"## {t('Design', '설계')}\n\n{body}"


def _plan_line(facts: dict[str, Any], t: _Lang) -> str:
    design, experiment = facts["design"], facts["experiment"]
    bits = []
    if design["alpha"] is not None:
        bits.append(f"alpha {_sig(design['alpha'])}")
    if design["power"] is not None:
        bits.append(t(f"power {_sig(design['power'])}", f"검정력 {_sig(design['power'])}"))
    if design["mde_pct"] is not None:
        kind = t("relative", "상대") if design["mde_type"] == "relative" else t("absolute", "절대")
        unit = "%" if design["mde_type"] == "relative" else " pp"
        bits.append(f"MDE {_sig(design['mde_pct'])}{unit} ({kind})")
    elif design["mde"] is not None:
        bits.append(t(f"MDE {_sig(design['mde'])} (absolute)", f"MDE {_sig(design['mde'])} (절대)"))
    if design["baseline_pct"] is not None:
        bits.append(t(f"baseline {_sig(design['baseline_pct'])}%", f"기준값 {_sig(design['baseline_pct'])}%"))
    elif design["baseline"] is not None:
        bits.append(t(f"baseline {_sig(design['baseline'])}", f"기준값 {_sig(design['baseline'])}"))
    if design["planned_n_per_variant"] is not None:
        n = _count(design["planned_n_per_variant"])
        bits.append(t(f"planned n per variant {n}", f"변형당 계획 표본 {n}"))
    if design["days"] is not None:
        bits.append(t(f"{design['days']} days", f"{design['days']}일"))
    if experiment["allocation"] is not None:
        bits.append(
            t(f"allocation {_sig(experiment['allocation'])}%", f"트래픽 배정 {_sig(experiment['allocation'])}%")
        )
    if design["analysis_plan"]:
        plans = {"fixed": ("fixed (one look)", "고정(한 번 보기)"), "sequential": ("sequential", "순차")}
        bits.append(t("analysis", "분석") + " " + t.word(plans, design["analysis_plan"]))
    return ", ".join(bits)


def _results(facts: dict[str, Any], t: _Lang) -> str:
    results = facts["results"]
    lines = [f"## {t('Results', '결과')}", ""]
    if not results["metrics"] and results["srm"]["status"] is None:
        return "\n".join([*lines, t("_No results recorded._", "_기록된 결과가 없습니다._")])
    srm = results["srm"]
    if srm["status"]:
        observed = ", ".join(f"{name} {_count(n)}" for name, n in srm["observed"].items())
        p_text = f" ({p_phrase(srm['p_value'])})" if srm["p_value"] is not None else ""
        status = t.word(SRM_STATUS_NAMES, srm["status"])
        line = f"- {t('Sample ratio check (SRM)', '표본 비율 검사(SRM)')}: {status}{p_text}"
        lines.append(line + (f"; {t('observed', '관측')} {observed}" if observed else ""))
    if results["correction"]:
        correction = t.word(CORRECTION_NAMES, results["correction"])
        lines.append(f"- {t('Multiple-testing correction', '다중 검정 보정')}: {correction}")
    if results["metrics"]:
        analysis = results["analysis"]
        label = t(analysis["label"], analysis["label_ko"])
        lines.append(f"- {t('Analysis (every number below)', '분석(아래 모든 수치)')}: {label}")
    means = []
    for metric in results["metrics"]:
        binary = metric["kind"] == "binary"
        shown = [f"{row['variant']} {_mean(row, binary)} (n = {_count(row['n'])})" for row in metric["variants"]]
        if shown:
            means.append(f"  - {t.metric(metric['metric'], metric['label'])}: " + ", ".join(shown))
    if means:
        lines += [f"- {t('Means', '평균')}:", *means]
    table = _results_table(results, t)
    if table:
        lines += ["", table]
    guards = [_guard_line(g, t) for g in results["guardrails"]]
    if guards:
        lines += ["", f"{t('Guardrails', '가드레일')}:", "", *guards]
    return "\n".join(lines)


def _mean(row: dict[str, Any], binary: bool) -> str:
    if row["mean"] is None:
        return DASH
    return f"{row['mean_pct']:.2f}%" if binary else _sig(row["mean"])


def _results_table(results: dict[str, Any], t: _Lang) -> str:
    header = [
        t("Metric", "지표"),
        t("Comparison", "비교"),
        t("Absolute lift [CI]", "절대 변화 [신뢰구간]"),
        t("Relative lift [CI]", "상대 변화 [신뢰구간]"),
        "p",
        t("Adjusted p", "보정 p"),
        t("Chance to beat", "이길 확률"),
    ]
    rows = []
    for metric in results["metrics"]:
        binary = metric["kind"] == "binary"
        name = f"{t.metric(metric['metric'], metric['label'])} ({t.word(ROLE_WORDS, metric['role'])})"
        for c in metric["comparisons"]:
            versus = f"{c['variant'] or DASH} vs {c['vs'] or results['control'] or DASH}"
            if c["error"]:
                why = f": {t.engine(c['message'])}" if c["message"] else f" ({c['error']})"
                note = t("not computed", "계산 불가") + why
                rows.append([name, versus, note, DASH, DASH, DASH, DASH])
                continue
            if binary:
                absolute = _with_interval(_signed_pp(c["abs_lift_pp"]), _interval(c["abs_ci_pp"], _signed_pp))
            else:
                absolute = _with_interval(_signed(c["abs_lift"]), _interval(c["abs_ci"], _signed))
            relative = _with_interval(_signed_pct(c["rel_lift_pct"]), _interval(c["rel_ci_pct"], _signed_pct))
            chance = DASH if c["chance_to_beat_pct"] is None else f"{c['chance_to_beat_pct']:.1f}%"
            p_values = format_p(c["p_value"]), format_p(c["p_value_adjusted"])
            rows.append([name, versus, absolute, relative, *p_values, chance])
    if not rows:
        return ""
    level = results["ci_level_pct"]
    note = (
        t(f"Intervals are {_sig(level)}% confidence intervals.", f"구간은 {_sig(level)}% 신뢰구간입니다.")
        if level
        else ""
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + (f"\n\n{note}" if note else "")


def _guard_line(guard: dict[str, Any], t: _Lang) -> str:
    reasons = " ".join(t.engine(reason) for reason in guard["reasons"])
    verdict = t.word(GUARDRAIL_VERDICT_NAMES, guard["verdict"])
    return f"- {t.metric(guard['metric'], guard['label'])}, {guard['variant']}: **{verdict}**" + (
        f". {reasons}" if reasons else ""
    )


def _decision(facts: dict[str, Any], t: _Lang) -> str:
    decision = facts["decision"]
    lines = [f"## {t('Decision', '결정')}", ""]
    if decision["recommendation"]:
        which = f" ({decision['recommended_variant']})" if decision["recommended_variant"] else ""
        verdict = t.word(VERDICT_NAMES, decision["recommendation"])
        lines.append(f"- {t('The ship rule recommended', '배포 규칙의 권고')}: **{verdict}**{which}")
        lines += [f"  - {t.engine(reason)}" for reason in decision["rule_reasons"]]
    else:
        lines.append(f"- {t('The ship rule made no recommendation.', '배포 규칙의 권고가 기록되지 않았습니다.')}")
    which = f" ({decision['variant']})" if decision["variant"] else ""
    agreement = {
        True: t("In line with the rule.", "규칙의 권고와 같습니다."),
        False: t("Against the rule.", "규칙의 권고와 다릅니다."),
        None: "",
    }[decision["agrees_with_rule"]]
    chosen = f"- {t('You chose', '선택한 결정')}: **{t.word(VERDICT_NAMES, decision['choice'])}**{which}"
    lines.append(chosen + (f". {agreement}" if agreement else ""))
    return "\n".join(lines)


def _truth(facts: dict[str, Any], t: _Lang) -> str:
    truth = facts["truth"]
    lines = [f"## {t('What the ground truth showed', '실제 효과(정답)')}", ""]
    if not truth["available"]:
        lines.append(
            t(
                "The ground truth was not revealed for this decision (kept running, or no simulated run).",
                "이 결정에서는 실제 효과가 공개되지 않았습니다(계속 진행했거나 시뮬레이션 실행이 없음).",
            )
        )
        return "\n".join(lines)
    for variant, by_metric in truth["effects"].items():
        shown = []
        for metric, effect in by_metric.items():
            relative = _signed_pct(effect.get("relative_pct"))
            if effect.get("absolute_pp") is not None:
                absolute = _signed_pp(effect["absolute_pp"])
            else:
                absolute = _signed(effect.get("absolute"))
            shown.append(f"{t.metric(metric)} {relative} ({t('absolute', '절대')} {absolute})")
        lines.append(t(f"- True effects of {variant}: ", f"- {variant}의 실제 효과: ") + "; ".join(shown))
    correct = {
        True: t("The decision was **right**.", "결정은 **옳았습니다**."),
        False: t("The decision was **wrong**.", "결정은 **틀렸습니다**."),
        None: t("The decision was not judged.", "결정은 판정되지 않았습니다."),
    }[truth["decision_correct"]]
    explanation = t(truth["explanation"], truth["explanation_ko"] or truth["explanation"])
    lines.append(f"- {correct}" + (f" {explanation}" if explanation else ""))
    for metric, flags in truth["ci_covered"].items():
        for variant, ok in flags.items():
            word = (
                t("covered the true effect", "실제 효과를 포함했습니다")
                if ok
                else t("missed the true effect", "실제 효과를 벗어났습니다")
            )
            lines.append(f"- {t.metric(metric)}, {variant}: {t('the interval', '신뢰구간이')} {word}")
    return "\n".join(lines)


def _learnings(facts: dict[str, Any], t: _Lang) -> str:
    text = facts["learnings"]
    own = _quote(text) if text.strip() else t("_No learnings written yet._", "_아직 적은 배운 점이 없습니다._")
    lessons = [f"- {_lesson(lesson, facts, t)}" for lesson in facts["lessons"]]
    parts = [f"## {t('Learnings', '배운 점')}", own]
    if lessons:
        parts += [f"{t('Lessons from the rubric', '루브릭이 짚은 교훈')}:", "\n".join(lessons)]
    return "\n\n".join(parts)


def _lesson(lesson: dict[str, Any], facts: dict[str, Any], t: _Lang) -> str:
    code = lesson["code"]
    if code == "srm_shipped":
        p = f" ({p_phrase(lesson['srm_p_value'])})" if lesson["srm_p_value"] is not None else ""
        return t(
            f"The split failed the SRM check{p}, yet the variant shipped: with a broken split the results cannot "
            "be trusted. Find the cause before deciding.",
            f"트래픽 분할이 SRM 검사를 통과하지 못했는데도{p} 배포했습니다. 분할이 깨지면 결과를 믿을 수 "
            "없으니, 결정하기 전에 원인부터 찾으세요.",
        )
    if code == "against_rule":
        rule, choice = t.word(VERDICT_NAMES, lesson["recommendation"]), t.word(VERDICT_NAMES, lesson["choice"])
        return t(
            f"You chose {choice} where the ship rule said {rule}: write down why, and check it against the truth.",
            f"배포 규칙의 권고는 {josa(rule, '이었', '였')}지만 {josa(choice, '을', '를')} 선택했습니다. "
            "그 이유를 적어 두고 실제 효과와 맞춰 보세요.",
        )
    if code == "wrong_decision":
        return t(
            "The truth judged the decision wrong: compare what the interval allowed with what you concluded.",
            "실제 효과로 보면 결정이 틀렸습니다. 신뢰구간이 허용한 범위와 내린 결론을 비교해 보세요.",
        )
    if code == "ci_missed":
        missed = ", ".join(f"{t.metric(metric)} ({variant})" for metric, variant in lesson["missed"])
        return t(
            f"The interval missed the true effect for {missed}: intervals miss now and then (about alpha of the "
            "time), so one test is evidence, not proof.",
            f"{missed}의 신뢰구간이 실제 효과를 벗어났습니다. 구간은 가끔(대략 유의수준만큼) 빗나가므로, "
            "실험 한 번은 증거일 뿐 증명이 아닙니다.",
        )
    if code == "inconclusive_low_n":
        achieved, planned = lesson["achieved_n_per_variant"], lesson["planned_n_per_variant"]
        if planned is None:
            return t(
                "The result is inconclusive and the design had no power plan: nobody knew how many visitors the "
                "test needed. Plan the sample size before the run.",
                "결과가 불확실한데 설계에 검정력 계획이 없어 몇 명이 필요한지 아무도 몰랐습니다. 실행 전에 표본 "
                "크기를 계획하세요.",
            )
        return t(
            f"The result is inconclusive with {_count(achieved)} visitors per variant, below the planned "
            f"{_count(planned)}: an underpowered test cannot tell a small effect from none.",
            f"변형당 방문자가 {_count(achieved)}명으로 계획한 {_count(planned)}명에 못 미친 채 결과가 불확실합니다. "
            "검정력이 부족한 테스트는 작은 효과와 효과 없음을 구별하지 못합니다.",
        )
    return t(
        "The process held: the decision followed the evidence and the truth confirmed it.",
        "과정이 제대로 작동했습니다. 결정이 증거를 따랐고 실제 효과가 이를 확인했습니다.",
    )
