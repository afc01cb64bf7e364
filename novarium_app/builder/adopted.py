"""What the power step says about adoptions: the warehouse baseline is from before them, and does not include them.

An adoption changes the shop for everyone from then on, so an experiment's control runs in the adopted shop, while
the warehouse history the baseline comes from was recorded before. The baseline cannot include the change without
revealing its true effect (the simulator's secret), so the power step says so plainly and names the changes.
"""

from collections.abc import Sequence

from shop.adoptions import AdoptionRecord


def adoption_note(adoptions: Sequence[AdoptionRecord]) -> dict[str, str]:
    """``note_en``/``note_ko``: the sentence to show under the baseline; empty strings when nothing is adopted."""
    active = [record for record in adoptions if record.active]
    if not active:
        return {"note_en": "", "note_ko": ""}
    changes = "; ".join(_change(record) for record in active)
    return {
        "note_en": (
            f"This baseline does not include the changes adopted since the history was recorded ({changes}). "
            "Your experiment's control runs in the shop with them, so its level may differ from this baseline."
        ),
        "note_ko": (
            f"이 기준값에는 기록 이후 채택된 변경({changes})이 들어 있지 않습니다. "
            "실험의 대조군은 이 변경이 적용된 상점에서 실행되므로 기준값과 다를 수 있습니다."
        ),
    }


def _change(record: AdoptionRecord) -> str:
    knobs = ", ".join(f"{name}={value}" for name, value in sorted(record.config.items())) or "no knob"
    source = f"{record.experiment_key}/{record.variant}" if record.experiment_key else "manual"
    return f"{source}: {knobs}, {record.adopted_at:%Y-%m-%d}"
