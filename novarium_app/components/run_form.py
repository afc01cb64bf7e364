"""The run form's rules: every field parsed from what the learner typed, every error naming the field and the rule.

Pure functions, no Reflex: the Runs page calls ``field_error`` as the learner types and ``validate_run_form`` on
submit. A form that fails never produces a ``RunSettings``, so a bad value never reaches the runner. Every message
comes as an (English, Korean) pair.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from swarm.switches import Switches

Text = tuple[str, str]
"""(English, Korean)."""
NO_ERROR: Text = ("", "")
KINDS_KO = {"a whole number": "정수여야", "a number": "숫자여야", "a number of seconds": "초 단위 숫자여야"}


@dataclass(frozen=True)
class NumberRule:
    """A numeric field: its label, range and kind; ``scale`` converts the shown unit (percent) to the runner's.

    ``label_ko`` is the Korean label and ``kind_ko`` the Korean kind with its copula (e.g. "백분율이어야").
    """

    label: str
    low: float
    high: float
    whole: bool = True
    kind: str = ""
    scale: float = 1.0
    label_ko: str = ""
    kind_ko: str = ""

    @property
    def message(self) -> str:
        """The rule, as the learner reads it."""
        kind = self.kind or ("a whole number" if self.whole else "a number")
        return f"{self.label}: must be {kind} from {_plain(self.low)} to {_plain(self.high)}"

    @property
    def message_ko(self) -> str:
        """The rule in Korean."""
        kind = self.kind_ko or KINDS_KO[self.kind or ("a whole number" if self.whole else "a number")]
        return f"{self.label_ko or self.label}: {_plain(self.low)}부터 {_plain(self.high)}까지의 {kind} 합니다"

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


PERCENT_KO = "백분율이어야"
RULES: Mapping[str, NumberRule] = {
    "agents": NumberRule("Agents", 1, 1_000_000, label_ko="에이전트"),
    "concurrency": NumberRule("Concurrency", 1, 1_000, label_ko="동시 실행 수"),
    "seed": NumberRule("Seed", 0, 2_147_483_647, label_ko="시드"),
    "days": NumberRule("Days", 1, 90, label_ko="기간(일)"),
    "think_time": NumberRule("Think time", 0, 10, whole=False, kind="a number of seconds", label_ko="생각 시간"),
    "novelty": NumberRule("Novelty", 0, 5, whole=False, label_ko="신기 효과"),
    "bot_share": NumberRule(
        "Bot share", 0, 50, whole=False, kind="a percentage", scale=0.01, label_ko="봇 비율", kind_ko=PERCENT_KO
    ),
    "exposure_bug": NumberRule(
        "Exposure bug", 0, 90, whole=False, kind="a percentage", scale=0.01, label_ko="노출 버그", kind_ko=PERCENT_KO
    ),
}
EXPERIMENT_REQUIRED = "Experiment: choose a running experiment"
EXPERIMENT_REQUIRED_KO = "실험: 진행 중인 실험을 고르세요"

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
    """The outcome of validating the form: settings when valid, else one message per failing field.

    ``errors`` holds the English messages and ``errors_ko`` the Korean ones, under the same field names.
    """

    settings: RunSettings | None
    errors: dict[str, str]
    errors_ko: dict[str, str] = field(default_factory=dict)


def field_error(name: str, raw: str) -> Text:
    """The error for one numeric field in both languages, or ``NO_ERROR`` when ``raw`` is valid."""
    rule = RULES[name]
    return NO_ERROR if rule.parse(raw) is not None else (rule.message, rule.message_ko)


def experiment_error(key: str, running: Collection[str]) -> Text:
    """The error for the experiment choice in both languages, or ``NO_ERROR`` when ``key`` names a running one."""
    if not key:
        return EXPERIMENT_REQUIRED, EXPERIMENT_REQUIRED_KO
    if key not in running:
        return (
            f"Experiment: {key!r} is not running; start it first",
            f"실험: {key!r}은(는) 진행 중이 아닙니다. 먼저 시작하세요",
        )
    return NO_ERROR


def check_field(name: str, raw: str) -> str:
    """The English error for one numeric field, or "" when ``raw`` is valid."""
    return field_error(name, raw)[0]


def check_experiment(key: str, running: Collection[str]) -> str:
    """The English error for the experiment choice, or "" when ``key`` names a running experiment."""
    return experiment_error(key, running)[0]


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
    errors_ko: dict[str, str] = {}
    problem = experiment_error(form.get("experiment_key", ""), running)
    if problem != NO_ERROR:
        errors["experiment_key"], errors_ko["experiment_key"] = problem
    values: dict[str, float | int] = {}
    for name, rule in RULES.items():
        value = rule.parse(str(form.get(name, "")))
        if value is None:
            errors[name], errors_ko[name] = rule.message, rule.message_ko
        else:
            values[name] = value
    if errors:
        return FormCheck(None, errors, errors_ko)
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
    return FormCheck(settings, {}, {})


def _plain(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"
