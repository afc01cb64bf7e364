"""What the Learn page says about a result, in plain words, in English and in Korean.

Pure functions from typed results to text pairs and table rows, so the page's state only stores strings.
"""

from marts.peeking import ExperimentPeeking, peeking_alpha
from swarm.lessons import AAResult, PeekingResult
from swarm.lessons.peeking import Trajectory

Text = tuple[str, str]


def percent(value: float) -> str:
    """0.0523 -> "5.2%"."""
    return f"{value:.1%}"


def alpha_text(alpha: float) -> str:
    """0.05 -> "5%"."""
    return f"{alpha:.0%}"


def aa_story(result: AAResult) -> Text:
    """What the A/A run shows: every significant result is false, at about the rate alpha."""
    alpha = result.settings.alpha
    rate, (low, high) = percent(result.false_positive_rate), result.interval
    span, a = f"{percent(low)}–{percent(high)}", alpha_text(alpha)
    count, tested, per_bar = f"{result.false_positives:,}", f"{result.tested:,}", f"{result.expected_per_bin:,.0f}"
    english = [
        f"Both arms were identical, so every significant result is a false positive: {count} of {tested} "
        f"experiments ({rate}) at α = {a}.",
        f"The 95% interval, {span}, contains {a}: even a perfect test cries wolf about one time in "
        f"{1 / alpha:.0f} when there is nothing to find."
        if low <= alpha <= high
        else f"The 95% interval, {span}, misses {a}. Chance does that about one run in 20, so try another seed; "
        "if it keeps happening, the test is miscalibrated for this metric at this sample size.",
        f"The p-values spread evenly between 0 and 1, about {per_bar} per bar: with no effect every p-value is "
        "equally likely, so a p-value below α on its own is luck, not evidence.",
    ]
    korean = [
        f"두 그룹이 완전히 같았으니 유의하게 나온 결과는 모두 거짓 양성입니다. α = {a}에서 실험 {tested}개 중 "
        f"{count}개({rate})가 유의했습니다.",
        f"95% 신뢰구간 {span}에 {a}가 들어 있습니다. 찾을 효과가 없어도 완벽한 검정조차 {1 / alpha:.0f}번에 "
        "한 번꼴로 헛경보를 울립니다."
        if low <= alpha <= high
        else f"95% 신뢰구간 {span}에 {a}가 들어 있지 않습니다. 20번에 한 번쯤은 우연히 이런 일이 생기니 다른 "
        "시드로 다시 돌려 보세요. 계속 그렇다면 이 지표와 표본 크기에서 검정이 제대로 보정되지 않은 것입니다.",
        f"p-값은 0과 1 사이에 고르게 퍼져 막대마다 약 {per_bar}개씩 쌓입니다. 효과가 없으면 어떤 p-값이든 "
        "똑같이 나올 수 있으니, α보다 작은 p-값 하나만으로는 증거가 아니라 운입니다.",
    ]
    if result.untested:
        english.append(f"{result.untested:,} experiments had no variation at all and could not be tested.")
        korean.append(f"실험 {result.untested:,}개는 값에 변동이 전혀 없어 검정할 수 없었습니다.")
    return " ".join(english), " ".join(korean)


def peeking_story(result: PeekingResult) -> Text:
    """What the peeking run shows: naive stopping inflates alpha, the always-valid p-value does not."""
    settings = result.settings
    looks, a = settings.looks, alpha_text(settings.alpha)
    naive, _ = result.naive
    valid, _ = result.always_valid
    fixed, _ = result.fixed_horizon
    theory = percent(peeking_alpha(looks, settings.alpha))
    ratio = f"{naive / settings.alpha:.1f}"
    english = (
        f"Looking every day for {looks} days and stopping at the first p < {a} declared a winner in "
        f"{percent(naive)} of these A/A experiments: {ratio}× the {a} you planned (theory for {looks} equally "
        f"spaced looks: {theory}). Looking once, on the last day, gave {percent(fixed)}. The always-valid p-value "
        f"stopped only {percent(valid)}: it stays at or below α however often you look. Its price is that it "
        "needs more data to detect a real effect."
    )
    korean = (
        f"{looks}일 동안 매일 확인하다가 처음으로 p < {a}가 나올 때 멈추면 A/A 실험의 {percent(naive)}에서 승자를 "
        f"선언했습니다. 계획한 {a}의 {ratio}배입니다(같은 간격으로 {looks}번 확인할 때의 이론값: {theory}). "
        f"마지막 날 한 번만 확인했다면 {percent(fixed)}였습니다. 항상 유효한 p-값으로는 {percent(valid)}만 "
        "멈췄습니다. 몇 번을 확인해도 α 이하로 유지되지만, 실제 효과를 찾아내려면 데이터가 더 필요합니다."
    )
    return english, korean


