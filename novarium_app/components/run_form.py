"""The run form's rules: every field parsed from what the learner typed, every error naming the field and the rule.

Pure functions, no Reflex: the Runs page calls ``check_field`` as the learner types and ``validate_run_form`` on
submit. A form that fails never produces a ``RunSettings``, so a bad value never reaches the runner.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from swarm.switches import Switches


@dataclass(frozen=True)
class NumberRule:
    """A numeric field: its label, range and kind; ``scale`` converts the shown unit (percent) to the runner's."""

    label: str
    low: float
    high: float
    whole: bool = True
    kind: str = ""
    scale: float = 1.0

    @property
    def message(self) -> str:
        """The rule, as the learner reads it."""
        kind = self.kind or ("a whole number" if self.whole else "a number")
        return f"{self.label}: must be {kind} from {_plain(self.low)} to {_plain(self.high)}"

    def parse(self, raw: str) -> float | int | None:
        """The value in the runner's unit, or None when ``raw`` breaks the rule."""
        text = raw.strip().replace(",", "").replace("_", "")
        try:
            value = float(text)
        except ValueError:
            return None
        if value != value or not self.low <= value <= self.high:  # NaN, or out of range
            return None
        if self.whole:
            return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else None
        return value * self.scale


RULES: Mapping[str, NumberRule] = {
    "agents": NumberRule("Agents", 1, 1_000_000),
    "concurrency": NumberRule("Concurrency", 1, 1_000),
    "seed": NumberRule("Seed", 0, 2_147_483_647),
    "days": NumberRule("Days", 1, 90),
    "think_time": NumberRule("Think time", 0, 10, whole=False, kind="a number of seconds"),
    "novelty": NumberRule("Novelty", 0, 5, whole=False),
    "bot_share": NumberRule("Bot share", 0, 50, whole=False, kind="a percentage", scale=0.01),
    "exposure_bug": NumberRule("Exposure bug", 0, 90, whole=False, kind="a percentage", scale=0.01),
}
EXPERIMENT_REQUIRED = "Experiment: choose a running experiment"

DEFAULTS: Mapping[str, str] = {
    "agents": "1000",
    "concurrency": "64",
    "seed": "0",
    "days": "1",
    "think_time": "0",
    "novelty": "0",
    "bot_share": "0",
    "exposure_bug": "0",
}


@dataclass(frozen=True)
class RunSettings:
    """A validated form, in the runner's units (shares as fractions, think time in seconds)."""

    experiment_key: str
    agents: int
    concurrency: int
    seed: int
    days: int
    think_time: float
    switches: Switches


@dataclass(frozen=True)
class FormCheck:
    """The outcome of validating the form: settings when valid, else one message per failing field."""

    settings: RunSettings | None
    errors: dict[str, str]


def check_field(name: str, raw: str) -> str:
    """The error for one numeric field, or "" when ``raw`` is valid."""
    rule = RULES[name]
    return "" if rule.parse(raw) is not None else rule.message


def check_experiment(key: str, running: Collection[str]) -> str:
    """The error for the experiment choice, or "" when ``key`` names a running experiment."""
    if not key:
        return EXPERIMENT_REQUIRED
    if key not in running:
        return f"Experiment: {key!r} is not running; start it first"
    return ""


def validate_run_form(form: Mapping[str, str], seasonality: bool, running: Collection[str]) -> FormCheck:
    """Check every field at once.

    Args:
        form: the raw text of ``experiment_key`` and of each field in ``RULES``.
        seasonality: the day-of-week seasonality switch.
        running: the keys of the experiments that are running now.

    Returns:
        A ``FormCheck``: its ``settings`` are None whenever any field failed.
    """
    errors: dict[str, str] = {}
    if problem := check_experiment(form.get("experiment_key", ""), running):
        errors["experiment_key"] = problem
    values: dict[str, float | int] = {}
    for name, rule in RULES.items():
        value = rule.parse(str(form.get(name, "")))
        if value is None:
            errors[name] = rule.message
        else:
            values[name] = value
    if errors:
        return FormCheck(None, errors)
    switches = Switches(
        novelty=float(values["novelty"]),
        seasonality=seasonality,
        bot_share=float(values["bot_share"]),
        exposure_bug=float(values["exposure_bug"]),
    )
    settings = RunSettings(
        experiment_key=form["experiment_key"],
        agents=int(values["agents"]),
        concurrency=int(values["concurrency"]),
        seed=int(values["seed"]),
        days=int(values["days"]),
        think_time=float(values["think_time"]),
        switches=switches,
    )
    return FormCheck(settings, {})


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"
