"""The hypothesis sentence, composed from the wizard's structured fields: change, metric, direction, size, rationale.

Writing the parts separately makes a learner state all of them; the composed sentence is what the experiment
stores. Missing parts show as placeholders in the live preview and are reported by the step's rules.
"""

from collections.abc import Mapping

from novarium_app.builder.labels import DIRECTIONS, metric_label, persona_label

Pair = tuple[str, str]
GAP = "…"


def _clean(text: str) -> str:
    return " ".join(text.split()).rstrip(" .。")


def _lower_first(text: str) -> str:
    """'Show a red banner' -> 'show a red banner' (but 'NovaEats' and 'AOV' stay as they are)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def _subject(word: str) -> str:
    """The Korean subject particle after ``word``: 이 after a final consonant, 가 after a vowel."""
    last = word[-1:] if word else ""
    if not "가" <= last <= "힣":
        return "이(가)"
    return "이" if (ord(last) - ord("가")) % 28 else "가"


def _size(expected: str) -> str:
    text = expected.strip().rstrip("%").strip()
    try:
        value = float(text)
    except ValueError:
        return GAP
    if value != value or value <= 0:
        return GAP
    return f"{value:g}%"


def compose(form: Mapping[str, str]) -> Pair:
    """The hypothesis in English and in Korean, from the form's change, metric, direction, expected and rationale.

    Example: "If we show a red banner, then Conversion will increase by about 5% for Impulsive shoppers, because
    urgency cues work on them."
    """
    change = _clean(form.get("change", "")) or GAP
    rationale = _clean(form.get("rationale", "")) or GAP
    change_en = _lower_first(change)
    metric_en, metric_ko = metric_label(form.get("metric", "")) if form.get("metric") else (GAP, GAP)
    direction_en, direction_ko = DIRECTIONS.get(form.get("direction", ""), (GAP, GAP))
    size = _size(form.get("expected", ""))
    persona_en, persona_ko = persona_label(form.get("persona", ""))
    who_en = f" for the {persona_en} persona" if persona_en else ""
    who_ko = f"{persona_ko} 고객의 " if persona_ko else ""
    verb_ko = {"증가": "늘어날", "감소": "줄어들"}.get(direction_ko, GAP)
    english = (
        f"If we {change_en}, then {_lower_first(metric_en)} will {direction_en} by about {size}{who_en}, "
        f"because {_stop(rationale)}"
    )
    korean = (
        f"{_stop(change)} 이렇게 바꾸면 {who_ko}{metric_ko}{_subject(metric_ko)} 약 {size} {verb_ko} 것이다. "
        f"근거: {_stop(rationale)}"
    )
    return english, korean


def _stop(text: str) -> str:
    """``text`` ending a sentence: a full stop, unless it is a gap (an ellipsis already ends it)."""
    return text if text == GAP else f"{text}."


def is_complete(sentence: str) -> bool:
    """Whether every part of a composed hypothesis is filled in."""
    return GAP not in sentence
