"""The Learn page's two simulation forms: what the learner typed, parsed and checked, errors in both languages.

Pure functions, no Reflex. The ranges come from the lessons themselves (``swarm.lessons``), so the form and the
simulation can never disagree. An error names the field and the rule, in English and in Korean.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from swarm.lessons import aa, peeking
from swarm.lessons.common import ALPHAS, MAX_SEED, MAX_USER_DRAWS, METRICS

Text = tuple[str, str]


@dataclass(frozen=True)
class Whole:
    """A whole-number field: its label in both languages and its range."""

    label: Text
    low: int
    high: int

    @property
    def message(self) -> Text:
        """The rule, as the learner reads it."""
        return (
            f"{self.label[0]}: must be a whole number from {self.low:,} to {self.high:,}",
            f"{self.label[1]}: {self.low:,}에서 {self.high:,} 사이의 정수여야 합니다",
        )

    def parse(self, raw: str) -> int | None:
        """The number, or None when ``raw`` breaks the rule (thousands separators are fine)."""
        text = raw.strip().replace(",", "").replace("_", "")
        if not text.isdigit():
            return None
        value = int(text)
        return value if self.low <= value <= self.high else None


SEED = Whole(("Seed", "시드"), 0, MAX_SEED)
AA_FIELDS: Mapping[str, Whole] = {
    "experiments": Whole(("Experiments", "실험 수"), *aa.EXPERIMENTS),
    "users": Whole(("Users per experiment", "실험당 사용자 수"), *aa.USERS),
    "seed": SEED,
}
PEEKING_FIELDS: Mapping[str, Whole] = {
    "experiments": Whole(("Experiments", "실험 수"), *peeking.EXPERIMENTS),
    "users": Whole(("Users per experiment", "실험당 사용자 수"), *peeking.USERS),
    "looks": Whole(("Daily looks", "일별 확인 횟수"), *peeking.LOOKS),
    "seed": SEED,
}
AA_DEFAULTS: Mapping[str, str] = {"experiments": "1000", "users": "2000", "seed": "7"}
PEEKING_DEFAULTS: Mapping[str, str] = {"experiments": "500", "users": "4000", "looks": "10", "seed": "7"}
ALPHA_CHOICES = tuple(f"{alpha:g}" for alpha in ALPHAS)


@dataclass(frozen=True)
class FormCheck:
    """The settings when the form is valid (else None) and every error, per field, as (English, Korean)."""

    settings: aa.AASettings | peeking.PeekingSettings | None
    errors: dict[str, Text]


def check_field(fields: Mapping[str, Whole], name: str, raw: str) -> Text | None:
    """The error of one field as typed, or None when it is fine (unknown fields have no rule)."""
    rule = fields.get(name)
    if rule is None or rule.parse(raw) is not None:
        return None
    return rule.message


def update_errors(
    fields: Mapping[str, Whole], form: Mapping[str, str], name: str, errors: Mapping[str, Text]
) -> dict[str, Text]:
    """``errors`` after the learner changed ``name``: that field re-checked, and the work limit when it applies."""
    updated = dict(errors)
    if problem := check_field(fields, name, form.get(name, "")):
        updated[name] = problem
    else:
        updated.pop(name, None)
    users = fields["users"].parse(form.get("users", ""))
    if name in ("experiments", "users") and users is not None:
        updated.pop("users", None)  # users is fine on its own: only the work limit can still fail it
        experiments = fields["experiments"].parse(form.get("experiments", ""))
        if experiments is not None and (problem := _work_error(fields, experiments, users)):
            updated["users"] = problem
    return updated


def _work_error(fields: Mapping[str, Whole], experiments: int, users: int) -> Text | None:
    if experiments * users <= MAX_USER_DRAWS:
        return None
    label = fields["users"].label
    return (
        f"{label[0]}: experiments × users must be at most {MAX_USER_DRAWS:,}; lower either",
        f"{label[1]}: 실험 수 × 사용자 수는 {MAX_USER_DRAWS:,} 이하여야 합니다. 둘 중 하나를 줄이세요",
    )


def _choices(metric: str, alpha: str) -> dict[str, Text]:
    errors = {}
    if metric not in METRICS:
        errors["metric"] = (
            "Metric: choose conversion or revenue per visitor",
            "지표: 전환율 또는 방문자당 매출을 고르세요",
        )
    if alpha not in ALPHA_CHOICES:
        errors["alpha"] = ("Alpha: choose 1%, 5% or 10%", "유의수준: 1%, 5%, 10% 중 하나를 고르세요")
    return errors


def _check(fields: Mapping[str, Whole], form: Mapping[str, str]) -> tuple[dict[str, int], dict[str, Text]]:
    values, errors = {}, _choices(form.get("metric", ""), form.get("alpha", ""))
    for name, rule in fields.items():
        value = rule.parse(form.get(name, ""))
        if value is None:
            errors[name] = rule.message
        else:
            values[name] = value
    if "experiments" in values and "users" in values and (work := _work_error(fields, **_pair(values))):
        errors["users"] = work
    return values, errors


def _pair(values: Mapping[str, int]) -> dict[str, int]:
    return {"experiments": values["experiments"], "users": values["users"]}


def validate_aa(form: Mapping[str, str]) -> FormCheck:
    """The A/A form: experiments, users, seed (typed), metric and alpha (chosen)."""
    values, errors = _check(AA_FIELDS, form)
    if errors:
        return FormCheck(None, errors)
    return FormCheck(aa.AASettings(metric=form["metric"], alpha=float(form["alpha"]), **values), {})


def validate_peeking(form: Mapping[str, str]) -> FormCheck:
    """The peeking form: experiments, users, looks, seed (typed), metric and alpha (chosen)."""
    values, errors = _check(PEEKING_FIELDS, form)
    if errors:
        return FormCheck(None, errors)
    return FormCheck(peeking.PeekingSettings(metric=form["metric"], alpha=float(form["alpha"]), **values), {})
