"""The read model of one retrospective: every part of its snapshot as display strings and codes.

The Lab renders it and ``to_markdown`` writes it, so both show the same numbers. Enumerations stay codes (``ship``,
``win``, ``non_inferior``, ``right``) so that each reader words them in its own language; numbers are formatted once,
here. Text the engine wrote (reasons, messages) is stored in English; a Korean view words it through
``korean.sentence_ko``. Missing parts of an older snapshot come out empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from marts.display import percent
from marts.metrics import METRICS
from marts.planned import planned_progress
from marts.retrospectives.formatting import fmt_abs, fmt_chance, fmt_ci, fmt_p, fmt_rel, fmt_share, fmt_value, unit_for
from marts.retrospectives.korean import DESIGN_LABELS, DESIGN_VALUES_KO, metric_label_ko, sentence_ko
from marts.retrospectives.record import (
    DASH,
    Headline,
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
from marts.vocabulary import correction_name, in_language


@dataclass
class Fact:
    """A design setting outside the named ones (from ``experiment.design``)."""

    label: str = ""
    value: str = ""


@dataclass
class VariantRow:
    """One arm: its weight and the knobs it sets (``defaults`` when none)."""

    name: str = ""
    weight: str = ""
    config: str = ""


@dataclass
class ResultRow:
    """One variant of a metric; the control row has no comparison (its lift cells are dashes)."""

    variant: str = ""
    control: bool = False
    n: str = ""
    mean: str = ""
    abs_lift: str = DASH
    abs_ci: str = DASH
    rel_lift: str = DASH
    rel_ci: str = DASH
    p_value: str = DASH
    p_adjusted: str = DASH
    chance: str = DASH
    loss: str = DASH
    tone: str = "neutral"
    message: str = ""


@dataclass
class MetricBlock:
    """A metric's results: ``kind`` is binary, continuous or ratio; ``role`` goal or guardrail."""

    metric: str = ""
    label: str = ""
    kind: str = ""
    role: str = ""
    rows: list[ResultRow] = field(default_factory=list)


@dataclass
class VerdictRow:
    """A guardrail's or the ship rule's verdict (a code) for one variant, with its reasons."""

    metric: str = ""
    variant: str = ""
    verdict: str = ""
    reasons: str = ""


@dataclass
class SrmRow:
    """A variant's units against its planned share."""

    variant: str = ""
    units: str = ""
    observed: str = ""
    expected: str = ""


@dataclass
class TruthRow:
    """A true effect and whether the interval covered it (``yes``, ``no`` or empty when unknown)."""

    metric_key: str = ""
    metric: str = ""
    variant: str = ""
    relative: str = ""
    absolute: str = ""
    covered: str = ""


@dataclass
class RetroView:
    """Everything a retrospective holds, ready to show."""

    retrospective_id: str = ""
    experiment_key: str = ""
    name: str = ""
    hypothesis: str = ""
    saved: str = ""
    decision: str = ""
    outcome: str = ""
    recommendation: str = ""
    correct: str = ""
    primary_metric: str = ""
    primary_label: str = ""
    secondary: str = ""
    guardrail_design: str = ""
    allocation: str = ""
    alpha: str = ""
    correction: str = ""
    analysis: str = ""
    control: str = ""
    warnings: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    variants: list[VariantRow] = field(default_factory=list)
    lift: str = DASH
    lift_ci: str = DASH
    lift_p: str = DASH
    """The headline comparison's p-value as the results page's lift tile shows it: adjusted for multiple testing."""
    lift_variant: str = ""
    lift_tone: str = "neutral"
    true_lift: str = ""
    metrics: list[MetricBlock] = field(default_factory=list)
    guardrails: list[VerdictRow] = field(default_factory=list)
    srm_status: str = ""
    srm_p: str = ""
    srm_message: str = ""
    srm_rows: list[SrmRow] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    rule: list[VerdictRow] = field(default_factory=list)
    truth_revealed: bool = False
    truth_rule: str = ""
    truth_explanation: str = ""
    truth_rows: list[TruthRow] = field(default_factory=list)
    learnings: str = ""
    coach_writeup: str = ""
    coach_source: str = ""


class _Words:
    """How one language words a view: metric names and the engine's sentences."""

    def __init__(self, language: str) -> None:
        self.korean = language == "ko"

    def metric(self, metric: dict[str, Any] | str) -> str:
        english = metric_label(metric)
        key = metric if isinstance(metric, str) else str(metric.get("metric") or "")
        return metric_label_ko(key, english) if self.korean else english

    def sentence(self, text: Any) -> str:
        return sentence_ko(str(text)) if self.korean else english_sentence(str(text))

    def reasons(self, item: dict[str, Any]) -> str:
        reasons = item.get("reasons")
        return " ".join(self.sentence(r) for r in reasons) if isinstance(reasons, list) else ""


