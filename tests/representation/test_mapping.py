from datetime import date

import pytest

from app.representation import mapping

ON = date(2026, 3, 21)


@pytest.mark.parametrize(
    "born,band",
    [
        (date(2006, 3, 21), "Aged 20 to 24 years"),  # 20th birthday on the audit date
        (date(2006, 3, 22), "Aged 15 to 19 years"),  # 20 tomorrow
        (date(2001, 3, 22), "Aged 20 to 24 years"),  # 25 tomorrow
        (date(2001, 3, 21), "Aged 25 to 29 years"),
        (date(1941, 3, 21), "Aged 85 years and over"),
        (date(1941, 3, 22), "Aged 80 to 84 years"),
        (date(2026, 3, 21), "Aged 4 years and under"),
    ],
)
def test_age_band_at_the_audit_date(born, band):
    counts, unknown = mapping.age_counts([(born, None)], ON, coarse=False)
    assert counts == {band: 1}
    assert unknown == 0


def test_leap_day_birthday():
    counts, _ = mapping.age_counts([(date(2004, 2, 29), None)], date(2029, 2, 28), coarse=False)
    assert counts == {"Aged 20 to 24 years": 1}  # 25th birthday is 1 March in a common year
    counts, _ = mapping.age_counts([(date(2004, 2, 29), None)], date(2029, 3, 1), coarse=False)
    assert counts == {"Aged 25 to 29 years": 1}


def test_coarse_bands_are_unions_of_both_sets_of_bands():
    labels = [label for label, *_ in mapping.coarse_bands()]
    assert labels == [
        "Aged 24 years and under",
        "Aged 25 to 34 years",
        "Aged 35 to 44 years",
        "Aged 45 to 54 years",
        "Aged 55 to 64 years",
        "Aged 65 to 74 years",
        "Aged 75 years and over",
    ]
    first = mapping.coarse_bands()[0]
    assert first[3][0] == "Aged 4 years and under" and first[3][-1] == "Aged 20 to 24 years"


def test_self_reported_bands_and_dates_of_birth_together_use_coarse_bands():
    people = [(None, "16_24"), (None, "under_16"), (None, "75_plus"), (date(2001, 3, 22), None), (None, None)]
    counts, unknown = mapping.age_counts(people, ON, coarse=True)
    assert counts == {"Aged 24 years and under": 3, "Aged 75 years and over": 1}
    assert unknown == 1


def test_coarsened_baseline_adds_census_bands():
    population = {label: 10 for label, *_ in mapping.AGE_BANDS}
    coarse = mapping.coarsen_baseline(population)
    assert coarse["Aged 24 years and under"] == 50
    assert coarse["Aged 75 years and over"] == 30
    assert sum(coarse.values()) == 180


def test_equality_answers_map_to_census_categories_and_declines_are_coverage():
    counts, unknown = mapping.answer_counts("ethnic_group", {"asian": 4, "white": 10, "prefer_not_to_say": 3, None: 2})
    assert counts == {"Asian, Asian British or Asian Welsh": 4, "White": 10}
    assert unknown == 5
