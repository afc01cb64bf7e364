"""The builder's hypothesis sentence, composed from its parts in English and Korean."""

from novarium_app.builder.hypothesis import GAP, compose, is_complete

PARTS = {
    "change": "Show a red banner with a 'selling fast' badge.",
    "metric": "conversion",
    "direction": "increase",
    "expected": "5",
    "rationale": "urgency cues make impulsive shoppers decide faster.",
    "persona": "",
}


def test_all_parts_make_one_sentence_in_each_language():
    english, korean = compose(PARTS)
    assert english == (
        "If we show a red banner with a 'selling fast' badge, then conversion will increase by about 5%, "
        "because urgency cues make impulsive shoppers decide faster."
    )
    assert korean == (
        "Show a red banner with a 'selling fast' badge. 이렇게 바꾸면 전환율이 약 5% 늘어날 것이다. "
        "근거: urgency cues make impulsive shoppers decide faster."
    )
    assert is_complete(english) and is_complete(korean)


def test_a_persona_and_a_decrease_change_the_sentence():
    english, korean = compose({**PARTS, "persona": "cautious", "direction": "decrease", "metric": "aov"})
    assert "then average order value will decrease by about 5% for the Cautious persona," in english
    assert "신중형 고객의 평균 주문 금액이 약 5% 줄어들 것이다" in korean


def test_the_korean_subject_particle_follows_the_last_syllable():
    assert "조회한 메뉴 수가 약" in compose({**PARTS, "metric": "items_viewed"})[1]  # 수: no final consonant
    assert "배너 클릭률이 약" in compose({**PARTS, "metric": "banner_ctr"})[1]  # 률: final consonant


def test_missing_parts_show_as_gaps():
    english, korean = compose({"metric": "conversion", "direction": "", "expected": "abc"})
    assert english == f"If we {GAP}, then conversion will {GAP} by about {GAP}, because {GAP}"
    assert korean.startswith(f"{GAP} 이렇게 바꾸면 전환율이 약 {GAP} {GAP} 것이다.")
    assert not is_complete(english) and not is_complete(korean)


def test_the_expected_size_reads_as_a_percentage():
    assert "by about 12.5%" in compose({**PARTS, "expected": " 12.5 % "})[0]
    assert f"by about {GAP}" in compose({**PARTS, "expected": "-3"})[0]


def test_names_keep_their_capitals():
    assert compose({**PARTS, "change": "NovaEats shows ratings"})[0].startswith("If we NovaEats shows ratings,")
