"""What the Learn page says about a result: the numbers in the words, both languages, and the peeking table."""

from marts.peeking import ExperimentPeeking, peeking_alpha
from novarium_app.components.learn_text import aa_story, own_lesson, peeking_rows, peeking_story, trajectory_story
from swarm.lessons import AASettings, PeekingSettings, run_aa, run_peeking
from swarm.lessons.peeking import Trajectory


def test_the_aa_story_quotes_the_run_in_both_languages():
    result = run_aa(AASettings(experiments=200, users=500, seed=2))
    english, korean = aa_story(result)
    count = f"{result.false_positives:,} of 200"
    assert count in english and "α = 5%" in english
    assert f"{result.false_positive_rate:.1%}" in english and f"{result.false_positive_rate:.1%}" in korean
    low, high = result.interval
    assert ("contains 5%" in english) == (low <= 0.05 <= high)
    assert "거짓 양성" in korean and "about 10 per bar" in english


def test_the_peeking_story_compares_naive_theory_and_always_valid():
    result = run_peeking(PeekingSettings(experiments=100, users=500, looks=5, seed=4))
    english, korean = peeking_story(result)
    assert f"{result.naive[0]:.1%}" in english
    assert f"{peeking_alpha(5):.1%}" in english and f"{peeking_alpha(5):.1%}" in korean
    assert f"stopped only {result.always_valid[0]:.1%}" in english
    assert "5일 동안" in korean


def test_the_trajectory_story_names_the_day_the_naive_p_value_dipped():
    sample = Trajectory(7, [0.3, 0.04, None, 0.2], [1.0, 0.6, 0.6, 0.55])
    english, korean = trajectory_story(sample, 0.05)
    assert "Experiment #7" in english and "0.040 on day 2" in english and "below 0.55" in english
    assert "2일째에 0.040" in korean
    calm = trajectory_story(Trajectory(1, [0.5, 0.4], [1.0, 0.9]), 0.05)[0]
    assert "neither p-value went below α" in calm and "0.90" in calm


def _row(looks: int, name: str = "Red banner") -> ExperimentPeeking:
    implied = peeking_alpha(max(looks, 1))
    return ExperimentPeeking("red-banner", name, "running", looks + 2, looks, 1, 0.05, implied)


def test_rows_and_the_lesson_from_the_learners_own_looks():
    rows = peeking_rows([_row(5), _row(0, "Quiet")])
    assert (rows[0]["looks"], rows[0]["implied"], rows[0]["tone"], rows[0]["status_ko"]) == (
        "5",
        "14.2%",
        "red",
        "진행 중",
    )
    assert rows[0]["ratio"] == "×2.8"
    assert (rows[1]["implied"], rows[1]["tone"]) == ("5.0%", "green")
    english, korean = own_lesson([_row(5), _row(0, "Quiet")])
    assert "“Red banner” 5 times" in english and "about 14.2% instead of 5%" in english
    assert "5번 확인" in korean
    calm = own_lesson([_row(0)])[0]
    assert "stays at 5%" in calm
