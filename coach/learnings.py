"""What a learner's experiments add up to: outcomes, typical effect sizes, decision accuracy and recurring pitfalls.

Each experiment counts once, by its newest retrospective (a "keep running" followed by a decision is one
experiment, judged by the decision). ``learnings_from`` is the pure part; ``learnings_summary`` reads the
retrospectives and the results views from a store.

Pitfalls, each counted in experiments:

* ``peeking``: results opened while a simulated run was still sending data (a results view with a run id), unless
  the design chose sequential analysis;
* ``srm_ignored``: shipped while the stored SRM status was a warning;
* ``underpowered``: fewer units per variant than the plan asked for, no power plan in the design, or a
  non-significant primary result whose relative interval is wider than the MDE (half-width above the MDE);
* ``against_rule``: shipped when the ship rule did not say ship, or did not ship when it did;
* ``ci_missed``: an interval that missed the true effect.
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coach.findings import Text, metric_name
from coach.hypothesis import hypothesis_input
from marts.peeking import count_looks
from marts.retrospectives import Retrospective, headline, list_retrospectives
from marts.retrospectives.record import as_dict, as_dicts, number
from marts.storage import Store

View = tuple[datetime, str | None]
"""One opening of an experiment's results: when, and the simulated run sending data then (None when none was)."""
DECIDED = ("ship", "dont_ship")
JUDGED_OUTCOMES = ("win", "loss", "flat")

PITFALL_TEXT: dict[str, tuple[Text, Text]] = {
    "peeking": (
        ("Peeking during the run", "실행 중 결과 엿보기"),
        (
            "Decide the analysis plan before the run: one look at the planned end, or sequential analysis if you "
            "want to watch.",
            "실행 전에 분석 계획을 정하세요: 계획한 종료 시점에 한 번만 보거나, 지켜보고 싶다면 순차 분석을 쓰세요.",
        ),
    ),
    "srm_ignored": (
        ("Shipped despite SRM", "SRM 경고에도 배포"),
        (
            "A sample ratio mismatch means assignment or logging is broken: find the cause before reading any lift.",
            "표본 비율 불일치는 배정이나 로깅이 깨졌다는 뜻입니다. 상승폭을 읽기 전에 원인부터 찾으세요.",
        ),
    ),
    "underpowered": (
        ("Underpowered tests", "검정력이 부족한 테스트"),
        (
            "Plan the sample size from the baseline and the MDE, and run until every variant reaches it.",
            "기준값과 MDE로 표본 크기를 계획하고, 모든 변형이 그 크기에 닿을 때까지 실행하세요.",
        ),
    ),
    "against_rule": (
        ("Decisions against the ship rule", "배포 규칙과 다른 결정"),
        (
            "When you overrule the ship rule, write down why before you see the truth, then check who was right.",
            "배포 규칙과 다르게 결정할 때는 정답을 보기 전에 이유를 적어 두고, 나중에 누가 옳았는지 확인하세요.",
        ),
    ),
    "ci_missed": (
        ("Intervals that missed the truth", "실제 효과를 벗어난 신뢰구간"),
        (
            "An interval misses the truth about alpha of the time: treat one test as evidence, and replicate big "
            "decisions.",
            "신뢰구간은 대략 유의수준만큼 실제 효과를 벗어납니다. 실험 한 번은 증거로만 보고, 큰 결정은 다시 "
            "검증하세요.",
        ),
    ),
}
PITFALL_CODES = tuple(PITFALL_TEXT)


@dataclass(frozen=True)
class Pitfall:
    """A recurring mistake: how many experiments show it, which ones, and what to do about it."""

    code: str
    count: int
    examples: tuple[str, ...]
    title: Text
    advice: Text


@dataclass(frozen=True)
class TypicalEffect:
    """The spread of |relative lift| on one primary metric, as fractions (0.05 = 5%)."""

    metric: str
    label: Text
    count: int
    median: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        """The interquartile range, q3 - q1."""
        return self.q3 - self.q1