_METRIC_IN = re.compile(r"^(?P<key>[a-z][a-z0-9_]*) in (?P<rest>.+)$", re.DOTALL)
"""An engine sentence about one metric in one variant ("aov in treatment: ..."), which names the metric by its key."""


def english_sentence(text: str) -> str:
    """A sentence the engine wrote, with a metric key it starts with in the catalog's words ("aov in treatment" ->
    "Average order value in treatment"), as the results page names it."""
    found = _METRIC_IN.match(text.strip())
    if found is None or found["key"] not in METRICS:
        return text
    return f"{metric_label(found['key'])} in {found['rest']}"


def retro_view(retro: Retrospective, language: str = "en") -> RetroView:
    """The read model of ``retro``, worded in ``language`` ("en" or "ko"); numbers read the same in both."""
    words = _Words(language)
    exp, results = retro.experiment, retro.results
    head = headline(retro)
    srm = as_dict(results.get("srm"))
    verdict = as_dict(retro.snapshot.get("verdict"))
    alpha = number(results.get("alpha"))
    allocation = number(exp.get("allocation"))
    truth_rows = _truth_rows(retro, words)
    true_lift = next(
        (r.relative for r in truth_rows if head and r.metric_key == head.metric and r.variant == head.variant), ""
    )
    return RetroView(
        retrospective_id=retro.retrospective_id,
        experiment_key=retro.experiment_key,
        name=retro.name,
        hypothesis=retro.hypothesis,
        saved=f"{retro.created_at:%Y-%m-%d %H:%M}",
        decision=retro.decision,
        outcome=retro.outcome or "",
        recommendation=retro.recommendation or "",
        correct={True: "right", False: "wrong"}.get(retro.decision_correct, ""),
        primary_metric=retro.primary_metric or "",
        primary_label=words.metric(retro.primary_metric) if retro.primary_metric else "",
        secondary=", ".join(words.metric(str(m)) for m in exp.get("secondary_metrics") or [] if m),
        guardrail_design=", ".join(guardrail_text(g, language) for g in exp.get("guardrails") or []),
        allocation=f"{allocation:g}%" if allocation is not None else "",
        alpha=f"{alpha:g}" if alpha is not None else "",
        correction=_correction(results.get("correction"), language),
        analysis=_analysis(results, language),
        control=str(results.get("control") or ""),
        warnings=[words.sentence(w) for w in results.get("warnings") or [] if w],
        facts=[
            *design_facts(as_dict(exp.get("design")), language, binary=_is_binary(retro.primary_metric)),
            *_planned_fact(results, as_dict(exp.get("design")), language),
        ],
        variants=_variants(exp),
        lift=fmt_rel(head.rel_lift) if head else DASH,
        lift_ci=fmt_ci(head.rel_ci) if head else DASH,
        lift_p=fmt_p(_deciding_p(head)) if head else DASH,
        lift_variant=head.variant if head else "",
        lift_tone=_tone(head.rel_ci, _higher_is_better(head.metric, {})) if head else "neutral",
        true_lift=true_lift,
        metrics=[_metric_block(metric, words) for metric in as_dicts(results.get("metrics"))],
        guardrails=[_verdict_row(g, words) for g in as_dicts(results.get("guardrails"))],
        srm_status=str(srm.get("status") or ""),
        srm_p=fmt_p(srm.get("p_value")) if srm else "",
        srm_message=words.sentence(srm.get("message") or ""),
        srm_rows=_srm_rows(srm),
        reasons=[words.sentence(r) for r in as_dict(retro.snapshot.get("decision")).get("reasons") or []],
        rule=[_verdict_row(d, words) for d in as_dicts(results.get("decisions"))],
        truth_revealed=bool(true_effects(retro) or verdict),
        truth_rule=str((words.korean and verdict.get("rule_ko")) or verdict.get("rule") or ""),
        truth_explanation=str((words.korean and verdict.get("explanation_ko")) or verdict.get("explanation") or ""),
        truth_rows=truth_rows,
        learnings=retro.learnings,
        coach_writeup=markdown_text_only(retro.coach_writeup or ""),
        coach_source=retro.coach_source or "",
    )