def trajectory_story(sample: Trajectory, alpha: float) -> Text:
    """What the sample experiment's two p-value paths show."""
    naive = [(day, p) for day, p in enumerate(sample.naive, start=1) if p is not None]
    valid = [p for p in sample.always_valid if p is not None]
    floor = f"{min(valid):.2f}" if valid else "1.00"
    below = [(day, p) for day, p in naive if p < alpha]
    if below:
        day, p = below[0]
        return (
            f"Experiment #{sample.experiment}: the naive p-value dipped to {p:.3f} on day {day}, below α. An analyst "
            f"who peeked would have shipped a change that does nothing. The always-valid p-value never went below "
            f"{floor}.",
            f"실험 #{sample.experiment}: 단순 p-값이 {day}일째에 {p:.3f}까지 내려가 α보다 작아졌습니다. 중간에 결과를 "
            f"확인한 분석가라면 아무 효과 없는 변경을 배포했을 것입니다. 항상 유효한 p-값은 {floor} 아래로 내려간 적이 "
            "없습니다.",
        )
    return (
        f"Experiment #{sample.experiment}: neither p-value went below α on any day; the always-valid p-value "
        f"ended at {floor}.",
        f"실험 #{sample.experiment}: 어느 날에도 두 p-값 모두 α 아래로 내려가지 않았습니다. 항상 유효한 p-값은 "
        f"{floor}로 끝났습니다.",
    )


def _tone(row: ExperimentPeeking) -> str:
    if row.inflation <= 1.0 + 1e-9:
        return "green"
    return "amber" if row.inflation < 2 else "red"


STATUS_NAMES: dict[str, Text] = {
    "running": ("running", "진행 중"),
    "stopped": ("stopped", "중지됨"),
    "completed": ("completed", "완료"),
    "draft": ("draft", "초안"),
}


def peeking_rows(report: list[ExperimentPeeking]) -> list[dict[str, str]]:
    """The report as the table shows it, one dict of strings per experiment."""
    rows = []
    for row in report:
        status = STATUS_NAMES.get(row.status, (row.status, row.status))
        rows.append(
            {
                "key": row.key,
                "name": row.name,
                "status_en": status[0],
                "status_ko": status[1],
                "status": row.status,
                "looks": f"{row.looks:,}",
                "mid_run": f"{row.mid_run_looks:,}",
                "implied": percent(row.implied_alpha),
                "ratio": f"×{row.inflation:.1f}",
                "tone": _tone(row),
            }
        )
    return rows


def own_lesson(report: list[ExperimentPeeking]) -> Text:
    """The lesson from the learner's own looks (the report holds at least one experiment)."""
    a = alpha_text(report[0].alpha) if report else "5%"
    worst = max(report, key=lambda row: row.looks, default=None)
    if worst is None or worst.looks <= 1:
        return (
            f"You opened results at most once while an experiment was running, so your false-positive rate stays "
            f"at {a}. Keep it that way: fix the sample size before you start and decide once it is reached.",
            f"실험이 진행되는 동안 결과를 많아야 한 번 열어 보셨으니 거짓 양성 비율은 {a} 그대로입니다. 앞으로도 "
            "시작 전에 표본 크기를 정하고, 그 크기에 도달했을 때 한 번만 결정하세요.",
        )
    implied, ratio = percent(worst.implied_alpha), f"{worst.inflation:.1f}"
    return (
        f"You looked at “{worst.name}” {worst.looks:,} times while it was running. Had you stopped at the first "
        f"significant look, its false-positive rate would be about {implied} instead of {a} ({ratio}×). Fix the "
        "sample size before you start and decide once, or read the always-valid p-value on the Results page: it "
        "allows peeking.",
        f"“{worst.name}” 실험을 진행 중에 {worst.looks:,}번 확인하셨습니다. 처음 유의하게 보인 순간에 멈췄다면 거짓 "
        f"양성 비율은 {a}가 아니라 약 {implied}({ratio}배)가 됩니다. 시작 전에 표본 크기를 정해 두고 한 번만 "
        "결정하거나, 결과 페이지의 항상 유효한 p-값을 보세요. 그 값은 중간 확인을 허용합니다.",
    )
