"""The power step says plainly that its warehouse baseline is from before the adopted changes, naming them."""

from datetime import datetime

from novarium_app.builder.adopted import adoption_note
from shop.adoptions import AdoptionRecord


def _adoption(key: str, rolled_back: bool = False) -> AdoptionRecord:
    return AdoptionRecord(
        adoption_id=f"adp-{key}",
        experiment_key=key,
        variant="treatment",
        config={"banner_color": "red", "discount_pct": 10},
        adopted_at=datetime(2026, 12, 1, 9),
        rolled_back_at=datetime(2026, 12, 2) if rolled_back else None,
        note="",
    )


def test_no_active_adoption_says_nothing():
    assert adoption_note([]) == {"note_en": "", "note_ko": ""}
    assert adoption_note([_adoption("old", rolled_back=True)]) == {"note_en": "", "note_ko": ""}


def test_an_adoption_is_named_and_the_baseline_said_not_to_include_it():
    note = adoption_note([_adoption("red-banner"), _adoption("gone", rolled_back=True)])
    assert note["note_en"].startswith("This baseline does not include the changes adopted")
    assert "red-banner/treatment: banner_color=red, discount_pct=10, 2026-12-01" in note["note_en"]
    assert "gone" not in note["note_en"] and "red-banner/treatment" in note["note_ko"]
