"""A retrospective as one readable Markdown document (in English), written from its read model."""

from typing import Any

from marts.retrospectives.formatting import verdict_text, verdict_word
from marts.retrospectives.record import DASH, OUTCOME_WORDS, Retrospective
from marts.retrospectives.view import MetricBlock, RetroView, retro_view

CORRECT_WORDS = {"right": "Right", "wrong": "Wrong"}
RESULT_HEADER = ["Variant", "Units", "Mean", "Abs. lift", "Abs. CI", "Rel. lift", "Rel. CI", "p-value", "Adj. p-value"]
RESULT_HEADER += ["Chance to beat", "Expected loss"]


def to_markdown(retro: Retrospective) -> str:
    """The whole retrospective as Markdown; a section without data says so (or is left out when optional)."""
    view = retro_view(retro)
    parts = [
        _title(view),
        "## Hypothesis\n\n" + (f"> {view.hypothesis}" if view.hypothesis else "_No hypothesis recorded._"),
        _design(view),
        _variants(view),
        _results(view),
        _guardrails(view),
        _srm(view),
        _decision(view),
        _truth(view),
        "## Learnings\n\n" + (view.learnings.strip() or "_No learnings written yet._"),
        _coach(view),
    ]
    return "\n\n".join(part for part in parts if part).rstrip() + "\n"


def _cell(value: Any) -> str:
    text = DASH if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _bullets(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"- **{label}{'' if label.endswith('?') else ':'}** {value}" for label, value in pairs if value)


def _title(view: RetroView) -> str:
    facts = [
        ("Experiment", f"`{view.experiment_key}`"),
        ("Saved", f"{view.saved} UTC"),
        ("Decision", verdict_word(view.decision)),
        ("Outcome", OUTCOME_WORDS.get(view.outcome, "Not set")),
        ("Retrospective id", f"`{view.retrospective_id}`"),
    ]
    return f"# Retrospective: {view.name}\n\n{_bullets(facts)}"


def _design(view: RetroView) -> str:
    primary = f"{view.primary_label} (`{view.primary_metric}`)" if view.primary_metric else ""
    facts = [
        ("Primary metric", primary),
        ("Secondary metrics", view.secondary),
        ("Guardrails", view.guardrail_design),
        ("Traffic in the experiment", view.allocation),
        ("Significance level (alpha)", view.alpha),
        ("Multiple-testing correction", view.correction),
        *[(fact.label, fact.value) for fact in view.facts],
    ]
    return "## Design\n\n" + (_bullets(facts) or "_No design recorded._")


def _variants(view: RetroView) -> str:
    if not view.variants:
        return ""
    rows = [[v.name, v.weight, v.config or "defaults"] for v in view.variants]
    return "## Variants\n\n" + _table(["Variant", "Weight", "Configuration"], rows)


def _results(view: RetroView) -> str:
    if not view.metrics:
        return "## Results\n\n_No results were saved with this retrospective._"
    blocks = ["## Results"]
    blocks += [f"> **Warning:** {warning}" for warning in view.warnings]
    if view.control:
        blocks.append(f"Each treatment is compared with the control, **{view.control}**.")
    blocks += [_metric(metric) for metric in view.metrics]
    return "\n\n".join(blocks)


def _metric(metric: MetricBlock) -> str:
    rows = [
        [
            f"{row.variant} (control)" if row.control and row.variant != "control" else row.variant,
            row.n,
            row.mean,
            row.abs_lift,
            row.abs_ci,
            row.rel_lift,
            row.rel_ci,
            row.p_value,
            row.p_adjusted,
            row.chance,
            row.loss,
        ]
        for row in metric.rows
    ]
    notes = "\n".join(f"- {row.variant}: {row.message}" for row in metric.rows if row.message)
    title = f"### {metric.label} (`{metric.metric}`, {metric.kind}, {metric.role})"
    return f"{title}\n\n{_table(RESULT_HEADER, rows)}" + (f"\n\n{notes}" if notes else "")


def _guardrails(view: RetroView) -> str:
    if not view.guardrails:
        return "## Guardrails\n\n_No guardrails were checked._"
    rows = [[g.metric, g.variant, verdict_text(g.verdict), g.reasons] for g in view.guardrails]
    return "## Guardrails\n\n" + _table(["Guardrail", "Variant", "Verdict", "Why"], rows)


def _srm(view: RetroView) -> str:
    if not view.srm_status and not view.srm_rows:
        return ""
    parts = [_bullets([("Status", view.srm_status or DASH), ("p-value", view.srm_p)])]
    if view.srm_rows:
        rows = [[r.variant, r.units, r.observed, r.expected] for r in view.srm_rows]
        parts.append(_table(["Variant", "Units", "Observed share", "Expected share"], rows))
    if view.srm_message:
        parts.append(view.srm_message)
    return "## Sample ratio (SRM)\n\n" + "\n\n".join(parts)


def _decision(view: RetroView) -> str:
    parts = [
        _bullets(
            [
                ("Your decision", verdict_word(view.decision)),
                ("The ship rule recommended", verdict_word(view.recommendation) if view.recommendation else ""),
            ]
        )
    ]
    if view.reasons:
        parts.append("Reasons:\n\n" + "\n".join(f"- {reason}" for reason in view.reasons))
    if view.rule:
        rows = [[d.variant, verdict_word(d.verdict), d.reasons] for d in view.rule]
        parts.append("The ship rule, per variant:\n\n" + _table(["Variant", "Verdict", "Why"], rows))
    return "## Decision\n\n" + "\n\n".join(parts)


def _truth(view: RetroView) -> str:
    if not view.truth_revealed:
        return "## The truth\n\n_The truth was not revealed for this experiment._"
    parts = [
        _bullets(
            [
                ("Was the decision right?", CORRECT_WORDS.get(view.correct, "Not judged")),
                ("Judged by", view.truth_rule),
            ]
        )
    ]
    if view.truth_explanation:
        parts.append(view.truth_explanation)
    if view.truth_rows:
        header = ["Metric", "Variant", "True rel. effect", "True abs. effect", "CI covered the truth"]
        rows = [[r.metric, r.variant, r.relative, r.absolute, r.covered] for r in view.truth_rows]
        parts.append(_table(header, rows))
    return "## The truth\n\n" + "\n\n".join(parts)


def _coach(view: RetroView) -> str:
    if not view.coach_writeup:
        return "## Coach write-up\n\n_No coach write-up yet._"
    source = f"\n\n_Written by {view.coach_source}._" if view.coach_source else ""
    return "## Coach write-up\n\n" + view.coach_writeup.strip() + source
