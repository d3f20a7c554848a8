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


@pytest.mark.parametrize(
    "condition,impact,category",
    [
        ("yes", "a_lot", "Disabled under the Equality Act"),
        ("yes", "a_little", "Disabled under the Equality Act"),
        ("yes", "not_at_all", "Not disabled under the Equality Act"),
        ("no", None, "Not disabled under the Equality Act"),
        ("no", "a_lot", "Not disabled under the Equality Act"),  # no condition: the follow-up does not apply
        ("yes", None, None),  # a condition, its effect not known
        ("yes", "prefer_not_to_say", None),
        ("prefer_not_to_say", "a_lot", None),
        (None, None, None),
    ],
)
def test_disability_comes_from_both_questions(condition, impact, category):
    counts, unknown = mapping.disability_counts({(condition, impact): 3})
    assert counts == ({category: 3} if category else {})
    assert unknown == (0 if category else 3)


def test_the_follow_up_is_kept_only_after_yes_to_a_condition():
    from app.members import equality

    assert equality.tidy({"disability": "yes", "disability_impact": "a_lot"})["disability_impact"] == "a_lot"
    assert equality.tidy({"disability": "no", "disability_impact": "a_lot"})["disability_impact"] is None
    assert equality.tidy({"disability": None, "disability_impact": "a_little"})["disability_impact"] is None


def test_bands_for_adults_start_at_16_and_never_mix_children_with_adults():
    adults = mapping.AgeRange(16)
    assert [b[0] for b in mapping.bands_for(adults)][:2] == ["Aged 16 to 19 years", "Aged 20 to 24 years"]
    assert [b[0] for b in mapping.bands_for(adults, coarse=True)][0] == "Aged 16 to 24 years"
    everyone = [b[:3] for b in mapping.bands_for(mapping.AgeRange(0), coarse=True)]
    assert everyone[0] == ("Aged 15 years and under", 0, 15) and everyone[1] == ("Aged 16 to 24 years", 16, 24)
    assert all(high is None or high < 16 or low >= 16 for _, low, high in everyone)


def test_ages_outside_the_range_are_left_out_and_straddling_bands_are_not_known():
    born = [date(2011, 1, 1), date(1990, 1, 1), date(1998, 1, 1)]  # 15 and 36 (outside), 28
    people = [(None, "under_16"), (None, "16_24"), (None, "25_34"), *((b, None) for b in born)]
    counts, unknown = mapping.age_counts_in(people, ON, mapping.AgeRange(20, 29), coarse=True)
    assert counts == {"Aged 25 to 29 years": 1}
    assert unknown == 2  # 16 to 24 and 25 to 34 each straddle an edge of 20 to 29


def test_the_age_baseline_cuts_the_15_to_19_band_with_the_count_of_adults():
    population = {label: 100 for label, *_ in mapping.AGE_BANDS}  # 1,800 residents
    adults = 1800 - 300 - 20  # 300 under 15, 20 aged 15
    aligned = mapping.age_baseline([(population, adults)], mapping.AgeRange(16), coarse=False)
    assert aligned["Aged 16 to 19 years"] == 80
    assert sum(aligned.values()) == adults
    assert "Aged 15 to 19 years" not in aligned and "Aged 10 to 14 years" not in aligned
    assert mapping.age_baseline([(population, None)], mapping.AgeRange(16), coarse=False) is None
    whole = mapping.age_baseline([(population, None)], mapping.AgeRange(0), coarse=False)
    assert whole["Aged 15 to 19 years"] == 100  # no cut needed for everyone


@pytest.mark.parametrize(
    "low,high,field",
    [(18, None, "min_age"), (16, 25, "max_age"), (11, 25, "min_age"), (40, 19, "max_age")],
)
def test_ranges_the_bands_cannot_give_are_named(low, high, field):
    assert field in mapping.range_problems(low, high)


@pytest.mark.parametrize("low,high", [(16, None), (0, None), (16, 24), (0, 15), (15, 15), (50, 64), (85, None)])
def test_ranges_on_band_edges_are_fine(low, high):
    assert mapping.range_problems(low, high) == {}
