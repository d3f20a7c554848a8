"""Recruitment targets point to places people of that group are found."""

import pytest

from app.representation.advice import default_advice as where_to_look


@pytest.mark.parametrize(
    ("band", "has", "has_not"),
    [
        ("Aged 24 years and under", "youth and student services", "older people's forums"),
        ("Aged 16 to 19 years", "colleges and sixth forms", "older people's forums"),
        ("Aged 25 to 34 years", "parent and toddler groups", "older people's forums"),
        ("Aged 50 to 54 years", "carers' groups", "youth"),
        ("Aged 85 years and over", "older people's forums", "youth"),
    ],
)
def test_an_age_band_gets_places_used_at_those_ages(band, has, has_not):
    text = where_to_look("age_band", band)
    assert has in text and has_not not in text


def test_a_band_across_two_ages_gets_the_places_of_both():
    text = where_to_look("age_band", "Aged 60 to 69 years")
    assert "local radio" in text and "older people's forums" in text


def test_other_characteristics_keep_their_channels():
    assert "faith groups" in where_to_look("religion", "Muslim")