def guardrail_text(item: Any, language: str = "en") -> str:
    """A designed guardrail: its metric and how far it may drop."""
    words = _Words(language)
    if isinstance(item, str):
        return words.metric(item)
    item = as_dict(item)
    text = words.metric(str(item.get("metric") or ""))
    margin = number(item.get("margin"))
    relative = item.get("margin_type", "relative") == "relative" and item.get("relative", True) is not False
    if margin is not None:
        amount = percent(margin) if relative else f"{margin:g}"  # as the guardrail's verdict writes its margin
        text += f" (하락 ≤ {amount})" if words.korean else f" (≤ {amount} drop)"
    return text


def design_facts(design: dict[str, Any], language: str = "en", *, binary: bool = True) -> list[Fact]:
    """The power plan's settings, named and formatted: power and a relative MDE as percentages, a binary metric's
    baseline as a percentage and its absolute MDE in percentage points, counts with thousands separators."""
    korean = language == "ko"
    relative = design.get("mde_type", "relative") == "relative"
    facts = []
    for key, value in design.items():
        if isinstance(value, dict | list) or value is None or value == "":
            continue
        english, label_ko = DESIGN_LABELS.get(key, (key.replace("_", " ").capitalize(), key.replace("_", " ")))
        if isinstance(value, str):
            shown = DESIGN_VALUES_KO.get(value, value) if korean else value
        else:
            shown = _design_number(key, value, relative=relative, binary=binary)
        facts.append(Fact(label_ko if korean else english, shown))
    return facts


def _design_number(key: str, value: Any, *, relative: bool, binary: bool) -> str:
    found = number(value)
    if found is None:
        return str(value)
    if key == "power" or (key == "mde" and relative) or (key == "baseline" and binary):
        return f"{found * 100:.4g}%"
    if key == "mde" and binary:
        return f"{found * 100:.4g} pp"
    counts = ("planned_n_per_variant", "planned_n_total", "planned_visitors", "days", "daily_visitors")
    if key in (*counts, "baseline_window_days"):
        return f"{found:,.0f}"
    return f"{found:g}"


def _variants(exp: dict[str, Any]) -> list[VariantRow]:
    rows = []
    for variant in as_dicts(exp.get("variants")):
        config = as_dict(variant.get("config"))
        knobs = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in config.items())
        rows.append(VariantRow(str(variant.get("name") or ""), f"{number(variant.get('weight')) or 0:g}", knobs))
    return rows


def _is_binary(metric: str | None) -> bool:
    return bool(metric) and metric in METRICS and METRICS[metric].kind == "binary"


def _higher_is_better(metric: str, item: dict[str, Any]) -> bool:
    own = item.get("higher_is_better")
    if isinstance(own, bool):
        return own
    return METRICS[metric].higher_is_better if metric in METRICS else True


def _tone(interval: Any, higher_is_better: bool) -> str:
    """good or bad when the interval excludes zero, neutral otherwise."""
    low, high = pair(interval)
    if low is not None and low > 0:
        return "good" if higher_is_better else "bad"
    if high is not None and high < 0:
        return "bad" if higher_is_better else "good"
    return "neutral"


def _metric_block(metric: dict[str, Any], words: _Words) -> MetricBlock:
    kind = metric_kind(metric)
    key = str(metric.get("metric") or "")
    unit = unit_for(key, kind)
    better = _higher_is_better(key, metric)
    comparisons = {c.get("variant"): c for c in as_dicts(metric.get("comparisons"))}
    rows = []
    for summary in as_dicts(metric.get("variants")):
        name = summary.get("variant")
        n = summary.get("n")
        row = ResultRow(
            str(name or ""), n=f"{n:,}" if isinstance(n, int) else DASH, mean=fmt_value(summary.get("mean"), unit)
        )
        c = comparisons.pop(name, None)
        rows.append(_with_comparison(row, c, unit, better, words) if c else _as_control(row))
    rows += [_with_comparison(ResultRow(str(name or "")), c, unit, better, words) for name, c in comparisons.items()]
    return MetricBlock(key, words.metric(metric), kind, str(metric.get("role") or "goal"), rows)


def _as_control(row: ResultRow) -> ResultRow:
    row.control = True
    return row


def _with_comparison(row: ResultRow, c: dict[str, Any], unit: str, better: bool, words: _Words) -> ResultRow:
    row.abs_lift, row.abs_ci = fmt_abs(c.get("abs_lift"), unit), fmt_ci(c.get("abs_ci"), unit)
    row.rel_lift, row.rel_ci = fmt_rel(c.get("rel_lift")), fmt_ci(c.get("rel_ci"))
    row.p_value, row.p_adjusted = fmt_p(c.get("p_value")), fmt_p(c.get("p_value_adjusted"))
    row.chance, row.loss = fmt_chance(c.get("chance_to_beat")), fmt_share(c.get("expected_loss"), digits=2)
    row.tone = _tone(c.get("rel_ci") if pair(c.get("rel_ci")) != (None, None) else c.get("abs_ci"), better)
    row.message = words.sentence(c.get("message") or "")
    return row


