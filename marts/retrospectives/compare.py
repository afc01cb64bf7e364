"""Two retrospectives side by side, one row per aspect."""

from typing import Any

from marts.retrospectives.formatting import code_word, verdict_text, verdict_word
from marts.retrospectives.record import DASH, OUTCOME_WORDS, Retrospective
from marts.retrospectives.view import RetroView, retro_view

COMPARE_ROWS = (
    ("experiment", "Experiment"),
    ("hypothesis", "Hypothesis"),
    ("saved", "Saved"),
    ("primary_metric", "Primary metric"),
    ("variants", "Variants"),
    ("decision", "Decision"),
    ("recommendation", "Ship rule recommended"),
    ("outcome", "Outcome"),
    ("primary_lift", "Primary metric lift"),
    ("primary_ci", "Lift interval"),
    ("p_value", "Adjusted p-value"),
    ("srm", "Sample ratio"),
    ("guardrails", "Guardrails"),
    ("true_effect", "True effect"),
    ("decision_correct", "Decision right?"),
    ("learnings", "Learnings"),
)
"""(key, English label) of each row, in order."""
CORRECT_WORDS = {"right": "Right", "wrong": "Wrong", "": "Not judged"}


def summary(retro: Retrospective, language: str = "en") -> dict[str, str]:
    """Display strings for each of ``COMPARE_ROWS``' keys."""
    return {key: text for key, (text, _) in _cells(retro_view(retro, language), language).items()}


def compare(a: Retrospective, b: Retrospective, language: str = "en") -> dict[str, Any]:
    """``{"a": {...}, "b": {...}, "rows": [{key, label, a, b, a_code, b_code, same}]}``.

    ``a`` and ``b`` are display strings in ``language`` (metric names, guardrail verdicts); ``a_code`` and
    ``b_code`` hold the code of an enumerated row (``ship``, ``win``, ``right``, ...) so that a reader can word it
    in its own language, and "" otherwise.
    """
    left, right = _cells(retro_view(a, language), language), _cells(retro_view(b, language), language)
    rows = [
        {
            "key": key,
            "label": label,
            "a": left[key][0],
            "b": right[key][0],
            "a_code": left[key][1] or "",
            "b_code": right[key][1] or "",
            "same": left[key][0] == right[key][0],
        }
        for key, label in COMPARE_ROWS
    ]
    return {"a": _side(a), "b": _side(b), "rows": rows}


def _cells(view: RetroView, language: str = "en") -> dict[str, tuple[str, str | None]]:
    """key -> (text, code or None)."""
    korean = language == "ko"
    verdicts = [verdict_text(g.verdict, language) for g in view.guardrails]
    if korean:
        guardrails = ", ".join(f"{word} {verdicts.count(word)}개" for word in dict.fromkeys(verdicts))
    else:
        guardrails = ", ".join(f"{verdicts.count(word)} {word.lower()}" for word in dict.fromkeys(verdicts))
    control = view.control or "control"
    pair = f"{control} 대비 {view.lift_variant}" if korean else f"{view.lift_variant} vs {control}"
    lift = f"{view.lift} ({pair})" if view.lift_variant else DASH
    return {
        "experiment": (f"{view.name} ({view.experiment_key})", None),
        "hypothesis": (view.hypothesis or DASH, None),
        "saved": (view.saved[:10], None),
        "primary_metric": (view.primary_label or DASH, None),
        "variants": (" · ".join(f"{v.name} {v.weight}" for v in view.variants) or DASH, None),
        "decision": (verdict_word(view.decision), view.decision),
        "recommendation": (verdict_word(view.recommendation), view.recommendation),
        "outcome": (code_word(OUTCOME_WORDS, view.outcome), view.outcome),
        "primary_lift": (lift, None),
        "primary_ci": (view.lift_ci, None),
        "p_value": (view.lift_p, None),
        "srm": (view.srm_status or DASH, view.srm_status),
        "guardrails": (guardrails or DASH, None),
        "true_effect": (view.true_lift or DASH, None),
        "decision_correct": (CORRECT_WORDS.get(view.correct, "Not judged"), view.correct),
        "learnings": (view.learnings.strip() or DASH, None),
    }


def _side(retro: Retrospective) -> dict[str, str]:
    return {"retrospective_id": retro.retrospective_id, "experiment_key": retro.experiment_key, "name": retro.name}