@dataclass(frozen=True)
class Learnings:
    """The summary across experiments.

    Attributes:
        experiments: experiments with a retrospective.
        decided: of those, ship or don't ship (not keep running).
        win_rate: wins over decided experiments with a judged outcome (win, loss or flat); None when none.
        wins, losses, flat, inconclusive: outcomes (an experiment without an outcome counts as inconclusive).
        judged: decided experiments the truth judged.
        decision_accuracy: the share of those judged right; None when none.
        typical_effects: per primary metric, the median and quartiles of |relative lift| from stored headlines.
        pitfalls: every pitfall code, in ``PITFALL_CODES`` order (a count of 0 when not seen).
    """

    experiments: int
    decided: int
    win_rate: float | None
    wins: int
    losses: int
    flat: int
    inconclusive: int
    judged: int
    decision_accuracy: float | None
    typical_effects: tuple[TypicalEffect, ...] = ()
    pitfalls: tuple[Pitfall, ...] = field(default_factory=tuple)

    def pitfall(self, code: str) -> Pitfall | None:
        """The pitfall with ``code``, or None."""
        return next((p for p in self.pitfalls if p.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (both languages), for the CLI and the LLM coach."""
        return {
            "experiments": self.experiments,
            "decided": self.decided,
            "win_rate": self.win_rate,
            "wins": self.wins,
            "losses": self.losses,
            "flat": self.flat,
            "inconclusive": self.inconclusive,
            "judged": self.judged,
            "decision_accuracy": self.decision_accuracy,
            "typical_effects": [
                {"metric": e.metric, "count": e.count, "median": e.median, "q1": e.q1, "q3": e.q3, "iqr": e.iqr}
                for e in self.typical_effects
            ],
            "pitfalls": [
                {
                    "code": p.code,
                    "count": p.count,
                    "examples": list(p.examples),
                    "title": {"en": p.title[0], "ko": p.title[1]},
                    "advice": {"en": p.advice[0], "ko": p.advice[1]},
                }
                for p in self.pitfalls
            ],
        }


def _latest(retros: Sequence[Retrospective]) -> list[Retrospective]:
    """The newest retrospective of each experiment, ordered by experiment key."""
    newest: dict[str, Retrospective] = {}
    for retro in retros:
        known = newest.get(retro.experiment_key)
        if known is None or (retro.created_at, retro.retrospective_id) > (known.created_at, known.retrospective_id):
            newest[retro.experiment_key] = retro
    return [newest[key] for key in sorted(newest)]


def _choice(retro: Retrospective) -> str:
    return str(as_dict(retro.snapshot.get("decision")).get("choice") or retro.decision)


# ----- pitfalls -------------------------------------------------------------------------------------------------


def _peeked(retro: Retrospective, views: Mapping[str, Sequence[View]]) -> bool:
    if hypothesis_input(retro.experiment).analysis_plan == "sequential":
        return False
    during_run = [moment for moment, run_id in views.get(retro.experiment_key, ()) if run_id is not None]
    return count_looks(during_run) > 0


def _srm_ignored(retro: Retrospective) -> bool:
    return _choice(retro) == "ship" and as_dict(retro.results.get("srm")).get("status") == "warning"


def _underpowered(retro: Retrospective) -> bool:
    plan = hypothesis_input(retro.experiment)
    if plan.planned_n_per_variant is None and plan.mde is None:
        return True
    primary = retro.primary_metric
    metric = next((m for m in as_dicts(retro.results.get("metrics")) if m.get("metric") == primary), None)
    sizes = [number(row.get("n")) for row in as_dicts((metric or {}).get("variants"))]
    achieved = [n for n in sizes if n is not None]
    if plan.planned_n_per_variant is not None and achieved and min(achieved) < plan.planned_n_per_variant:
        return True
    top = headline(retro)
    if top is None or plan.mde is None or plan.mde_type != "relative" or None in top.rel_ci:
        return False
    low, high = top.rel_ci
    assert low is not None and high is not None
    return low <= 0 <= high and (high - low) / 2 > plan.mde


def _against_rule(retro: Retrospective) -> bool:
    choice, recommendation = _choice(retro), retro.recommendation
    return bool(recommendation) and choice in DECIDED and (choice == "ship") != (recommendation == "ship")


def _ci_missed(retro: Retrospective) -> bool:
    covered = as_dict(as_dict(retro.snapshot.get("verdict")).get("ci_covered"))
    return any(flag is False for by_variant in covered.values() for flag in as_dict(by_variant).values())


def _pitfalls(latest: list[Retrospective], views: Mapping[str, Sequence[View]]) -> tuple[Pitfall, ...]:
    checks = {
        "peeking": lambda r: _peeked(r, views),
        "srm_ignored": _srm_ignored,
        "underpowered": _underpowered,
        "against_rule": _against_rule,
        "ci_missed": _ci_missed,
    }
    found = []
    for code in PITFALL_CODES:
        keys = tuple(r.experiment_key for r in latest if checks[code](r))
        title, advice = PITFALL_TEXT[code]
        found.append(Pitfall(code, len(keys), keys, title, advice))
    return tuple(found)


# ----- the summary ----------------------------------------------------------------------------------------------


def _typical_effects(latest: list[Retrospective]) -> tuple[TypicalEffect, ...]:
    lifts: dict[str, list[float]] = {}
    for retro in latest:
        top = headline(retro)
        if top is not None and top.rel_lift is not None:
            lifts.setdefault(top.metric, []).append(abs(top.rel_lift))
    effects = []
    for metric in sorted(lifts):
        values = sorted(lifts[metric])
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
        effects.append(TypicalEffect(metric, metric_name(metric), len(values), median, q1, q3))
    return tuple(effects)


def learnings_from(retros: Sequence[Retrospective], views: Mapping[str, Sequence[View]] | None = None) -> Learnings:
    """The learnings across ``retros``; ``views`` maps an experiment key to its results views."""
    latest = _latest(retros)
    decided = [r for r in latest if _choice(r) in DECIDED]
    outcomes = [r.outcome for r in latest]
    wins, losses, flat = (outcomes.count(o) for o in JUDGED_OUTCOMES)
    with_outcome = [r for r in decided if r.outcome in JUDGED_OUTCOMES]
    judged = [r.decision_correct for r in decided if r.decision_correct is not None]
    return Learnings(
        experiments=len(latest),
        decided=len(decided),
        win_rate=sum(r.outcome == "win" for r in with_outcome) / len(with_outcome) if with_outcome else None,
        wins=wins,
        losses=losses,
        flat=flat,
        inconclusive=len(latest) - wins - losses - flat,
        judged=len(judged),
        decision_accuracy=sum(judged) / len(judged) if judged else None,
        typical_effects=_typical_effects(latest),
        pitfalls=_pitfalls(latest, views or {}),
    )


def results_views(store: Store) -> dict[str, list[View]]:
    """Every results view per experiment key, oldest first, with the run that was sending data then."""
    rows = store.query("SELECT experiment_key, viewed_at, run_id FROM results_views ORDER BY experiment_key, viewed_at")
    views: dict[str, list[View]] = {}
    for row in rows:
        views.setdefault(row["experiment_key"], []).append((row["viewed_at"], row["run_id"]))
    return views


def learnings_summary(store: Store) -> Learnings:
    """The learnings across every stored retrospective and results view."""
    return learnings_from(list_retrospectives(store), results_views(store))