def _verdict_row(item: dict[str, Any], words: _Words) -> VerdictRow:
    metric = str(item.get("metric") or "")
    return VerdictRow(
        words.metric(metric) if metric else "",
        str(item.get("variant") or ""),
        str(item.get("verdict") or ""),
        words.reasons(item),
    )


def _srm_rows(srm: dict[str, Any]) -> list[SrmRow]:
    observed, expected = as_dict(srm.get("observed")), as_dict(srm.get("expected_share"))
    total = sum(v for v in observed.values() if number(v) is not None)
    rows = []
    for name in dict.fromkeys([*observed, *expected]):
        count = number(observed.get(name))
        share = count / total if count is not None and total else None
        units = f"{count:,.0f}" if count is not None else DASH
        rows.append(SrmRow(str(name), units, fmt_share(share), fmt_share(expected.get(name))))
    return rows


def _truth_rows(retro: Retrospective, words: _Words) -> list[TruthRow]:
    effects = true_effects(retro)
    covered = as_dict(as_dict(retro.snapshot.get("verdict")).get("ci_covered"))
    analysed = [str(m.get("metric")) for m in as_dicts(retro.results.get("metrics")) if m.get("metric")]
    shown = analysed or sorted({metric for by_metric in effects.values() for metric in by_metric})
    rows = []
    for variant, by_metric in effects.items():
        for metric in (m for m in shown if m in by_metric):
            effect = by_metric[metric]
            hit = as_dict(covered.get(metric)).get(variant)
            rows.append(
                TruthRow(
                    metric,
                    words.metric(metric),
                    variant,
                    fmt_rel(effect["relative"]),
                    fmt_abs(effect["absolute"], unit_for(metric)),
                    {True: "yes", False: "no"}.get(hit, "") if isinstance(hit, bool) else "",
                )
            )
    return rows


_CODE = re.compile(
    r"(?P<fence>^ {0,3}(?P<fence_mark>`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}(?P=fence_mark)[ \t]*$|\Z))"
    r"|(?P<ticks>(?<!`)`+(?!`)).+?(?<!`)(?P=ticks)(?!`)",
    re.MULTILINE | re.DOTALL,
)
"""Fenced code blocks and inline code spans: Markdown shows what is inside them as it is, so nothing there renders."""
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
"""A ``<`` that could open raw HTML (a tag, a closing tag, a comment, a declaration or an autolink)."""


def markdown_text_only(text: str) -> str:
    """Markdown whose raw HTML shows as text: each ``<`` that could open a tag is backslash-escaped (``\\<b>``).

    It stays Markdown, not HTML: code spans and blocks are left as they are (Markdown never renders HTML there,
    and an entity written there would show as ``&lt;``), and ``<`` before a space or a digit, as in "p < 0.05", is
    already text.
    """
    out, done = [], 0
    for code in _CODE.finditer(text):
        out += [_TAG_START.sub(r"\\<", text[done : code.start()]), code.group()]
        done = code.end()
    out.append(_TAG_START.sub(r"\\<", text[done:]))
    return "".join(out)


def _deciding_p(head: Headline) -> float | None:
    """The p-value the results page's lift tile shows: the adjusted one (the raw one when none was saved)."""
    return head.p_value_adjusted if head.p_value_adjusted is not None else head.p_value


def _correction(key: Any, language: str) -> str:
    """The multiple-testing correction's name ("holm" -> "Holm"), or "" when none was saved."""
    return in_language(correction_name(key), language) if key else ""


def _analysis(results: dict[str, Any], language: str) -> str:
    """The analysis every number of the results was read in ("" when no results were saved)."""
    if not as_dicts(results.get("metrics")):
        return ""
    analysis = analysis_of(results)
    return analysis["label_ko"] if language == "ko" else analysis["label"]


def _planned_fact(results: dict[str, Any], design: dict[str, Any], language: str) -> list[Fact]:
    """The sample in at the decision against the plan, as the results page's users tile said it."""
    progress = planned_progress(results, design.get("planned_n_per_variant"))
    if progress is None:
        return []
    english, korean = progress.words()
    return [Fact("결정 시점 표본", korean)] if language == "ko" else [Fact("In at the decision", english)]
