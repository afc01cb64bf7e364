"""The Learn page's forms: typed values parsed into lesson settings, every error naming the field in both languages."""

import pytest

from novarium_app.components.learn_form import (
    AA_DEFAULTS,
    AA_FIELDS,
    PEEKING_DEFAULTS,
    PEEKING_FIELDS,
    update_errors,
    validate_aa,
    validate_peeking,
)
from swarm.lessons import AASettings, PeekingSettings


def _aa(**changes: str) -> dict[str, str]:
    return {**AA_DEFAULTS, "metric": "conversion", "alpha": "0.05", **changes}


def _peeking(**changes: str) -> dict[str, str]:
    return {**PEEKING_DEFAULTS, "metric": "revenue", "alpha": "0.1", **changes}


def test_the_defaults_make_valid_settings():
    assert validate_aa(_aa()).settings == AASettings(experiments=1000, users=2000, seed=7)
    check = validate_peeking(_peeking(experiments="1,500"))
    assert check.errors == {}
    assert check.settings == PeekingSettings(
        experiments=1500, users=4000, looks=10, metric="revenue", alpha=0.1, seed=7
    )


@pytest.mark.parametrize(
    ("field", "raw", "english", "korean"),
    [
        ("experiments", "99", "Experiments: must be a whole number from 100 to 5,000", "실험 수: 100에서 5,000 사이의"),
        ("experiments", "", "Experiments: must be a whole number from 100 to 5,000", "실험 수"),
        ("users", "2.5", "Users per experiment: must be a whole number from 100 to 20,000", "실험당 사용자 수"),
        ("users", "-5", "Users per experiment: must be a whole number from 100 to 20,000", "정수여야 합니다"),
        ("seed", "abc", "Seed: must be a whole number from 0 to 2,147,483,647", "시드"),
    ],
)
def test_a_bad_typed_value_names_the_field_and_the_rule(field, raw, english, korean):
    check = validate_aa(_aa(**{field: raw}))
    assert check.settings is None
    assert list(check.errors) == [field]
    assert check.errors[field][0] == english
    assert korean in check.errors[field][1]


def test_looks_and_choices_are_checked_too():
    check = validate_peeking(_peeking(looks="31", metric="clicks", alpha="0.2"))
    assert check.settings is None
    assert check.errors["looks"][0] == "Daily looks: must be a whole number from 2 to 30"
    assert check.errors["metric"][0] == "Metric: choose conversion or revenue per visitor"
    assert check.errors["alpha"][0] == "Alpha: choose 1%, 5% or 10%"


def test_too_much_work_is_refused_on_the_users_field():
    check = validate_aa(_aa(experiments="5000", users="20000"))
    assert check.settings is None
    assert (
        check.errors["users"][0] == "Users per experiment: experiments × users must be at most 25,000,000; lower either"
    )
    assert "25,000,000 이하" in check.errors["users"][1]


def test_errors_update_as_the_learner_types():
    form = _aa(experiments="50")
    errors = update_errors(AA_FIELDS, form, "experiments", {})
    assert list(errors) == ["experiments"]
    form["experiments"] = "5000"
    form["users"] = "20000"
    errors = update_errors(AA_FIELDS, form, "experiments", errors)
    assert list(errors) == ["users"]  # experiments is fine now; together with users it is too much work
    form["users"] = "1000"
    assert update_errors(AA_FIELDS, form, "users", errors) == {}
    form["users"] = "x"
    errors = update_errors(AA_FIELDS, form, "users", {})
    assert errors["users"][0].startswith("Users per experiment: must be a whole number")
    assert update_errors(PEEKING_FIELDS, _peeking(looks="1"), "looks", {})["looks"][1].startswith("일별 확인 횟수")
